"""Reminders to regions that have not sent their self-assessment: the schedule, sending each step
once, the admin's manual reminder, the email in both languages, the command and the page."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from kotacerdas.accounts.roles import Role
from kotacerdas.core.errors import Locked
from kotacerdas.core.models import OutgoingEmail
from kotacerdas.evaluations.models import (
    MANUAL_REMINDER,
    Answer,
    CycleState,
    Reminder,
    Submission,
    SubmissionState,
)
from kotacerdas.evaluations.services import extensions, reminders
from tests.conftest import make_user
from tests.evaluations.cycle_setup import VALUES, open_cycle, submission_of

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")
#: The deadline of every cycle here: Thursday 31 March 2022, 23.59 WIB.
DEADLINE = datetime(2022, 3, 31, 23, 59, tzinfo=WIB)
ID = "rina@jambikota.go.id"
EN = "sam@jambikota.go.id"


def days_before(days: int, hour: int = 8) -> datetime:
    """``hour`` o'clock WIB, ``days`` calendar days before the deadline's date."""
    return datetime(2022, 3, 31, hour, 0, tzinfo=WIB) - timedelta(days=days)


@pytest.fixture(autouse=True)
def schedule(settings):
    settings.REMINDER_DAYS_BEFORE = (7, 3, 1)


@pytest.fixture
def cycle(jambi, bandung):
    cycle = open_cycle(jambi, bandung)
    cycle.submission_deadline = DEADLINE
    cycle.save()
    return cycle


@pytest.fixture
def operators(jambi, bandung):
    """Kota Jambi: one operator reading Indonesian, one English; Kota Bandung: one."""
    return {
        "id": make_user("op.rina", Role.OPERATOR, region=jambi, email=ID, first_name="Rina"),
        "en": make_user(
            "op.sam", Role.OPERATOR, region=jambi, email=EN, first_name="Sam", language="en"
        ),
        "bandung": make_user(
            "op.bdg", Role.OPERATOR, region=bandung, email="kominfo@bandung.go.id"
        ),
    }


@pytest.fixture
def admin(db):
    return make_user("admin.k", Role.ADMIN, email="aptika@komdigi.go.id", first_name="Admin")


def steps_due(cycle, now) -> dict[str, int]:
    return {item.submission.region.code: item.step for item in reminders.due(cycle, now)}


def record(cycle, region, kind: str, at: datetime, by=None, deadline=DEADLINE) -> Reminder:
    return Reminder.objects.create(
        submission=submission_of(cycle, region),
        kind=kind,
        sent_at=at,
        sent_by=by,
        recipients=1,
        deadline=deadline,
    )


# --- The schedule -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "step"),
    [(10, None), (8, None), (7, 7), (4, 7), (3, 3), (2, 3), (1, 1), (0, 1)],
)
def test_the_most_urgent_step_reached_is_due(cycle, jambi, days_left, step):
    due = steps_due(cycle, days_before(days_left))
    assert due.get(jambi.code) == step


def test_nothing_is_due_once_the_deadline_has_passed(cycle, jambi):
    assert steps_due(cycle, DEADLINE + timedelta(minutes=1)) == {}


def test_a_step_already_sent_is_not_due_again(cycle, jambi, bandung):
    record(cycle, jambi, "7", days_before(7))
    assert steps_due(cycle, days_before(4)) == {bandung.code: 7}
    assert steps_due(cycle, days_before(2)) == {jambi.code: 3, bandung.code: 3}


def test_an_extended_deadline_starts_the_schedule_again(cycle, jambi, bandung, admin):
    record(cycle, jambi, "1", days_before(1))
    assert jambi.code not in steps_due(cycle, days_before(0))
    until = DEADLINE + timedelta(days=10)
    # As extensions.extend_deadline records it (it refuses dates before today's real clock).
    Submission.objects.filter(cycle=cycle, region=jambi).update(
        deadline_extended_to=until,
        extension_reason="Banjir di kantor Diskominfo",
        extended_by=admin,
        extended_at=days_before(0),
    )
    assert extensions.effective_deadline(submission_of(cycle, jambi)) == until
    # On the old deadline's day Jambi has 10 days left: nothing yet; 7 days before the new one,
    # step 7 again, and once sent, not twice.
    assert jambi.code not in steps_due(cycle, days_before(0))
    at = until - timedelta(days=7)
    assert steps_due(cycle, at)[jambi.code] == 7
    record(cycle, jambi, "7", at, deadline=until)
    assert jambi.code not in steps_due(cycle, at)
    # Step 1 went out for the old deadline; the new one's last day gets its own.
    assert steps_due(cycle, until - timedelta(days=1))[jambi.code] == 1


def test_a_missed_earlier_step_is_not_sent_after_a_later_one(cycle, jambi, bandung):
    record(cycle, jambi, "3", days_before(2))
    assert jambi.code not in steps_due(cycle, days_before(2))


def test_a_manual_reminder_does_not_take_the_place_of_a_step(cycle, jambi, admin):
    record(cycle, jambi, MANUAL_REMINDER, days_before(5), by=admin)
    assert steps_due(cycle, days_before(4))[jambi.code] == 7


def test_submitted_and_returned_regions_are_not_due(cycle, jambi, bandung):
    for region, state in ((jambi, SubmissionState.SUBMITTED), (bandung, SubmissionState.RETURNED)):
        submission = submission_of(cycle, region)
        submission.state = state
        submission.save()
    assert steps_due(cycle, days_before(1)) == {}


@pytest.mark.parametrize("state", [CycleState.DRAFT, CycleState.REVIEW, CycleState.FINAL])
def test_a_cycle_that_is_not_open_has_nothing_due(cycle, state):
    cycle.state = state
    cycle.save()
    assert steps_due(cycle, days_before(1)) == {}


def test_a_cycle_without_a_deadline_has_nothing_due(cycle):
    cycle.submission_deadline = None
    cycle.save()
    assert steps_due(cycle, days_before(1)) == {}


def test_the_schedule_comes_from_the_settings(cycle, jambi, settings):
    settings.REMINDER_DAYS_BEFORE = (14, 2)
    assert steps_due(cycle, days_before(10))[jambi.code] == 14
    assert steps_due(cycle, days_before(1))[jambi.code] == 2


# --- Sending the due steps --------------------------------------------------------------------


def test_a_region_enrolled_late_gets_one_email_not_three(
    cycle, jambi, operators, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = reminders.send_due(days_before(2))
    assert sorted((r.submission.region.code, r.kind) for r in report.sent) == [
        ("15.71", "3"),
        ("32.73", "3"),
    ]
    assert sorted(m.to[0] for m in mailoutbox) == sorted([ID, EN, "kominfo@bandung.go.id"])
    jambi_reminder = Reminder.objects.get(submission__region=jambi)
    assert (jambi_reminder.recipients, jambi_reminder.sent_by) == (2, None)
    assert jambi_reminder.sent_at == days_before(2)


def test_sending_twice_sends_each_step_once(
    cycle, operators, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders.send_due(days_before(4))
        again = reminders.send_due(days_before(4, hour=9))
    assert len(first.sent) == 2
    assert again.sent == [] and again.skipped == []
    assert len(mailoutbox) == 3
    assert OutgoingEmail.objects.count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        later = reminders.send_due(days_before(1))
    assert {r.kind for r in later.sent} == {"1"}
    assert Reminder.objects.count() == 4


def test_a_step_sent_by_an_overlapping_run_is_not_sent_again(cycle, jambi, operators):
    """A run that listed the step before another run recorded it re-checks under the row lock."""
    [item] = [i for i in reminders.due(cycle, days_before(4)) if i.submission.region == jambi]
    record(cycle, jambi, "7", days_before(4))  # the other run, committed in between
    assert reminders._send_step(item, days_before(4)) is None
    assert OutgoingEmail.objects.count() == 0
    assert Reminder.objects.count() == 1


def test_the_database_refuses_a_step_twice_but_not_two_manual_reminders(cycle, jambi, admin):
    record(cycle, jambi, "7", days_before(7))
    with pytest.raises(IntegrityError), transaction.atomic():
        record(cycle, jambi, "7", days_before(6))
    record(cycle, jambi, MANUAL_REMINDER, days_before(5), by=admin)
    record(cycle, jambi, MANUAL_REMINDER, days_before(3), by=admin)
    assert Reminder.objects.count() == 3


def test_a_submission_sent_meanwhile_is_not_reminded(cycle, jambi, operators):
    [item] = [i for i in reminders.due(cycle, days_before(4)) if i.submission.region == jambi]
    submission = submission_of(cycle, jambi)
    submission.state = SubmissionState.SUBMITTED
    submission.save()
    assert reminders._send_step(item, days_before(4)) is None
    assert Reminder.objects.count() == 0


def test_a_region_without_an_operator_gets_nothing_and_stays_due(
    cycle, jambi, bandung, mailoutbox, django_capture_on_commit_callbacks
):
    make_user("op.jambi.noemail", Role.OPERATOR, region=jambi)  # no address
    make_user(
        "op.jambi.gone", Role.OPERATOR, region=jambi, email="x@jambikota.go.id", is_active=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = reminders.send_due(days_before(4))
    assert report.sent == []
    assert sorted(s.submission.region.code for s in report.skipped) == [jambi.code, bandung.code]
    assert "tidak memiliki operator aktif dengan alamat surel" in report.skipped[0].error.message
    assert mailoutbox == [] and Reminder.objects.count() == 0
    make_user("op.jambi", Role.OPERATOR, region=jambi, email=ID)
    with django_capture_on_commit_callbacks(execute=True):
        report = reminders.send_due(days_before(3))
    assert [(r.submission.region.code, r.kind) for r in report.sent] == [(jambi.code, "3")]


# --- The email -------------------------------------------------------------------------------


def answer(submission, count: int) -> None:
    for indicator in submission.cycle.instrument.indicators.order_by("code")[:count]:
        Answer.objects.create(
            submission=submission, indicator=indicator, value=VALUES[indicator.type]
        )


def test_the_email_says_region_cycle_deadline_days_progress_and_link_in_each_language(
    cycle, jambi, operators, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.KOTACERDAS_SITE_URL = "https://kotacerdas.example.go.id"
    submission = submission_of(cycle, jambi)
    answer(submission, 2)
    total = cycle.instrument.indicators.count()
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_due(days_before(3))
    mails = {message.to[0]: message for message in mailoutbox}
    url = "https://kotacerdas.example.go.id" + reverse(
        "evaluations:submission_form", args=[2022, "15.71"]
    )

    indonesian = mails[ID]
    assert indonesian.subject == (
        "[Kota Cerdas] Pengingat: penilaian mandiri Kota Jambi 2022 belum dikirim"
    )
    assert "Yth. Rina," in indonesian.body
    assert "Penilaian mandiri Kota Jambi (15.71) untuk Evaluasi Smart City 2022 belum dikirim." in (
        indonesian.body
    )
    assert "Batas waktunya 31 Maret 2022 pukul 23.59 WIB, 3 hari lagi." in indonesian.body
    assert f"Kemajuan: 2 dari {total} indikator terjawab." in indonesian.body
    assert url in indonesian.body

    english = mails[EN]
    assert english.subject == (
        "[Kota Cerdas] Reminder: the self-assessment of Kota Jambi 2022 has not been sent"
    )
    assert "Dear Sam," in english.body
    assert "The deadline is 31 March 2022, 23:59 WIB, 3 days from now." in english.body
    assert f"Progress: 2 of {total} indicators answered." in english.body
    assert url in english.body
    assert "Penilaian" not in english.body and "Batas" not in english.body


def test_on_the_last_day_the_email_says_today(
    cycle, jambi, operators, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_due(days_before(0))
    mails = {message.to[0]: message for message in mailoutbox}
    assert "Batas waktunya hari ini, 31 Maret 2022 pukul 23.59 WIB." in mails[ID].body
    assert "The deadline is today, 31 March 2022, 23:59 WIB." in mails[EN].body


def test_one_day_left_is_singular_in_english(
    cycle, jambi, operators, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_due(days_before(1))
    mails = {message.to[0]: message for message in mailoutbox}
    assert "23:59 WIB, 1 day from now." in mails[EN].body


# --- The admin's manual reminder -------------------------------------------------------------


def test_a_manual_reminder_is_sent_once_per_24_hours(
    cycle, jambi, operators, admin, mailoutbox, django_capture_on_commit_callbacks
):
    submission = submission_of(cycle, jambi)
    with django_capture_on_commit_callbacks(execute=True):
        reminder = reminders.remind_now(submission, by=admin, now=days_before(10))
    assert (reminder.kind, reminder.sent_by, reminder.recipients) == (MANUAL_REMINDER, admin, 2)
    assert len(mailoutbox) == 2
    with pytest.raises(reminders.RemindedRecently) as refused:
        reminders.remind_now(submission, by=admin, now=days_before(10) + timedelta(hours=23))
    assert refused.value.message == (
        "Kota Jambi sudah diingatkan pada 21 Maret 2022 pukul 08.00 WIB; pengingat manual "
        "berikutnya paling cepat 22 Maret 2022 pukul 08.00 WIB."
    )
    reminders.remind_now(submission, by=admin, now=days_before(10) + timedelta(hours=24))
    assert Reminder.objects.filter(kind=MANUAL_REMINDER).count() == 2


def test_send_manual_reports_what_it_sent_and_skipped(cycle, jambi, bandung, operators, admin):
    sent_one = submission_of(cycle, bandung)
    sent_one.state = SubmissionState.SUBMITTED
    sent_one.save()
    report = reminders.send_manual(
        [submission_of(cycle, jambi), submission_of(cycle, bandung)], by=admin, now=days_before(5)
    )
    assert [r.submission.region for r in report.sent] == [jambi]
    [skipped] = report.skipped
    assert skipped.submission.region == bandung
    assert isinstance(skipped.error, Locked)
    assert skipped.error.message.startswith("Kota Bandung tidak diingatkan: hanya daerah yang")


def test_no_manual_reminder_in_a_cycle_that_is_not_open_or_after_the_deadline(
    cycle, jambi, operators, admin
):
    submission = submission_of(cycle, jambi)
    with pytest.raises(Locked, match=r"batas waktunya .* sudah lewat"):
        reminders.remind_now(submission, by=admin, now=DEADLINE + timedelta(hours=1))
    cycle.state = CycleState.REVIEW
    cycle.save()
    with pytest.raises(Locked, match="tahap Penilaian asesor"):
        reminders.remind_now(submission_of(cycle, jambi), by=admin, now=days_before(5))
    with pytest.raises(Locked, match="hanya dapat dikirim pada tahap Penilaian mandiri"):
        reminders.remind_drafts(cycle, by=admin, now=days_before(5))
    assert Reminder.objects.count() == 0


def test_only_an_admin_sends_a_manual_reminder(cycle, jambi, operators):
    with pytest.raises(PermissionDenied):
        reminders.remind_now(submission_of(cycle, jambi), by=operators["id"])
    with pytest.raises(PermissionDenied):
        reminders.send_manual([submission_of(cycle, jambi)], by=operators["id"])
    assert Reminder.objects.count() == 0


# --- The command ------------------------------------------------------------------------------


def deadline_in(cycle, days: int) -> None:
    cycle.submission_deadline = timezone.now() + timedelta(days=days)
    cycle.save()


def test_the_command_sends_the_due_steps_once(
    cycle, jambi, operators, mailoutbox, django_capture_on_commit_callbacks
):
    deadline_in(cycle, 7)
    out, err = StringIO(), StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=out, stderr=err)
    assert (
        "Cycle 2022: Kota Jambi (15.71) reminded, 7 days before the deadline, 2 recipient(s)."
        in (out.getvalue())
    )
    assert len(mailoutbox) == 3
    out = StringIO()
    call_command("send_reminders", stdout=out, stderr=StringIO())
    assert out.getvalue().strip() == "Nothing to remind."
    assert len(mailoutbox) == 3


def test_the_command_names_regions_without_an_operator(cycle, jambi, bandung):
    make_user("op.bdg", Role.OPERATOR, region=bandung, email="kominfo@bandung.go.id")
    deadline_in(cycle, 3)
    err = StringIO()
    call_command("send_reminders", stdout=StringIO(), stderr=err)
    assert "Cycle 2022: Kota Jambi tidak diingatkan: daerah ini tidak memiliki operator" in (
        err.getvalue()
    )


# --- The cycle page --------------------------------------------------------------------------


def test_the_admin_reminds_every_draft_region_from_the_cycle_page(
    client, cycle, jambi, bandung, operators, admin, mailoutbox, django_capture_on_commit_callbacks
):
    deadline_in(cycle, 10)
    record(cycle, bandung, MANUAL_REMINDER, timezone.now() - timedelta(hours=25), by=admin)
    client.force_login(admin)
    page = client.get(reverse("evaluations:cycle_detail", args=[2022])).content.decode()
    form = page.split('data-testid="remind"')[1].split("</form>")[0]
    assert reverse("evaluations:cycle_remind", args=[2022]) in page
    assert "data-confirm=" in form and "Kirim pengingat" in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluations:cycle_remind", args=[2022]), follow=True)
    assert "Pengingat dikirim ke 2 daerah (3 penerima)." in response.content.decode()
    assert len(mailoutbox) == 3
    assert Reminder.objects.filter(kind=MANUAL_REMINDER, sent_by=admin).count() == 3

    response = client.post(reverse("evaluations:cycle_remind", args=[2022]), follow=True)
    text = response.content.decode()
    assert (
        "2 daerah sudah diingatkan dalam 24 jam terakhir dan dilewati: Kota Jambi, Kota Bandung."
        in text
    )
    assert len(mailoutbox) == 3


def test_the_region_table_shows_the_last_reminder_and_regions_nobody_can_be_reminded_at(
    client, cycle, jambi, bandung, admin
):
    make_user("op.bdg", Role.OPERATOR, region=bandung, email="kominfo@bandung.go.id")
    record(cycle, bandung, "7", datetime(2022, 3, 24, 8, 0, tzinfo=WIB))
    record(cycle, bandung, MANUAL_REMINDER, datetime(2022, 3, 26, 9, 30, tzinfo=WIB), by=admin)
    client.force_login(admin)
    page = client.get(reverse("evaluations:cycle_detail", args=[2022])).content.decode()
    bandung_row = page.split('data-testid="region-32.73"')[1].split("</tr>")[0]
    jambi_row = page.split('data-testid="region-15.71"')[1].split("</tr>")[0]
    assert "26 Maret 2022 pukul 09.30 WIB" in bandung_row
    assert "tanpa operator bersurel" not in bandung_row
    assert "tanpa operator bersurel" in jambi_row


def test_no_reminder_button_when_the_cycle_is_not_open(client, cycle, admin):
    cycle.state = CycleState.REVIEW
    cycle.save()
    client.force_login(admin)
    page = client.get(reverse("evaluations:cycle_detail", args=[2022])).content.decode()
    assert 'data-testid="remind"' not in page
    response = client.post(reverse("evaluations:cycle_remind", args=[2022]), follow=True)
    assert "Pengingat hanya dapat dikirim pada tahap Penilaian mandiri" in response.content.decode()


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.ASSESSOR])
def test_only_admins_may_send_reminders_from_the_page(client, cycle, jambi, operators, role):
    client.force_login(make_user("someone", role, region=jambi if role == Role.OPERATOR else None))
    response = client.post(reverse("evaluations:cycle_remind", args=[2022]))
    assert response.status_code == 403
    assert Reminder.objects.count() == 0


def test_admins_read_reminders_in_the_django_admin_and_nobody_edits_them(
    client, cycle, jambi, admin, operators
):
    record(cycle, jambi, "3", days_before(3))
    client.force_login(operators["id"])
    assert client.get("/admin/evaluations/reminder/").status_code == 302
    client.force_login(admin)
    page = client.get("/admin/evaluations/reminder/?q=15.71")
    assert page.status_code == 200
    assert "Kota Jambi" in page.content.decode()
    assert client.get("/admin/evaluations/reminder/add/").status_code == 403
