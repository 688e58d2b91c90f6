"""Marking a flag of the integrity page as reviewed ("sudah ditinjau"), and taking the mark back.

A flag has no row of its own: the checks are computed when the page is opened. A review is
therefore keyed by the flag's **fingerprint**, the SHA-256 of its kind and of what it concerns
(:func:`fingerprint`), so that it

- holds while the flag is unchanged, on every later opening of the page, and
- no longer applies once the flag changes: a new region (or a new answer, evidence or year)
  joins a group, an answer's text is edited, an assessor's severity or a region's gaps move.
  The changed flag shows up again as not reviewed; the old review stays in the database (and in
  its history) without being shown.

What each kind's fingerprint covers is listed in docs/integrity.md ("Reviewed flags").
"""

from __future__ import annotations

import hashlib
import re

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.errors import ServiceError
from kotacerdas.evaluations.models import Cycle

from ..choices import FlagKind
from ..models import FlagReview

NOTE_LENGTH = 300
# Rounds of read-then-insert when other admins review the same flag at the same moment: a lost
# insert is followed by an update of the winner's row, so two rounds suffice unless that row is
# also taken back in between.
ATTEMPTS = 3
_FINGERPRINT = re.compile(r"[0-9a-f]{64}")


def fingerprint(kind: str, item) -> str:
    """The SHA-256 (hex) of ``kind`` and the parts of ``item`` (a flag of that kind, as the
    integrity services return it) that make it this flag."""
    return hashlib.sha256(f"{kind}\n{_content(kind, item)}".encode()).hexdigest()


def _content(kind: str, item) -> str:
    if kind in (FlagKind.FILE, FlagKind.LINK):
        ids = sorted(use.evidence_id for use in item.uses)
        return f"{item.key}\n{ids}"
    if kind == FlagKind.TEXT:
        return f"{item.key}\n{sorted(use.answer_id for use in item.uses)}"
    if kind == FlagKind.NEAR:
        return item.key
    if kind == FlagKind.GAP:
        gaps = [
            (
                gap.indicator.code,
                str(gap.answer),
                gap.answer_not_applicable,
                str(gap.reference),
                gap.reference_not_applicable,
            )
            for gap in item.flagged
        ]
        return f"{item.submission.pk}\n{gaps}"
    if kind == FlagKind.ASSESSOR:
        return f"{item.username}\n{item.answers}\n{item.severity:.0f}"
    if kind == FlagKind.JUMP:
        return f"{item.region.code}\n{item.previous:.1f}\n{item.current:.1f}"
    if kind == FlagKind.KIND:
        groups = [(group.kind, group.regions) for group in item.groups]
        return f"{item.share:.2f}\n{groups}"
    if kind == FlagKind.SIZE:
        groups = [
            (
                group.scope,
                group.regions,
                *(
                    None if found is None else f"{found.rho:.2f}"
                    for found in (group.population, group.density)
                ),
            )
            for group in item.groups
        ]
        return str(groups)
    raise ValueError(f"unknown flag kind {kind!r}")


def reviews_for(cycle: Cycle) -> dict[str, FlagReview]:
    """Fingerprint → review, for every review of ``cycle`` (one query)."""
    return {
        review.fingerprint: review
        for review in FlagReview.objects.filter(cycle=cycle).select_related("reviewed_by")
    }


def _check(cycle: Cycle, by) -> None:
    if not by.has_perm("results.review_integrity", cycle):
        raise PermissionDenied(_("Hanya admin yang dapat meninjau tanda integritas."))


def _clean_fingerprint(value: str) -> str:
    value = (value or "").strip().lower()
    if not _FINGERPRINT.fullmatch(value):
        raise ServiceError(
            _("Sidik tanda «%(value)s» tidak sah: harus 64 digit heksadesimal.")
            % {"value": value[:70]}
        )
    return value


def mark_reviewed(cycle: Cycle, *, kind: str, fingerprint: str, note: str, by) -> FlagReview:
    """Mark the flag ``fingerprint`` of ``cycle`` as reviewed by ``by`` with ``note`` and return
    the review; marking it again replaces the note, the reviewer and the time.

    Guarantees: admins only (PermissionDenied); ``kind`` is a :class:`FlagKind` and the
    fingerprint 64 hex digits, the note is not empty and at most ``NOTE_LENGTH`` characters
    (else ServiceError naming the field); one review per flag and cycle; atomic; the history
    records who and when. Two admins marking the same flag at the same moment both succeed, the
    later one replacing the earlier's note as if it came second (no IntegrityError): a review
    inserted by the other between this one's read and its insert is updated instead.
    """
    _check(cycle, by)
    if kind not in FlagKind.values:
        raise ServiceError(_("Jenis tanda «%(kind)s» tidak dikenal.") % {"kind": kind})
    fingerprint = _clean_fingerprint(fingerprint)
    note = " ".join((note or "").split())
    if not note:
        raise ServiceError(_("Catatan tinjauan wajib diisi (misalnya alasan tanda ini wajar)."))
    if len(note) > NOTE_LENGTH:
        raise ServiceError(
            _("Catatan tinjauan paling panjang %(n)s karakter (sekarang %(length)s).")
            % {"n": NOTE_LENGTH, "length": len(note)}
        )
    with transaction.atomic():
        for _attempt in range(ATTEMPTS):
            review = _locked(cycle, fingerprint)
            if review is not None:
                return _record(review, kind=kind, note=note, by=by)
            try:
                # A savepoint: if another admin's review of the same flag was inserted after
                # our read (nothing to lock then), only this insert is undone, not our
                # transaction, and the next round updates their row.
                with transaction.atomic():
                    return _record(
                        FlagReview(cycle=cycle, fingerprint=fingerprint),
                        kind=kind,
                        note=note,
                        by=by,
                    )
            except IntegrityError:
                continue
    raise ServiceError(_("Tanda ini sedang ditinjau admin lain; silakan coba lagi."))


def _locked(cycle: Cycle, fingerprint: str) -> FlagReview | None:
    """The review of the flag, locked until the end of the transaction, or None."""
    return (
        FlagReview.objects.select_for_update().filter(cycle=cycle, fingerprint=fingerprint).first()
    )


def _record(review: FlagReview, *, kind: str, note: str, by) -> FlagReview:
    review.kind, review.note, review.reviewed_by = kind, note, by
    review.reviewed_at = timezone.now()
    review._history_user = by
    review.save()
    return review


def unmark(cycle: Cycle, *, fingerprint: str, by) -> bool:
    """Take back the review of the flag ``fingerprint`` of ``cycle``: the flag shows as not
    reviewed again. Returns whether there was a review.

    Guarantees: admins only (PermissionDenied); a malformed fingerprint is a ServiceError;
    atomic; the deleted review stays in the history, with who removed it and when.
    """
    _check(cycle, by)
    fingerprint = _clean_fingerprint(fingerprint)
    with transaction.atomic():
        review = _locked(cycle, fingerprint)
        if review is None:
            return False
        review._history_user = by
        review.delete()
    return True
