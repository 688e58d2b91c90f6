"""Template helpers of the instrument pages."""

from django import template

from ..models import EvidenceKind

register = template.Library()


@register.filter
def evidence_labels(kinds) -> list[str]:
    """The display names of evidence kinds (``["document"]`` → ``["Dokumen"]``)."""
    labels = dict(EvidenceKind.choices)
    return [str(labels.get(kind, kind)) for kind in kinds or []]
