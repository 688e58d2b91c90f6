"""Demo step: a closed calibration round in the demo's open cycle, so that the report, the
assessors' results and the assignment page's warning have something to show (synthetic,
labelled "[Data sintetis]").

Six cases are taken from the published 2022 cycle's answers as ``calibration.suggest_cases``
proposes them (levels spread over 0–5, both dimensions' indicators), with the 2022 final value as
the gold level. ``asesor1`` scores every case at the gold but one, a level above: passes.
``asesor2`` is strict, two levels below the gold where there is room: fails (within one level
on two cases of six). The round was opened ten days and closed seven days before the load.
Runs after the open cycle's step; idempotent (a round that already has its cases keeps them).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from kotacerdas.accounts.models import User
from kotacerdas.core.moments import WIB

from . import demo
from .models import (
    DEFAULT_PASS_THRESHOLD,
    CalibrationCase,
    CalibrationRound,
    CalibrationScore,
    CalibrationState,
    Cycle,
    CycleState,
)
from .services import calibration

TITLE = f"Kalibrasi asesor sebelum penilaian {demo.SYNTHETIC}"
SOURCE_YEAR = 2022
CASES = 6
LENIENT_CASE = 2  # the one case (by order) asesor1 scores a level above the gold
OPENED_DAYS_AGO = 10
CLOSED_DAYS_AGO = 7


@transaction.atomic
def load() -> list[str]:
    """Demo step: the closed calibration round (see the module docstring)."""
    cycle = Cycle.objects.filter(state=CycleState.OPEN).order_by("-year").first()
    source = Cycle.objects.filter(year=SOURCE_YEAR).first()
    if cycle is None or source is None:
        return []
    admin = User.objects.get(username="admin")
    report = demo.DemoReport(cycle=cycle)
    made = demo._put(
        CalibrationRound,
        {"cycle": cycle, "title": TITLE},
        {"created_by": admin, "pass_threshold": DEFAULT_PASS_THRESHOLD},
        report,
    )
    cases = _cases(made, source, report)
    if not cases:
        return [f"{cycle}: tidak ada jawaban {SOURCE_YEAR} dengan nilai akhir untuk kalibrasi"]
    strict, lenient = (User.objects.get(username=name) for name in ("asesor2", "asesor1"))
    for case in cases:
        gold = case.gold_level
        off = (1 if gold < 5 else -1) if case.order == LENIENT_CASE else 0
        demo._put(
            CalibrationScore,
            {"case": case, "assessor": lenient},
            {"level": gold + off, "note": ""},
            report,
        )
        demo._put(
            CalibrationScore,
            {"case": case, "assessor": strict},
            {"level": max(0, gold - 2), "note": f"{demo.SYNTHETIC} Data dukung kurang meyakinkan."},
            report,
        )
    today = timezone.localdate()

    def days_ago(days: int) -> datetime:
        return datetime.combine(today - timedelta(days=days), time(9), tzinfo=WIB)

    demo._set(
        made,
        {
            "state": CalibrationState.CLOSED,
            "opened_at": days_ago(OPENED_DAYS_AGO),
            "closed_at": days_ago(CLOSED_DAYS_AGO),
        },
        report,
    )
    result = calibration.report(made)
    passed = ", ".join(
        f"{a.assessor.username} {'lulus' if a.passed else 'belum lulus'}" for a in result.assessors
    )
    return [f"{cycle}: {made.title}, {len(cases)} kasus dari {SOURCE_YEAR}; {passed}"]


def _cases(made: CalibrationRound, source: Cycle, report) -> list[CalibrationCase]:
    """The round's cases: those it has, else six from ``source``'s answers."""
    existing = list(made.cases.select_related("indicator"))
    if existing:
        return existing
    cases = []
    for order, suggestion in enumerate(
        calibration.suggest_cases(made, CASES, source=source), start=1
    ):
        answer = suggestion.answer
        descriptor = next(
            (
                d.description
                for d in suggestion.indicator.levels.all()
                if d.level == suggestion.gold_level
            ),
            "",
        )
        cases.append(
            demo._put(
                CalibrationCase,
                {"round": made, "source_answer": answer},
                {
                    "indicator": suggestion.indicator,
                    "situation": calibration.mask_region(
                        answer.justification, answer.submission.region
                    ),
                    "gold_level": suggestion.gold_level,
                    "rationale": f"{demo.SYNTHETIC} Nilai akhir {SOURCE_YEAR} yang disepakati "
                    f"dalam moderasi; tingkat {suggestion.gold_level}: {descriptor}",
                    "order": order,
                },
                report,
            )
        )
    return cases
