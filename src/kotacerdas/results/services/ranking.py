"""The national ranking of a snapshot: filters, search, sort, province counts, best per dimension,
and the rank within a peer group (kind and size class, ``regions.sizes``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kotacerdas.index.ranking import group_ranks

from ..models import RegionResult, Snapshot
from . import published

SORTS = {
    "rank": lambda row: (row.rank, row.region.code),
    "name": lambda row: (row.region.name.lower(), row.region.code),
    "index": lambda row: (-row.display, row.region.code),
    "improvement": lambda row: (
        row.improvement is None,
        -(row.improvement or 0.0),
        row.rank,
    ),
    "interval": lambda row: (
        (row.rank_high or row.rank) - (row.rank_low or row.rank),
        row.rank,
    ),
}


@dataclass(frozen=True)
class Filters:
    """Validated ranking filters (see ``results.forms.RankingFilterForm``)."""

    province: str = ""
    kind: str = ""
    predicate: str = ""
    size: str = ""
    q: str = ""
    sort: str = "rank"
    descending: bool = False
    page: int = 1

    def as_data(self) -> dict[str, str]:
        """The filters as query data (for a form showing them)."""
        return {
            "q": self.q,
            "province": self.province,
            "kind": self.kind,
            "predicate": self.predicate,
            "size": self.size,
            "sort": self.sort,
            "order": "desc" if self.descending else "asc",
            "page": str(self.page),
        }

    def key(self) -> str:
        """A canonical text for cache keys."""
        return "|".join(
            [
                self.province,
                self.kind,
                self.predicate,
                self.size,
                self.q.lower(),
                self.sort,
                str(self.descending),
                str(self.page),
            ]
        )


@dataclass
class Row:
    """One line of the ranking table."""

    result: RegionResult
    province_name: str
    province_size: int
    dimension_scores: list[tuple[str, float | None, bool]]  # (code, display, is best)
    # Rank within the peer group (same kind and size class) and the group's size; shown when
    # the ranking is filtered by size class.
    peer_rank: int | None = None
    peer_size: int = 0


PAGE_SIZE = 100


@dataclass
class Ranking:
    snapshot: Snapshot
    rows: list[Row]
    total: int
    dimensions: list[dict[str, Any]]
    matched: int = 0
    page: int = 1
    pages: int = 1
    best: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    predicates: list[str] = field(default_factory=list)
    provinces: list[tuple[str, str]] = field(default_factory=list)
    grouped: bool = False

    @property
    def page_numbers(self) -> range:
        return range(1, self.pages + 1)

    @property
    def awards(self) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
        """(dimension, its best region(s)) in instrument order."""
        return awards(self.snapshot)


# What a ranking row never shows: the large per-region JSON (indicator values, notes, what-if,
# feedback) is left in the database.
HEAVY = ("values", "notes", "what_if", "next_band", "feedback")


def all_results(snapshot: Snapshot) -> list[RegionResult]:
    """Every region's result of the snapshot, ranked, with region and province loaded."""
    return list(
        RegionResult.objects.filter(snapshot=snapshot)
        .select_related("region", "region__parent")
        .defer(*HEAVY)
        .order_by("rank", "region__code")
    )


def top(snapshot: Snapshot, limit: int = 10) -> list[RegionResult]:
    """The first ``limit`` regions of the national ranking (ties in rank by region code), with
    region loaded and the large per-region JSON left in the database; one query."""
    return list(
        RegionResult.objects.filter(snapshot=snapshot)
        .select_related("region")
        .defer(*HEAVY)
        .order_by("rank", "region__code")[:limit]
    )


def awards(snapshot: Snapshot) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(dimension, its best region(s)) in instrument order, from the snapshot's summary."""
    best = (snapshot.summary or {}).get("best", {})
    return [(node, best.get(node["code"], [])) for node in published.dimensions(snapshot)]


def province_code(result: RegionResult) -> str:
    return result.region.code.split(".")[0]


def peer_key(result: RegionResult) -> str | None:
    """The peer group of a result's region ("kota:sedang"), None without a size class."""
    size = result.region.size_class
    return f"{result.region.kind}:{size}" if size else None


def peer_ranks(results: list[RegionResult]) -> dict[int, tuple[int, int]]:
    """result pk → (rank within its peer group, size of the group), for every result whose
    region has a size class.

    Guarantees: competition ranking ("1224") by the national rank, so the order and the ties
    are the national ones (two regions sharing a national rank share their group rank, and the
    next one skips); computed with ``kotacerdas.index.ranking.group_ranks``.
    """
    members = [(result, peer_key(result)) for result in results]
    members = [(result, key) for result, key in members if key is not None]
    if not members:
        return {}
    scores = np.array([[-float(result.rank) for result, _key in members]])
    labels = np.array([key for _result, key in members], dtype=object)
    ranks = group_ranks(scores, labels)[0]
    sizes: dict[str, int] = {}
    for _result, key in members:
        sizes[key] = sizes.get(key, 0) + 1
    return {
        result.pk: (int(rank), sizes[key])
        for (result, key), rank in zip(members, ranks, strict=True)
    }


def peer_rank(result: RegionResult) -> tuple[str, int, int] | None:
    """(peer group label, rank within it, its size) of ``result`` in its snapshot, e.g.
    ("Kota sedang", 2, 15); None when the region has no size class. Two queries."""
    region = result.region
    if region.size_class is None:
        return None
    peers = list(
        RegionResult.objects.filter(snapshot_id=result.snapshot_id, region__kind=region.kind)
        .select_related("region")
        .defer(*HEAVY)
    )
    found = peer_ranks(peers).get(result.pk)
    if found is None:
        return None
    return region.size_class_label, found[0], found[1]


def ranking(snapshot: Snapshot, filters: Filters, *, page_size: int | None = PAGE_SIZE) -> Ranking:
    """The ranking of ``snapshot`` under ``filters``.

    Guarantees: the rank, rank interval and rank within the province are those computed for the
    whole cohort (filters select rows, they never re-rank); the best region of each dimension
    (``summary["best"]``) is the best of the whole cohort. Filtered by size class, every row
    also has its rank within its peer group (``peer_ranks``, over the whole cohort).
    """
    results = all_results(snapshot)
    dimensions = published.dimensions(snapshot)
    best = (snapshot.summary or {}).get("best", {})
    best_codes = {code: {winner["code"] for winner in rows} for code, rows in best.items()}
    sizes = (snapshot.summary or {}).get("counts", {}).get("province", {})
    names = dict((snapshot.summary or {}).get("provinces", []))
    selected = results
    if filters.province:
        selected = [r for r in selected if province_code(r) == filters.province]
    if filters.kind:
        selected = [r for r in selected if r.region.kind == filters.kind]
    if filters.predicate:
        selected = [r for r in selected if r.predicate == filters.predicate]
    peers: dict[int, tuple[int, int]] = {}
    if filters.size:
        selected = [r for r in selected if r.region.size_class == filters.size]
        peers = peer_ranks(results)
    if filters.q:
        text = filters.q.strip().lower()
        selected = [
            r for r in selected if text in r.region.name.lower() or r.region.code.startswith(text)
        ]
    selected = sorted(selected, key=SORTS.get(filters.sort, SORTS["rank"]))
    if filters.descending:
        selected.reverse()
    matched = len(selected)
    pages = max(1, -(-matched // page_size)) if page_size else 1
    page = min(max(filters.page, 1), pages)
    if page_size:
        selected = selected[(page - 1) * page_size : page * page_size]
    rows = []
    for result in selected:
        code = province_code(result)
        rows.append(
            Row(
                result=result,
                province_name=names.get(code, ""),
                province_size=sizes.get(code, 0),
                dimension_scores=[
                    (
                        node["code"],
                        published.to_display(snapshot, result.scores.get(node["code"])),
                        result.region.code in best_codes.get(node["code"], set()),
                    )
                    for node in dimensions
                ],
                peer_rank=peers.get(result.pk, (None, 0))[0],
                peer_size=peers.get(result.pk, (None, 0))[1],
            )
        )
    predicates = [band["label"] for band in snapshot.config.get("predicate_bands", [])]
    return Ranking(
        snapshot=snapshot,
        rows=rows,
        total=len(results),
        matched=matched,
        page=page,
        pages=pages,
        dimensions=dimensions,
        best=best,
        predicates=predicates,
        provinces=sorted(names.items()),
        grouped=bool(filters.size),
    )
