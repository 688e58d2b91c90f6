"""Saving a region's answer to one indicator (the autosave of the self-assessment form), or to
several at once, all or nothing (the API's batch).

Optimistic locking: the client sends the ``version`` of the answer it started from (0 when there
was none). A save based on an older version is refused with StaleVersion and nothing is
overwritten, so two people editing the same answer never silently lose each other's work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from kotacerdas.core.errors import ServiceError, StaleVersion
from kotacerdas.core.moments import wib
from kotacerdas.instruments.models import Indicator, IndicatorType

from ..models import Answer, Submission
from .locks import hold_editable

MAX_JUSTIFICATION = 10_000


class InvalidAnswer(ServiceError):
    """A value that does not fit the indicator (type, range, not applicable)."""


def parse_value(raw: object) -> Decimal | None:
    """A Decimal from a form or JSON value (``"3"``, ``"72,5"``, ``72.5``); None when empty.

    Raises InvalidAnswer for anything that is not a finite number.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = str(raw).strip().replace(",", ".") if isinstance(raw, str) else str(raw)
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise InvalidAnswer(_("«%(raw)s» bukan angka.") % {"raw": str(raw)[:40]}) from exc
    if not value.is_finite():
        raise InvalidAnswer(_("Nilai harus berupa angka yang terhingga."))
    return value


def validate_value(indicator: Indicator, value: Decimal | None, not_applicable: bool) -> None:
    """Raise InvalidAnswer unless ``value`` fits the indicator's type.

    Level: an integer 0–5; yes/no: 0 or 1; percent: 0–100; number: finite, within ±10^14, at
    most six decimals. Not applicable only where the indicator allows it, and then no value.
    """
    if not_applicable:
        if not indicator.allow_not_applicable:
            raise InvalidAnswer(
                _("Indikator %(code)s tidak boleh dijawab «tidak berlaku».")
                % {"code": indicator.code}
            )
        if value is not None:
            raise InvalidAnswer(_("Jawaban «tidak berlaku» tidak boleh berisi nilai."))
        return
    if value is None:
        return
    low, high = indicator.value_range
    if (
        indicator.type in (IndicatorType.LEVEL, IndicatorType.YESNO)
        and value != value.to_integral()
    ):
        raise InvalidAnswer(
            _("Nilai indikator %(code)s harus bilangan bulat %(low)s–%(high)s.")
            % {"code": indicator.code, "low": low, "high": high}
        )
    if not low <= value <= high:
        raise InvalidAnswer(
            _("Nilai indikator %(code)s harus antara %(low)s dan %(high)s.")
            % {"code": indicator.code, "low": _plain(low), "high": _plain(high)}
        )
    if value != value.quantize(Decimal("0.000001")):
        raise InvalidAnswer(_("Nilai paling banyak memiliki enam angka desimal."))


def _ensure_may_answer(submission: Submission, indicator: Indicator, by) -> None:
    """PermissionDenied unless ``by`` may edit the submission; InvalidAnswer unless the
    indicator belongs to the cycle's instrument."""
    if not by.has_perm("evaluations.edit_submission", submission):
        raise PermissionDenied(_("Anda tidak dapat mengubah penilaian mandiri daerah ini."))
    if indicator.instrument_id != submission.cycle.instrument_id:
        raise InvalidAnswer(
            _("Indikator %(code)s bukan bagian dari instrumen siklus ini.")
            % {"code": indicator.code}
        )


def save_answer(
    submission: Submission,
    indicator: Indicator,
    *,
    value: Decimal | None,
    not_applicable: bool = False,
    justification: str = "",
    version: int,
    by,
    reason: str = "",
) -> Answer:
    """Create or update the region's answer to ``indicator`` and return it.

    Guarantees: ``by`` may edit this submission (else PermissionDenied); the self-assessment is
    editable now (else Locked: cycle state, deadline, already submitted); the indicator belongs
    to the cycle's instrument; the value fits the indicator (else InvalidAnswer); ``version`` is
    the stored version (0 for a first answer), else StaleVersion naming who changed it and when,
    and nothing is written. An unchanged answer is returned as it is (no new version); a changed
    one gets ``version + 1`` and a history record naming ``by`` (and ``reason``, when given:
    where the change came from, e.g. the offline workbook).
    """
    _ensure_may_answer(submission, indicator, by)
    justification = (justification or "").strip()
    if len(justification) > MAX_JUSTIFICATION:
        raise InvalidAnswer(
            _("Penjelasan paling panjang %(max)d karakter.") % {"max": MAX_JUSTIFICATION}
        )
    validate_value(indicator, value, not_applicable)
    with transaction.atomic():
        locked = hold_editable(submission)
        answer = Answer.objects.filter(submission=locked, indicator=indicator).first()
        stored_version = answer.version if answer else 0
        if version != stored_version:
            raise _stale(answer, indicator)
        if answer is None:
            answer = Answer(submission=locked, indicator=indicator, version=0)
        elif (
            answer.value == value
            and answer.not_applicable == not_applicable
            and answer.justification == justification
        ):
            return answer
        answer.value = value
        answer.not_applicable = not_applicable
        answer.justification = justification
        answer.version += 1
        answer.updated_by = by
        answer._history_user = by
        if reason:
            answer._change_reason = reason
        answer.save()
    return answer


@dataclass(frozen=True)
class AnswerChange:
    """One answer of a batch: what ``save_answer`` takes for one indicator."""

    indicator: Indicator
    value: Decimal | None
    not_applicable: bool = False
    justification: str = ""
    version: int = 0


def save_answers(
    submission: Submission, changes: Sequence[AnswerChange], *, by, reason: str = ""
) -> list[Answer]:
    """Save every answer of ``changes``, in order, or none of them; return the answers.

    Guarantees: each change is saved as :func:`save_answer` saves it (same checks, versions and
    history), all in one transaction under the submission's row lock. Every item is tried; when
    any is refused (an indicator given twice, a value that does not fit, a stale version),
    nothing of the batch is saved and one error is raised, of the first refused item's type,
    whose ``errors`` name every refused item (``answers.<index>``, from 0, and a message naming
    its position, from 1, and indicator); its ``field`` and message are the first refused
    item's (the message says how many were refused when more than one). A self-assessment that
    may not change now (Locked) or ``by`` who may not change it (PermissionDenied) is refused
    before any item, as it is.
    """
    if not by.has_perm("evaluations.edit_submission", submission):
        raise PermissionDenied(_("Anda tidak dapat mengubah penilaian mandiri daerah ini."))
    seen: set[int] = set()
    saved: list[Answer] = []
    refused: list[ServiceError] = []
    with transaction.atomic():
        locked = hold_editable(submission)
        for index, change in enumerate(changes):
            try:
                if change.indicator.pk in seen:
                    raise InvalidAnswer(_("Indikator ini sudah ada di urutan sebelumnya."))
                seen.add(change.indicator.pk)
                saved.append(
                    save_answer(
                        locked,
                        change.indicator,
                        value=change.value,
                        not_applicable=change.not_applicable,
                        justification=change.justification,
                        version=change.version,
                        by=by,
                        reason=reason,
                    )
                )
            except ServiceError as error:
                # A refusal happens before its item writes anything, so the transaction stays
                # usable for the next items; raising below rolls all of it back.
                message = _("Jawaban ke-%(n)d (%(code)s): %(message)s") % {
                    "n": index + 1,
                    "code": change.indicator.code,
                    "message": error.message,
                }
                refused.append(type(error)(message, error.details, field=f"answers.{index}"))
        if refused:
            raise _batch_refusal(refused)
    return saved


def _batch_refusal(refused: list[ServiceError]) -> ServiceError:
    """One error for the refused items of a batch: the first one's type, field and details,
    every item in ``errors``."""
    first = refused[0]
    message = first.message
    if len(refused) > 1:
        message = _("%(n)d jawaban ditolak; tidak ada yang disimpan. %(first)s") % {
            "n": len(refused),
            "first": first.message,
        }
    every = [(error.field, error.message) for error in refused]
    return type(first)(message, first.details, field=first.field, errors=every)


def ensure_answer(submission: Submission, indicator: Indicator, *, by) -> Answer:
    """The region's answer to ``indicator``, created empty when there is none, so that something
    can be attached to it (a cited masterplan programme) before the indicator is answered.

    Guarantees: the same permission, lock (taken under the submission's row lock) and instrument
    checks as ``save_answer``; an existing answer is returned untouched. A created answer holds
    nothing (no value, not "not applicable", no justification), counts as unanswered, and has
    version 0: its content is what a page without an answer shows, so a page loaded before it
    existed (version 0) still saves over it, and nothing the region typed can be overwritten.
    Callers already inside a transaction keep the row lock until they commit.
    """
    _ensure_may_answer(submission, indicator, by)
    with transaction.atomic():
        locked = hold_editable(submission)
        answer = Answer.objects.filter(submission=locked, indicator=indicator).first()
        if answer is None:
            answer = Answer(submission=locked, indicator=indicator, version=0, updated_by=by)
            answer._history_user = by
            answer.save()
    return answer


def _stale(answer: Answer | None, indicator: Indicator) -> StaleVersion:
    if answer is None:
        return StaleVersion(
            _("Jawaban indikator %(code)s sudah dihapus atau belum pernah ada; muat ulang halaman.")
            % {"code": indicator.code}
        )
    who = answer.updated_by.display_name if answer.updated_by else _("pengguna lain")
    return StaleVersion(
        _(
            "Jawaban indikator %(code)s sudah diubah oleh %(who)s pada %(when)s; muat ulang "
            "halaman untuk melihat perubahan itu. Isian Anda belum disimpan."
        )
        % {"code": indicator.code, "who": who, "when": wib(answer.updated_at)}
    )


def _plain(value: Decimal) -> str:
    """A Decimal without exponent or trailing zeros (``100``, ``72.5``)."""
    return format(value.normalize(), "f")


def plain(value: Decimal | None) -> str:
    """The value as a form input shows it (``3``, ``72.5``); empty for None."""
    return "" if value is None else _plain(value)
