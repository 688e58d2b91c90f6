"""The outbox: written with the change, sent after its commit, retried when the mail server fails,
never sent twice by overlapping runs, old sent rows deleted."""

import smtplib
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from kotacerdas.core import outbox
from kotacerdas.core.choices import EmailState
from kotacerdas.core.errors import ServiceError
from kotacerdas.core.models import OutgoingEmail

pytestmark = pytest.mark.django_db

BROKEN = "tests.core.test_outbox.BrokenBackend"


class BrokenBackend(BaseEmailBackend):
    """A mail server that refuses every connection."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


class PickyBackend(EmailBackend):
    """A mail server that refuses one address and takes the others."""

    def send_messages(self, messages):
        for message in messages:
            if "nobody@jambikota.go.id" in message.to:
                raise smtplib.SMTPRecipientsRefused({"nobody@jambikota.go.id": (550, b"no such")})
        return super().send_messages(messages)


def message(
    to: str = "diskominfo@jambikota.go.id", subject: str = "Hasil evaluasi"
) -> EmailMessage:
    return EmailMessage(subject=subject, body="Yth. Operator,\n", to=[to])


def write(*messages, kind="evaluations/results_published", capture=None):
    """Enqueue ``messages`` in a committed transaction, running its after-commit callbacks."""
    with capture(execute=True), transaction.atomic():
        outbox.enqueue(messages, kind=kind)


def make_due(*emails):
    """As if each email's backoff had passed."""
    OutgoingEmail.objects.filter(pk__in=[e.pk for e in emails]).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_a_rolled_back_change_leaves_no_row_and_sends_nothing(
    mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox.enqueue([message()], kind="evaluations/submission_returned")
        raise RuntimeError("the change fails")
    assert not OutgoingEmail.objects.exists()
    assert mailoutbox == []


def test_nothing_is_sent_before_the_commit(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        (email,) = outbox.enqueue([message()], kind="evaluations/submission_returned")
    assert email.state == EmailState.PENDING and mailoutbox == []
    assert len(callbacks) == 1


def test_a_committed_change_sends_its_email_once(mailoutbox, django_capture_on_commit_callbacks):
    write(message(), capture=django_capture_on_commit_callbacks)
    email = OutgoingEmail.objects.get()
    assert email.kind == "evaluations/results_published"
    assert email.state == EmailState.SENT and email.sent_at is not None
    assert email.attempts == 1 and email.next_attempt_at is None
    assert [m.to for m in mailoutbox] == [["diskominfo@jambikota.go.id"]]
    assert mailoutbox[0].subject == "Hasil evaluasi"
    assert outbox.send_due() == outbox.Outcome(sent=0, failed=0)
    assert len(mailoutbox) == 1


def test_the_html_alternative_and_attachments_are_sent_as_written(
    mailoutbox, django_capture_on_commit_callbacks
):
    original = EmailMultiAlternatives(
        subject="Sesi evaluasi", body="Teks\n", to=["asesor@ui.ac.id"], from_email="a@b.go.id"
    )
    original.attach_alternative("<p>Teks</p>", "text/html")
    original.attach("sesi.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    original.attach("data.bin", b"\x00\xff", "application/octet-stream")
    write(original, capture=django_capture_on_commit_callbacks)
    (sent,) = mailoutbox
    assert sent.from_email == "a@b.go.id" and sent.body == "Teks\n"
    assert [tuple(alternative) for alternative in sent.alternatives] == [
        ("<p>Teks</p>", "text/html")
    ]
    assert [tuple(attachment) for attachment in sent.attachments] == [
        ("sesi.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar"),
        ("data.bin", b"\x00\xff", "application/octet-stream"),
    ]


def test_the_outbox_refuses_what_it_would_not_send_as_written(db):
    with pytest.raises(ValueError):
        outbox.enqueue([EmailMessage("s", "b", to=["a@b.go.id"], cc=["c@d.go.id"])], kind="x")
    assert not OutgoingEmail.objects.exists()


def test_a_failing_mail_server_leaves_the_row_pending_with_the_error_and_next_attempt(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = BROKEN
    before = timezone.now()
    write(message(), capture=django_capture_on_commit_callbacks)
    email = OutgoingEmail.objects.get()
    assert email.state == EmailState.PENDING and email.sent_at is None
    assert email.attempts == 1
    assert email.last_error == "ConnectionRefusedError: smtp down"
    assert before + timedelta(minutes=1) <= email.next_attempt_at
    assert email.next_attempt_at <= timezone.now() + timedelta(minutes=1)
    assert mailoutbox == []


def test_the_command_retries_due_rows_and_marks_them_sent(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = BROKEN
    write(message(), capture=django_capture_on_commit_callbacks)
    email = OutgoingEmail.objects.get()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out = StringIO()
    call_command("send_emails", stdout=out)
    assert "Sent: 0, failed: 0." in out.getvalue()  # its next attempt has not come yet
    make_due(email)
    out = StringIO()
    call_command("send_emails", stdout=out)
    assert "Sent: 1, failed: 0." in out.getvalue()
    assert [m.to for m in mail.outbox] == [["diskominfo@jambikota.go.id"]]
    email.refresh_from_db()
    assert (email.state, email.attempts) == (EmailState.SENT, 2)
    assert email.last_error == "ConnectionRefusedError: smtp down"  # kept: why it was late


def test_a_dead_mail_server_stops_the_run_and_the_rest_keep_their_turn(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = BROKEN
    write(
        message("a@jambikota.go.id"),
        message("b@bandung.go.id"),
        capture=django_capture_on_commit_callbacks,
    )
    first, second = OutgoingEmail.objects.order_by("pk")
    assert (first.attempts, first.last_error) == (1, "ConnectionRefusedError: smtp down")
    assert (second.state, second.attempts, second.last_error) == (EmailState.PENDING, 0, "")
    out = StringIO()
    call_command("send_emails", stdout=out)  # the second's turn has come; the server is still down
    assert "Sent: 0, failed: 1. Stopped: the mail server failed" in out.getvalue()
    second.refresh_from_db()
    assert (second.attempts, second.last_error) == (1, "ConnectionRefusedError: smtp down")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_due(first, second)
    assert outbox.send_due() == outbox.Outcome(sent=2, failed=0)
    assert sorted(m.to[0] for m in mailoutbox) == ["a@jambikota.go.id", "b@bandung.go.id"]


def test_a_refused_address_does_not_stop_the_others(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.PickyBackend"
    write(
        message("nobody@jambikota.go.id"),
        message("b@bandung.go.id"),
        capture=django_capture_on_commit_callbacks,
    )
    refused, taken = OutgoingEmail.objects.order_by("pk")
    assert refused.state == EmailState.PENDING and "SMTPRecipientsRefused" in refused.last_error
    assert "nobody@jambikota.go.id" in refused.last_error
    assert taken.state == EmailState.SENT
    assert [m.to for m in mailoutbox] == [["b@bandung.go.id"]]


def test_attempts_back_off_and_stop_after_the_last_then_wait_for_an_admin(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = BROKEN
    write(message(), capture=django_capture_on_commit_callbacks)
    email = OutgoingEmail.objects.get()
    waits = []
    for _attempt in range(outbox.MAX_ATTEMPTS - 1):
        email.refresh_from_db()
        started = timezone.now()
        waits.append(email.next_attempt_at - started)
        make_due(email)
        assert outbox.send_due() == outbox.Outcome(sent=0, failed=1, stopped=True)
    # Each wait is measured a moment after the failure that set it: within a minute of BACKOFF.
    for wait, backoff in zip(waits, outbox.BACKOFF, strict=True):
        assert backoff - timedelta(minutes=1) < wait <= backoff
    email.refresh_from_db()
    assert email.attempts == outbox.MAX_ATTEMPTS == 8
    assert email.state == EmailState.FAILED and email.next_attempt_at is None
    assert outbox.send_due() == outbox.Outcome(sent=0, failed=0)  # never again on its own
    out, err = StringIO(), StringIO()
    call_command("send_emails", stdout=out, stderr=err)
    assert "1 emails failed for good" in err.getvalue()


def test_a_row_claimed_by_an_overlapping_run_is_skipped(monkeypatch, mailoutbox, db):
    """Run B starts while run A is sending row 1 (inside A's call to the mail server): B sends
    the other due row and passes over row 1; each row is sent exactly once."""
    first, second = outbox.enqueue(
        [message("a@jambikota.go.id"), message("b@bandung.go.id")], kind="x"
    )
    make_due(first, second)
    nested = []

    class OverlappingBackend(EmailBackend):
        def send_messages(self, messages):
            if not nested:
                nested.append(None)
                nested[0] = outbox.send_due()  # run B, while run A holds its claim
            return super().send_messages(messages)

    monkeypatch.setattr(outbox, "get_connection", OverlappingBackend)
    assert outbox.send_due() == outbox.Outcome(sent=1, failed=0)  # run A
    assert nested == [outbox.Outcome(sent=1, failed=0)]  # run B: only the row A had not claimed
    assert [m.to for m in mailoutbox] == [["b@bandung.go.id"], ["a@jambikota.go.id"]]
    assert set(OutgoingEmail.objects.values_list("state", "attempts")) == {(EmailState.SENT, 1)}


def test_a_row_being_sent_is_not_sent_by_the_after_commit_sender_either(mailoutbox, db):
    (email,) = outbox.enqueue([message()], kind="x")
    OutgoingEmail.objects.filter(pk=email.pk).update(
        state=EmailState.SENDING, next_attempt_at=timezone.now() + outbox.CLAIM
    )
    assert outbox.send_now([email.pk]) == outbox.Outcome(sent=0, failed=0)
    assert outbox.send_due() == outbox.Outcome(sent=0, failed=0)
    assert mailoutbox == []


def test_a_claim_whose_sender_died_lapses_and_the_row_is_sent(mailoutbox, db):
    (email,) = outbox.enqueue([message()], kind="x")
    OutgoingEmail.objects.filter(pk=email.pk).update(
        state=EmailState.SENDING, attempts=1, next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    assert outbox.send_due() == outbox.Outcome(sent=1, failed=0)
    email.refresh_from_db()
    assert (email.state, email.attempts) == (EmailState.SENT, 2)
    assert len(mailoutbox) == 1


def test_retry_sends_a_failed_row_now_and_refuses_a_sent_one(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = BROKEN
    write(message(), capture=django_capture_on_commit_callbacks)
    email = OutgoingEmail.objects.get()
    OutgoingEmail.objects.filter(pk=email.pk).update(
        state=EmailState.FAILED, attempts=outbox.MAX_ATTEMPTS, next_attempt_at=None
    )
    assert outbox.retry(email) is False  # still down: one more attempt, failed again
    email.refresh_from_db()
    assert (email.state, email.attempts) == (EmailState.FAILED, outbox.MAX_ATTEMPTS + 1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.retry(email) is True
    email.refresh_from_db()
    assert email.state == EmailState.SENT
    assert len(mail.outbox) == 1
    with pytest.raises(ServiceError, match="sudah terkirim"):
        outbox.retry(email)
    assert len(mail.outbox) == 1


def test_retry_does_not_wait_for_the_backoff_but_refuses_a_row_being_sent(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = BROKEN
    write(message(), message("b@bandung.go.id"), capture=django_capture_on_commit_callbacks)
    waiting, busy = OutgoingEmail.objects.order_by("pk")
    OutgoingEmail.objects.filter(pk=busy.pk).update(
        state=EmailState.SENDING, next_attempt_at=timezone.now() + outbox.CLAIM
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.retry(waiting) is True
    with pytest.raises(ServiceError, match="sedang dikirim"):
        outbox.retry(busy)
    assert [m.to for m in mailoutbox] == [["diskominfo@jambikota.go.id"]]


def test_retry_failed_gives_every_failed_row_one_more_attempt(
    mailoutbox, django_capture_on_commit_callbacks
):
    emails = outbox.enqueue([message("a@jambikota.go.id"), message("b@bandung.go.id")], kind="x")
    OutgoingEmail.objects.update(
        state=EmailState.FAILED, attempts=outbox.MAX_ATTEMPTS, next_attempt_at=None
    )
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        assert outbox.retry_failed() == 2
    # The tests' task backend runs the enqueued send at once, as the worker would.
    assert sorted(m.to[0] for m in mailoutbox) == ["a@jambikota.go.id", "b@bandung.go.id"]
    assert {e.state for e in OutgoingEmail.objects.filter(pk__in=[e.pk for e in emails])} == {
        EmailState.SENT
    }
    assert outbox.retry_failed() == 0


def test_old_sent_rows_are_deleted_and_unsent_ones_never(settings, db):
    settings.KOTACERDAS_EMAIL_KEEP_DAYS = 30
    kept_sent, old_sent, old_failed, old_pending = outbox.enqueue(
        [message(subject=name) for name in ("kept", "old", "failed", "pending")], kind="x"
    )
    now = timezone.now()
    long_ago = now - timedelta(days=31)
    OutgoingEmail.objects.filter(pk=kept_sent.pk).update(
        state=EmailState.SENT, sent_at=now - timedelta(days=29)
    )
    OutgoingEmail.objects.filter(pk=old_sent.pk).update(state=EmailState.SENT, sent_at=long_ago)
    OutgoingEmail.objects.filter(pk=old_failed.pk).update(
        state=EmailState.FAILED, created_at=long_ago, next_attempt_at=None
    )
    OutgoingEmail.objects.filter(pk=old_pending.pk).update(
        created_at=long_ago, next_attempt_at=now + timedelta(hours=1)
    )
    out = StringIO()
    call_command("send_emails", stdout=out)
    assert "Deleted 1 sent emails" in out.getvalue()
    assert set(OutgoingEmail.objects.values_list("subject", flat=True)) == {
        "kept",
        "failed",
        "pending",
    }
    call_command("send_emails", "--keep-days", "1", stdout=StringIO())
    assert set(OutgoingEmail.objects.values_list("subject", flat=True)) == {"failed", "pending"}


def test_summary_counts_failed_and_waiting_rows(db):
    outbox.enqueue([message(), message(), message()], kind="x")
    first, second, _waiting = OutgoingEmail.objects.order_by("pk")
    OutgoingEmail.objects.filter(pk=first.pk).update(state=EmailState.FAILED, next_attempt_at=None)
    OutgoingEmail.objects.filter(pk=second.pk).update(state=EmailState.SENT, sent_at=timezone.now())
    assert outbox.summary() == outbox.Summary(failed=1, pending=1)
