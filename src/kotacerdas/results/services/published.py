"""Read access to published results: the only way pages, exports and the API reach results.

A cycle's results are public when the cycle is published (or archived) and it has a published
snapshot; the public sees the highest published version. A snapshot that is only computed is
never returned here, so unpublished numbers cannot leak through any caller of this module.
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from kotacerdas.core.errors import ServiceError
from kotacerdas.evaluations.models import Cycle, CycleState
from kotacerdas.regions.models import Region

from ..choices import NodeKind, SnapshotState
from ..models import RegionResult, Snapshot

PUBLIC_STATES = (CycleState.PUBLISHED, CycleState.ARCHIVED)


class NotPublished(ServiceError):
    """The results asked for are not public (no such cycle, or not published)."""


def published_cycles() -> QuerySet[Cycle]:
    """Cycles whose results are public, newest first."""
    return (
        Cycle.objects.filter(
            state__in=PUBLIC_STATES, result_snapshots__state=SnapshotState.PUBLISHED
        )
        .distinct()
        .order_by("-year")
    )


def current_snapshot(cycle: Cycle) -> Snapshot | None:
    """The cycle's public snapshot (highest published version), or None when not public."""
    if cycle.state not in PUBLIC_STATES:
        return None
    return (
        cycle.result_snapshots.filter(state=SnapshotState.PUBLISHED)
        .select_related("cycle")
        .order_by("-version")
        .first()
    )


def current_snapshot_id(year: int) -> int | None:
    """The id of the public snapshot of the cycle of ``year`` (one indexed query), or None."""
    return (
        Snapshot.objects.filter(
            cycle__year=year, cycle__state__in=PUBLIC_STATES, state=SnapshotState.PUBLISHED
        )
        .order_by("-version")
        .values_list("pk", flat=True)
        .first()
    )


def snapshot_for_year(year: int, *, light: bool = False) -> Snapshot:
    """The public snapshot of the cycle of ``year``; NotPublished when there is none.

    ``light``: one query, without the large JSON fields (config, nodes, indicators, summary),
    which load when first used; for pages whose content usually comes from the cache.
    """
    snapshots = Snapshot.objects.filter(
        cycle__year=year, cycle__state__in=PUBLIC_STATES, state=SnapshotState.PUBLISHED
    ).select_related("cycle")
    if light:
        snapshots = snapshots.defer("config", "nodes", "indicators", "summary")
    snapshot = snapshots.order_by("-version").first()
    if snapshot is None:
        raise NotPublished(
            _("Hasil evaluasi tahun %(year)s belum dipublikasikan.") % {"year": year}
        )
    return snapshot


def results_for(cycle: Cycle, region: Region | None = None) -> QuerySet[RegionResult]:
    """The published results of ``cycle``, ranked (one region's when ``region`` is given).

    Guarantees: rows of the current published snapshot only, with region and province loaded;
    an empty queryset when the cycle's results are not public. For the API and exports.
    """
    snapshot = current_snapshot(cycle)
    if snapshot is None:
        return RegionResult.objects.none()
    rows = (
        RegionResult.objects.filter(snapshot=snapshot)
        .select_related("region", "region__parent", "snapshot", "snapshot__cycle")
        .order_by("rank", "region__code")
    )
    if region is not None:
        rows = rows.filter(region=region)
    return rows


def latest_snapshot() -> Snapshot | None:
    """The public snapshot of the newest public cycle (its highest published version), or None
    when no cycle's results are public yet."""
    return (
        Snapshot.objects.filter(cycle__state__in=PUBLIC_STATES, state=SnapshotState.PUBLISHED)
        .select_related("cycle")
        .order_by("-cycle__year", "-version")
        .first()
    )


def _public_results_of(region: Region) -> QuerySet[RegionResult]:
    """The region's rows in the current public snapshot of every public cycle (one query, with
    snapshot and cycle loaded): a superseded published version is never among them."""
    current = (
        Snapshot.objects.filter(cycle=OuterRef("snapshot__cycle"), state=SnapshotState.PUBLISHED)
        .order_by("-version")
        .values("pk")[:1]
    )
    return RegionResult.objects.filter(
        region=region,
        snapshot__cycle__state__in=PUBLIC_STATES,
        snapshot=Subquery(current),
    ).select_related("snapshot", "snapshot__cycle")


def region_history(region: Region) -> list[RegionResult]:
    """The region's published results in every public cycle, oldest first (one query)."""
    return list(_public_results_of(region).order_by("snapshot__cycle__year"))


def latest_result(region: Region) -> RegionResult | None:
    """The region's result in the newest public cycle that ranked it, or None."""
    return _public_results_of(region).order_by("-snapshot__cycle__year").first()


def nodes_of(snapshot: Snapshot, kind: str) -> list[dict[str, Any]]:
    """The snapshot's aspects, dimensions or elements (``NodeKind``), in instrument order."""
    return [node for node in snapshot.nodes if node["kind"] == kind]


def dimensions(snapshot: Snapshot) -> list[dict[str, Any]]:
    return nodes_of(snapshot, NodeKind.DIMENSION)


def aspects(snapshot: Snapshot) -> list[dict[str, Any]]:
    return nodes_of(snapshot, NodeKind.ASPECT)


def elements(snapshot: Snapshot) -> list[dict[str, Any]]:
    return nodes_of(snapshot, NodeKind.ELEMENT)


def to_display(snapshot: Snapshot, score: float | None) -> float | None:
    """A 0–100 score on the snapshot's display scale, rounded to 2 decimals."""
    if score is None:
        return None
    return round(score * snapshot.scale / 100, 2)


def serialise(result: RegionResult, *, include_notes: bool = False) -> dict[str, Any]:
    """One region's published result as plain JSON-safe data (the JSON export and the API).

    Scores are given on 0–100 (``score``) and on the cycle's display scale (``display``).
    Assessors' notes per indicator are included only when ``include_notes`` (the region and
    admins; never the public).
    """
    snapshot = result.snapshot
    region = result.region
    province = region.province

    def node_rows(kind: str) -> list[dict[str, Any]]:
        return [
            {
                "code": node["code"],
                "name": node["name"],
                "parent": node.get("parent"),
                "score": result.scores.get(node["code"]),
                "display": to_display(snapshot, result.scores.get(node["code"])),
            }
            for node in nodes_of(snapshot, kind)
        ]

    data: dict[str, Any] = {
        "year": snapshot.cycle.year,
        "snapshot_version": snapshot.version,
        "region": {
            "code": region.code,
            "name": region.name,
            "kind": region.kind,
            "province_code": province.code if province else None,
            "province_name": province.name if province else None,
        },
        "index": result.index,
        "display": result.display,
        "display_scale": snapshot.scale,
        "predicate": result.predicate,
        "coverage": result.coverage,
        "rank": {
            "national": result.rank,
            "province": result.rank_province,
            "kind": result.rank_kind,
            "median": result.rank_median,
            "interval": [result.rank_low, result.rank_high],
        },
        "score_interval": [
            to_display(snapshot, result.score_low),
            to_display(snapshot, result.score_high),
        ],
        "previous_display": result.previous_display,
        "improvement": result.improvement,
        "comparable": {
            "display": result.comparable_display,
            "previous_display": result.comparable_previous_display,
            "coverage": result.comparable_coverage,
        },
        "aspects": node_rows(NodeKind.ASPECT),
        "dimensions": node_rows(NodeKind.DIMENSION),
        "elements": node_rows(NodeKind.ELEMENT),
        "indicators": result.values,
        "what_if": result.what_if,
        "feedback": result.feedback,
    }
    if include_notes:
        data["notes"] = result.notes
    return data
