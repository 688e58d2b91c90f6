"""The results demo step: five published cycles with results and a live 2023 cycle."""

import pytest
from django.core.management import call_command

from kotacerdas.accounts import demo as accounts_demo
from kotacerdas.accounts.models import User
from kotacerdas.appeals.models import Appeal
from kotacerdas.core.demo import DEMO_STEPS
from kotacerdas.evaluations import demo as evaluation_demo
from kotacerdas.evaluations.models import Cycle, CycleState, SubmissionState
from kotacerdas.evaluations.services import integrity, locks
from kotacerdas.instruments.models import CrosswalkKind
from kotacerdas.results import demo
from kotacerdas.results.choices import SnapshotState
from kotacerdas.results.models import Snapshot
from kotacerdas.results.services import published


def test_the_step_follows_the_evaluation_step():
    assert DEMO_STEPS.index("kotacerdas.results.demo.load") > DEMO_STEPS.index(
        "kotacerdas.evaluations.demo.load"
    )


@pytest.mark.django_db
def test_the_demo_publishes_2018_to_2022_and_keeps_2023_live():
    """One test loads the demo twice (it takes a while) and checks everything."""
    call_command("load_regions", verbosity=0)
    accounts_demo.load()
    evaluation_demo.load()
    lines = demo.load()
    assert len(lines) == 6
    assert all("[Data sintetis]" in line for line in lines)
    cycles = {cycle.year: cycle for cycle in Cycle.objects.all()}
    for year in (2018, 2019, 2020, 2021, 2022):
        cycle = cycles[year]
        assert cycle.state == CycleState.PUBLISHED
        assert cycle.published_at.date().isoformat() == f"{year}-12-15"
        snapshot = cycle.result_snapshots.get(state=SnapshotState.PUBLISHED)
        assert snapshot.state == SnapshotState.PUBLISHED
        assert snapshot.regions.filter(region__code="15.71").exists()
        if year > 2018:
            assert cycle.previous == cycles[year - 1]
    assert cycles[2023].state == CycleState.REVIEW
    assert cycles[2023].previous == cycles[2022]
    # Kota Jambi's 2023 self-assessment is returned with a reason: operator.jambi can edit it.
    live = cycles[2023].submissions.get(region__code="15.71")
    assert live.state == SubmissionState.RETURNED and live.return_reason
    assert User.objects.get(username="operator.jambi").has_perm("evaluations.edit_submission", live)
    assert locks.is_editable(live)
    # The integrity page's near-duplicate section shows the planted case, and nothing else: Kota
    # Yogyakarta's 2023 rewording of Kabupaten Sleman's justification.
    (near,) = integrity.near_duplicate_texts(cycles[2023])
    assert near.regions == [("34.04", "Kabupaten Sleman"), ("34.71", "Kota Yogyakarta")]
    assert {use.year for use in near.uses} == {2023}
    assert all(integrity.near_duplicate_texts(cycles[year]) == [] for year in range(2018, 2023))
    # Kota Jambi's 2022 result carries the previous index and the comparable progress.
    jambi = Snapshot.objects.get(cycle__year=2022, state=SnapshotState.PUBLISHED).regions.get(
        region__code="15.71"
    )
    assert jambi.previous_display is not None
    assert jambi.improvement == pytest.approx(round(jambi.display - jambi.previous_display, 2))
    assert 0 < jambi.comparable_coverage < 1  # two indicators are new in 2022
    assert jambi.letter_number.endswith("/DJAI/AI.01.04/12/2022")
    assert jambi.feedback["strengths"]
    # The instruments evolve: the public service mall indicator was renamed in 2021.
    renamed = cycles[2021].instrument.indicators.filter(code="GOV.SVC.01").exists()
    assert renamed and cycles[2020].instrument.indicators.filter(code="GOV.MPP.01").exists()
    summary = Snapshot.objects.get(cycle__year=2021).summary["comparable"]
    # Kota Jambi's 2022 appeal was decided before publication: one item accepted (its level one
    # up, results recomputed as version 2, the one published), one rejected.
    appeal = Appeal.objects.get(cycle=cycles[2022], region__code="15.71")
    assert sorted(appeal.items.values_list("decision", flat=True)) == ["accepted", "rejected"]
    accepted = appeal.items.get(decision="accepted")
    assert (accepted.snapshot_before.version, accepted.snapshot_after.version) == (1, 2)
    assert accepted.value_after == accepted.value_before + 1
    assert summary["kinds"][CrosswalkKind.RENAMED] == 1
    # Loading again changes nothing: no new snapshot version.
    evaluation_demo.load()
    assert demo.load() == lines
    assert Snapshot.objects.count() == 6  # 2022 has the version before the appeal too
    assert Cycle.objects.get(year=2022).state == CycleState.PUBLISHED
    # Every snapshot stores the English texts; a demo loaded before they were stored (version
    # 5) gets its results computed again and published, so English pages can read them.
    assert all("question_en" in row for s in Snapshot.objects.all() for row in s.indicators)
    older = Snapshot.objects.get(cycle__year=2021, state=SnapshotState.PUBLISHED)
    Snapshot.objects.filter(pk=older.pk).update(
        indicators=[
            {k: v for k, v in row.items() if k != "question_en"} for row in older.indicators
        ]
    )
    evaluation_demo.load()
    demo.load()
    current = published.current_snapshot(Cycle.objects.get(year=2021))
    assert current.version == older.version + 1
    assert all(row["question_en"] for row in current.indicators)
    assert Snapshot.objects.count() == 7
