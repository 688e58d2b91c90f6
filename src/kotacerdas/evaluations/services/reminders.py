"""Reminders to regions that have not sent their self-assessment yet.

Automatic reminders follow a schedule of steps, in days before the region's deadline
(``settings.REMINDER_DAYS_BEFORE``, default 7, 3 and 1): ``send_due`` (the command
``kotacerdas send_reminders``, daily from cron) emails the operators of every draft region of an
open cycle whose step has come. Only the most urgent step whose moment is reached is due, and
only if it was not sent already: at 4 days left step 7, at 2 days left step 3 (a region enrolled
then gets one email, not three), nothing once the deadline has passed. Each step is sent once
per region: a ``Reminder`` row per step, unique in the database, written in the transaction that
puts the emails in the outbox, so that two overlapping runs never send a step twice and a run
that fails leaves the step due.

Admins remind chosen regions at once (``send_manual``, ``remind_drafts``), at most once per
region every 24 hours. A region without an active operator with an email address gets nothing
and no row: it is reported as skipped (the command's output, the admin's messages, the cycle
page). The deadline is always the one ``submissions.deadline_of`` gives the region.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.errors import Locked, ServiceError
from kotacerdas.core.moments import wib

from ..models import MANUAL_REMINDER, Cycle, CycleState, Reminder, Submission, SubmissionState
from . import notifications
from . import submissions as submission_service
from .submissions import Deadline

#: How long after a manual reminder the same region may be reminded manually again.
MANUAL_INTERVAL = timedelta(hours=24)


class RemindedRecently(ServiceError):
    """A manual reminder refused: the region was reminded manually less than 24 hours ago."""


class NoRecipients(ServiceError):
    """Nothing sent: the region has no active operator with an email address."""


@dataclass(frozen=True)
class Due:
    """A draft region whose schedule ``step`` (days before its ``deadline``) is due."""

    submission: Submission
    step: int
    deadline: Deadline


@dataclass(frozen=True)
class Skipped:
    """A region that was not reminded, and why (``error.message``, in Bahasa Indonesia)."""

    submission: Submission
    error: ServiceError


@dataclass
class Report:
    """What a run sent (one ``Reminder`` per region) and which regions it skipped."""

    sent: list[Reminder] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def steps() -> tuple[int, ...]:
    """The schedule, in days before the deadline, most distant first."""
    return tuple(sorted(settings.REMINDER_DAYS_BEFORE, reverse=True))


def step_due(deadline: Deadline, sent: Iterable[str], schedule: Sequence[int]) -> int | None:
    """The step due for a region with ``deadline`` that was already sent the steps ``sent``
    (kinds, e.g. ``{"7"}``): the most urgent step whose moment has come (days left at most the
    step), unless it was sent; None before the first step, once the deadline has passed, or
    when that step was sent. Earlier steps that were missed are never sent late."""
    if deadline.passed:
        return None
    reached = [step for step in schedule if deadline.days_left <= step]
    if not reached:
        return None
    step = min(reached)
    return None if str(step) in set(sent) else step


def due(cycle: Cycle, now: datetime | None = None) -> list[Due]:
    """The draft regions of ``cycle`` (if it is open) whose schedule step is due at ``now``,
    by region code. Reads only; ``send_due`` sends them."""
    if cycle.state != CycleState.OPEN:
        return []
    now = now or timezone.now()
    schedule = steps()
    sent: dict[tuple[int, datetime | None], set[str]] = {}
    automatic = Reminder.objects.filter(submission__cycle=cycle).exclude(kind=MANUAL_REMINDER)
    for submission_id, kind, announced in automatic.values_list(
        "submission_id", "kind", "deadline"
    ):
        sent.setdefault((submission_id, announced), set()).add(kind)
    drafts = (
        cycle.submissions.filter(state=SubmissionState.DRAFT)
        .select_related("cycle", "region")
        .order_by("region__code")
    )
    result = []
    for submission in drafts:
        deadline = submission_service.deadline_of(submission, now=now)
        if deadline is None:
            continue
        # Only the steps sent for this deadline count: an extension starts the schedule again.
        step = step_due(deadline, sent.get((submission.pk, deadline.at), ()), schedule)
        if step is not None:
            result.append(Due(submission=submission, step=step, deadline=deadline))
    return result


def send_due(now: datetime | None = None) -> Report:
    """Send every due step of every open cycle (``due``): for each region, in one transaction
    holding its submission's row, the emails to its operators (through the outbox) and the
    ``Reminder`` that records the step. Idempotent and safe when runs overlap: a step already
    recorded (by this or another run) is not sent again, and the database refuses a second row
    for it. A region without an operator to email is skipped and stays due."""
    now = now or timezone.now()
    report = Report()
    for cycle in Cycle.objects.filter(state=CycleState.OPEN).order_by("year"):
        for item in due(cycle, now):
            try:
                reminder = _send_step(item, now)
            except NoRecipients as error:
                report.skipped.append(Skipped(item.submission, error))
            else:
                if reminder is not None:
                    report.sent.append(reminder)
    return report


def _send_step(item: Due, now: datetime) -> Reminder | None:
    """Send ``item``'s step if it is still due once the submission's row is held; None when it
    is not any more (submitted meanwhile, or another run sent it)."""
    with transaction.atomic():
        submission = _hold(item.submission)
        deadline = submission_service.deadline_of(submission, now=now)
        if deadline is None:
            return None
        sent = (
            submission.reminders.exclude(kind=MANUAL_REMINDER)
            .filter(deadline=deadline.at)
            .values_list("kind", flat=True)
        )
        if step_due(deadline, sent, steps()) != item.step:
            return None
        recipients = _recipients(submission)
        reminder = Reminder(
            submission=submission,
            kind=str(item.step),
            sent_at=now,
            recipients=len(recipients),
            deadline=deadline.at,
        )
        try:
            with transaction.atomic():  # a savepoint: the constraint is the last guard
                reminder.save()
        except IntegrityError:
            return None
        _email(submission, recipients, deadline)
    return reminder


def send_manual(submissions: Iterable[Submission], *, by, now: datetime | None = None) -> Report:
    """An admin's reminder, now, to each of ``submissions``: each region in its own transaction
    (``remind_now``); a region that is refused is reported in ``skipped`` with the reason, the
    others are sent. Only an admin (else PermissionDenied, nothing sent)."""
    submissions = list(submissions)
    for cycle in {submission.cycle for submission in submissions}:
        _require_permission(by, cycle)
    report = Report()
    for submission in submissions:
        try:
            report.sent.append(remind_now(submission, by=by, now=now))
        except ServiceError as error:
            report.skipped.append(Skipped(submission, error))
    return report


def remind_drafts(
    cycle: Cycle, *, by, now: datetime | None = None, codes: Iterable[str] | None = None
) -> Report:
    """``send_manual`` to every draft region of ``cycle`` (only those whose code is in ``codes``
    when given), by region code (the cycle page's "Kirim pengingat", the operations page's
    reminder of stalled regions); those reminded manually in the last 24 hours come back as
    skipped. Refuses (Locked) a cycle that is not open, and a non-admin (PermissionDenied)."""
    _require_permission(by, cycle)
    if cycle.state != CycleState.OPEN:
        raise Locked(
            _(
                "Pengingat hanya dapat dikirim pada tahap Penilaian mandiri; siklus %(cycle)s "
                "sekarang pada tahap %(state)s."
            )
            % {"cycle": cycle, "state": cycle.get_state_display()}
        )
    drafts = (
        cycle.submissions.filter(state=SubmissionState.DRAFT)
        .select_related("cycle", "region")
        .order_by("region__code")
    )
    if codes is not None:
        drafts = drafts.filter(region__code__in=list(codes))
    return send_manual(drafts, by=by, now=now)


def remind_now(submission: Submission, *, by, now: datetime | None = None) -> Reminder:
    """Email the region's operators a reminder now, recorded as a manual ``Reminder`` by ``by``.

    Refuses (nothing sent): a non-admin (PermissionDenied); a region that is not a draft of an
    open cycle or whose deadline has passed (Locked); one reminded manually less than 24 hours
    before ``now`` (RemindedRecently); one without an active operator with an email address
    (NoRecipients). Holds the submission's row, so two admins cannot both pass the 24 hours."""
    _require_permission(by, submission.cycle)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _hold(submission)
        deadline = _deadline_for_manual(locked, now)
        last = locked.reminders.filter(kind=MANUAL_REMINDER).aggregate(last=Max("sent_at"))["last"]
        if last is not None and now - last < MANUAL_INTERVAL:
            raise RemindedRecently(
                _(
                    "%(region)s sudah diingatkan pada %(when)s; pengingat manual berikutnya "
                    "paling cepat %(next)s."
                )
                % {
                    "region": locked.region.name,
                    "when": wib(last),
                    "next": wib(last + MANUAL_INTERVAL),
                }
            )
        recipients = _recipients(locked)
        reminder = Reminder.objects.create(
            submission=locked,
            kind=MANUAL_REMINDER,
            sent_at=now,
            sent_by=by,
            recipients=len(recipients),
            deadline=deadline.at if deadline else None,
        )
        _email(locked, recipients, deadline)
    return reminder


def last_sent(cycle: Cycle) -> dict[int, datetime]:
    """When each submission of ``cycle`` was last reminded ({submission id: moment}), any kind."""
    rows = (
        Reminder.objects.filter(submission__cycle=cycle)
        .values_list("submission_id")
        .annotate(last=Max("sent_at"))
        .order_by()
    )
    return dict(rows)


def reachable_regions(region_ids: Iterable[int]) -> set[int]:
    """The regions among ``region_ids`` that have an operator a reminder can reach."""
    return {user.region_id for user in notifications.operators_of(region_ids)}


# --- Helpers ----------------------------------------------------------------------------------


def _require_permission(by, cycle: Cycle) -> None:
    if not by.has_perm("evaluations.send_reminders", cycle):
        raise PermissionDenied(_("Hanya admin yang dapat mengirim pengingat."))


def _hold(submission: Submission) -> Submission:
    return (
        Submission.objects.select_for_update()
        .select_related("cycle", "region")
        .get(pk=submission.pk)
    )


def _deadline_for_manual(submission: Submission, now: datetime) -> Deadline | None:
    """The region's deadline (None when the open cycle has none), after checking that a reminder
    makes sense: a draft of an open cycle before its deadline (else Locked)."""
    if submission.cycle.state != CycleState.OPEN or submission.state != SubmissionState.DRAFT:
        raise Locked(
            _(
                "%(region)s tidak diingatkan: hanya daerah yang belum mengirim penilaian mandiri "
                "pada tahap Penilaian mandiri yang dapat diingatkan (status %(state)s, siklus "
                "pada tahap %(cycle_state)s)."
            )
            % {
                "region": submission.region.name,
                "state": submission.get_state_display(),
                "cycle_state": submission.cycle.get_state_display(),
            }
        )
    deadline = submission_service.deadline_of(submission, now=now)
    if deadline is not None and deadline.passed:
        raise Locked(
            _("%(region)s tidak diingatkan: batas waktunya (%(deadline)s) sudah lewat.")
            % {"region": submission.region.name, "deadline": wib(deadline.at)}
        )
    return deadline


def _recipients(submission: Submission) -> list:
    """The region's operators with an email address; NoRecipients when there are none."""
    recipients = notifications.operators_of([submission.region_id])
    if not recipients:
        raise NoRecipients(
            _(
                "%(region)s tidak diingatkan: daerah ini tidak memiliki operator aktif dengan "
                "alamat surel."
            )
            % {"region": submission.region.name}
        )
    return recipients


def _email(submission: Submission, recipients: list, deadline: Deadline | None) -> None:
    rows = submission_service.progress(submission)
    notifications.submission_reminder(
        submission,
        recipients,
        deadline=deadline,
        answered=sum(row.answered for row in rows),
        total=sum(row.total for row in rows),
    )
