"""Template tags of the masterplan area.

- ``{% programme_citations answer %}``: the cited-programmes box for one answer of a
  self-assessment (operator page and assessor workspace); it refreshes itself through htmx.
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
    can_edit = citations.can_edit(answer, user)
    return {
        "answer": answer,
        "cited": list(citations.cited(answer)),
        "citable": list(citations.citable(answer)) if can_edit else [],
        "can_edit": can_edit,
        "error": "",
    }


@register.inclusion_tag("masterplans/_citations.html", takes_context=True)
def programme_citations(context, answer) -> dict:
    return citations_context(answer, context["request"].user)


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
