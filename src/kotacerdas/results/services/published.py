"""Read access to published results: the only way pages, exports and the API reach results.

One decision, ``visible_snapshots``, says which snapshots an audience may see: a published
snapshot of a published (or archived) cycle, and, for the public, only from its release time
(``Snapshot.released_at``) on. Before then the version is under embargo: the cycle is frozen but
the public sees the previously released version of the cycle (none for a first publication);
admins may see it early (``preview``, with a banner on the pages). The public sees the highest
released version; a snapshot that is only computed is never returned here, so unpublished or
embargoed numbers cannot leak through any caller of this module. Release times grow with the
version (``publication.check_release_at``), so once a version is released every earlier one is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.errors import ServiceError
from kotacerdas.evaluations.models import Cycle, CycleState
from kotacerdas.regions.models import Region

from ..choices import NodeKind, SnapshotState
from ..models import RegionResult, Snapshot

PUBLIC_STATES = (CycleState.PUBLISHED, CycleState.ARCHIVED)


class NotPublished(ServiceError):
    """The results asked for are not public (no such cycle, not published, or embargoed)."""


def visible_snapshots(*, preview: bool = False) -> QuerySet[Snapshot]:
    """Every snapshot the audience may read: published, of a published or archived cycle, and
    (unless ``preview``: admins only) released, i.e. its release time is not in the future.

    The single place that decides whether results are public; every function below builds on it.
    """
    snapshots = Snapshot.objects.filter(
        state=SnapshotState.PUBLISHED, cycle__state__in=PUBLIC_STATES
    )
    if not preview:
        snapshots = snapshots.filter(released_at__lte=timezone.now())
    return snapshots


def published_cycles(*, preview: bool = False) -> QuerySet[Cycle]:
    """Cycles whose results the audience may see, newest first."""
    return Cycle.objects.filter(
        pk__in=visible_snapshots(preview=preview).values("cycle_id")
    ).order_by("-year")


def current_snapshot(cycle: Cycle, *, preview: bool = False) -> Snapshot | None:
    """The cycle's visible snapshot (highest visible version), or None when not public."""
    return (
        visible_snapshots(preview=preview)
        .filter(cycle=cycle)
        .select_related("cycle")
        .order_by("-version")
        .first()
    )


def current_snapshot_id(year: int, *, preview: bool = False) -> int | None:
    """The id of the visible snapshot of the cycle of ``year`` (one indexed query), or None."""
    return (
        visible_snapshots(preview=preview)
        .filter(cycle__year=year)
        .order_by("-version")
        .values_list("pk", flat=True)
        .first()
    )


def snapshot_for_year(year: int, *, light: bool = False, preview: bool = False) -> Snapshot:
    """The visible snapshot of the cycle of ``year``; NotPublished when there is none.

    ``light``: one query, without the large JSON fields (config, nodes, indicators, summary),
    which load when first used; for pages whose content usually comes from the cache.
    """
    snapshots = visible_snapshots(preview=preview).filter(cycle__year=year).select_related("cycle")
    if light:
        snapshots = snapshots.defer("config", "nodes", "indicators", "summary")
    snapshot = snapshots.order_by("-version").first()
    if snapshot is None:
        raise NotPublished(
            _("Hasil evaluasi tahun %(year)s belum dipublikasikan.") % {"year": year}
        )
    return snapshot


def visible_versions() -> tuple[tuple[int, int], ...]:
    """(year, version) of the public version of every public cycle, by year (one query): what a
    region's trend across the years reads, so a cache key holding it changes when any year is
    (re)released, an earlier year's correction included."""
    rows = (
        visible_snapshots()
        .values("cycle__year")
        .annotate(version=Max("version"))
        .order_by("cycle__year")
        .values_list("cycle__year", "version")
    )
    return tuple((year, version) for year, version in rows)


def next_release(year: int) -> datetime | None:
    """The earliest release time still ahead among the published versions of ``year``'s cycle
    (when what the public sees of that year changes next), or None."""
    return (
        Snapshot.objects.filter(
            cycle__year=year,
            state=SnapshotState.PUBLISHED,
            released_at__gt=timezone.now(),
        )
        .order_by("released_at")
        .values_list("released_at", flat=True)
        .first()
    )


def released_versions(snapshot: Snapshot) -> list[Snapshot]:
    """The published versions of ``snapshot``'s cycle up to ``snapshot`` itself, oldest first:
    the release history the public reads beside it (all released once it is)."""
    return list(
        Snapshot.objects.filter(
            cycle_id=snapshot.cycle_id,
            state=SnapshotState.PUBLISHED,
            version__lte=snapshot.version,
        )
        .defer("config", "nodes", "indicators", "summary")
        .order_by("version")
    )


def results_for(
    cycle: Cycle, region: Region | None = None, *, preview: bool = False
) -> QuerySet[RegionResult]:
    """The visible results of ``cycle``, ranked (one region's when ``region`` is given).

    Guarantees: rows of the current visible snapshot only, with region and province loaded;
    an empty queryset when the cycle's results are not public. For the API and exports.
    """
    snapshot = current_snapshot(cycle, preview=preview)
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


def latest_snapshot(*, preview: bool = False) -> Snapshot | None:
    """The visible snapshot of the newest visible cycle (its highest visible version), or None
    when no cycle's results are public yet."""
    return (
        visible_snapshots(preview=preview)
        .select_related("cycle")
        .order_by("-cycle__year", "-version")
        .first()
    )


def _public_results_of(region: Region, *, preview: bool = False) -> QuerySet[RegionResult]:
    """The region's rows in the current visible snapshot of every visible cycle (one query, with
    snapshot and cycle loaded): a superseded or embargoed version is never among them."""
    current = (
        visible_snapshots(preview=preview)
        .filter(cycle=OuterRef("snapshot__cycle"))
        .order_by("-version")
        .values("pk")[:1]
    )
    return RegionResult.objects.filter(Q(snapshot=Subquery(current)), region=region).select_related(
        "snapshot", "snapshot__cycle"
    )


def region_history(region: Region, *, preview: bool = False) -> list[RegionResult]:
    """The region's visible results in every visible cycle, oldest first (one query)."""
    return list(_public_results_of(region, preview=preview).order_by("snapshot__cycle__year"))


def latest_result(region: Region, *, preview: bool = False) -> RegionResult | None:
    """The region's result in the newest visible cycle that ranked it, or None."""
    return _public_results_of(region, preview=preview).order_by("-snapshot__cycle__year").first()


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

    Scores are given on 0–100 (``score``) and on the cycle's display scale (``display``); names
    and questions in Indonesian with their English twin (``name_en``, ``question_en`` in the
    what-if rows) where the snapshot stored one. Assessors' notes per indicator are included only when ``include_notes`` (the region and
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
                "name_en": node.get("name_en", ""),  # "" for a snapshot stored before 2026-12-08
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
        "next_band": result.next_band,
        "feedback": result.feedback,
    }
    if include_notes:
        data["notes"] = result.notes
    return data
