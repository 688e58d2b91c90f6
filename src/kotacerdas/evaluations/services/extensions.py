"""One region's later self-assessment deadline (an extension), granted by an admin with a reason.

The cycle's ``submission_deadline`` binds every region. An admin may give one region more time
(a flood, an operator who left) without moving anyone else's: ``extend_deadline`` records a later
moment on the region's Submission, ``cancel_extension`` takes it back. The deadline that binds a
region is then ``effective_deadline``: the later of the cycle's and the extension. Everything that
reads one region's deadline goes through it (``locks.ensure_editable``,
``submissions.deadline_of``); what is the same for all regions (the reference day of evidence
validity, see docs/decisions.md) keeps reading the cycle's.

Each grant, change and cancellation is a history row of the Submission with the admin
(``history_user``) and the reason (``history_change_reason``).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.errors import Locked, ServiceError
from kotacerdas.core.moments import wib

from ..models import CycleState, Submission, SubmissionState

MAX_REASON = 2000


class InvalidExtension(ServiceError):
    """An extension refused because of what was asked (the moment or the reason), not the moment
    it was asked at."""


def effective_deadline(submission: Submission) -> datetime | None:
    """The self-assessment deadline of ``submission``'s region: the later of the cycle's deadline
    and the region's extension; None when the cycle has no deadline (an extension then extends
    nothing). Whether it binds at all (a returned or submitted self-assessment is not held to it)
    is for ``locks`` and ``submissions.deadline_of`` to say."""
    deadline = submission.cycle.submission_deadline
    extended = submission.deadline_extended_to
    if deadline is None:
        return None
    if extended is not None and extended > deadline:
        return extended
    return deadline


def is_extended(submission: Submission) -> bool:
    """Whether the region's extension is what sets its deadline (later than the cycle's)."""
    deadline = submission.cycle.submission_deadline
    extended = submission.deadline_extended_to
    return deadline is not None and extended is not None and extended > deadline


def refusal(submission: Submission) -> str:
    """Why the region's deadline cannot be extended (or its extension cancelled) now, or an
    empty string when it can: what ``extend_deadline`` would refuse before looking at the
    moment and the reason."""
    try:
        _ensure_extendable(submission)
    except Locked as locked:
        return locked.message
    return ""


def extend_deadline(submission: Submission, until: datetime, *, reason: str, by) -> Submission:
    """Give the region until ``until`` to finish its self-assessment, or move its extension.

    Guarantees: only an admin (``evaluations.extend_deadline``, else PermissionDenied); the
    cycle is open, has a deadline, and the self-assessment is still a draft (else Locked: a
    returned one is not held to a deadline, a submitted one needs no time); ``until`` is aware,
    later than the cycle's deadline and later than now, and a reason is given (else
    InvalidExtension). The change is made under the submission's row lock and recorded in its
    history with ``by`` and the reason; no other region's deadline moves.
    """
    _require_admin(submission, by)
    reason = _reason(reason)
    if until is None or timezone.is_naive(until):
        raise InvalidExtension(_("Isi tanggal dan jam perpanjangan (WIB)."))
    with transaction.atomic():
        locked = _hold(submission)
        _ensure_extendable(locked)
        deadline = locked.cycle.submission_deadline
        if until <= deadline:
            raise InvalidExtension(
                _(
                    "Perpanjangan harus setelah batas waktu siklus (%(deadline)s); %(until)s "
                    "tidak memperpanjang apa pun."
                )
                % {"deadline": wib(deadline), "until": wib(until)}
            )
        if until <= timezone.now():
            raise InvalidExtension(
                _("Perpanjangan harus setelah saat ini; %(until)s sudah lewat.")
                % {"until": wib(until)}
            )
        locked.deadline_extended_to = until
        locked.extension_reason = reason
        locked.extended_by = by
        locked.extended_at = timezone.now()
        locked._history_user = by
        locked._change_reason = reason
        locked.save(
            update_fields=["deadline_extended_to", "extension_reason", "extended_by", "extended_at"]
        )
    return locked


def cancel_extension(submission: Submission, *, reason: str, by) -> Submission:
    """Take the region's extension back: the cycle's deadline binds it again (which may lock the
    self-assessment at once, when that deadline has passed).

    Guarantees: only an admin (else PermissionDenied); a reason is given (else
    InvalidExtension); the region has an extension, the cycle is open and the self-assessment is
    a draft (else Locked). Made under the row lock; the history keeps the extension that was
    cancelled, with ``by`` and the reason.
    """
    _require_admin(submission, by)
    reason = _reason(reason)
    with transaction.atomic():
        locked = _hold(submission)
        if locked.deadline_extended_to is None:
            raise Locked(
                _("%(region)s tidak mendapat perpanjangan; tidak ada yang dibatalkan.")
                % {"region": locked.region.name}
            )
        _ensure_extendable(locked)
        locked.deadline_extended_to = None
        locked.extension_reason = ""
        locked.extended_by = None
        locked.extended_at = None
        locked._history_user = by
        locked._change_reason = reason
        locked.save(
            update_fields=["deadline_extended_to", "extension_reason", "extended_by", "extended_at"]
        )
    return locked


def _require_admin(submission: Submission, by) -> None:
    if not by.has_perm("evaluations.extend_deadline", submission):
        raise PermissionDenied(_("Hanya admin yang dapat memperpanjang batas waktu daerah."))


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidExtension(_("Alasan perpanjangan wajib diisi."))
    if len(reason) > MAX_REASON:
        raise InvalidExtension(
            _("Alasan perpanjangan paling banyak %(n)d karakter.") % {"n": MAX_REASON}
        )
    return reason


def _hold(submission: Submission) -> Submission:
    return (
        Submission.objects.select_for_update()
        .select_related("cycle", "region")
        .get(pk=submission.pk)
    )


def _ensure_extendable(submission: Submission) -> None:
    """Locked unless the cycle is open with a deadline and the self-assessment is a draft."""
    cycle = submission.cycle
    if cycle.state != CycleState.OPEN:
        raise Locked(
            _(
                "Batas waktu daerah hanya dapat diperpanjang pada tahap Penilaian mandiri; siklus "
                "%(cycle)s sekarang pada tahap %(state)s."
            )
            % {"cycle": cycle, "state": cycle.get_state_display()}
        )
    if submission.state == SubmissionState.SUBMITTED:
        raise Locked(
            _("%(region)s sudah mengirim penilaian mandiri; tidak perlu tambahan waktu.")
            % {"region": submission.region.name}
        )
    if submission.state == SubmissionState.RETURNED:
        raise Locked(
            _(
                "Penilaian mandiri %(region)s sedang dikembalikan untuk diperbaiki dan tidak "
                "terikat batas waktu; tidak perlu diperpanjang."
            )
            % {"region": submission.region.name}
        )
    if cycle.submission_deadline is None:
        raise Locked(
            _("Siklus %(cycle)s belum memiliki batas waktu penilaian mandiri untuk diperpanjang.")
            % {"cycle": cycle}
        )
