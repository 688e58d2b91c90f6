"""The results map: choropleths of provinces and of kabupaten/kota.

Boundaries come from ``regions/data/provinces.geojson`` and ``kabkota.geojson`` (MIT, see
``regions/data/SOURCE.md``); the browser loads them once from ``results:boundaries`` and joins
them by Kemendagri code to the snapshot's values, which travel inside the chart's spec.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext as _

from kotacerdas.regions.models import RegionKind

from . import charts
from .models import RegionResult, Snapshot

DATA = Path(__file__).resolve().parent.parent / "regions" / "data"
LEVELS = {"provinsi": "provinces.geojson", "kabkota": "kabkota.geojson"}


@cache
def boundaries(level: str) -> bytes:
    """The GeoJSON of one level (KeyError for an unknown level); read once per process."""
    return (DATA / LEVELS[level]).read_bytes()


@dataclass
class Maps:
    provinces: charts.Chart
    kabkota: charts.Chart


def values(snapshot: Snapshot, *, provinces: bool) -> list[dict]:
    rows = (
        RegionResult.objects.filter(snapshot=snapshot)
        .select_related("region")
        .only("display", "predicate", "region__code", "region__name", "region__kind")
    )
    if provinces:
        rows = rows.filter(region__kind=RegionKind.PROVINSI)
    else:
        rows = rows.exclude(region__kind=RegionKind.PROVINSI)
    return [
        {
            "code": row.region.code,
            "name": row.region.name,
            "value": row.display,
            "predicate": row.predicate,
        }
        for row in rows.order_by("region__code")
    ]


def maps(snapshot: Snapshot) -> Maps:
    """Both choropleths of the snapshot's index (regions not evaluated are grey)."""
    index_title = _("Indeks")
    return Maps(
        provinces=charts.choropleth(
            "map-provinces",
            geo_url=reverse("results:boundaries", args=["provinsi"]),
            values=values(snapshot, provinces=True),
            title=_("Pemerintah provinsi"),
            maximum=snapshot.scale,
            value_title=index_title,
        ),
        kabkota=charts.choropleth(
            "map-kabkota",
            geo_url=reverse("results:boundaries", args=["kabkota"]),
            values=values(snapshot, provinces=False),
            title=_("Kabupaten dan kota"),
            maximum=snapshot.scale,
            value_title=index_title,
        ),
    )
