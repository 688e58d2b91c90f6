"""Which programmes a survey asks about: a region's published quick wins of the cycle's year."""

from __future__ import annotations

from django.db.models import QuerySet

from kotacerdas.core.taxonomy import DIMENSIONS
from kotacerdas.masterplans.models import Programme
from kotacerdas.regions.models import Region

ORDER = {dimension.code: number for number, dimension in enumerate(DIMENSIONS)}


def quick_wins(region: Region, year: int) -> list[Programme]:
    """The region's programmes marked ``published`` with a quick win in ``year``, in the
    framework's dimension order then by code (only public programmes reach the public form)."""
    found = Programme.objects.filter(
        masterplan__region=region, published=True, quick_wins__year=year
    ).distinct()
    return sorted(found, key=lambda p: (ORDER.get(p.dimension, 99), p.code, p.pk))


def regions_with_quick_wins(year: int) -> QuerySet[Region]:
    """The regions that have at least one published quick win in ``year``, by code."""
    return (
        Region.objects.filter(
            masterplans__programmes__published=True,
            masterplans__programmes__quick_wins__year=year,
        )
        .distinct()
        .order_by("code")
    )
