"""The audit trail, read from django-simple-history: who changed what, when, from what to what.

Per indicator of a region: its answer and its evidence (for the region's operators and admins),
and for admins also the assessors' scores and the final value. Per cycle: its state and settings.
Per self-assessment: submitted and returned, its deadline extended or the extension cancelled,
with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Model, QuerySet
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotacerdas.core.moments import wib
from kotacerdas.instruments.models import Indicator

from ..models import Answer, Cycle, Evidence, FinalValue, Score, Submission
from .answers import plain
from .cycles import METHOD_FIELDS, SCHEDULE_FIELDS

ACTIONS = {"+": gettext_lazy("dibuat"), "~": gettext_lazy("diubah"), "-": gettext_lazy("dihapus")}
ANSWER_FIELDS = ("value", "not_applicable", "justification")
EVIDENCE_FIELDS = ("kind", "original_name", "url", "description", "size", "sha256", "superseded")
SCORE_FIELDS = ("value", "not_applicable", "note", "evidence_missing")
FINAL_FIELDS = ("value", "not_applicable", "method", "reason")
SUBMISSION_FIELDS = ("state", "return_reason", "deadline_extended_to", "extension_reason")
CYCLE_FIELDS = ("state", *SCHEDULE_FIELDS, *METHOD_FIELDS, "previous", "published_at")


@dataclass(frozen=True)
class Change:
    """One field's old and new value, as text for people."""

    label: str
    old: str
    new: str


@dataclass
class Entry:
    """One recorded change of one object."""

    when: datetime
    who: str
    subject: str
    action: str
    reason: str = ""
    changes: list[Change] = field(default_factory=list)


def indicator_history(submission: Submission, indicator: Indicator, *, user) -> list[Entry]:
    """Every change of the region's answer to ``indicator`` and of its evidence, newest first;
    with the assessors' scores and the final value when ``user`` may see scores (admins and
    assigned assessors; operators never see them here)."""
    entries = _entries(
        Answer.history.filter(submission_id=submission.pk, indicator_id=indicator.pk),
        ANSWER_FIELDS,
        lambda record: _("Jawaban"),
    )
    entries += _entries(
        Evidence.history.filter(submission_id=submission.pk, indicator_id=indicator.pk),
        EVIDENCE_FIELDS,
        lambda record: _("Data dukung «%(name)s»") % {"name": record.original_name or record.url},
    )
    if user.has_perm("evaluations.view_scores", submission):
        assessors = {
            assignment.pk: assignment.assessor.display_name
            for assignment in submission.cycle.assignments.filter(
                region_id=submission.region_id
            ).select_related("assessor")
        }
        entries += _entries(
            Score.history.filter(assignment_id__in=list(assessors), indicator_id=indicator.pk),
            SCORE_FIELDS,
            lambda record: (
                _("Nilai asesor %(name)s") % {"name": assessors.get(record.assignment_id, "?")}
            ),
        )
        entries += _entries(
            FinalValue.history.filter(submission_id=submission.pk, indicator_id=indicator.pk),
            FINAL_FIELDS,
            lambda record: _("Nilai akhir"),
        )
    return sorted(entries, key=lambda entry: entry.when, reverse=True)


def submission_history(submission: Submission) -> list[Entry]:
    """Enrolment, submission, returns and deadline extensions of a self-assessment (with
    reasons), newest first."""
    entries = _entries(
        Submission.history.filter(id=submission.pk),
        SUBMISSION_FIELDS,
        lambda record: _("Penilaian mandiri"),
    )
    return sorted(entries, key=lambda entry: entry.when, reverse=True)


def cycle_history(cycle: Cycle) -> list[Entry]:
    """Every change of the cycle (its state, schedule and method), newest first."""
    entries = _entries(Cycle.history.filter(id=cycle.pk), CYCLE_FIELDS, lambda record: _("Siklus"))
    return sorted(entries, key=lambda entry: entry.when, reverse=True)


def _entries(
    records: QuerySet, fields: Iterable[str], subject: Callable[[Model], str]
) -> list[Entry]:
    """Entries from historical records of one model, each diffed against the same object's
    previous record (a first record lists every non-empty field as new)."""
    fields = tuple(fields)
    previous: dict[int, Model] = {}
    entries = []
    for record in records.select_related("history_user").order_by("history_date", "history_id"):
        model = record.instance_type
        before = previous.get(record.id)
        if before is None:
            changes = [
                Change(_label(model, name), "—", _text(record, name))
                for name in fields
                if getattr(record, name) not in (None, "", False)
            ]
        else:
            delta = record.diff_against(before, included_fields=fields)
            changes = [
                Change(
                    _label(model, change.field),
                    _text(before, change.field),
                    _text(record, change.field),
                )
                for change in sorted(delta.changes, key=lambda c: fields.index(c.field))
            ]
        previous[record.id] = record
        if before is not None and not changes and record.history_type == "~":
            continue
        entries.append(
            Entry(
                when=record.history_date,
                who=record.history_user.display_name if record.history_user else _("sistem"),
                subject=subject(record),
                action=str(ACTIONS.get(record.history_type, record.history_type)),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def _label(model: type[Model], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _text(record: Model, name: str) -> str:
    """A field of a historical record as people read it (choices by label, yes/no, numbers plain)."""
    value = getattr(record, name)
    display = getattr(record, f"get_{name}_display", None)
    if display is not None and value not in (None, ""):
        return str(display())
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, datetime):
        return wib(value)
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    if name == "predicate_bands" and isinstance(value, list):
        return "; ".join(f"{band.get('label')} ≥ {band.get('min')}" for band in value)
    return str(value)
