"""The inputs of ``kotacerdas.index`` built from a cycle: trees, values, groups and config.

- Two trees over the same indicators: the dimension tree (root → dimensions → elements →
  indicators) and the aspect tree (root → evaluation aspects → indicators), with the
  instrument's weights. The cycle's ``aggregate_along`` says which one the index follows; the
  other is the second breakdown.
- Values: the settled value of every indicator of every submitted region. Where the final value
  is what the cycle's rule (mean or median) gives from the assessors' scores, the assessors'
  scores themselves are passed and the engine combines them with the same rule: the index is the
  same, and the Monte Carlo can draw one assessor's score instead. Where a moderator decided (or
  the final value is not that combination), the final value is passed alone.
- Raw scores: every assessor's value, for agreement and severity.
- Groups: the province (kabupaten and kota only) and the kind of each region.

Units are Kemendagri region codes.
"""

from __future__ import annotations

import hashlib
import json
import math
import statistics
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from kotacerdas.accounts.models import User
from kotacerdas.evaluations.models import (
    AggregationTree,
    Cycle,
    Feedback,
    FinalMethod,
    FinalRule,
    FinalValue,
    Score,
    Submission,
    SubmissionState,
)
from kotacerdas.index import Config, Node, Tree
from kotacerdas.instruments.models import (
    AspectWeight,
    Dimension,
    Element,
    Indicator,
    IndicatorType,
    Instrument,
)
from kotacerdas.regions.models import Region

ROOT = "INDEX"
FINAL = "final"  # the "assessor" of a value passed alone (a moderator's or settled value)
VALUE_COLUMNS = ["unit", "indicator", "value", "assessor", "not_applicable"]
TOLERANCE = Decimal("0.000001")


@dataclass
class Inputs:
    cycle: Cycle
    indicators: list[Indicator]
    dimension_tree: Tree
    aspect_tree: Tree
    values: pd.DataFrame
    scores: pd.DataFrame
    groups: pd.DataFrame
    regions: dict[str, Region]
    config: Config

    @property
    def main_tree(self) -> Tree:
        """The tree the index is aggregated along."""
        if self.cycle.aggregate_along == AggregationTree.DIMENSIONS:
            return self.dimension_tree
        return self.aspect_tree

    @property
    def other_tree(self) -> Tree:
        """The second breakdown."""
        if self.cycle.aggregate_along == AggregationTree.DIMENSIONS:
            return self.aspect_tree
        return self.dimension_tree


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def indicator_node(indicator: Indicator, parent: str) -> Node:
    """The engine's leaf for an indicator (levels 0–5, yes/no, percent, number with goalposts)."""
    minimum = maximum = None
    if indicator.type == IndicatorType.LEVEL:
        minimum, maximum = 0.0, 5.0
    elif indicator.type in (IndicatorType.NUMBER, IndicatorType.PERCENT):
        minimum, maximum = _float(indicator.goal_min), _float(indicator.goal_max)
    return Node(
        code=indicator.code,
        parent=parent,
        weight=float(indicator.weight),
        type=indicator.type,
        direction=int(indicator.direction),
        min=minimum,
        max=maximum,
    )


def instrument_indicators(instrument: Instrument) -> list[Indicator]:
    return list(
        Indicator.objects.filter(instrument=instrument)
        .select_related("element", "element__dimension")
        .order_by("element__dimension__order", "element__order", "order", "code")
    )


def dimension_tree(instrument: Instrument, indicators: list[Indicator]) -> Tree:
    """root → dimensions → elements → indicators, with the instrument's weights."""
    nodes = [Node(code=ROOT)]
    for dimension in Dimension.objects.filter(instrument=instrument).order_by("order", "code"):
        nodes.append(Node(code=dimension.code, parent=ROOT, weight=float(dimension.weight)))
        for element in Element.objects.filter(dimension=dimension).order_by("order", "code"):
            nodes.append(
                Node(code=element.code, parent=dimension.code, weight=float(element.weight))
            )
    nodes.extend(indicator_node(indicator, indicator.element.code) for indicator in indicators)
    return Tree(nodes, source=f"instrument {instrument.code} (dimensions)")


def aspect_tree(instrument: Instrument, indicators: list[Indicator]) -> Tree:
    """root → the evaluation aspects in use → indicators, with the instrument's aspect weights."""
    used = {indicator.aspect for indicator in indicators}
    nodes = [Node(code=ROOT)]
    for row in AspectWeight.objects.filter(instrument=instrument).order_by("id"):
        if row.aspect in used:
            nodes.append(Node(code=row.aspect, parent=ROOT, weight=float(row.weight)))
    nodes.extend(indicator_node(indicator, indicator.aspect) for indicator in indicators)
    return Tree(nodes, source=f"instrument {instrument.code} (aspects)")


def config_for(cycle: Cycle) -> Config:
    """The engine's config from the cycle's method settings.

    The cycle stores its predicate bands on its display scale; the engine takes them on 0–5.
    """
    factor = 5 / cycle.display_scale
    bands = tuple(
        {"label": band["label"], "min": float(band["min"]) * factor}
        for band in cycle.predicate_bands
    )
    return Config(
        normalise="rubric",
        scope="numbers",
        aggregate=cycle.aggregation,
        missing=cycle.missing_policy,
        combine=cycle.final_rule,
        display_scale=int(cycle.display_scale),
        bands=bands,
    )


def submitted(cycle: Cycle):
    """The submissions that are evaluated: submitted self-assessments."""
    return Submission.objects.filter(cycle=cycle, state=SubmissionState.SUBMITTED).select_related(
        "region", "region__parent"
    )


def _combine(rule: str, values: list[Decimal]) -> Decimal:
    combined = statistics.median(values) if rule == FinalRule.MEDIAN else sum(values) / len(values)
    return Decimal(combined).quantize(TOLERANCE)


def raw_scores(cycle: Cycle, region_ids: set[int] | None = None) -> pd.DataFrame:
    """Every assessor's value (not "not applicable", not empty): unit, indicator, value, assessor."""
    scores = Score.objects.filter(
        assignment__cycle=cycle, value__isnull=False, not_applicable=False
    )
    if region_ids is not None:
        scores = scores.filter(assignment__region_id__in=region_ids)
    rows = scores.values_list(
        "assignment__region__code", "indicator__code", "value", "assignment__assessor__username"
    )
    return pd.DataFrame(
        [(unit, code, float(value), who) for unit, code, value, who in rows],
        columns=["unit", "indicator", "value", "assessor"],
    )


def value_rows(cycle: Cycle, submissions: list[Submission], scores: pd.DataFrame) -> pd.DataFrame:
    """The values table the index is built from (see the module docstring)."""
    by_pair: dict[tuple[str, str], list[tuple[str, float]]] = {}
    for unit, code, value, who in scores.itertuples(index=False):
        by_pair.setdefault((unit, code), []).append((who, value))
    finals = FinalValue.objects.filter(submission__in=submissions).values_list(
        "submission__region__code", "indicator__code", "value", "not_applicable", "method"
    )
    rows = []
    for unit, code, value, not_applicable, method in finals:
        if not_applicable:
            rows.append((unit, code, None, FINAL, True))
            continue
        if value is None:
            continue  # settled as missing: the cycle's missing policy applies
        assessed = by_pair.get((unit, code), [])
        if method != FinalMethod.MODERATED and assessed:
            combined = _combine(cycle.final_rule, [Decimal(str(v)) for _who, v in assessed])
            if abs(combined - value) <= TOLERANCE:
                rows.extend((unit, code, v, who, False) for who, v in assessed)
                continue
        rows.append((unit, code, float(value), FINAL, False))
    return pd.DataFrame(rows, columns=VALUE_COLUMNS)


def group_frame(submissions: list[Submission]) -> pd.DataFrame:
    """unit, province (kabupaten/kota only), kind."""
    return pd.DataFrame(
        [
            (
                s.region.code,
                s.region.parent.code if s.region.parent_id else None,
                s.region.kind,
            )
            for s in submissions
        ],
        columns=["unit", "province", "kind"],
    )


def build_inputs(cycle: Cycle) -> Inputs:
    """Everything the engine needs for ``cycle``, read in a handful of queries."""
    indicators = instrument_indicators(cycle.instrument)
    submissions = list(submitted(cycle).order_by("region__code"))
    region_ids = {s.region_id for s in submissions}
    scores = raw_scores(cycle, region_ids)
    return Inputs(
        cycle=cycle,
        indicators=indicators,
        dimension_tree=dimension_tree(cycle.instrument, indicators),
        aspect_tree=aspect_tree(cycle.instrument, indicators),
        values=value_rows(cycle, submissions, scores),
        scores=scores,
        groups=group_frame(submissions),
        regions={s.region.code: s.region for s in submissions},
        config=config_for(cycle),
    )


def digest(cycle: Cycle) -> str:
    """SHA-256 of what the results depend on and may still change before publication: the method
    settings, the evaluated regions, their final values and their settled feedback.

    (The instrument is frozen when the cycle opens and scores are locked from moderation on.)
    """
    # Canonical JSON (sorted keys all the way down): PostgreSQL's jsonb does not keep key order.
    method = {
        field: getattr(cycle, field)
        for field in (
            "aggregate_along",
            "aggregation",
            "missing_policy",
            "final_rule",
            "display_scale",
            "predicate_bands",
            "previous_id",
        )
    }
    hasher = hashlib.sha256(json.dumps(method, sort_keys=True, default=str).encode())
    submissions = submitted(cycle)
    hasher.update(repr(sorted(submissions.values_list("region__code", flat=True))).encode())
    finals = FinalValue.objects.filter(submission__in=submissions).order_by(
        "submission__region__code", "indicator__code"
    )
    for row in finals.values_list(
        "submission__region__code", "indicator__code", "value", "not_applicable", "method"
    ):
        hasher.update(repr(row).encode())
    feedback = Feedback.objects.filter(submission__in=submissions).order_by(
        "submission__region__code"
    )
    for row in feedback.values_list(
        "submission__region__code", "weaknesses", "strengths", "recommendations"
    ):
        hasher.update(repr(row).encode())
    return hasher.hexdigest()


def clean(value) -> float | None:
    """A float for JSON: NaN and None become None."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


@dataclass
class Agreement:
    """The assessors' agreement of a cycle, as plain data (JSON-safe)."""

    overall: float | None
    by_indicator: dict[str, float | None]
    by_node: dict[str, float | None]
    severity: list[dict]
    pairs: dict[str, int]
    disagreements: int

    def by_dimension(self, codes: list[str]) -> dict[str, float | None]:
        return {code: self.by_node.get(code) for code in codes if code in self.by_node}


def agreement(cycle: Cycle, scores: pd.DataFrame | None = None) -> Agreement | None:
    """Krippendorff's alpha (``kotacerdas.index``) of the cycle's raw scores per indicator,
    per node of the dimension tree and overall; severity; pairs apart by the cycle's moderation
    thresholds. None when no answer has two scores yet."""
    from kotacerdas.index.agreement import agreement as measure

    indicators = instrument_indicators(cycle.instrument)
    if scores is None:
        scores = raw_scores(cycle)
    if scores.empty or not scores.duplicated(["unit", "indicator"]).any():
        return None
    names = dict(
        User.objects.filter(username__in=scores["assessor"].unique()).values_list(
            "username", "first_name"
        )
    )
    result = measure(
        scores,
        tree=dimension_tree(cycle.instrument, indicators),
        level_gap=float(cycle.disagreement_levels),
        number_gap=float(cycle.disagreement_points),
    )
    # The engine lists one row per assessor value; count each disputed answer once.
    disputed = result.disagreements.drop_duplicates(["unit", "indicator"])
    pairs = disputed.groupby("indicator").size().to_dict()
    return Agreement(
        overall=clean(result.overall),
        by_indicator={code: clean(row.alpha) for code, row in result.by_indicator.iterrows()},
        by_node={code: clean(row.alpha) for code, row in result.by_node.iterrows()},
        severity=[
            {
                "assessor": assessor,
                "name": names.get(assessor) or assessor,
                "severity": clean(row.severity),
                "answers": int(row.answers),
            }
            for assessor, row in result.severity.iterrows()
        ],
        pairs={code: int(count) for code, count in pairs.items()},
        disagreements=len(disputed),
    )
