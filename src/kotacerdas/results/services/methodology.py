"""The methodology of a snapshot in words and tables, generated from its own stored config.

Nothing here is written by hand per cycle: every weight, option and band comes from what the
snapshot recorded when it was computed, so the page always states the method actually used.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from kotacerdas.core import texts
from kotacerdas.evaluations.models import (
    AggregationMethod,
    AggregationTree,
    FinalRule,
    MissingPolicy,
)
from kotacerdas.instruments.models import IndicatorType

from ..choices import NodeKind
from ..models import Snapshot
from . import published

ASSUMPTIONS = {
    "weights": _("Bobot"),
    "aggregation": _("Metode agregasi"),
    "normalisation": _("Normalisasi"),
    "assessor": _("Pilihan asesor"),
}
NORMALISATION_TEXT = {
    "rubric": _(
        "Tingkat 0–5 dibagi 5 lalu dikali 100; ya/tidak menjadi 0 atau 100; persen apa adanya; "
        "angka dinormalkan dengan batas bawah dan atas (goalpost) sesuai arahnya."
    ),
    "goalposts": _("Setiap nilai dinormalkan dengan batas bawah dan atasnya (goalpost)."),
    "minmax": _("Setiap nilai dinormalkan min–maks atas seluruh daerah yang dinilai."),
    "zscore": _("Skor z (50 + 10·z), dibatasi 0–100."),
}


@dataclass
class WeightRow:
    code: str
    name: str  # in the reader's language (``texts.in_reader_language``)
    weight: float
    share: float  # percent of its siblings
    indicators: int
    children: list[WeightRow] = field(default_factory=list)


@dataclass
class Method:
    snapshot: Snapshot
    aggregate_along: str
    aggregation: str
    missing_policy: str
    final_rule: str
    normalisation: str
    display_scale: int
    bands: list[dict[str, Any]]
    aspects: list[WeightRow]
    dimensions: list[WeightRow]
    indicator_types: list[tuple[str, int]]
    indicator_count: int
    uncertainty: dict[str, Any]
    agreement: dict[str, Any]
    comparable: dict[str, Any]
    config: dict[str, Any]

    @property
    def config_json(self) -> str:
        return json.dumps(self.config, ensure_ascii=False, indent=2, sort_keys=True)

    @property
    def sensitivity_rows(self) -> list[tuple[str, float]]:
        """(assumption, first-order sensitivity index), largest first."""
        sensitivity = self.uncertainty.get("sensitivity") or {}
        rows = [(str(ASSUMPTIONS.get(name, name)), value) for name, value in sensitivity.items()]
        return sorted(rows, key=lambda row: -(row[1] or 0))

    @property
    def agreement_rows(self) -> list[tuple[str, float | None]]:
        """(dimension name, Krippendorff's alpha) in instrument order."""
        by_dimension = self.agreement.get("by_dimension") or {}
        return [
            (row.name, by_dimension.get(row.code))
            for row in self.dimensions
            if row.code in by_dimension
        ]


def _weights(nodes: list[dict[str, Any]], counts: Counter) -> list[WeightRow]:
    total = sum(node["weight"] for node in nodes) or 1.0
    return [
        WeightRow(
            code=node["code"],
            name=texts.in_reader_language(node, "name"),
            weight=node["weight"],
            share=round(100 * node["weight"] / total, 1),
            indicators=counts[node["code"]],
        )
        for node in nodes
    ]


def describe(snapshot: Snapshot) -> Method:
    """The snapshot's method, ready for the methodology page and the PDFs' method notes; the
    names of aspects, dimensions and elements in the active language (English only where the
    snapshot stored it)."""
    config = snapshot.config
    engine = config.get("engine", {})
    indicators = snapshot.indicators
    per_node = Counter()
    for indicator in indicators:
        per_node[indicator["aspect"]] += 1
        per_node[indicator["dimension"]] += 1
        per_node[indicator["element"]] += 1
    dimensions = _weights(published.dimensions(snapshot), per_node)
    for row in dimensions:
        row.children = _weights(
            [node for node in published.elements(snapshot) if node.get("parent") == row.code],
            per_node,
        )
    types = Counter(indicator["type"] for indicator in indicators)
    summary = snapshot.summary or {}
    return Method(
        snapshot=snapshot,
        aggregate_along=str(AggregationTree(config["aggregate_along"]).label),
        aggregation=str(AggregationMethod(config["aggregation"]).label),
        missing_policy=str(MissingPolicy(config["missing_policy"]).label),
        final_rule=str(FinalRule(config["final_rule"]).label),
        normalisation=str(NORMALISATION_TEXT.get(engine.get("normalise", "rubric"), "")),
        display_scale=snapshot.scale,
        bands=config.get("predicate_bands", []),
        aspects=_weights(published.nodes_of(snapshot, NodeKind.ASPECT), per_node),
        dimensions=dimensions,
        indicator_types=[
            (str(IndicatorType(kind).label), count) for kind, count in sorted(types.items())
        ],
        indicator_count=len(indicators),
        uncertainty=summary.get("uncertainty", {}),
        agreement=summary.get("agreement", {}),
        comparable=summary.get("comparable", {}),
        config=config,
    )
