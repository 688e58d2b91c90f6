"""Emails: who gets them, what they say (Bahasa Indonesia), and only after the commit."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from kotacerdas.accounts.roles import Role
from kotacerdas.core.choices import EmailState
from kotacerdas.core.models import OutgoingEmail
from kotacerdas.evaluations.models import CycleState, VirtualSession
from kotacerdas.evaluations.services import notifications, submissions
from kotacerdas.results.models import Snapshot
from tests.conftest import make_user
from tests.evaluations.cycle_setup import answer_everything, open_cycle, submission_of

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def people(jambi, bandung):
    return {
        "operator": make_user(
            "op.jambi",
            Role.OPERATOR,
            region=jambi,
            email="diskominfo@jambikota.go.id",
            first_name="Rina",
            last_name="Operator",
        ),
        "operator_no_email": make_user("op.jambi2", Role.OPERATOR, region=jambi),
        "operator_other": make_user(
            "op.bandung", Role.OPERATOR, region=bandung, email="kominfo@bandung.go.id"
        ),
        "admin": make_user("admin.k", Role.ADMIN, email="aptika@komdigi.go.id", first_name="Admin"),
        "assessor": make_user(
            "asesor.k",
            Role.ASSESSOR,
            email="asesor@ui.ac.id",
            first_name="Budi",
            last_name="Asesor",
        ),
    }


def test_submission_received_goes_to_the_regions_operators_and_admins(
    cycle, jambi, people, mailoutbox, django_capture_on_commit_callbacks
):
    submission = submission_of(cycle, jambi)
    answer_everything(submission, people["operator"])
    with django_capture_on_commit_callbacks(execute=True):
        submissions.submit(submission, by=people["operator"])
    assert sorted(m.to[0] for m in mailoutbox) == [
        "aptika@komdigi.go.id",
        "diskominfo@jambikota.go.id",
    ]
    message = next(m for m in mailoutbox if m.to == ["diskominfo@jambikota.go.id"])
    assert message.subject == "[Kota Cerdas] Penilaian mandiri Kota Jambi 2022 telah diterima"
    assert "Yth. Rina Operator," in message.body
    assert (
        "Penilaian mandiri Kota Jambi (15.71) untuk Evaluasi Smart City 2022 telah dikirim oleh Rina Operator"
        in message.body
    )
    assert "http://127.0.0.1:8000/evaluasi/penilaian/2022/15.71/" in message.body


def test_submission_returned_carries_the_reason_to_the_operators_only(
    cycle, jambi, people, mailoutbox, django_capture_on_commit_callbacks
):
    submission = submission_of(cycle, jambi)
    answer_everything(submission, people["operator"])
    submissions.submit(submission, by=people["operator"])
    with django_capture_on_commit_callbacks(execute=True):
        submissions.return_submission(
            submission,
            reason="Unggah ulang Perda No. 1 Tahun 2019 yang terbaca.",
            by=people["admin"],
        )
    assert [m.to for m in mailoutbox] == [["diskominfo@jambikota.go.id"]]
    (message,) = mailoutbox
    assert (
        message.subject
        == "[Kota Cerdas] Penilaian mandiri Kota Jambi 2022 dikembalikan untuk diperbaiki"
    )
    assert "Unggah ulang Perda No. 1 Tahun 2019 yang terbaca." in message.body
    assert "dikembalikan oleh Admin" in message.body


def test_nothing_is_sent_when_the_change_rolls_back(cycle, jambi, people, mailoutbox):
    submission = submission_of(cycle, jambi)
    answer_everything(submission, people["operator"])
    with pytest.raises(RuntimeError), transaction.atomic():
        submissions.submit(submission, by=people["operator"])
        raise RuntimeError("rollback")
    assert mailoutbox == []
    assert not OutgoingEmail.objects.exists()


def test_session_scheduled_goes_to_operators_and_assessors_with_an_ics(
    cycle, jambi, people, mailoutbox, django_capture_on_commit_callbacks
):
    session = VirtualSession.objects.create(
        cycle=cycle,
        region=jambi,
        starts_at=datetime(2022, 10, 3, 9, 0, tzinfo=WIB),
        duration_minutes=90,
        meeting_url="https://zoom.us/j/123456789",
    )
    session.assessors.add(people["assessor"])
    with django_capture_on_commit_callbacks(execute=True):
        notifications.session_scheduled(session)
    assert sorted(m.to[0] for m in mailoutbox) == ["asesor@ui.ac.id", "diskominfo@jambikota.go.id"]
    message = mailoutbox[0]
    assert (
        message.subject == "[Kota Cerdas] Sesi evaluasi Kota Jambi: 3 Oktober 2022 pukul 09.00 WIB"
    )
    assert "Senin, 3 Oktober 2022 pukul 09.00 WIB (90 menit)" in message.body
    assert "Tautan rapat: https://zoom.us/j/123456789" in message.body
    assert "Asesor: Budi Asesor" in message.body
    ((filename, content, mimetype),) = message.attachments
    assert filename == "sesi-15.71-2022.ics"
    assert mimetype == "text/calendar"
    assert "BEGIN:VEVENT" in content
    assert "DTSTART;TZID=Asia/Jakarta:20221003T090000" in content


def test_results_published_goes_to_every_enrolled_regions_operators(
    jambi, bandung, people, mailoutbox, django_capture_on_commit_callbacks
):
    cycle = open_cycle(jambi, bandung)
    cycle.state = CycleState.PUBLISHED
    cycle.published_at = timezone.now()
    cycle.save()
    released = datetime(2023, 1, 20, 10, 0, tzinfo=WIB)
    snapshot = Snapshot(cycle=cycle, version=1, published_at=cycle.published_at)
    snapshot.released_at = released
    with django_capture_on_commit_callbacks(execute=True):
        notifications.results_published(snapshot)
    assert sorted(m.to[0] for m in mailoutbox) == [
        "diskominfo@jambikota.go.id",
        "kominfo@bandung.go.id",
    ]
    message = next(m for m in mailoutbox if m.to == ["kominfo@bandung.go.id"])
    assert message.subject == "[Kota Cerdas] Hasil Evaluasi Smart City 2022 telah dipublikasikan"
    assert "Hasil penilaian Kota Bandung" in message.body
    assert (
        "telah dipublikasikan pada 20 Januari 2023 pukul 10.00 WIB" in message.body
    )  # the release
    assert "/evaluasi/penilaian/2022/32.73/" in message.body


def test_a_failing_mail_server_does_not_undo_the_change_and_keeps_the_emails(
    cycle, jambi, people, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "tests.evaluations.test_notifications.BrokenBackend"
    submission = submission_of(cycle, jambi)
    answer_everything(submission, people["operator"])
    with django_capture_on_commit_callbacks(execute=True):
        submissions.submit(submission, by=people["operator"])
    submission.refresh_from_db()
    assert submission.state == "submitted"
    # Both are kept; the first attempt found the server down, so the second waits its turn
    # (kotacerdas send_emails) instead of waiting for the same dead server in the request.
    kept = OutgoingEmail.objects.order_by("pk")
    assert [(e.recipients, e.state, e.attempts, e.last_error) for e in kept] == [
        (
            ["diskominfo@jambikota.go.id"],
            EmailState.PENDING,
            1,
            "ConnectionRefusedError: smtp down",
        ),
        (["aptika@komdigi.go.id"], EmailState.PENDING, 0, ""),
    ]
    assert "smtp down" in caplog.text


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")
