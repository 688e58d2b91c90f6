"""Template tags of the masterplan area.

- ``{% programme_citations box %}``: the cited-programmes box of one indicator of a
  self-assessment (operator page and assessor workspace), from a ``citations.CitationBox`` that
  the page read with every other box (``citations.boxes``); it refreshes itself through htmx.
  Given an Answer instead, it reads that one box itself (a few queries).
- ``{{ amount|rupiah }}``: ``Rp 1.234.567`` (Indonesian thousands separator).
"""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import formats

from ..services import citations, dashboard

register = template.Library()


def citations_context(answer, user) -> dict:
    """What ``masterplans/_citations.html`` needs for ``answer`` as seen by ``user``."""
    return {"box": citations.box(answer.submission, answer.indicator, user)}


@register.inclusion_tag("masterplans/_citations.html", takes_context=True)
def programme_citations(context, box_or_answer) -> dict:
    if isinstance(box_or_answer, citations.CitationBox):
        return {"box": box_or_answer}
    return citations_context(box_or_answer, context["request"].user)


@register.filter
def rupiah(amount) -> str:
    if amount is None or amount == "":
        return "—"
    return f"Rp {intcomma(int(amount))}"


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when absent)."""
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def largest(rows) -> int:
    """The largest planned or realised amount of dashboard rows, to scale their bars."""
    return dashboard.largest(list(rows))


@register.filter
def number(value) -> str:
    """A KPI value without trailing zeros, with the locale's decimal comma (72,5); — for none."""
    if value is None or value == "":
        return "—"
    plain = Decimal(f"{Decimal(value).normalize():f}")
    return formats.number_format(plain)
