"""The searchable catalogue of programmes across regions ("which cities run a public service
mall?"). Filters a queryset the caller has already restricted to what the reader may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from ..models import Programme, QuickWin

MAX_WORDS = 8


@dataclass(frozen=True)
class CatalogueQuery:
    """What a reader asked for; empty strings mean "any"."""

    text: str = ""
    dimension: str = ""
    kind: str = ""
    status: str = ""
    province: str = ""
    quick_win_year: int | None = None


def search(programmes: QuerySet[Programme], query: CatalogueQuery) -> QuerySet[Programme]:
    """Programmes matching every word of ``query.text`` (in the name, description, code,
    agency or region name) and every filter given, ordered by region code then programme code."""
    for word in query.text.split()[:MAX_WORDS]:
        programmes = programmes.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(code__icontains=word)
            | Q(agency__icontains=word)
            | Q(masterplan__region__name__icontains=word)
        )
    if query.dimension:
        programmes = programmes.filter(dimension=query.dimension)
    if query.kind:
        programmes = programmes.filter(kind=query.kind)
    if query.status:
        programmes = programmes.filter(status=query.status)
    if query.province:
        programmes = programmes.filter(masterplan__region__code__startswith=query.province[:2])
    if query.quick_win_year:
        programmes = programmes.filter(
            pk__in=QuickWin.objects.filter(year=query.quick_win_year).values("programme_id")
        )
    return (
        programmes.select_related("masterplan__region")
        .prefetch_related(Prefetch("quick_wins", queryset=QuickWin.objects.order_by("year")))
        .order_by("masterplan__region__code", "masterplan__start_year", "code")
    )
