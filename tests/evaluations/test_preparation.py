"""Preparing moderation in the background: the move to moderation only enqueues; decisions wait
until the preparation is done; progress, failure, retry, stalls, steps back and idempotency."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend

from kotacerdas.accounts.roles import Role
from kotacerdas.core.errors import Locked, ServiceError
from kotacerdas.evaluations.models import (
    Cycle,
    CycleState,
    FinalMethod,
    FinalValue,
    ModerationPreparation,
    PreparationState,
    Score,
    SubmissionState,
)
from kotacerdas.evaluations.services import feedback, lifecycle, moderation, preparation
from tests.conftest import make_user
from tests.factories import assign, enrol, make_cycle

HTMX = {"HX-Request": "true"}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
# GOV.SVC.01 is disputed in both regions (levels 1 and 4); the rest agree.
SCORES = {
    "GOV.SVC.01": (1, 4),
    "GOV.SVC.02": (1, 1),
    "ENV.WAS.01": (70, 80),
    "ENV.WAS.02": (300, 320),
}


@pytest.fixture
def reviewed(jambi, bandung, admin_user):
    """A cycle in review: Kota Jambi and Kota Bandung submitted, two assessors scored all."""
    cycle = make_cycle(state=CycleState.REVIEW)
    submissions = enrol(cycle, jambi, bandung)
    for submission in submissions:
        submission.state = SubmissionState.SUBMITTED
        submission.save()
    first = make_user("asesor1", Role.ASSESSOR)
    second = make_user("asesor2", Role.ASSESSOR)
    indicators = {i.code: i for i in cycle.instrument.indicators.all()}
    for region in (jambi, bandung):
        for position, assignment in enumerate(assign(cycle, region, first, second)):
            for code, values in SCORES.items():
                Score.objects.create(
                    assignment=assignment,
                    indicator=indicators[code],
                    value=Decimal(values[position]),
                )
    return cycle


def enter_moderation(cycle, admin, capture):
    """Move the cycle to moderation as the admin's request does; return the preparation."""
    with capture(execute=True):
        lifecycle.transition(cycle, CycleState.MODERATION, by=admin)
    cycle.refresh_from_db()
    return preparation.current(cycle)


def finals(cycle):
    return sorted(
        FinalValue.objects.filter(submission__cycle=cycle).values_list(
            "submission__region__code", "indicator__code", "value", "method", "version"
        )
    )


def history_rows(cycle):
    return FinalValue.history.filter(submission__cycle=cycle).count()


def settle_disputed(cycle, admin, code="15.71", version=0):
    """The moderator settles GOV.SVC.01 of the region ``code``."""
    submission = cycle.submissions.get(region__code=code)
    indicator = cycle.instrument.indicators.get(code="GOV.SVC.01")
    return moderation.settle(
        submission, indicator, value=Decimal(3), reason="Wawancara", by=admin, version=version
    )


def test_the_move_only_enqueues_and_decisions_wait_until_the_task_has_run(
    reviewed, admin_user, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY  # a queue nobody works: what production does until the worker runs
    job = enter_moderation(reviewed, admin_user, django_capture_on_commit_callbacks)
    # The state change is committed at once (scores are locked), nothing is computed yet.
    assert reviewed.state == CycleState.MODERATION
    assert (job.state, job.done, job.total) == (PreparationState.QUEUED, 0, 2)
    assert not FinalValue.objects.exists()
    (enqueued,) = default_task_backend.results
    assert enqueued.task.name == "prepare_moderation" and enqueued.args == [job.pk]
    # Until it has run, every moderation decision is refused, saying how far it is.
    with pytest.raises(Locked, match="masih disiapkan \\(0 dari 2 daerah\\)"):
        settle_disputed(reviewed, admin_user)
    submission = reviewed.submissions.get(region__code="32.73")
    with pytest.raises(Locked, match="masih disiapkan"):
        feedback.settle_feedback(
            submission, weaknesses="a", strengths="b", recommendations="c", version=0, by=admin_user
        )
    assert any("masih disiapkan" in p for p in lifecycle.check(reviewed, CycleState.FINAL))

    preparation.run(job.pk)  # what `kotacerdas db_worker` does
    job.refresh_from_db()
    assert (job.state, job.done, job.total) == (PreparationState.DONE, 2, 2)
    assert job.started_at and job.finished_at
    assert len(finals(reviewed)) == 2 * 3  # three agreed indicators in each region
    # The history names the admin who moved the cycle (the task itself has no request).
    assert set(
        FinalValue.history.filter(submission__cycle=reviewed).values_list("history_user", flat=True)
    ) == {admin_user.pk}
    assert [item.indicator.code for item in moderation.queue(reviewed)] == ["GOV.SVC.01"] * 2
    assert settle_disputed(reviewed, admin_user).method == FinalMethod.MODERATED
    preparation.run(job.pk)  # the same task delivered twice does nothing more
    job.refresh_from_db()
    assert job.state == PreparationState.DONE


def test_the_background_preparation_gives_what_the_synchronous_one_gave(
    reviewed, admin_user, django_capture_on_commit_callbacks
):
    enter_moderation(reviewed, admin_user, django_capture_on_commit_callbacks)
    background = (finals(reviewed), [i.describe() for i in moderation.queue(reviewed)])
    FinalValue.objects.all().delete()
    moderation.prepare(reviewed)
    assert (finals(reviewed), [i.describe() for i in moderation.queue(reviewed)]) == background


def test_the_pages_show_progress_and_refuse_decisions_while_preparing(
    client, reviewed, admin_user, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY
    job = enter_moderation(reviewed, admin_user, django_capture_on_commit_callbacks)
    client.force_login(admin_user)
    status_url = reverse("evaluations:moderation_preparation", args=[reviewed.year])
    page = client.get(reverse("evaluations:moderation_queue", args=[reviewed.year]))
    html = page.content.decode()
    assert 'data-testid="preparation"' in html and f'hx-get="{status_url}"' in html
    assert "0 dari 2 daerah" in html
    assert 'class="queue-item' not in html and page.context["in_moderation"] is False
    for name in ("moderation_region", "feedback_edit"):
        html = client.get(reverse(f"evaluations:{name}", args=[reviewed.year, "15.71"]))
        assert 'data-testid="preparation"' in html.content.decode()
    refused = client.post(
        reverse("evaluations:moderation_settle", args=[reviewed.year, "15.71", "GOV.SVC.01"]),
        {"value": "3", "reason": "Wawancara", "version": "0"},
        headers=HTMX,
    )
    assert refused.status_code == 423 and "masih disiapkan" in refused.content.decode()
    # The htmx poll: the progress while it runs, a reload of the page once it has finished.
    ModerationPreparation.objects.filter(pk=job.pk).update(state=PreparationState.RUNNING, done=1)
    poll = client.get(status_url, headers=HTMX)
    assert poll.status_code == 200 and "1 dari 2 daerah" in poll.content.decode()
    assert client.get(status_url).status_code == 302  # without htmx: the queue page
    ModerationPreparation.objects.filter(pk=job.pk).update(state=PreparationState.QUEUED, done=0)
    preparation.run(job.pk)
    assert client.get(status_url, headers=HTMX).headers["HX-Refresh"] == "true"
    html = client.get(reverse("evaluations:moderation_queue", args=[reviewed.year])).content
    assert b'data-testid="preparation"' not in html
    assert html.decode().count('class="queue-item') == 2


def test_a_failed_preparation_keeps_whole_regions_is_shown_and_can_be_retried(
    client, reviewed, admin_user, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY
    monkeypatch.setattr(moderation, "REGIONS_PER_STEP", 1)
    job = enter_moderation(reviewed, admin_user, django_capture_on_commit_callbacks)
    real = moderation.prepare_regions
    calls = []

    def breaks_in_the_second_region(cycle, regions, *args, **kwargs):
        calls.append(regions)
        real(
            cycle, regions, *args, **kwargs
        )  # writes the region's values, then fails before committing
        if len(calls) == 2:
            raise RuntimeError("disk penuh")

    monkeypatch.setattr(moderation, "prepare_regions", breaks_in_the_second_region)
    preparation.run(job.pk)
    job.refresh_from_db()
    assert (job.state, job.done, job.error) == (PreparationState.FAILED, 1, "disk penuh")
    # The first region is complete, the second has nothing (its step was rolled back).
    assert {code for code, *_rest in finals(reviewed)} == {"15.71"}
    assert len(finals(reviewed)) == 3
    with pytest.raises(Locked, match="gagal"):
        settle_disputed(reviewed, admin_user)

    client.force_login(admin_user)
    html = client.get(reverse("evaluations:moderation_queue", args=[reviewed.year])).content
    assert b'data-testid="preparation-failed"' in html and b"disk penuh" in html
    assert b'data-testid="preparation-retry"' in html
    monkeypatch.setattr(moderation, "prepare_regions", real)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluations:moderation_prepare", args=[reviewed.year]))
    assert response.status_code == 302
    retried = preparation.current(reviewed)
    assert retried.pk != job.pk and retried.state == PreparationState.DONE
    assert retried.created_by == admin_user
    assert len(finals(reviewed)) == 6
    assert settle_disputed(reviewed, admin_user).method == FinalMethod.MODERATED


def test_preparing_again_changes_nothing_and_keeps_the_moderators_decisions(
    reviewed, admin_user, django_capture_on_commit_callbacks
):
    enter_moderation(reviewed, admin_user, django_capture_on_commit_callbacks)
    settle_disputed(reviewed, admin_user)
    before, rows = finals(reviewed), history_rows(reviewed)
    with django_capture_on_commit_callbacks(execute=True):
        again = preparation.restart(reviewed, by=admin_user)
    again.refresh_from_db()
    assert again.state == PreparationState.DONE
    assert finals(reviewed) == before  # same values, versions: nothing rewritten
    assert history_rows(reviewed) == rows
    moderation.prepare(reviewed)
    assert (finals(reviewed), history_rows(reviewed)) == (before, rows)


def test_restarting_is_refused_while_one_runs_unless_it_stalled(
    client, reviewed, admin_user, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY
    job = enter_moderation(reviewed, admin_user, django_capture_on_commit_callbacks)
    with pytest.raises(ServiceError, match="masih disiapkan"):
        preparation.restart(reviewed, by=admin_user)
    with pytest.raises(PermissionDenied):
        preparation.restart(reviewed, by=make_user("asesor9", Role.ASSESSOR))
    # No worker took it for more than ten minutes: shown as stalled, and may be started again.
    ModerationPreparation.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - timedelta(minutes=11)
    )
    client.force_login(admin_user)
    html = client.get(reverse("evaluations:moderation_queue", args=[reviewed.year])).content
    assert b'data-testid="preparation-stalled"' in html
    assert b'data-testid="preparation-retry"' in html
    with django_capture_on_commit_callbacks(execute=True):
        newer = preparation.restart(reviewed, by=admin_user)
    job.refresh_from_db()
    assert job.state == PreparationState.STOPPED and "Digantikan" in job.error
    preparation.run(job.pk)  # the old task, delivered late, does nothing
    assert not FinalValue.objects.exists()
    preparation.run(newer.pk)
    assert preparation.is_prepared(reviewed) and len(finals(reviewed)) == 6


def test_a_cycle_out_of_moderation_stops_it_and_final_back_to_moderation_keeps_it(
    reviewed, admin_user, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY
    job = enter_moderation(reviewed, admin_user, django_capture_on_commit_callbacks)
    # The lifecycle has no step back from moderation; a cycle put back by hand (the admin site,
    # a shell) must not get final values written under it.
    Cycle.objects.filter(pk=reviewed.pk).update(state=CycleState.REVIEW)
    reviewed.refresh_from_db()
    preparation.run(job.pk)
    job.refresh_from_db()
    assert job.state == PreparationState.STOPPED and "tidak lagi pada tahap Moderasi" in job.error
    assert not FinalValue.objects.exists()
    with pytest.raises(Locked):
        preparation.restart(reviewed, by=admin_user)

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    enter_moderation(reviewed, admin_user, django_capture_on_commit_callbacks)
    assert preparation.is_prepared(reviewed)
    settle_disputed(reviewed, admin_user)
    settle_disputed(reviewed, admin_user, code="32.73")
    for submission in reviewed.submissions.all():
        feedback.settle_feedback(
            submission, weaknesses="a", strengths="b", recommendations="c", version=0, by=admin_user
        )
    lifecycle.transition(reviewed, CycleState.FINAL, by=admin_user)
    count = ModerationPreparation.objects.filter(cycle=reviewed).count()
    lifecycle.transition(reviewed, CycleState.MODERATION, by=admin_user, reason="Koreksi")
    # A step back from final prepares nothing: the values stay and decisions are open at once.
    assert ModerationPreparation.objects.filter(cycle=reviewed).count() == count
    assert preparation.is_prepared(reviewed)
    assert settle_disputed(reviewed, admin_user, version=1).version == 2
