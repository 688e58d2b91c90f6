"""The national ranking of a snapshot: filters, search, sort, province counts, best per dimension."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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

    @property
    def page_numbers(self) -> range:
        return range(1, self.pages + 1)

    @property
    def awards(self) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
        """(dimension, its best region(s)) in instrument order."""
        return awards(self.snapshot)


# What a ranking row never shows: the large per-region JSON (indicator values, notes, what-if,
# feedback) is left in the database.
HEAVY = ("values", "notes", "what_if", "feedback")


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


def ranking(snapshot: Snapshot, filters: Filters, *, page_size: int | None = PAGE_SIZE) -> Ranking:
    """The ranking of ``snapshot`` under ``filters``.

    Guarantees: the rank, rank interval and rank within the province are those computed for the
    whole cohort (filters select rows, they never re-rank); the best region of each dimension
    (``summary["best"]``) is the best of the whole cohort.
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
    )
