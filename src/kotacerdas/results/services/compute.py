"""Compute a cycle's results with ``kotacerdas.index`` and store them as a new snapshot.

The steps, all in one transaction:

1. ``inputs.build_inputs``: the two trees, the values (final values, with the assessors' scores
   where they make the final value), the groups, the engine config from the cycle's settings.
2. ``index.build`` along the cycle's tree, with the other breakdown as the secondary tree: every
   node's score, predicates, ranks (national, within province, within kind), the fingerprint.
3. ``index.uncertainty``: Monte Carlo rank and score intervals and the sensitivity per assumption.
4. ``index.agreement`` on the raw scores: alpha per indicator, per dimension, overall; severity.
5. ``index.what_if``: per region, the indicators whose next step adds most to its index; and
   ``index.paths_to``: per region below the top band, the fewest steps to the next band
   (``nextband.next_bands``).
6. With a previous cycle and a crosswalk between the instruments: ``index.compare`` on the
   comparable subset (both years' index on it, and its coverage); and the previous official index.
7. Store the snapshot and one RegionResult per region; then the descriptive summary.

No index mathematics happens here: this module only moves data between the database and the
engine. ``kotacerdas compute --cycle 2022`` and the admin's button both call
``compute_results``.
"""

from __future__ import annotations

from importlib.metadata import version as package_version
from typing import Any

import pandas as pd
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from kotacerdas import index
from kotacerdas.accounts.predicates import is_admin
from kotacerdas.core.errors import ServiceError
from kotacerdas.core.taxonomy import Aspect
from kotacerdas.evaluations.models import Cycle, CycleState, Feedback, FinalValue, Score
from kotacerdas.evaluations.services.scoring import items
from kotacerdas.index.build import FINGERPRINT_VERSION
from kotacerdas.instruments.models import AspectWeight, Dimension, Element, Instrument
from kotacerdas.regions.models import RegionKind

from ..choices import NodeKind
from ..models import RegionResult, Snapshot
from . import comparison, inputs, nextband, published, summary

DEFAULT_SAMPLES = 1000
WHAT_IF_TOP = 5
DELTA = 0.25  # weights perturbed by ±25 % in the Monte Carlo


def engine_version() -> str:
    return f"{FINGERPRINT_VERSION} (kotacerdas {package_version('kotacerdas')})"


def _value(number: Any) -> float | None:
    """A float for JSON, None for NaN/None."""
    return inputs.clean(number)


def compute_results(
    cycle: Cycle,
    *,
    by=None,
    samples: int = DEFAULT_SAMPLES,
    seed: int | None = None,
    note: str = "",
    allow_published: bool = False,
) -> Snapshot:
    """Compute the cycle's results and store them as the next snapshot version.

    Guarantees: only an admin, or the command line (``by=None``) (else PermissionDenied); the
    cycle is ``final`` (or ``published`` when ``allow_published``, for a republication), else
    ServiceError naming its state; at least one submitted region; invalid engine input becomes a
    ServiceError naming the place; everything is written in one transaction or nothing.
    The Monte Carlo is seeded (default: the cycle's year) so a recomputation is identical.
    """
    if by is not None and not is_admin(by):
        raise PermissionDenied(_("Hanya admin yang dapat menghitung hasil."))
    with transaction.atomic():
        locked = (
            # of=("self",): PostgreSQL cannot lock the nullable side of an outer join.
            Cycle.objects.select_for_update(of=("self",))
            .select_related("instrument", "previous")
            .get(pk=cycle.pk)
        )
        allowed = {CycleState.FINAL} | ({CycleState.PUBLISHED} if allow_published else set())
        if locked.state not in allowed:
            raise ServiceError(
                _("Hasil dihitung pada tahap Final; siklus %(cycle)s pada tahap %(state)s.")
                % {"cycle": locked, "state": locked.get_state_display()}
            )
        data = inputs.build_inputs(locked)
        if not data.regions:
            raise ServiceError(_("Belum ada penilaian mandiri yang dikirim pada siklus ini."))
        seed = locked.year if seed is None else seed
        try:
            built = index.build(
                data.main_tree,
                data.values,
                data.config,
                data.groups,
                secondary_tree=data.other_tree,
            )
            monte_carlo = index.uncertainty(
                data.main_tree,
                data.values,
                data.config,
                samples=samples,
                seed=seed,
                delta=DELTA,
                groups=data.groups,
            )
            improvements = comparison.what_if(data, built, top=WHAT_IF_TOP)
            roads = nextband.next_bands(data, built)
            progress = comparison.progress(locked, data)
        except index.InputError as error:
            raise ServiceError(
                _("Data siklus tidak dapat dihitung: %(error)s") % {"error": error}
            ) from error
        agreement = inputs.agreement(locked, data.scores)
        snapshot = _store(
            locked,
            data,
            built,
            monte_carlo,
            agreement,
            improvements,
            roads,
            progress,
            by=by,
            samples=samples,
            seed=seed,
            note=note,
        )
    return snapshot


def _store(
    cycle,
    data,
    built,
    monte_carlo,
    agreement,
    improvements,
    roads,
    progress,
    *,
    by,
    samples,
    seed,
    note,
) -> Snapshot:
    version = (
        cycle.result_snapshots.order_by("-version").values_list("version", flat=True).first() or 0
    ) + 1
    snapshot = Snapshot.objects.create(
        cycle=cycle,
        version=version,
        engine_version=engine_version(),
        fingerprint=built.fingerprint,
        inputs_digest=inputs.digest(cycle),
        config=_config(cycle, data, samples, seed),
        nodes=snapshot_nodes(cycle.instrument),
        indicators=[
            {
                "code": indicator.code,
                "question": indicator.question,
                "question_en": indicator.question_en,
                "type": indicator.type,
                "aspect": indicator.aspect,
                "element": indicator.element.code,
                "dimension": indicator.element.dimension.code,
                "weight": float(indicator.weight),
                "unit": indicator.unit,
            }
            for indicator in data.indicators
        ],
        samples=samples,
        seed=seed,
        computed_by=by,
        note=note,
    )
    previous = _previous_index(cycle)
    finals = _finals(cycle)
    combined = _assessor_values(data.values)
    notes = _notes(cycle)
    feedback = _feedback(cycle)
    scores = pd.concat([built.scores, built.secondary.scores], axis=1)
    scores = scores.loc[:, ~scores.columns.duplicated()]
    node_codes = [node["code"] for node in snapshot.nodes]
    intervals = monte_carlo.summary
    ranks = built.ranks[built.tree.root]
    kind_ranks = built.group_ranks["kind"][built.tree.root]
    province_ranks = built.group_ranks["province"][built.tree.root]
    scale = data.config.display_scale
    rows = []
    for unit, region in data.regions.items():
        index_score = float(built.index[unit])
        display = round(index_score * scale / 100, 2)
        before = previous.get(unit)
        comparable = progress.get("regions", {}).get(unit, {})
        rows.append(
            RegionResult(
                snapshot=snapshot,
                region=region,
                index=index_score,
                display=display,
                predicate=str(built.predicate[unit] or ""),
                coverage=float(built.coverage.loc[unit, built.tree.root]),
                rank=int(ranks[unit]),
                rank_province=_rank(province_ranks.get(unit))
                if region.kind != RegionKind.PROVINSI
                else None,
                rank_kind=int(kind_ranks[unit]),
                rank_median=_value(intervals.loc[unit, "rank_median"]),
                rank_low=_rank(intervals.loc[unit, "rank_p05"]),
                rank_high=_rank(intervals.loc[unit, "rank_p95"]),
                score_low=_value(intervals.loc[unit, "score_p05"]),
                score_high=_value(intervals.loc[unit, "score_p95"]),
                previous_display=before,
                improvement=None if before is None else round(display - before, 2),
                comparable_display=comparable.get("display"),
                comparable_previous_display=comparable.get("previous_display"),
                comparable_coverage=comparable.get("coverage"),
                scores={
                    code: _value(scores.loc[unit, code])
                    for code in node_codes
                    if code in scores.columns and _value(scores.loc[unit, code]) is not None
                },
                values=[
                    {
                        **finals.get(
                            (unit, indicator.code),
                            {"value": None, "not_applicable": False, "method": ""},
                        ),
                        "code": indicator.code,
                        "score": _value(built.scores.loc[unit, indicator.code]),
                        **combined.get((unit, indicator.code), {}),
                    }
                    for indicator in data.indicators
                ],
                notes=notes.get(unit, {}),
                what_if=improvements.get(unit, []),
                next_band=roads.get(unit, {}),
                feedback=feedback.get(
                    unit, {"weaknesses": [], "strengths": [], "recommendations": []}
                ),
            )
        )
    RegionResult.objects.bulk_create(rows, batch_size=500)
    snapshot.summary = {
        **summary.summarise(snapshot),
        "uncertainty": {
            "samples": samples,
            "seed": seed,
            "delta": DELTA,
            "aggregations": list(monte_carlo.aggregations),
            "normalisations": list(monte_carlo.normalisations),
            "sensitivity": {
                name: _value(row.first_order)
                for name, row in monte_carlo.sensitivity.iterrows()
                if row.active
            },
            "fingerprint": monte_carlo.fingerprint,
        },
        "agreement": _agreement_summary(agreement, snapshot),
        "comparable": progress.get("summary", {}),
    }
    snapshot.save(update_fields=["summary"])
    return snapshot


def _rank(value) -> int | None:
    value = _value(value)
    return None if value is None else int(value)


def _config(cycle: Cycle, data: inputs.Inputs, samples: int, seed: int) -> dict[str, Any]:
    """Everything needed to rebuild the snapshot: the engine config and the cycle's settings."""
    return {
        "engine": data.config.to_dict(),
        "aggregate_along": cycle.aggregate_along,
        "aggregation": cycle.aggregation,
        "missing_policy": cycle.missing_policy,
        "final_rule": cycle.final_rule,
        "display_scale": int(cycle.display_scale),
        "predicate_bands": cycle.predicate_bands,
        "samples": samples,
        "seed": seed,
        "delta": DELTA,
        "instrument": {"code": cycle.instrument.code, "name": cycle.instrument.name},
        "previous_year": cycle.previous.year if cycle.previous_id else None,
        "trees": {
            "dimensions": data.dimension_tree.to_records(),
            "aspects": data.aspect_tree.to_records(),
        },
    }


def _aspect_names(aspect: str) -> tuple[str, str]:
    """(Indonesian, English) label of an evaluation aspect, whatever the active language."""
    label = Aspect(aspect).label
    with translation.override("id"):
        indonesian = str(label)
    with translation.override("en"):
        english = str(label)
    return indonesian, english


def snapshot_nodes(instrument: Instrument) -> list[dict[str, Any]]:
    """The aspects in use, dimensions and elements of the instrument, with names and weights,
    in instrument order (``Snapshot.nodes``).

    Guarantees: every node has ``name`` in Bahasa Indonesia and ``name_en``, its English twin
    ("" for a dimension or element the instrument gives no English name), whatever the active
    language."""
    used = set(instrument.indicators.values_list("aspect", flat=True))
    nodes = []
    for row in AspectWeight.objects.filter(instrument=instrument).order_by("id"):
        if row.aspect not in used:
            continue
        name, name_en = _aspect_names(row.aspect)
        nodes.append(
            {
                "code": row.aspect,
                "name": name,
                "name_en": name_en,
                "kind": NodeKind.ASPECT,
                "parent": None,
                "weight": float(row.weight),
            }
        )
    for dimension in Dimension.objects.filter(instrument=instrument).order_by("order", "code"):
        nodes.append(
            {
                "code": dimension.code,
                "name": dimension.name,
                "name_en": dimension.name_en,
                "kind": NodeKind.DIMENSION,
                "parent": None,
                "weight": float(dimension.weight),
            }
        )
        for element in Element.objects.filter(dimension=dimension).order_by("order", "code"):
            nodes.append(
                {
                    "code": element.code,
                    "name": element.name,
                    "name_en": element.name_en,
                    "kind": NodeKind.ELEMENT,
                    "parent": dimension.code,
                    "weight": float(element.weight),
                }
            )
    return nodes


def _assessor_values(values: pd.DataFrame) -> dict[tuple[str, str], dict[str, list[float]]]:
    """(unit, indicator) → ``{"assessor_values": [...]}`` where the engine combined the
    assessors' scores itself (their order, without names), so that the published open-data
    package can pass the engine the same values (``opendata``); a value passed alone is absent."""
    scored = values[values["assessor"] != inputs.FINAL]
    out: dict[tuple[str, str], dict[str, list[float]]] = {}
    for unit, indicator, value in scored[["unit", "indicator", "value"]].itertuples(index=False):
        out.setdefault((unit, indicator), {"assessor_values": []})["assessor_values"].append(
            float(value)
        )
    return out


def _finals(cycle: Cycle) -> dict[tuple[str, str], dict[str, Any]]:
    rows = FinalValue.objects.filter(submission__in=inputs.submitted(cycle)).values_list(
        "submission__region__code", "indicator__code", "value", "not_applicable", "method"
    )
    return {
        (unit, code): {
            "value": None if value is None else float(value),
            "not_applicable": not_applicable,
            "method": method,
        }
        for unit, code, value, not_applicable, method in rows
    }


def _notes(cycle: Cycle) -> dict[str, dict[str, list[str]]]:
    """region code → indicator code → the assessors' non-empty notes."""
    notes: dict[str, dict[str, list[str]]] = {}
    rows = (
        Score.objects.filter(assignment__cycle=cycle)
        .exclude(note="")
        .order_by("assignment__assessor__username")
        .values_list("assignment__region__code", "indicator__code", "note")
    )
    for unit, code, note in rows:
        notes.setdefault(unit, {}).setdefault(code, []).append(note.strip())
    return notes


def _feedback(cycle: Cycle) -> dict[str, dict[str, list[str]]]:
    return {
        row.submission.region.code: {
            "weaknesses": items(row.weaknesses),
            "strengths": items(row.strengths),
            "recommendations": items(row.recommendations),
        }
        for row in Feedback.objects.filter(submission__cycle=cycle).select_related(
            "submission__region"
        )
    }


def _previous_index(cycle: Cycle) -> dict[str, float]:
    """region code → the previous cycle's published index, on this cycle's display scale."""
    if not cycle.previous_id:
        return {}
    snapshot = published.current_snapshot(cycle.previous)
    if snapshot is None:
        return {}
    scale = int(cycle.display_scale)
    return {
        code: round(index_score * scale / 100, 2)
        for code, index_score in RegionResult.objects.filter(snapshot=snapshot).values_list(
            "region__code", "index"
        )
    }


def _agreement_summary(agreement: inputs.Agreement | None, snapshot: Snapshot) -> dict[str, Any]:
    if agreement is None:
        return {}
    dimensions = [node["code"] for node in published.dimensions(snapshot)]
    return {
        "overall": agreement.overall,
        "by_dimension": agreement.by_dimension(dimensions),
        "by_indicator": agreement.by_indicator,
        "severity": agreement.severity,
        "pairs": agreement.pairs,
        "disagreements": agreement.disagreements,
    }
