"""A region's published profile: its scores against the national median and the median of its
kind, its ranks, its trend on the comparable index, strengths and gaps, what would move it up,
its quick wins and the assessors' settled feedback."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from kotacerdas.core import texts
from kotacerdas.regions.lineage import territory_change
from kotacerdas.regions.models import Region

from .. import charts
from ..choices import NodeKind
from ..models import RegionResult, Snapshot
from . import published
from .ranking import peer_rank

STRENGTHS_AND_GAPS = 3


@dataclass
class NodeRow:
    code: str
    name: str  # in the reader's language (``texts.in_reader_language``)
    display: float | None
    national: float | None
    kind: float | None
    parent: str | None = None
    best: bool = False

    @property
    def gap(self) -> float | None:
        """Distance to the national median (positive: above it)."""
        if self.display is None or self.national is None:
            return None
        return round(self.display - self.national, 2)


@dataclass
class Profile:
    snapshot: Snapshot
    result: RegionResult
    region: Region
    province_size: int
    kind_size: int
    dimensions: list[NodeRow]
    elements: list[NodeRow]
    aspects: list[NodeRow]
    strengths: list[NodeRow]
    gaps: list[NodeRow]
    history: list[dict[str, Any]]
    quick_wins: list[dict[str, str]]
    charts: dict[str, charts.Chart] = field(default_factory=dict)
    # (peer group label, rank within it, its size): "Kota sedang", 2, 15; None for a province
    # or a region without population.
    peer: tuple[str, int, int] | None = None

    @property
    def feedback(self) -> dict[str, list[str]]:
        return self.result.feedback or {}

    def elements_of(self, dimension: str) -> list[NodeRow]:
        return [row for row in self.elements if row.parent == dimension]


def medians(snapshot: Snapshot, kind: str) -> tuple[dict[str, float], dict[str, float]]:
    """(national median, median of ``kind``) of every node, 0–100, as stored at compute time."""
    summary = snapshot.summary or {}
    return summary.get("national_median", {}), summary.get("kind_median", {}).get(kind, {})


def _rows(
    snapshot: Snapshot,
    result: RegionResult,
    kind: str,
    national: dict[str, float],
    peers: dict[str, float],
    best: set[str] = frozenset(),
) -> list[NodeRow]:
    return [
        NodeRow(
            code=node["code"],
            name=texts.in_reader_language(node, "name"),
            display=published.to_display(snapshot, result.scores.get(node["code"])),
            national=published.to_display(snapshot, national.get(node["code"])),
            kind=published.to_display(snapshot, peers.get(node["code"])),
            parent=node.get("parent"),
            best=node["code"] in best,
        )
        for node in published.nodes_of(snapshot, kind)
    ]


def break_note(region: Region) -> tuple[int | None, str]:
    """(year, note) when ``region`` lost territory in the register (a split or merge took part of
    it, e.g. Papua in 2022): cycles before that year were evaluated on the old territory and are
    marked with the note. (None, "") when its territory never changed. A recoded, renamed or moved
    region keeps one unbroken trend (same row); a region formed by a split starts at its first
    evaluated cycle, so neither gets a note (docs/decisions.md, "Region continuity")."""
    change = territory_change(region)
    if change is None:
        return None, ""
    year = change.effective_date.year
    return year, _("wilayah berubah pada %(year)s") % {"year": year}


def trend_points(region: Region, scale: int) -> list[dict[str, Any]]:
    """Year by year on the display scale ``scale``: the official index, and the comparable index
    of that year and of the year before on the subset both instruments share (with coverage);
    ``note`` marks the cycles before a change of the region's territory (``break_note``)."""

    def rescale(value: float | None, row: RegionResult) -> float | None:
        return None if value is None else round(value * scale / row.snapshot.scale, 2)

    change_year, note = break_note(region)
    return [
        {
            "year": row.snapshot.cycle.year,
            "index": round(row.index * scale / 100, 2),
            "comparable": rescale(row.comparable_display, row),
            "comparable_previous": rescale(row.comparable_previous_display, row),
            "coverage": row.comparable_coverage,
            "note": note if change_year and row.snapshot.cycle.year < change_year else "",
        }
        for row in published.region_history(region)
    ]


def trend_key() -> str:
    """The part of a cache key that changes whenever ``trend_points`` may read other numbers:
    the public version of every year (``published.visible_versions``). A profile or report card
    cached under its own year's snapshot also shows the other years' figures, so a correction of
    an earlier year (2022 republished while 2023 is current) must reach it too."""
    return ",".join(f"{year}v{version}" for year, version in published.visible_versions())


def _history(snapshot: Snapshot, result: RegionResult) -> list[dict[str, Any]]:
    """The published trend, plus this snapshot's own year when it is not public yet (a draft
    report or the admin's preview), so the chart always ends at the year shown."""
    points = [
        point
        for point in trend_points(result.region, snapshot.scale)
        if point["year"] != snapshot.cycle.year
    ]
    change_year, note = break_note(result.region)
    points.append(
        {
            "note": note if change_year and snapshot.cycle.year < change_year else "",
            "year": snapshot.cycle.year,
            "index": round(result.index * snapshot.scale / 100, 2),
            "comparable": result.comparable_display,
            "comparable_previous": result.comparable_previous_display,
            "coverage": result.comparable_coverage,
        }
    )
    return sorted(
        (point for point in points if point["year"] <= snapshot.cycle.year),
        key=lambda point: point["year"],
    )


def quick_wins(region: Region, year: int) -> list[dict[str, str]]:
    """The region's quick wins of ``year`` from its public masterplan (empty without one)."""
    from django.contrib.auth.models import AnonymousUser

    from kotacerdas.masterplans.models import Programme
    from kotacerdas.masterplans.rules import visible_programmes
    from kotacerdas.masterplans.services.dashboard import quick_wins_by_year

    programmes = visible_programmes(
        AnonymousUser(), Programme.objects.filter(masterplan__region=region)
    )
    return [
        {"name": entry.name, "dimension": entry.dimension, "code": entry.code}
        for entry in quick_wins_by_year(programmes).get(year, [])
    ]


def profile(snapshot: Snapshot, region: Region, *, with_charts: bool = True) -> Profile:
    """Everything the profile page, the report card and the letter show for ``region``.

    Guarantees: the names of aspects, dimensions and elements (in the rows, the quick wins and
    the charts) are in the active language, the English one only where the snapshot stored it.
    Raises RegionResult.DoesNotExist when the region has no result in the snapshot.
    """
    result = RegionResult.objects.select_related("region", "region__parent", "snapshot").get(
        snapshot=snapshot, region=region
    )
    result.snapshot = snapshot
    national, peers = medians(snapshot, region.kind)
    best = {
        code
        for code, winners in (snapshot.summary or {}).get("best", {}).items()
        if region.code in {winner["code"] for winner in winners}
    }
    dimensions = _rows(snapshot, result, NodeKind.DIMENSION, national, peers, best)
    elements = _rows(snapshot, result, NodeKind.ELEMENT, national, peers)
    aspects = _rows(snapshot, result, NodeKind.ASPECT, national, peers)
    compared = [row for row in elements if row.gap is not None]
    strengths = sorted(
        (row for row in compared if row.gap > 0), key=lambda row: (-row.gap, row.code)
    )[:STRENGTHS_AND_GAPS]
    gaps = sorted((row for row in compared if row.gap < 0), key=lambda row: (row.gap, row.code))[
        :STRENGTHS_AND_GAPS
    ]
    counts = (snapshot.summary or {}).get("counts", {})
    names = {row.code: row.name for row in dimensions}
    province = region.province
    found = Profile(
        snapshot=snapshot,
        result=result,
        region=region,
        province_size=counts.get("province", {}).get(province.code if province else "", 0),
        kind_size=counts.get("kind", {}).get(region.kind, 0),
        dimensions=dimensions,
        elements=elements,
        aspects=aspects,
        strengths=strengths,
        gaps=gaps,
        history=_history(snapshot, result),
        quick_wins=[
            {**win, "dimension": names.get(win["dimension"], win["dimension"])}
            for win in quick_wins(region, snapshot.cycle.year)
        ],
        peer=peer_rank(result),
    )
    if with_charts:
        found.charts = profile_charts(found)
    return found


def profile_charts(found: Profile) -> dict[str, charts.Chart]:
    """The radar, the bars against the medians, the aspects and the trend of a profile."""
    scale = found.snapshot.scale
    names = [row.name for row in found.dimensions]
    region_label = found.region.name
    national_label = _("Median nasional")
    kind_label = _("Median %(kind)s") % {"kind": found.region.get_kind_display().lower()}
    out = {
        "radar": charts.radar(
            "chart-radar",
            names,
            {
                region_label: [row.display for row in found.dimensions],
                national_label: [row.national for row in found.dimensions],
            },
            title=_("Skor enam dimensi"),
            maximum=scale,
        ),
        "dimensions": charts.grouped_bars(
            "chart-dimensions",
            names,
            {
                region_label: [row.display for row in found.dimensions],
                national_label: [row.national for row in found.dimensions],
                kind_label: [row.kind for row in found.dimensions],
            },
            title=_("Dimensi dibandingkan dengan median"),
            maximum=scale,
            category_title=_("Dimensi"),
        ),
        "aspects": charts.grouped_bars(
            "chart-aspects",
            [row.name for row in found.aspects],
            {
                region_label: [row.display for row in found.aspects],
                national_label: [row.national for row in found.aspects],
            },
            title=_("Skor menurut aspek evaluasi"),
            maximum=scale,
            category_title=_("Aspek"),
        ),
    }
    if found.history:
        out["trend"] = charts.trend(
            "chart-trend",
            found.history,
            title=_("Indeks dari tahun ke tahun"),
            maximum=scale,
        )
    return out
