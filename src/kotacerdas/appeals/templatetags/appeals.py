"""``{% appeal_summary cycle %}``: the public aggregate line of a published cycle's appeals."""

from django import template

from ..services import register as appeal_register

register = template.Library()


@register.inclusion_tag("appeals/partials/public_summary.html")
def appeal_summary(cycle) -> dict:
    """Counts only (appeals filed, items accepted and rejected), after publication; nothing
    before it."""
    return {"summary": appeal_register.summary(cycle)}
