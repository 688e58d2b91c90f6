"""The demo's calibration round: closed, six cases from the published 2022 cycle with their
levels spread, one assessor passing and one failing by being strict."""

import pytest
from django.core.management import call_command

from kotacerdas.accounts import demo as accounts_demo
from kotacerdas.core.demo import DEMO_STEPS
from kotacerdas.evaluations import demo, demo_calibration, demo_open
from kotacerdas.evaluations.models import CalibrationScore, CalibrationState, CycleState
from kotacerdas.evaluations.services import calibration

pytestmark = pytest.mark.django_db


def test_the_step_follows_the_open_cycle_step():
    assert DEMO_STEPS.index("kotacerdas.evaluations.demo_calibration.load") > DEMO_STEPS.index(
        "kotacerdas.evaluations.demo_open.load"
    )


def test_the_round_is_closed_with_one_passing_and_one_strict_assessor_and_loads_twice_the_same():
    call_command("load_regions", verbosity=0)
    accounts_demo.load()
    demo.build_demo_cycle(
        2022, state=CycleState.PUBLISHED, regions=demo.DEMO_REGIONS_2022[:8], seed=2022
    )
    demo_open.load()
    lines = demo_calibration.load()
    cycle = demo_open.Cycle.objects.get(state=CycleState.OPEN)
    made = cycle.calibration_rounds.get()
    assert made.state == CalibrationState.CLOSED and made.closed_at > made.opened_at
    assert "[Data sintetis]" in lines[0] and "6 kasus" in lines[0]
    cases = list(made.cases.select_related("source_answer__submission__cycle"))
    assert len(cases) == 6
    assert {case.source_answer.submission.cycle.year for case in cases} == {2022}
    assert len({case.gold_level for case in cases}) >= 4  # levels spread
    assert all("[Data sintetis]" in case.rationale for case in cases)
    for case in cases:
        assert case.source_answer.submission.region.name not in case.situation

    report = calibration.report(made)
    rows = {a.assessor.username: a for a in report.assessors}
    assert rows["asesor1"].passed and rows["asesor1"].scored == 6
    assert not rows["asesor2"].passed and rows["asesor2"].mean_deviation < 0
    assert report.alpha is not None
    assert calibration.calibration_status(cycle, rows["asesor2"].assessor) == calibration.FAILED

    scores = CalibrationScore.objects.count()
    assert demo_calibration.load() == lines
    assert CalibrationScore.objects.count() == scores and cycle.calibration_rounds.count() == 1
