"""Builders for results tests.

- ``make_six_instrument``: the six national dimensions, one element each, two indicators per
  dimension (a level indicator and a percent), with aspect weights and level descriptors, every
  text with its English twin (``question_en``, ``name_en``, ``description_en``).
- ``make_stored_snapshot``: a snapshot written directly through the models (no engine), with
  chosen numbers, for tests of pages, exports and reports that must not depend on the engine.
- ``make_evaluated_cycle``: a cycle in ``final`` with submitted regions, two assessors' scores,
  final values and feedback, ready for ``compute_results``.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from kotacerdas.accounts.roles import Role
from kotacerdas.core.taxonomy import DIMENSIONS, Aspect
from kotacerdas.evaluations.models import (
    Assignment,
    Cycle,
    CycleState,
    Feedback,
    FinalMethod,
    FinalValue,
    Score,
    Submission,
    SubmissionState,
)
from kotacerdas.instruments.models import (
    AspectWeight,
    Dimension,
    Element,
    Indicator,
    IndicatorType,
    Instrument,
    LevelDescriptor,
)
from kotacerdas.regions.models import Region, RegionKind
from kotacerdas.results.choices import SnapshotState
from kotacerdas.results.models import RegionResult, Snapshot
from kotacerdas.results.services import inputs, summary
from kotacerdas.results.services.compute import snapshot_nodes
from tests.conftest import make_user
from tests.factories import LEVEL_TEXT

DIMENSION_NAMES = [dimension.name for dimension in DIMENSIONS]
# The index (0–100) of the five cohort regions in the stored-snapshot tests.
INDICES = {"15": 50.0, "15.71": 66.2, "15.05": 30.0, "32.73": 80.0, "32.04": 45.0}
ASPECT_WEIGHTS = {
    Aspect.BASELINE: 10,
    Aspect.OUTPUT: 20,
    Aspect.OUTCOME: 30,
    Aspect.IMPACT: 30,
    Aspect.QUICK_WIN: 10,
}
ASPECT_CYCLE = [Aspect.OUTPUT, Aspect.OUTCOME, Aspect.IMPACT, Aspect.QUICK_WIN, Aspect.BASELINE]
LEVEL_TEXT_EN = [
    "None yet",
    "Started, ad hoc",
    "Planned and documented",
    "Applied across the organisation, standardised",
    "Integrated across agencies and measured",
    "Optimised, improved and replicated",
]


def make_six_instrument(code: str = "six-2022") -> Instrument:
    """Six dimensions × one element × (one level indicator ``<DIM>.01`` and one percent
    ``<DIM>.02``); aspects rotate over the indicators so every aspect is used. Every text has
    its English twin: "Tingkat kematangan Smart Governance" / "Maturity level of Smart
    Governance", element "Layanan Publik" / "Public service", ..."""
    instrument = Instrument.objects.create(code=code, name=f"Instrumen enam dimensi {code}")
    for aspect, weight in ASPECT_WEIGHTS.items():
        AspectWeight.objects.create(instrument=instrument, aspect=aspect, weight=weight)
    position = 0
    for order, national in enumerate(DIMENSIONS, start=1):
        dimension = Dimension.objects.create(
            instrument=instrument,
            code=national.code,
            name=national.name,
            name_en=national.name,
            order=order,
        )
        first = national.elements[0]
        element = Element.objects.create(
            dimension=dimension, code=first.code, name=first.name_id, name_en=first.name_en, order=1
        )
        level = Indicator.objects.create(
            instrument=instrument,
            element=element,
            code=f"{national.code}.01",
            order=1,
            question=f"Tingkat kematangan {national.name}",
            question_en=f"Maturity level of {national.name}",
            type=IndicatorType.LEVEL,
            aspect=ASPECT_CYCLE[position % 5],
        )
        for number, (text, text_en) in enumerate(zip(LEVEL_TEXT, LEVEL_TEXT_EN, strict=True)):
            LevelDescriptor.objects.create(
                indicator=level, level=number, description=text, description_en=text_en
            )
        Indicator.objects.create(
            instrument=instrument,
            element=element,
            code=f"{national.code}.02",
            order=2,
            question=f"Persentase layanan {national.name} yang digital",
            question_en=f"Share of {national.name} services that are digital",
            type=IndicatorType.PERCENT,
            aspect=ASPECT_CYCLE[(position + 1) % 5],
            unit="%",
        )
        position += 2
    return instrument


def cohort() -> list[Region]:
    """Province Jambi (15) with Kota Jambi and Kabupaten Muaro Jambi, province Jawa Barat (32)
    with Kota Bandung and Kabupaten Bandung: five regions of all three kinds."""
    jambi, _ = Region.objects.get_or_create(
        code="15", defaults={"name": "Jambi", "kind": RegionKind.PROVINSI}
    )
    jabar, _ = Region.objects.get_or_create(
        code="32", defaults={"name": "Jawa Barat", "kind": RegionKind.PROVINSI}
    )
    rows = [
        ("15.71", "Kota Jambi", RegionKind.KOTA, jambi),
        ("15.05", "Kabupaten Muaro Jambi", RegionKind.KABUPATEN, jambi),
        ("32.73", "Kota Bandung", RegionKind.KOTA, jabar),
        ("32.04", "Kabupaten Bandung", RegionKind.KABUPATEN, jabar),
    ]
    regions = [jambi]
    for code, name, kind, parent in rows:
        region, _ = Region.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "parent": parent}
        )
        regions.append(region)
    return regions


def cohort_and_more(count: int) -> dict[str, float]:
    """The cohort (``cohort``) with ``count`` more kabupaten of Jambi (15.61, 15.62, ...), and
    an index for every one: ``INDICES`` for the cohort, 20 + n for the n-th added region. For
    pages that must list more regions than the cohort has."""
    jambi = {region.code: region for region in cohort()}["15"]
    indices = dict(INDICES)
    for number in range(1, count + 1):
        code = f"15.{60 + number}"
        Region.objects.get_or_create(
            code=code,
            defaults={
                "name": f"Kabupaten Uji {number}",
                "kind": RegionKind.KABUPATEN,
                "parent": jambi,
            },
        )
        indices[code] = 20.0 + number
    return indices


def make_stored_snapshot(
    cycle: Cycle,
    indices: dict[str, float],
    *,
    published: bool = True,
    version: int = 1,
    previous: dict[str, float] | None = None,
) -> Snapshot:
    """A snapshot with the given index (0–100) per region code, written through the models.

    Every node's score is the index shifted a little per node (so dimensions differ); ranks
    follow the index; intervals are ±1 rank; feedback, notes and what-if are filled.
    """
    instrument = cycle.instrument
    nodes = snapshot_nodes(instrument)
    indicators = list(instrument.indicators.select_related("element__dimension").order_by("code"))
    scale = int(cycle.display_scale)
    engine_indicators = inputs.instrument_indicators(instrument)
    snapshot = Snapshot.objects.create(
        cycle=cycle,
        version=version,
        state=SnapshotState.PUBLISHED if published else SnapshotState.COMPUTED,
        published_at=timezone.now() if published else None,
        engine_version="test",
        fingerprint="f" * 64,
        inputs_digest="d" * 64,
        config={
            "display_scale": scale,
            "aggregate_along": cycle.aggregate_along,
            "aggregation": cycle.aggregation,
            "missing_policy": cycle.missing_policy,
            "final_rule": cycle.final_rule,
            "predicate_bands": cycle.predicate_bands,
            "engine": inputs.config_for(cycle).to_dict(),
            "instrument": {"code": instrument.code, "name": instrument.name},
            "trees": {
                "dimensions": inputs.dimension_tree(instrument, engine_indicators).to_records(),
                "aspects": inputs.aspect_tree(instrument, engine_indicators).to_records(),
            },
        },
        nodes=nodes,
        indicators=[
            {
                "code": i.code,
                "question": i.question,
                "question_en": i.question_en,
                "type": i.type,
                "aspect": i.aspect,
                "element": i.element.code,
                "dimension": i.element.dimension.code,
                "weight": float(i.weight),
                "unit": i.unit,
            }
            for i in indicators
        ],
        samples=100,
        seed=cycle.year,
    )
    ordered = sorted(indices.items(), key=lambda item: -item[1])
    regions = {r.code: r for r in Region.objects.filter(code__in=indices)}
    bands = cycle.predicate_bands
    for rank, (code, value) in enumerate(ordered, start=1):
        region = regions[code]
        display = round(value * scale / 100, 2)
        predicate = next(b["label"] for b in bands if display * 5 / scale >= b["min"])
        scores = {
            node["code"]: max(0.0, min(100.0, value + offset))
            for offset, node in zip(
                [(-1) ** k * (k % 4) * 3 for k in range(len(nodes))], nodes, strict=False
            )
        }
        before = None if previous is None else previous.get(code)
        RegionResult.objects.create(
            snapshot=snapshot,
            region=region,
            index=value,
            display=display,
            predicate=predicate,
            rank=rank,
            rank_province=None if region.kind == RegionKind.PROVINSI else 1,
            rank_kind=1,
            rank_median=float(rank),
            rank_low=max(1, rank - 1),
            rank_high=rank + 1,
            score_low=value - 2,
            score_high=value + 2,
            previous_display=before,
            improvement=None if before is None else round(display - before, 2),
            comparable_display=None if before is None else display,
            comparable_previous_display=before,
            comparable_coverage=None if before is None else 0.8,
            scores=scores,
            values=[
                {
                    "code": i.code,
                    "value": 3.0 if i.type == IndicatorType.LEVEL else 60.0,
                    "not_applicable": False,
                    "method": "mean",
                    "score": 60.0,
                }
                for i in indicators
            ],
            notes={indicators[0].code: [f"Catatan rahasia asesor untuk {region.name}"]},
            what_if=[
                {
                    "code": indicators[0].code,
                    "question": indicators[0].question,
                    "question_en": indicators[0].question_en,
                    "from": 3,
                    "to": 4,
                    "gain": 0.125,
                }
            ],
            feedback={
                "weaknesses": [f"Kelemahan {region.name}: data belum terintegrasi"],
                "strengths": [f"Kekuatan {region.name}: Mal Pelayanan Publik"],
                "recommendations": [f"Rekomendasi {region.name}: satu data daerah"],
            },
            letter_number=f"B-{1000 + rank}/DJAI/AI.01.04/12/{cycle.year}",
        )
    snapshot.summary = summary.summarise(snapshot)
    snapshot.save(update_fields=["summary"])
    return snapshot


def publish_cycle(year: int, indices: dict[str, float], **kwargs) -> Snapshot:
    """A published cycle of the six-dimension instrument with a stored snapshot."""
    cycle = Cycle.objects.create(
        year=year,
        name=f"Evaluasi Smart City {year}",
        instrument=make_six_instrument(f"six-{year}"),
        state=CycleState.PUBLISHED,
        published_at=timezone.now(),
    )
    return make_stored_snapshot(cycle, indices, **kwargs)


# --- A cycle with real evaluation data, for the compute service ---------------------------------

# region code → level per dimension (GOV, BRA, ECO, LIV, SOC, ENV) of assessor 1 and 2, and the
# percent answered for the percent indicators.
LEVELS = {
    "15": ([3, 3, 2, 3, 2, 2], [3, 2, 2, 3, 2, 2], 50),
    "15.71": ([4, 3, 3, 4, 3, 3], [4, 3, 4, 4, 3, 3], 70),
    "15.05": ([1, 2, 1, 2, 1, 1], [2, 2, 1, 2, 1, 1], 20),
    "32.73": ([5, 4, 4, 5, 4, 4], [5, 4, 4, 4, 4, 4], 90),
    "32.04": ([2, 2, 3, 2, 2, 3], [2, 3, 3, 2, 2, 3], 40),
}


def make_evaluated_cycle(
    year: int = 2022,
    *,
    state: str = CycleState.FINAL,
    instrument: Instrument | None = None,
    previous: Cycle | None = None,
    shift: int = 0,
) -> Cycle:
    """A cycle in ``state`` with the five cohort regions submitted, scored by two assessors
    (``LEVELS``, each level raised by ``shift`` up to 5), final values settled as the assessors'
    mean, and feedback."""
    regions = {region.code: region for region in cohort()}
    cycle = Cycle.objects.create(
        year=year,
        name=f"Evaluasi Smart City {year}",
        instrument=instrument or make_six_instrument(f"six-{year}"),
        state=state,
        previous=previous,
    )
    assessors = [
        make_user(f"asesor.{year}.{n}", Role.ASSESSOR, first_name=f"Asesor {n}") for n in (1, 2)
    ]
    indicators = list(cycle.instrument.indicators.select_related("element__dimension"))
    for code, (first, second, percent) in LEVELS.items():
        region = regions[code]
        submission = Submission.objects.create(
            cycle=cycle, region=region, state=SubmissionState.SUBMITTED
        )
        assignments = [
            Assignment.objects.create(cycle=cycle, region=region, assessor=assessor)
            for assessor in assessors
        ]
        for indicator in indicators:
            position = [d.code for d in DIMENSIONS].index(indicator.element.dimension.code)
            if indicator.type == IndicatorType.LEVEL:
                given = [min(5, first[position] + shift), min(5, second[position] + shift)]
            else:
                given = [min(100, percent + 10 * shift), min(100, percent + 10 * shift + 10)]
            for assignment, value in zip(assignments, given, strict=True):
                Score.objects.create(
                    assignment=assignment,
                    indicator=indicator,
                    value=Decimal(value),
                    note=f"Catatan {assignment.assessor.username} {indicator.code}",
                )
            FinalValue.objects.create(
                submission=submission,
                indicator=indicator,
                value=Decimal(sum(given)) / 2,
                method=FinalMethod.MEAN,
            )
        Feedback.objects.create(
            submission=submission,
            weaknesses=f"Integrasi data {region.name} belum berjalan\nAnggaran TIK terbatas",
            strengths=f"Mal Pelayanan Publik {region.name}",
            recommendations="Bangun satu data daerah\nLatih ASN TIK",
        )
    return cycle
