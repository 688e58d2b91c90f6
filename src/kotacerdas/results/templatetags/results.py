"""Template helpers of the results pages and reports: signed numbers, predicate badges, links."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.utils.translation import gettext as _

from kotacerdas.core import texts
from kotacerdas.core.numbers import localised, rounded
from kotacerdas.results import choices

register = template.Library()

BADGES = ["badge-good", "badge-good", "", "badge-warn", "badge-bad"]


@register.filter
def num(value, digits: int = 2) -> str:
    """A localised number with ``digits`` decimals (3,31), rounded, or an em dash for None."""
    if value is None or value == "":
        return "—"
    return localised(value, int(digits))


@register.filter
def grouped(value, digits: int = 0) -> str:
    """A large number with thousands separators in the active locale (1.234.567 in Indonesian,
    1,234,567 in English), ``digits`` decimals, or an em dash for None."""
    if value is None or value == "":
        return "—"
    return localised(value, int(digits), grouping=True)


@register.filter
def signed(value, digits: int = 2) -> str:
    """A change with its sign (+0,25, −0,10, ±0,00), or an em dash for None."""
    if value is None or value == "":
        return "—"
    value = rounded(value, int(digits))
    text = localised(abs(value), int(digits))
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"−{text}"
    return f"±{text}"


@register.filter
def percent(value, digits: int = 0) -> str:
    """A share 0–1 as a percentage (80%), or an em dash for None."""
    if value is None or value == "":
        return "—"
    return f"{localised(100 * float(value), int(digits))}%"


@register.filter
def predicate_label(label: str) -> str:
    """A predicate in the reader's language (the ministry's five; others as the cycle named
    them)."""
    return choices.predicate_label(label)


@register.filter
def standing(value) -> str:
    """A region's figures in one version (``corrections.Standing``) as a phrase in the reader's
    language: "indeks 3,31, peringkat nasional 2, predikat Baik" (no predicate when it has none)."""
    if value is None:
        return "—"
    figures = {"index": num(value.display), "rank": value.rank}
    if not value.predicate:
        return _("indeks %(index)s, peringkat nasional %(rank)s") % figures
    return _("indeks %(index)s, peringkat nasional %(rank)s, predikat %(predicate)s") % {
        **figures,
        "predicate": choices.predicate_label(value.predicate),
    }


@register.filter
def predicate_badge(label: str, snapshot) -> str:
    """The badge class of a predicate by its position among the snapshot's bands."""
    labels = [band["label"] for band in snapshot.config.get("predicate_bands", [])]
    if label not in labels:
        return ""
    position = labels.index(label)
    # The last band is always the lowest; map positions so that it is "bad".
    if position == len(labels) - 1:
        return BADGES[-1]
    return BADGES[min(position, len(BADGES) - 2)]


@register.filter
def get(mapping, key):
    """``mapping[key]`` in a template, or None."""
    if not mapping:
        return None
    return mapping.get(key)


def _query(filters, **changes) -> str:
    params = {
        "q": filters.q,
        "province": filters.province,
        "kind": filters.kind,
        "predicate": filters.predicate,
        "size": filters.size,
        "sort": filters.sort if filters.sort != "rank" else "",
        "order": "desc" if filters.descending else "",
        **changes,
    }
    return "?" + urlencode({name: value for name, value in params.items() if value})


@register.simple_tag
def page_query(filters, number: int) -> str:
    """The query string of page ``number`` of the ranking with the current filters and sort."""
    return _query(filters, page=number if number > 1 else "")


@register.simple_tag
def sort_query(filters, key: str) -> str:
    """The query string of the ranking sorted by ``key`` with the current filters (a second click
    on the current key reverses the order)."""
    # Each sort's natural order comes first (best index, largest improvement, A–Z).
    descending = (not filters.descending) if filters.sort == key else False
    return _query(filters, sort=key, order="desc" if descending else "asc")


@register.filter
def get_display(score, snapshot) -> str:
    """A 0–100 score shown on the snapshot's display scale."""
    if score is None:
        return "—"
    return localised(float(score) * snapshot.scale / 100, 2)


@register.filter
def minus(value, other):
    """``value - other``, or None when either is missing."""
    if value is None or other is None or value == "" or other == "":
        return None
    return float(value) - float(other)


@register.filter
def in_reader_language(item, field: str) -> str:
    """``item[field]`` of a stored dict in the reader's language (``texts.in_reader_language``)."""
    return texts.in_reader_language(item, field)


@register.filter
def answer(value, kind: str) -> str:
    """An answer as a reader reads it: yes/no as "Ya"/"Tidak", a missing one as "belum
    dijawab", a whole level as "3", others with up to two decimals (2,5; 75,25)."""
    if value is None or value == "":
        return _("belum dijawab")
    if kind == "yesno":
        return _("Ya") if float(value) >= 1 else _("Tidak")
    number = float(value)
    if number == int(number):
        return localised(number, 0)
    return localised(number, 1 if round(number, 1) == round(number, 2) else 2)
