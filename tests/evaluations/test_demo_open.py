"""The demo's open cycle: dated around the day of the load, Kota Jambi left out, something for
the operations view, reminders and extensions to show."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from kotacerdas.accounts import demo as accounts_demo
from kotacerdas.core.demo import DEMO_STEPS
from kotacerdas.evaluations import demo, demo_open
from kotacerdas.evaluations.models import Cycle, CycleState
from kotacerdas.evaluations.services import locks, operations, reminders, submissions
from kotacerdas.regions.models import Region

pytestmark = pytest.mark.django_db


def test_the_step_follows_the_results_step():
    assert DEMO_STEPS.index("kotacerdas.evaluations.demo_open.load") > DEMO_STEPS.index(
        "kotacerdas.results.demo.load"
    )


def test_the_open_cycle_has_regions_at_every_stage_and_loads_twice_the_same():
    call_command("load_regions", verbosity=0)
    accounts_demo.load()
    demo.load()  # the 2022 cycle, the newest before the open one here
    lines = demo_open.load()
    cycle = Cycle.objects.get(state=CycleState.OPEN)
    assert cycle.year == max(timezone.localdate().year, 2023)
    assert "[Data sintetis]" in lines[0] and "11 daerah" in lines[0]
    assert cycle.instrument.is_frozen and cycle.previous.year == 2022
    assert cycle.submission_deadline - timezone.now() > timedelta(days=9)
    assert not cycle.submissions.filter(region__code=demo.JAMBI).exists()

    view = operations.overview(cycle)
    assert (view.national.enrolled, view.national.submitted, view.national.not_started) == (
        11,
        3,
        2,
    )
    assert [(row.submission.region.code, row.idle_days) for row in view.stalled] == [
        ("52.01", None),
        ("64", None),
        ("15.05", 12),
        ("63.71", 9),
    ]
    # Kalimantan Timur has two more weeks; the others' deadline did not move.
    extended = cycle.submissions.get(region__code="64")
    deadline = submissions.deadline_of(extended)
    assert deadline.extended and deadline.at == cycle.submission_deadline + timedelta(days=14)
    assert not submissions.deadline_of(cycle.submissions.get(region__code="15.05")).extended
    assert [row.extended for row in view.stalled] == [False, True, False, False]
    assert all(locks.is_editable(s) for s in cycle.submissions.filter(state="draft"))
    # Only Kota Semarang has an operator to email; the cycle page names the others.
    reachable = reminders.reachable_regions(cycle.submissions.values_list("region_id", flat=True))
    assert reachable == {Region.objects.get(code="33.74").pk}
    semarang = cycle.submissions.get(region__code="33.74")
    assert semarang.state == "draft" and locks.is_editable(semarang)

    assert demo_open.load() == lines
    assert Cycle.objects.get(state=CycleState.OPEN).submission_deadline == cycle.submission_deadline
