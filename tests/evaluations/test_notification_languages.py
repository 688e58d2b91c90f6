"""Each evaluation email speaks its recipient's language (``User.language``), dates included."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from kotacerdas.accounts.roles import Role
from kotacerdas.evaluations.models import CycleState, VirtualSession
from kotacerdas.evaluations.services import notifications, submissions
from kotacerdas.results.models import Snapshot
from tests.conftest import make_user
from tests.evaluations.cycle_setup import answer_everything, open_cycle, submission_of

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")
ID = "rina@jambikota.go.id"
EN = "sam@jambikota.go.id"


@pytest.fixture
def cycle(jambi):
    return open_cycle(jambi)


@pytest.fixture
def operators(jambi):
    """Two operators of Kota Jambi: one reads Indonesian (the default), one English."""
    return {
        "id": make_user("op.rina", Role.OPERATOR, region=jambi, email=ID, first_name="Rina"),
        "en": make_user(
            "op.sam", Role.OPERATOR, region=jambi, email=EN, first_name="Sam", language="en"
        ),
    }


def by_address(mailoutbox) -> dict:
    return {message.to[0]: message for message in mailoutbox}


def test_a_new_user_reads_indonesian(operators):
    assert operators["id"].language == "id"


def test_submission_received_in_each_recipients_language(
    cycle, jambi, operators, mailoutbox, django_capture_on_commit_callbacks
):
    submission = submission_of(cycle, jambi)
    answer_everything(submission, operators["id"])
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        submissions.submit(submission, by=operators["id"])
    mails = by_address(mailoutbox)
    assert mails[ID].subject == "[Kota Cerdas] Penilaian mandiri Kota Jambi 2022 telah diterima"
    assert "Yth. Rina," in mails[ID].body
    assert "telah dikirim oleh Rina pada" in mails[ID].body
    assert "mohon tidak membalas" in mails[ID].body
    assert mails[EN].subject == "[Kota Cerdas] Self-assessment of Kota Jambi 2022 received"
    assert "Dear Sam," in mails[EN].body
    assert "please do not reply" in mails[EN].body
    assert "Penilaian mandiri" not in mails[EN].body


def test_submission_returned_in_each_recipients_language(
    cycle, jambi, operators, mailoutbox, django_capture_on_commit_callbacks
):
    admin = make_user("admin.k", Role.ADMIN, first_name="Admin")
    submission = submission_of(cycle, jambi)
    answer_everything(submission, operators["id"])
    submissions.submit(submission, by=operators["id"])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submissions.return_submission(submission, reason="Unggah ulang Perda.", by=admin)
    mails = by_address(mailoutbox)
    assert mails[ID].subject == (
        "[Kota Cerdas] Penilaian mandiri Kota Jambi 2022 dikembalikan untuk diperbaiki"
    )
    assert "dikembalikan oleh Admin" in mails[ID].body
    assert mails[EN].subject == (
        "[Kota Cerdas] Self-assessment of Kota Jambi 2022 returned for correction"
    )
    assert "Dear Sam," in mails[EN].body
    assert "Unggah ulang Perda." in mails[EN].body  # the admin's own words are not translated


def test_session_scheduled_in_each_recipients_language_and_in_wib(
    cycle, jambi, operators, mailoutbox, django_capture_on_commit_callbacks
):
    session = VirtualSession.objects.create(
        cycle=cycle,
        region=jambi,
        starts_at=datetime(2022, 10, 3, 2, 0, tzinfo=ZoneInfo("UTC")),  # 09.00 WIB
        duration_minutes=90,
        meeting_url="https://zoom.us/j/123456789",
    )
    with (
        django_capture_on_commit_callbacks(execute=True),
        timezone.override(ZoneInfo("UTC")),
        translation.override("en"),
    ):
        notifications.session_scheduled(session)
    mails = by_address(mailoutbox)
    assert (
        mails[ID].subject
        == "[Kota Cerdas] Sesi evaluasi Kota Jambi: 3 Oktober 2022 pukul 09.00 WIB"
    )
    assert "Senin, 3 Oktober 2022 pukul 09.00 WIB (90 menit)" in mails[ID].body
    assert "Tautan rapat: https://zoom.us/j/123456789" in mails[ID].body
    assert mails[EN].subject == (
        "[Kota Cerdas] Evaluation session of Kota Jambi: 3 October 2022, 09:00 WIB"
    )
    assert "Monday, 3 October 2022, 09:00 WIB (90 minutes)" in mails[EN].body
    assert "Meeting link: https://zoom.us/j/123456789" in mails[EN].body


def test_results_published_in_each_recipients_language(
    cycle, operators, mailoutbox, django_capture_on_commit_callbacks
):
    cycle.state = CycleState.PUBLISHED
    cycle.published_at = datetime(2022, 12, 1, 9, 0, tzinfo=WIB)
    cycle.save()
    snapshot = Snapshot(cycle=cycle, version=1, published_at=cycle.published_at)
    snapshot.released_at = datetime(2022, 12, 1, 10, 30, tzinfo=WIB)  # the release is announced
    with django_capture_on_commit_callbacks(execute=True):
        notifications.results_published(snapshot)
    mails = by_address(mailoutbox)
    assert mails[ID].subject == "[Kota Cerdas] Hasil Evaluasi Smart City 2022 telah dipublikasikan"
    assert "dipublikasikan pada 1 Desember 2022 pukul 10.30 WIB." in mails[ID].body
    assert mails[EN].subject == (
        "[Kota Cerdas] The results of Evaluasi Smart City 2022 have been published"
    )
    assert "were published on 1 December 2022, 10:30 WIB." in mails[EN].body


def test_an_unknown_language_falls_back_to_indonesian(operators):
    operators["en"].language = "fr"
    assert notifications.recipient_language(operators["en"]) == "id"
