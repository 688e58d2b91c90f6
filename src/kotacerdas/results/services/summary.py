"""Descriptive figures of a snapshot that pages read often: medians, counts, the best region of
each dimension, the provinces present and how many regions hold each predicate.

Written into ``Snapshot.summary`` once, when the snapshot is stored, so that no page has to load
every region to draw one profile.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from typing import Any

from ..choices import NodeKind
from ..models import RegionResult, Snapshot


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 6) if values else None


def medians(results: list[RegionResult], codes: list[str]) -> dict[str, float]:
    """The median of every node (and of the index, under ``"index"``) over ``results``."""
    out: dict[str, float] = {}
    for code in codes:
        value = _median([r.scores[code] for r in results if r.scores.get(code) is not None])
        if value is not None:
            out[code] = value
    index = _median([r.index for r in results])
    if index is not None:
        out["index"] = index
    return out


def summarise(snapshot: Snapshot) -> dict[str, Any]:
    """The descriptive part of the snapshot's summary, from its stored region results."""
    results = list(RegionResult.objects.filter(snapshot=snapshot).select_related("region__parent"))
    codes = [node["code"] for node in snapshot.nodes]
    by_kind: dict[str, list[RegionResult]] = defaultdict(list)
    for result in results:
        by_kind[result.region.kind].append(result)
    provinces: dict[str, str] = {}
    for result in results:
        province = result.region.province
        if province is not None:
            provinces[province.code] = province.name
    best: dict[str, list[dict[str, Any]]] = {}
    for node in snapshot.nodes:
        if node["kind"] != NodeKind.DIMENSION:
            continue
        scored = [r for r in results if r.scores.get(node["code"]) is not None]
        if not scored:
            continue
        top = round(max(r.scores[node["code"]] for r in scored), 9)
        best[node["code"]] = [
            {"code": r.region.code, "name": r.region.name, "score": r.scores[node["code"]]}
            for r in sorted(scored, key=lambda r: r.region.code)
            if round(r.scores[node["code"]], 9) == top
        ]
    return {
        "regions": len(results),
        "national_median": medians(results, codes),
        "kind_median": {kind: medians(rows, codes) for kind, rows in by_kind.items()},
        "counts": {
            # kabupaten and kota per province: the cohort of the rank within the province
            "province": dict(
                Counter(r.region.parent.code for r in results if r.region.parent is not None)
            ),
            "kind": dict(Counter(r.region.kind for r in results)),
        },
        "provinces": sorted(provinces.items()),
        "predicates": dict(Counter(r.predicate for r in results)),
        "best": best,
    }
