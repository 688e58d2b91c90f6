"""Template helpers of the instrument pages."""

from django import template

from kotacerdas.core import texts

from ..models import EvidenceKind

register = template.Library()


@register.filter
def evidence_labels(kinds) -> list[str]:
    """The display names of evidence kinds (``["document"]`` → ``["Dokumen"]``)."""
    labels = dict(EvidenceKind.choices)
    return [str(labels.get(kind, kind)) for kind in kinds or []]


@register.filter
def in_language(obj, field: str) -> str:
    """``obj.<field>`` in the active language: its English twin (``<field>_en``) on an English
    page when the instrument has one, otherwise the Indonesian text (``texts.in_reader_language``)."""
    return texts.in_reader_language(obj, field)
