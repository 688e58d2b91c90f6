"""The outbox: every email the platform sends is first a row (``OutgoingEmail``), so that none is
silently lost.

Guarantees:

- ``enqueue`` writes the rows in the caller's transaction: a change that rolls back leaves no
  row and sends nothing; a change that commits has its rows, which stay until they are sent.
- Right after that commit the rows are sent (``transaction.on_commit``), as the emails always
  were. A failure (mail server down, address refused) never reaches the caller: it is recorded
  on the row (``last_error``, ``attempts``) with the next attempt after a backoff (``BACKOFF``:
  1, 5, 15 minutes, 1, 4, 12, 24 hours); after ``MAX_ATTEMPTS`` failed attempts the row is
  *failed* and waits for an admin (``retry``, ``retry_failed``: the page ``/surel/``).
- ``send_due`` (the command ``kotacerdas send_emails``, from cron) sends every row whose next
  attempt has come. A sender claims a row before sending it: a conditional update from pending
  to sending that only one sender can win, after ``select_for_update(skip_locked=True)`` so
  that on PostgreSQL runners on several hosts pass over each other's rows instead of waiting
  (SQLite serialises writes, so the conditional update alone decides there). Two runs that
  overlap never send the same row twice.
- ``delete_old`` deletes sent rows older than ``EMAIL_KEEP_DAYS`` days; unsent rows never.

Delivery is at least once, not exactly once: a sender that dies after the mail server accepted
a message but before recording it leaves its claim, and when the claim lapses (``CLAIM``) the
row is sent again. SMTP has no way to close that gap; it needs a crash at that very moment.
"""

from __future__ import annotations

import base64
import logging
import smtplib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from .choices import EmailState
from .errors import ServiceError
from .models import OutgoingEmail

logger = logging.getLogger(__name__)

#: The wait after the 1st, 2nd, ... failed attempt; the attempt after the last wait is the last.
BACKOFF = tuple(timedelta(minutes=minutes) for minutes in (1, 5, 15, 60, 240, 720, 1440))
MAX_ATTEMPTS = len(BACKOFF) + 1
#: How long a sender's claim on a row lasts: far longer than any mail server's timeout.
CLAIM = timedelta(minutes=15)
ERROR_LENGTH = 2000


#: Failures that are about one message (an address or its content refused): the next message
#: may go through. Any other failure is the mail server's (down, unreachable, refusing the
#: login): a run stops there and the rows after it keep their turn, so that a dead server costs
#: one timeout per run, not one per email.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


@dataclass(frozen=True)
class Outcome:
    """How many rows a run sent, how many failed (again), and whether it stopped early at a
    failure of the mail server (``MESSAGE_ERRORS``)."""

    sent: int = 0
    failed: int = 0
    stopped: bool = False


def enqueue(messages: Iterable[EmailMessage], *, kind: str) -> list[OutgoingEmail]:
    """Write ``messages`` (rendered, each with its ``to``) to the outbox in the current
    transaction, about ``kind`` (a short name: ``submission_returned``), and send them right
    after it commits. Nothing is written or sent for no messages.

    Refuses (``ValueError``) what the outbox does not keep: Cc, Bcc, Reply-To, extra headers,
    alternatives other than one HTML body, attachments that are not (name, content, type)."""
    now = timezone.now()
    rows = [OutgoingEmail(kind=kind, next_attempt_at=now, **_fields(m)) for m in messages]
    if not rows:
        return []
    OutgoingEmail.objects.bulk_create(rows)
    pks = [row.pk for row in rows]
    transaction.on_commit(lambda: send_now(pks))
    return rows


def send_now(pks: Iterable[int]) -> Outcome:
    """Send the rows ``pks`` that are due and not claimed by another sender (after the commit
    that wrote them). Never raises: a failure is recorded on its row, anything else is logged
    and left to ``send_due``, as are the rows after a failure of the mail server."""
    pks = list(pks)
    try:
        now = timezone.now()
        return _deliver(pk for pk in pks if _claim(pk, now, _is_due(now)))
    except Exception:  # the change is committed; the rows stay for send_due
        logger.exception("Sending emails %s after the commit failed", list(pks))
        return Outcome()


def due(now: datetime | None = None) -> QuerySet[OutgoingEmail]:
    """Rows to try now: pending ones whose next attempt has come, and rows whose sender's claim
    lapsed (it died while sending)."""
    return OutgoingEmail.objects.filter(_is_due(now or timezone.now()))


def _is_due(now: datetime) -> Q:
    return Q(state__in=[EmailState.PENDING, EmailState.SENDING], next_attempt_at__lte=now)


def send_due() -> Outcome:
    """Send every row that was due when the run started, oldest turn first, one claim at a time
    (see the module's docstring: safe to run on several hosts at once). A row that fails gets
    its next attempt after the backoff, so a run always ends; a failure of the mail server ends
    it at once (``MESSAGE_ERRORS``)."""
    started = timezone.now()
    passed: set[int] = set()
    return _deliver(iter(lambda: _claim_next(started, passed), None))


def retry(email: OutgoingEmail) -> bool:
    """Send ``email`` now, whatever its next attempt (an admin's "retry now"); True when the mail
    server took it, False when it failed again (its error and next attempt recorded; a failed
    row gets one more attempt). Refuses (``ServiceError``) a row already sent or being sent by
    another sender right now."""
    now = timezone.now()
    if not _claim(email.pk, now, _retryable(now)):
        email.refresh_from_db()
        if email.state == EmailState.SENT:
            raise ServiceError(_("Surel ini sudah terkirim."))
        raise ServiceError(_("Surel ini sedang dikirim; lihat lagi sebentar lagi."))
    return _deliver(iter([email.pk])).sent == 1


def retry_failed() -> int:
    """Give every failed row one more attempt, due now, and ask the worker to send them (cron's
    ``send_due`` does if no worker runs); return how many rows."""
    now = timezone.now()
    count = OutgoingEmail.objects.filter(state=EmailState.FAILED).update(
        state=EmailState.PENDING, next_attempt_at=now
    )
    if count:
        transaction.on_commit(_enqueue_send_due)
    return count


@task()
def send_due_emails() -> None:
    """The background task behind ``retry_failed``: what ``kotacerdas send_emails`` does."""
    send_due()


def _enqueue_send_due() -> None:
    try:
        send_due_emails.enqueue()
    except Exception:  # no worker queue: the rows are due, cron's send_due sends them
        logger.exception("Enqueueing the sending of due emails failed")


def _retryable(now: datetime) -> Q:
    """Rows an admin may retry: pending, failed, or claimed by a sender whose claim lapsed."""
    return Q(state__in=[EmailState.PENDING, EmailState.FAILED]) | Q(
        state=EmailState.SENDING, next_attempt_at__lte=now
    )


def delete_old(days: int | None = None) -> int:
    """Delete sent rows sent more than ``days`` (default ``EMAIL_KEEP_DAYS``) days ago; return
    how many. Unsent rows (pending, sending, failed) are never deleted."""
    days = settings.KOTACERDAS_EMAIL_KEEP_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _counts = OutgoingEmail.objects.filter(
        state=EmailState.SENT, sent_at__lt=cutoff
    ).delete()
    return deleted


@dataclass(frozen=True)
class Summary:
    failed: int
    pending: int

    @property
    def unsent(self) -> int:
        return self.failed + self.pending


def summary() -> Summary:
    """How many rows have failed for good and how many wait (pending or being sent)."""
    counts = OutgoingEmail.objects.aggregate(
        failed=Count("pk", filter=Q(state=EmailState.FAILED)),
        pending=Count("pk", filter=Q(state__in=[EmailState.PENDING, EmailState.SENDING])),
    )
    return Summary(failed=counts["failed"], pending=counts["pending"])


# --- Claiming and sending one row --------------------------------------------------------


def _claim(pk: int, now: datetime, condition: Q) -> bool:
    """Take row ``pk`` for this sender if it meets ``condition``; True when this sender won it.

    The single conditional UPDATE is what makes the claim exclusive on every database: on
    PostgreSQL a concurrent update of the same row waits and then re-checks the condition, on
    SQLite writes are serialised."""
    claimed = OutgoingEmail.objects.filter(condition, pk=pk).update(
        state=EmailState.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + CLAIM
    )
    return claimed == 1


def _claim_next(started: datetime, passed: set[int]) -> int | None:
    """Claim the oldest row due at ``started`` that no other sender holds; None when none is
    left. ``passed`` collects rows another sender won between the read and the claim."""
    while True:
        with transaction.atomic():
            pk = (
                due(started)
                .exclude(pk__in=passed)
                .select_for_update(skip_locked=True)
                .order_by("next_attempt_at", "pk")
                .values_list("pk", flat=True)
                .first()
            )
            if pk is None:
                return None
            if _claim(pk, timezone.now(), _is_due(started)):
                return pk
        passed.add(pk)


def _deliver(claimed: Iterator[int]) -> Outcome:
    """Send each row that ``claimed`` yields (claiming it) through one connection to the mail
    server, recording each outcome; stop at the first failure that is the server's."""
    connection = get_connection()
    sent = failed = 0
    try:
        for pk in claimed:
            error = _send(pk, connection)
            if error is None:
                sent += 1
                continue
            failed += 1
            if not isinstance(error, MESSAGE_ERRORS):
                return Outcome(sent=sent, failed=failed, stopped=True)
    finally:
        _close(connection)
    return Outcome(sent=sent, failed=failed)


def _send(pk: int, connection) -> Exception | None:
    """Send the claimed row ``pk`` and record the outcome; the error when it failed."""
    row = OutgoingEmail.objects.get(pk=pk)
    try:
        connection.open()  # once: later rows of the run reuse the connection
        connection.send_messages([_message(row)])
    except Exception as error:  # whatever the backend raises is this attempt's error
        _failed(row, error)
        _close(connection)  # the next message opens a fresh connection
        return error
    OutgoingEmail.objects.filter(pk=pk).update(
        state=EmailState.SENT, sent_at=timezone.now(), next_attempt_at=None
    )
    return None


def _failed(row: OutgoingEmail, error: Exception) -> None:
    """Record a failed attempt: the error, and the next attempt after the backoff, or failed
    for good after ``MAX_ATTEMPTS``."""
    now = timezone.now()
    if row.attempts >= MAX_ATTEMPTS:
        state, next_attempt_at = EmailState.FAILED, None
    else:
        state, next_attempt_at = EmailState.PENDING, now + BACKOFF[row.attempts - 1]
    message = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
    OutgoingEmail.objects.filter(pk=row.pk).update(
        state=state, last_error=message, next_attempt_at=next_attempt_at
    )
    logger.warning(
        "Email %s (%s) to %s failed (attempt %d): %s",
        row.pk,
        row.kind,
        ", ".join(row.recipients),
        row.attempts,
        message,
    )


def _close(connection) -> None:
    try:
        connection.close()
    except Exception:  # a broken connection may fail to close; the next send opens a new one
        logger.debug("Closing the mail connection failed", exc_info=True)


# --- Between EmailMessage and the row ----------------------------------------------------


def _fields(message: EmailMessage) -> dict:
    if message.cc or message.bcc or message.reply_to or message.extra_headers:
        raise ValueError("The outbox keeps To, subject, body, one HTML body and attachments.")
    html = ""
    for content, mimetype in getattr(message, "alternatives", ()):
        if mimetype != "text/html" or html:
            raise ValueError("The outbox keeps one HTML alternative only.")
        html = content
    return {
        "from_email": message.from_email,
        "recipients": list(message.to),
        "subject": message.subject,
        "body": message.body,
        "html_body": html,
        "attachments": [_attachment(attachment) for attachment in message.attachments],
    }


def _attachment(attachment) -> dict:
    if not isinstance(attachment, tuple):
        raise ValueError("The outbox keeps attachments given as (name, content, type).")
    filename, content, mimetype = attachment
    raw = content.encode() if isinstance(content, str) else bytes(content)
    return {
        "filename": filename,
        "mimetype": mimetype,
        "content": base64.b64encode(raw).decode("ascii"),
    }


def _message(row: OutgoingEmail) -> EmailMessage:
    """The row as the message it was written from."""
    fields = {
        "subject": row.subject,
        "body": row.body,
        "from_email": row.from_email,
        "to": row.recipients,
    }
    message = EmailMultiAlternatives(**fields) if row.html_body else EmailMessage(**fields)
    if row.html_body:
        message.attach_alternative(row.html_body, "text/html")
    for attachment in row.attachments:
        content = base64.b64decode(attachment["content"])
        message.attach(attachment["filename"], content, attachment["mimetype"])
    return message
