"""An accepted item's effect is computed in the background: the decision is recorded at once,
the effect and the email follow when the computation has finished, and decisions wait for it."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from kotacerdas.appeals.choices import AppealState, Decision
from kotacerdas.appeals.models import AppealItem
from kotacerdas.appeals.services import decisions, filing
from kotacerdas.core.errors import Locked
from kotacerdas.evaluations.models import CycleState, FinalValue
from kotacerdas.evaluations.services import lifecycle
from kotacerdas.results.choices import ComputationPurpose, ComputationState
from kotacerdas.results.models import Computation, Snapshot
from kotacerdas.results.services import computation

from .conftest import SAMPLES

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def two_items(cycle, jambi_operator, open_window) -> tuple[AppealItem, AppealItem]:
    """Kota Jambi's submitted appeal: GOV.01 and ENV.02."""
    region = jambi_operator.region
    items = [
        filing.save_item(
            cycle,
            region,
            cycle.instrument.indicators.get(code=code),
            reason="Alasan",
            by=jambi_operator,
        )
        for code in ("GOV.01", "ENV.02")
    ]
    filing.submit(items[0].appeal, by=jambi_operator)
    return tuple(AppealItem.objects.get(pk=item.pk) for item in items)


def test_the_effect_follows_the_computation_and_decisions_wait_for_it(
    client, cycle, admin, two_items, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY  # a queue nobody works
    accepted, other = two_items
    before = cycle.result_snapshots.get(version=1).regions.get(region__code="15.71")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decisions.decide(accepted, accept=True, value=Decimal(5), reason="SK sah.", by=admin)
    # The decision and the values are recorded at once; the cycle went back to final.
    accepted.refresh_from_db()
    assert accepted.decision == Decision.ACCEPTED and accepted.decided_by == admin
    assert (accepted.value_before, accepted.value_after) == (Decimal(4), Decimal(5))
    assert (accepted.display_before, accepted.rank_before) == (before.display, before.rank)
    assert accepted.snapshot_before.version == 1
    final = FinalValue.objects.get(
        submission__cycle=cycle, submission__region__code="15.71", indicator__code="GOV.01"
    )
    assert final.value == Decimal(5)
    cycle.refresh_from_db()
    assert cycle.state == CycleState.FINAL
    # The effect is pending: nothing computed, no email yet.
    job = accepted.computation
    assert (job.state, job.purpose, job.samples) == (
        ComputationState.QUEUED,
        ComputationPurpose.APPEAL,
        SAMPLES,
    )
    assert "Sesudah sanggahan Kota Jambi, indikator GOV.01" in job.note
    assert accepted.effect_pending
    assert (accepted.display_after, accepted.rank_after, accepted.ranks_changed) == (None,) * 3
    assert accepted.snapshot_after is None
    assert Snapshot.objects.filter(cycle=cycle).count() == 1
    assert mail.outbox == []
    client.force_login(admin)
    region_page = reverse("appeals:region", kwargs={"year": 2022, "code": "15.71"})
    page = client.get(region_page).content.decode()
    assert 'data-testid="effect-pending"' in page and "Dampak sedang dihitung" in page
    register = client.get(reverse("appeals:register", kwargs={"year": 2022})).content.decode()
    assert 'data-testid="effect-pending"' in register
    # Another decision waits for the computation, and so does publication.
    with pytest.raises(Locked, match="sedang dihitung di latar belakang"):
        decisions.decide(other, accept=False, reason="Rubrik benar.", by=admin)
    response = client.post(
        reverse("appeals:decide", kwargs={"year": 2022, "code": "15.71", "indicator": "ENV.02"}),
        {"decision": "rejected", "reason": "Rubrik benar."},
        follow=True,
    )
    assert "sedang dihitung di latar belakang" in response.content.decode()
    assert AppealItem.objects.get(pk=other.pk).decision == Decision.PENDING
    assert any(
        "sedang dihitung" in problem for problem in lifecycle.check(cycle, CycleState.PUBLISHED)
    )

    # The worker runs it: the effect is recorded and the region's operators are told.
    with django_capture_on_commit_callbacks(execute=True):
        computation.run(job.pk)
    accepted.refresh_from_db()
    after = Snapshot.objects.get(cycle=cycle, version=2)
    assert not accepted.effect_pending and accepted.snapshot_after == after
    mine = after.regions.get(region__code="15.71")
    assert (accepted.display_after, accepted.rank_after) == (mine.display, mine.rank)
    assert accepted.display_after > accepted.display_before
    assert accepted.ranks_changed is not None
    assert accepted.history.first().history_user == admin
    assert [message.to for message in mail.outbox] == [["op@jambikota.example"]]
    assert "Diterima" in mail.outbox[0].subject
    body = mail.outbox[0].body
    assert f"peringkat nasional: {accepted.rank_before} → {accepted.rank_after}" in body
    page = client.get(region_page).content.decode()
    assert 'data-testid="effect-pending"' not in page

    # Now the other item is decided; a rejection's effect (none) is recorded at once.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rejected = decisions.decide(other, accept=False, reason="Rubrik benar.", by=admin)
    assert not rejected.effect_pending and rejected.snapshot_after == after
    assert rejected.snapshot_before == after and rejected.ranks_changed == 0
    assert len(mail.outbox) == 1
    assert rejected.appeal.items.filter(decision=Decision.PENDING).count() == 0
    rejected.appeal.refresh_from_db()
    assert rejected.appeal.state == AppealState.DECIDED


def test_a_failed_computation_leaves_the_effect_pending_until_a_later_one(
    cycle, admin, two_items, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY
    accepted, other = two_items
    with django_capture_on_commit_callbacks(execute=True):
        decisions.decide(accepted, accept=True, value=Decimal(5), reason="SK sah.", by=admin)
    accepted.refresh_from_db()

    def disk_full(*args, **kwargs):
        raise OSError("disk penuh")

    monkeypatch.setattr(computation.compute, "compute_results", disk_full)
    computation.run(accepted.computation_id)
    monkeypatch.undo()
    failed = Computation.objects.get(pk=accepted.computation_id)
    assert (failed.state, failed.error) == (ComputationState.FAILED, "disk penuh")
    accepted.refresh_from_db()
    assert accepted.effect_pending
    # The latest snapshot is no longer current: deciding asks for a computation first.
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Locked, match="sedang dihitung ulang"),
    ):
        decisions.decide(other, accept=False, reason="Rubrik benar.", by=admin)
    recompute = computation.current(cycle)
    assert recompute.pk != failed.pk and recompute.purpose == ComputationPurpose.COMPUTE
    assert recompute.note == "Dihitung ulang sebelum putusan sanggahan"
    assert AppealItem.objects.get(pk=other.pk).decision == Decision.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        computation.run(recompute.pk)
    accepted.refresh_from_db()
    assert accepted.snapshot_after.version == 2 and accepted.computation == recompute
    rejected = decisions.decide(other, accept=False, reason="Rubrik benar.", by=admin)
    assert rejected.snapshot_before.version == 2
