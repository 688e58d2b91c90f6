"""Calibration rounds: admins manage them and read the report; every assessor (assigned to
regions or not) scores an open round and sees their own result once it is closed; operators and
anonymous visitors nothing. One cycle of its own (2042, open) with a draft, an open and a closed
round of one case each."""

from kotacerdas.evaluations.models import CalibrationCase, CalibrationRound, CalibrationState
from tests.factories import make_cycle, make_instrument

from .framework import ADMIN_ONLY, Case

YEAR = 2042
ASSESSORS = frozenset({"assessor_assigned", "assessor_unassigned"})


def build(world):
    cycle = make_cycle(YEAR, "open", make_instrument("matrix-calibration"))
    indicator = cycle.instrument.indicators.get(code="GOV.SVC.01")
    for state in CalibrationState.values:
        made = CalibrationRound.objects.create(cycle=cycle, title=f"Kalibrasi {state}", state=state)
        world.objects[f"calibration_{state}"] = made
        world.objects[f"calibration_{state}_case"] = CalibrationCase.objects.create(
            round=made, indicator=indicator, situation="Situasi acuan", gold_level=3, order=1
        )


def _round(state):
    return lambda w: {"year": YEAR, "pk": w.objects[f"calibration_{state}"].pk}


def _case(state):
    return lambda w: {
        "year": YEAR,
        "pk": w.objects[f"calibration_{state}"].pk,
        "case": w.objects[f"calibration_{state}_case"].pk,
    }


CASES = [
    Case("evaluations:calibration_list", ADMIN_ONLY, kwargs=lambda w: {"year": YEAR}),
    Case(
        "evaluations:calibration_create",
        ADMIN_ONLY,
        method="post",
        kwargs=lambda w: {"year": YEAR},
        data=lambda w: {"title": "Kalibrasi baru", "pass_threshold": "0.8"},
    ),
    Case("evaluations:calibration_detail", ADMIN_ONLY, kwargs=_round("draft")),
    Case(
        "evaluations:calibration_detail",
        ADMIN_ONLY,
        kwargs=_round("draft"),
        query=lambda w: {"saran": "6"},
        note="suggestions",
    ),
    Case(
        "evaluations:calibration_case_add",
        ADMIN_ONLY,
        method="post",
        kwargs=_round("draft"),
        data=lambda w: {"indicator": "GOV.SVC.01", "situation": "Situasi", "gold_level": "2"},
    ),
    Case(
        "evaluations:calibration_suggested_add",
        ADMIN_ONLY,
        method="post",
        kwargs=_round("draft"),
        data=lambda w: {"answer": ["1"]},
    ),
    Case(
        "evaluations:calibration_case_edit",
        ADMIN_ONLY,
        method="post",
        kwargs=_case("draft"),
        data=lambda w: {"gold_level": "2", "rationale": "Karena"},
    ),
    Case("evaluations:calibration_case_remove", ADMIN_ONLY, method="post", kwargs=_case("draft")),
    Case("evaluations:calibration_open", ADMIN_ONLY, method="post", kwargs=_round("draft")),
    Case("evaluations:calibration_close", ADMIN_ONLY, method="post", kwargs=_round("open")),
    Case("evaluations:calibration_report", ADMIN_ONLY, kwargs=_round("closed")),
    Case("evaluations:calibration_report_xlsx", ADMIN_ONLY, kwargs=_round("closed")),
    Case(
        "evaluations:calibration_take",
        ASSESSORS,
        kwargs=lambda w: {"pk": w.calibration_open.pk},
        note="open",
    ),
    Case(
        "evaluations:calibration_take",
        ASSESSORS,
        kwargs=lambda w: {"pk": w.calibration_closed.pk},
        note="closed",
    ),
    Case(
        "evaluations:calibration_take",
        frozenset(),
        kwargs=lambda w: {"pk": w.calibration_draft.pk},
        note="draft: nobody",
    ),
    Case(
        "evaluations:calibration_score",
        ASSESSORS,
        method="post",
        kwargs=lambda w: {"pk": w.calibration_open.pk, "case": w.calibration_open_case.pk},
        data=lambda w: {"level": "3", "note": ""},
    ),
    Case(
        "evaluations:calibration_score",
        ASSESSORS,
        method="post",
        kwargs=lambda w: {"pk": w.calibration_open.pk, "case": w.calibration_open_case.pk},
        data=lambda w: {"level": "3", "note": ""},
        htmx=True,
        note="htmx",
    ),
]
