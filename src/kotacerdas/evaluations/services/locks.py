"""When a region's self-assessment may change (the *who* is in ``evaluations/rules.py``).

An operator may change answers and evidence, and submit, only while

- the cycle is ``open`` and the submission is a ``draft``, before the region's deadline (the
  cycle's, or the region's extension when later: ``extensions.effective_deadline``); or
- the submission was ``returned`` by an admin, while the cycle is ``open`` or ``review``
  (the deadline no longer applies to a returned submission).

Nothing changes once the cycle is published (or archived).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.errors import Locked
from kotacerdas.core.moments import wib

from ..models import Cycle, CycleState, Submission, SubmissionState
from .extensions import effective_deadline, is_extended

FROZEN_STATES = frozenset({CycleState.PUBLISHED, CycleState.ARCHIVED})
RETURN_STATES = frozenset({CycleState.OPEN, CycleState.REVIEW})


def ensure_not_frozen(cycle: Cycle) -> None:
    """Raise Locked when the cycle is published or archived: nothing may change any more."""
    if cycle.state in FROZEN_STATES:
        raise Locked(
            _("Siklus %(cycle)s sudah %(state)s; tidak ada lagi yang dapat diubah.")
            % {"cycle": cycle, "state": cycle.get_state_display().lower()}
        )


def ensure_editable(submission: Submission, *, now: datetime | None = None) -> None:
    """Raise Locked with the reason when the operator may not change this self-assessment now.

    Callers must hold the submission row (``select_for_update``) so that the state cannot change
    between this check and their write.
    """
    cycle = submission.cycle
    ensure_not_frozen(cycle)
    if submission.state == SubmissionState.RETURNED:
        if cycle.state in RETURN_STATES:
            return
        raise Locked(
            _(
                "Penilaian mandiri ini dikembalikan, tetapi siklus sudah masuk tahap %(state)s; "
                "perubahan tidak dapat diterima lagi."
            )
            % {"state": cycle.get_state_display()}
        )
    if cycle.state != CycleState.OPEN:
        raise Locked(
            _(
                "Penilaian mandiri hanya dapat diubah pada tahap Penilaian mandiri; siklus "
                "%(cycle)s sekarang pada tahap %(state)s."
            )
            % {"cycle": cycle, "state": cycle.get_state_display()}
        )
    if submission.state == SubmissionState.SUBMITTED:
        raise Locked(
            _(
                "Penilaian mandiri sudah dikirim pada %(when)s dan tidak dapat diubah lagi, "
                "kecuali dikembalikan oleh admin."
            )
            % {"when": wib(submission.submitted_at) if submission.submitted_at else "—"}
        )
    deadline = effective_deadline(submission)
    if deadline is not None and (now or timezone.now()) > deadline:
        if is_extended(submission):
            raise Locked(
                _("Perpanjangan batas waktu penilaian mandiri (%(deadline)s) sudah lewat.")
                % {"deadline": wib(deadline)}
            )
        raise Locked(
            _("Batas waktu penilaian mandiri (%(deadline)s) sudah lewat.")
            % {"deadline": wib(deadline)}
        )


def hold_editable(submission: Submission) -> Submission:
    """The submission's row, locked until the caller's transaction ends (``select_for_update``,
    cycle and region loaded), after ``ensure_editable`` (else Locked). Call it inside
    ``transaction.atomic`` before writing anything that belongs to the self-assessment."""
    locked = (
        Submission.objects.select_for_update()
        .select_related("cycle", "region")
        .get(pk=submission.pk)
    )
    ensure_editable(locked)
    return locked


def is_editable(submission: Submission, *, now: datetime | None = None) -> bool:
    """Whether ``ensure_editable`` would let the operator change the self-assessment now."""
    try:
        ensure_editable(submission, now=now)
    except Locked:
        return False
    return True


def lock_reason(submission: Submission) -> str:
    """Why the self-assessment is read-only now, or an empty string when it is editable."""
    try:
        ensure_editable(submission)
    except Locked as locked:
        return locked.message
    return ""
