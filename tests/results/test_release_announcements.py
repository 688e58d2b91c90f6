"""The regions are told of results when they are released, not when they are published: once
per version ("results published", then "results corrected" with the reason), from the commit, a
deferred task or the cron command, never twice; the migration marks what was already sent.

The clock is fixed as in test_embargo (``timezone.now`` patched)."""

import importlib
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone
from django_tasks.signals import task_enqueued

from kotacerdas.accounts.roles import Role
from kotacerdas.evaluations.models import CycleState
from kotacerdas.evaluations.services import lifecycle
from kotacerdas.results.models import Snapshot
from kotacerdas.results.services import announcements, compute, publication
from tests.conftest import make_user

from .builders import INDICES, cohort, make_evaluated_cycle, make_stored_snapshot, publish_cycle
from .test_embargo import CORRECTED, REASON, RELEASE, T0, Clock


@pytest.fixture
def clock(monkeypatch):
    found = Clock(T0)
    monkeypatch.setattr(timezone, "now", found)
    return found


@pytest.fixture
def admin(db):
    return make_user("admin.rilis", Role.ADMIN)


@pytest.fixture
def operators(db):
    regions = {region.code: region for region in cohort()}
    return [
        make_user("op.jambi", Role.OPERATOR, region=regions["15.71"], email="op@jambikota.go.id"),
        make_user("op.bandung", Role.OPERATOR, region=regions["32.73"], email="op@bandung.go.id"),
    ]


def published_cycle(admin, release_at, capture):
    """Cycle 2022 computed and published through the lifecycle, released at ``release_at``."""
    cycle = make_evaluated_cycle(2022)
    compute.compute_results(cycle, by=admin, samples=100)
    with capture(execute=True):
        lifecycle.transition(cycle, CycleState.PUBLISHED, by=admin, release_at=release_at)
    cycle.refresh_from_db()
    return cycle


def recipients(outbox) -> list[str]:
    return sorted(address for message in outbox for address in message.to)


def test_a_publication_under_embargo_is_announced_at_its_release_and_only_once(
    admin, clock, operators, mailoutbox, django_capture_on_commit_callbacks
):
    cycle = published_cycle(admin, RELEASE, django_capture_on_commit_callbacks)
    assert mailoutbox == []  # published, not released: nobody is told
    with django_capture_on_commit_callbacks(execute=True):
        assert announcements.announce_due_releases() == []
    assert mailoutbox == []

    clock.now = RELEASE
    with django_capture_on_commit_callbacks(execute=True):
        (announced,) = announcements.announce_due_releases()
    assert (announced.cycle, announced.version) == (cycle, 1)
    assert recipients(mailoutbox) == ["op@bandung.go.id", "op@jambikota.go.id"]
    message = next(m for m in mailoutbox if m.to == ["op@jambikota.go.id"])
    assert message.subject == "[Kota Cerdas] Hasil Evaluasi Smart City 2022 telah dipublikasikan"
    assert "telah dipublikasikan pada 20 Januari 2023 pukul 10.00 WIB" in message.body
    assert publication.latest(cycle).announced_at == RELEASE

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert announcements.announce_due_releases() == []
    out = StringIO()
    call_command("announce_releases", stdout=out)
    assert mailoutbox == [] and "Nothing to announce" in out.getvalue()


def test_a_publication_without_embargo_is_announced_when_it_commits(
    admin, clock, operators, mailoutbox, django_capture_on_commit_callbacks
):
    cycle = published_cycle(admin, None, django_capture_on_commit_callbacks)
    assert recipients(mailoutbox) == ["op@bandung.go.id", "op@jambikota.go.id"]
    assert publication.latest(cycle).announced_at == T0


def test_a_future_release_is_deferred_to_a_task_when_the_backend_supports_it(
    admin, clock, operators, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    enqueued = []

    def record(sender, task_result, **kwargs):
        enqueued.append(task_result.task)

    task_enqueued.connect(record)
    try:
        published_cycle(admin, RELEASE, django_capture_on_commit_callbacks)
    finally:
        task_enqueued.disconnect(record)
    assert [(task.name, task.run_after) for task in enqueued] == [("announce_releases", RELEASE)]
    assert mailoutbox == []


def test_the_immediate_backend_cannot_defer_so_the_cron_command_announces(
    admin, clock, operators, mailoutbox, django_capture_on_commit_callbacks
):
    assert announcements.defer(RELEASE) is False  # the tests' immediate backend
    cycle = published_cycle(admin, RELEASE, django_capture_on_commit_callbacks)
    clock.now = RELEASE + timedelta(minutes=4)  # the next cron run after the release
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("announce_releases", stdout=out)
    assert "Cycle 2022: version 1 announced." in out.getvalue()
    assert recipients(mailoutbox) == ["op@bandung.go.id", "op@jambikota.go.id"]
    assert publication.latest(cycle).announced_at == RELEASE + timedelta(minutes=4)


def test_a_correction_is_announced_at_its_release_with_its_reason(
    admin, clock, operators, mailoutbox, django_capture_on_commit_callbacks
):
    cycle = published_cycle(admin, None, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    clock.now = T0 + timedelta(minutes=10)
    with django_capture_on_commit_callbacks(execute=True):
        second = publication.republish(
            cycle, by=admin, reason=REASON, samples=100, release_at=RELEASE
        )
    assert mailoutbox == []
    clock.now = RELEASE
    with django_capture_on_commit_callbacks(execute=True):
        announcements.announce_due_releases()
    assert recipients(mailoutbox) == ["op@bandung.go.id", "op@jambikota.go.id"]
    message = mailoutbox[0]
    assert message.subject == "[Kota Cerdas] Hasil Evaluasi Smart City 2022 telah dikoreksi"
    assert "hasil versi 2 dirilis ke publik pada 20 Januari 2023 pukul 10.00 WIB" in message.body
    assert f"- versi 2: {REASON}" in message.body
    assert "/hasil/daerah-saya/" in message.body
    second.refresh_from_db()
    assert second.announced_at == RELEASE


def test_versions_released_together_make_one_email_about_the_newest(
    clock, monkeypatch, django_capture_on_commit_callbacks, db
):
    cohort()
    first = publish_cycle(2022, INDICES)
    Snapshot.objects.filter(pk=first.pk).update(announced_at=T0)
    for version, note in ((2, "Koreksi pertama"), (3, "Koreksi kedua")):
        later = make_stored_snapshot(first.cycle, CORRECTED, version=version)
        Snapshot.objects.filter(pk=later.pk).update(note=note)
    told = []
    monkeypatch.setattr(
        "kotacerdas.evaluations.services.notifications.results_corrected",
        lambda snapshot, versions, previous: told.append(
            (snapshot.version, [v.note for v in versions], previous.version)
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        (announced,) = announcements.announce_due_releases()
    assert announced.version == 3
    assert told == [(3, ["Koreksi pertama", "Koreksi kedua"], 1)]  # compared with version 1
    assert set(Snapshot.objects.values_list("version", "announced_at")) == {
        (1, T0),
        (2, T0),
        (3, T0),
    }


def test_a_runner_that_finds_the_versions_stamped_by_another_sends_nothing(
    clock, operators, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    publish_cycle(2022, INDICES)
    other = T0 - timedelta(seconds=5)
    read = announcements._pending

    def raced(cycle_id):
        pending = read(cycle_id)
        # Another runner stamps them between this runner's read and its stamp.
        Snapshot.objects.filter(pk__in=[s.pk for s in pending]).update(announced_at=other)
        return pending

    monkeypatch.setattr(announcements, "_pending", raced)
    sent = []
    monkeypatch.setattr(
        "kotacerdas.evaluations.services.notifications.results_published", sent.append
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert announcements.announce_due_releases() == []
    assert sent == []  # (its transaction is rolled back; the other runner's stamp stands there)


def test_the_migration_marks_what_was_already_announced(clock, db):
    cohort()
    released = publish_cycle(2022, INDICES)  # released at publication, before this change
    correction = make_stored_snapshot(released.cycle, CORRECTED, version=2)
    Snapshot.objects.filter(pk=correction.pk).update(released_at=RELEASE)  # under embargo
    embargoed_first = publish_cycle(2021, INDICES)
    Snapshot.objects.filter(pk=embargoed_first.pk).update(released_at=RELEASE)
    Snapshot.objects.update(announced_at=None)
    migration = importlib.import_module("kotacerdas.results.migrations.0004_snapshot_announced_at")
    migration.announced_before_this_change(apps, None)
    announced = dict(Snapshot.objects.values_list("pk", "announced_at"))
    assert announced[released.pk] == released.released_at  # no second email
    assert announced[embargoed_first.pk] == T0  # its email went out at publication
    assert announced[correction.pk] is None  # told at its release
