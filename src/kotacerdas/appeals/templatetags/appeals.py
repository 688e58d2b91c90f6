"""``{% appeal_summary snapshot %}``: the public aggregate line of a released cycle's appeals."""

from django import template

from ..services import register as appeal_register

register = template.Library()


@register.inclusion_tag("appeals/partials/public_summary.html")
def appeal_summary(snapshot) -> dict:
    """Counts only (appeals filed, items accepted and rejected), once the results are released;
    nothing before. ``snapshot`` is the version the page shows: one under embargo reaches only
    the admins' preview, which then sees the line it will carry at the release."""
    return {"summary": appeal_register.summary(snapshot.cycle, preview=snapshot.is_embargoed)}
