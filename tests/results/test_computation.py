"""Computing results in the background: the buttons only enqueue; the dashboard shows the job;
publishing and a second request wait; running it writes the snapshot; failures, stalls, restarts
and a cycle that left final."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend

from kotacerdas.accounts.roles import Role
from kotacerdas.core.errors import Locked, ServiceError
from kotacerdas.evaluations.models import Cycle, CycleState
from kotacerdas.evaluations.services import lifecycle
from kotacerdas.results.choices import ComputationPurpose, ComputationState, SnapshotState
from kotacerdas.results.models import Computation, Snapshot
from kotacerdas.results.services import computation, compute, publication
from tests.conftest import make_user

from .builders import make_evaluated_cycle

SAMPLES = 100
HTMX = {"HX-Request": "true"}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def admin(db):
    return make_user("admin.hitung", Role.ADMIN)


@pytest.fixture
def cycle(db):
    return make_evaluated_cycle(2022)


def dashboard(client, year=2022) -> str:
    return client.get(reverse("results:dashboard", args=[year])).content.decode()


def test_the_button_only_enqueues_and_the_dashboard_and_publication_wait(
    client, cycle, admin, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY  # a queue nobody works: what production does until the worker runs
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("results:compute", args=[2022]), {"samples": SAMPLES})
    assert response.status_code == 302
    job = computation.current(cycle)
    assert (job.state, job.purpose, job.samples, job.created_by) == (
        ComputationState.QUEUED,
        ComputationPurpose.COMPUTE,
        SAMPLES,
        admin,
    )
    assert not Snapshot.objects.exists()
    (enqueued,) = default_task_backend.results
    assert enqueued.task.name == "compute_cycle" and enqueued.args == [job.pk]
    # The dashboard shows it, polled by htmx, without the compute button.
    status_url = reverse("results:computation", args=[2022])
    page = dashboard(client)
    assert 'data-testid="computation"' in page and f'hx-get="{status_url}"' in page
    compute_action = f'action="{reverse("results:compute", args=[2022])}"'
    assert compute_action not in page
    # A second request and publication are refused, saying why.
    with pytest.raises(ServiceError, match="sedang dihitung di latar belakang"):
        computation.request(cycle, by=admin, samples=SAMPLES)
    again = client.post(reverse("results:compute", args=[2022]), {"samples": SAMPLES}, follow=True)
    assert "sedang dihitung di latar belakang (dalam antrean)" in again.content.decode()
    assert Computation.objects.count() == 1
    problems = lifecycle.check(cycle, CycleState.PUBLISHED)
    assert any("sedang dihitung di latar belakang" in problem for problem in problems)
    # The poll: the partial while it runs, a reload once it has finished.
    poll = client.get(status_url, headers=HTMX)
    assert poll.status_code == 200 and 'data-testid="computation-state"' in poll.content.decode()
    assert client.get(status_url).status_code == 302  # without htmx: the dashboard

    computation.run(job.pk)  # what `kotacerdas db_worker` does
    job.refresh_from_db()
    assert job.state == ComputationState.DONE and job.started_at and job.finished_at
    snapshot = Snapshot.objects.get()
    assert job.snapshot == snapshot and snapshot.samples == SAMPLES
    assert snapshot.computed_by == admin  # the task has no request: the admin who asked
    assert snapshot.regions.count() == 5
    assert client.get(status_url, headers=HTMX).headers["HX-Refresh"] == "true"
    page = dashboard(client)
    assert 'data-testid="computation"' not in page and "terkini" in page
    assert compute_action in page
    assert lifecycle.check(cycle, CycleState.PUBLISHED) == []
    computation.run(job.pk)  # the same task delivered twice does nothing more
    assert Snapshot.objects.count() == 1


def test_the_background_result_is_the_synchronous_one(
    cycle, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = computation.request(cycle, by=admin, samples=SAMPLES, note="Uji")
    job.refresh_from_db()
    background = job.snapshot
    direct = compute.compute_results(cycle, by=admin, samples=SAMPLES)
    assert background.note == "Uji" and background.fingerprint == direct.fingerprint
    assert list(background.regions.order_by("region__code").values_list("index", "rank")) == list(
        direct.regions.order_by("region__code").values_list("index", "rank")
    )


def test_preconditions_are_checked_at_once(db, cycle, admin):
    with pytest.raises(PermissionDenied):
        computation.request(cycle, by=make_user("asesor.x", Role.ASSESSOR))
    Cycle.objects.filter(pk=cycle.pk).update(state=CycleState.MODERATION)
    cycle.refresh_from_db()
    with pytest.raises(ServiceError, match=r"tahap Final; siklus .* pada tahap Moderasi"):
        computation.request(cycle, by=admin)
    with pytest.raises(ServiceError, match="sudah dipublikasikan"):
        computation.request(cycle, by=admin, note="Koreksi", purpose=ComputationPurpose.REPUBLISH)
    Cycle.objects.filter(pk=cycle.pk).update(state=CycleState.PUBLISHED)
    with pytest.raises(ServiceError, match="Alasan publikasi ulang"):
        computation.request(cycle, by=admin, note=" ", purpose=ComputationPurpose.REPUBLISH)
    assert not Computation.objects.exists()


def test_a_failure_is_recorded_shown_and_can_be_restarted(
    client, cycle, admin, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY
    with django_capture_on_commit_callbacks(execute=True):
        job = computation.request(cycle, by=admin, samples=SAMPLES)
    real = compute.compute_results

    def breaks(*args, **kwargs):
        real(*args, **kwargs)  # writes the snapshot, then fails before the commit
        raise RuntimeError("memori habis")

    monkeypatch.setattr(compute, "compute_results", breaks)
    computation.run(job.pk)  # never raises
    job.refresh_from_db()
    assert (job.state, job.error, job.snapshot) == (ComputationState.FAILED, "memori habis", None)
    assert not Snapshot.objects.exists()  # rolled back with the failure
    assert lifecycle.check(cycle, CycleState.PUBLISHED) == [
        "Hasil belum dihitung: tekan «Hitung hasil» pada dasbor hasil siklus."
    ]
    client.force_login(admin)
    page = dashboard(client)
    assert 'data-testid="computation-failed"' in page and "memori habis" in page
    assert 'data-testid="computation-retry"' in page

    monkeypatch.setattr(compute, "compute_results", real)
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("results:computation_restart", args=[2022]))
    assert response.status_code == 302
    retried = computation.current(cycle)
    assert retried.pk != job.pk and retried.state == ComputationState.DONE
    assert retried.samples == SAMPLES and retried.created_by == admin
    assert retried.snapshot.version == 1
    assert 'data-testid="computation"' not in dashboard(client)


def test_a_stalled_computation_may_be_replaced_and_its_late_task_does_nothing(
    client, cycle, admin, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY
    with django_capture_on_commit_callbacks(execute=True):
        job = computation.request(cycle, by=admin, samples=SAMPLES)
    with pytest.raises(ServiceError):
        computation.restart(job, by=admin)
    # No worker took it for more than ten minutes: shown as stalled, and may be started again.
    Computation.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=11))
    client.force_login(admin)
    page = dashboard(client)
    assert 'data-testid="computation-stalled"' in page
    assert 'data-testid="computation-retry"' in page
    # Stalled still counts as unfinished for publication and decisions.
    with pytest.raises(Locked, match="tidak bergerak"):
        computation.ensure_idle(cycle)
    with django_capture_on_commit_callbacks(execute=True):
        newer = computation.request(cycle, by=admin, samples=SAMPLES)
    job.refresh_from_db()
    assert job.state == ComputationState.STOPPED and "Digantikan" in job.error
    computation.run(job.pk)  # the old task, delivered late, does nothing
    assert not Snapshot.objects.exists()
    computation.run(newer.pk)
    newer.refresh_from_db()
    assert newer.state == ComputationState.DONE and Snapshot.objects.count() == 1


def test_a_computation_whose_cycle_left_final_stops_writing_nothing(
    cycle, admin, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY
    with django_capture_on_commit_callbacks(execute=True):
        job = computation.request(cycle, by=admin, samples=SAMPLES)
    Cycle.objects.filter(pk=cycle.pk).update(state=CycleState.MODERATION)
    computation.run(job.pk)
    job.refresh_from_db()
    assert job.state == ComputationState.STOPPED and "kini pada tahap Moderasi" in job.error
    assert not Snapshot.objects.exists()
    cycle.refresh_from_db()
    assert not computation.can_restart(job)  # not while the cycle is in moderation


def test_republication_is_computed_and_published_in_the_background(
    client, cycle, admin, settings, django_capture_on_commit_callbacks
):
    compute.compute_results(cycle, by=admin, samples=SAMPLES)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.transition(cycle, CycleState.PUBLISHED, by=admin)
    settings.TASKS = DUMMY
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("results:republish", args=[2022]),
            {"reason": "Koreksi data Kota Jambi", "samples": SAMPLES},
            follow=True,
        )
    assert "sedang dihitung di latar belakang" in response.content.decode()
    job = computation.current(cycle)
    assert (job.purpose, job.note) == (ComputationPurpose.REPUBLISH, "Koreksi data Kota Jambi")
    assert cycle.result_snapshots.count() == 1  # nothing yet
    with django_capture_on_commit_callbacks(execute=True):
        computation.run(job.pk)
    job.refresh_from_db()
    new = job.snapshot
    assert (new.version, new.state, new.note) == (
        2,
        SnapshotState.PUBLISHED,
        "Koreksi data Kota Jambi",
    )
    assert new.published_by == admin and new.regions.exclude(letter_number="").count() == 5
    assert cycle.result_snapshots.get(version=1).state == SnapshotState.PUBLISHED  # kept
    assert publication.latest(cycle) == new
