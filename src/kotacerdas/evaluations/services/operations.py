"""The operations view of one cycle for the ministry: how far the self-assessments are, province
by province; which regions have not moved for days; and how the assessors' queues stand.

Everything here only reads, in a fixed number of queries whatever the number of regions, and is
for admins only (the caller checks). "Now" is a parameter so that tests fix it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kotacerdas.core.moments import wib
from kotacerdas.core.xlsx import add_sheet
from kotacerdas.regions.models import Region

from ..models import (
    Answer,
    Assignment,
    Cycle,
    CycleState,
    Evidence,
    Submission,
    SubmissionState,
)
from . import extensions, locks, reminders, scoring, submissions

User = get_user_model()

# A self-assessment that has not changed for this many days is "stalled".
STALLED_AFTER_DAYS = 7


@dataclass
class ProvinceRow:
    """The self-assessments of one province's enrolled regions (the province itself included).
    ``answered`` and ``possible`` count indicator answers, so a region that answered half the
    instrument counts half."""

    province: Region
    enrolled: int = 0
    submitted: int = 0
    draft: int = 0
    returned: int = 0
    not_started: int = 0
    answered: int = 0
    possible: int = 0

    @property
    def submitted_percent(self) -> int:
        return round(100 * self.submitted / self.enrolled) if self.enrolled else 0

    @property
    def answered_percent(self) -> int:
        return round(100 * self.answered / self.possible) if self.possible else 0

    def add(self, state: str, answered: int, indicators: int) -> None:
        self.enrolled += 1
        if state == SubmissionState.SUBMITTED:
            self.submitted += 1
        elif state == SubmissionState.RETURNED:
            self.returned += 1
        else:
            self.draft += 1
            if answered == 0:
                self.not_started += 1
        self.answered += answered
        self.possible += indicators


@dataclass
class StalledRow:
    """A self-assessment still with its region (draft or returned) that has not changed since
    ``last_change`` (None: nothing entered at all)."""

    submission: Submission
    answered: int
    last_change: datetime | None
    idle_days: int | None
    last_reminded: datetime | None = None
    reachable: bool = True  # the region has an operator with an email address

    @property
    def extended(self) -> bool:
        """Whether the region has a later deadline than the cycle's (``extensions``)."""
        return extensions.is_extended(self.submission)

    @property
    def can_be_reminded(self) -> bool:
        """Reminders go to drafts of an open cycle whose region has an operator to email
        (``reminders.remind_now``)."""
        return (
            self.reachable
            and self.submission.state == SubmissionState.DRAFT
            and self.submission.cycle.state == CycleState.OPEN
        )


@dataclass
class AssessorRow:
    """One assessor's queue in the cycle. ``waiting`` are regions that have submitted and that
    the assessor has not yet marked complete; ``overdue`` is True when the review deadline has
    passed with some of them still open."""

    assessor: User
    assigned: int = 0
    completed: int = 0
    waiting: int = 0
    scored: int = 0
    to_score: int = 0
    overdue: bool = False
    regions: list[str] = field(default_factory=list)

    @property
    def scored_percent(self) -> int:
        return round(100 * self.scored / self.to_score) if self.to_score else 0


@dataclass
class Overview:
    """The whole operations view of a cycle, with national totals."""

    cycle: Cycle
    indicators: int
    provinces: list[ProvinceRow]
    national: ProvinceRow
    stalled: list[StalledRow]
    assessors: list[AssessorRow]
    now: datetime

    @property
    def remindable(self) -> list[StalledRow]:
        """The stalled rows a reminder can go to now."""
        return [row for row in self.stalled if row.can_be_reminded]

    @property
    def review_deadline_passed(self) -> bool:
        deadline = self.cycle.review_deadline
        return deadline is not None and self.now > deadline


def by_province(
    cycle: Cycle, *, indicators: int | None = None
) -> tuple[list[ProvinceRow], ProvinceRow]:
    """One row per province that has an enrolled region (ordered by province code), and the
    national total. Three queries."""
    if indicators is None:
        indicators = cycle.instrument.indicators.count()
    answered = submissions.answered_counts(cycle)
    rows: dict[int, ProvinceRow] = {}
    national = ProvinceRow(province=None)
    enrolled = cycle.submissions.select_related("region__parent").order_by("region__code")
    for submission in enrolled:
        province = submission.region.province
        row = rows.setdefault(province.pk, ProvinceRow(province=province))
        count = answered.get(submission.pk, 0)
        row.add(submission.state, count, indicators)
        national.add(submission.state, count, indicators)
    return sorted(rows.values(), key=lambda row: row.province.code), national


def stalled(
    cycle: Cycle, *, now: datetime | None = None, days: int = STALLED_AFTER_DAYS
) -> list[StalledRow]:
    """The self-assessments their region can still change (``locks``: drafts while the cycle is
    open, returned ones while it is open or in review) whose answers and evidence have not
    changed for ``days`` days or more, or never: the longest idle first, those with nothing at
    all at the top. A returned one counts from its return if that is later."""
    now = now or timezone.now()
    if cycle.state == CycleState.OPEN:
        with_region = [SubmissionState.DRAFT, SubmissionState.RETURNED]
    elif cycle.state in locks.RETURN_STATES:
        with_region = [SubmissionState.RETURNED]
    else:
        return []
    last_answer = (
        Answer.objects.filter(submission=OuterRef("pk"))
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )
    last_evidence = (
        Evidence.objects.filter(submission=OuterRef("pk"))
        .order_by("-uploaded_at")
        .values("uploaded_at")[:1]
    )
    open_ = (
        cycle.submissions.filter(state__in=with_region)
        .select_related("cycle", "region")
        .annotate(last_answer=Subquery(last_answer), last_evidence=Subquery(last_evidence))
        .order_by("region__code")
    )
    open_ = list(open_)
    answered = submissions.answered_counts(cycle)
    reminded = reminders.last_sent(cycle)
    reachable = reminders.reachable_regions(submission.region_id for submission in open_)
    cutoff = now - timedelta(days=days)
    rows = []
    for submission in open_:
        moments = [submission.last_answer, submission.last_evidence, submission.returned_at]
        known = [moment for moment in moments if moment is not None]
        last = max(known) if known else None
        if last is not None and last > cutoff:
            continue
        idle = (timezone.localdate(now) - timezone.localdate(last)).days if last else None
        rows.append(
            StalledRow(
                submission,
                answered.get(submission.pk, 0),
                last,
                idle,
                reminded.get(submission.pk),
                submission.region_id in reachable,
            )
        )
    # Never started first, then the longest idle; region code keeps the order stable.
    rows.sort(
        key=lambda row: (
            row.last_change is not None,
            row.last_change or now,
            row.submission.region.code,
        )
    )
    return rows


def assessor_queues(cycle: Cycle, *, now: datetime | None = None) -> list[AssessorRow]:
    """Each assessor assigned in the cycle with their queue, the most waiting first. Scoring
    progress counts only the regions that have submitted (the others cannot be scored yet)."""
    now = now or timezone.now()
    submitted = set(
        cycle.submissions.filter(state=SubmissionState.SUBMITTED).values_list(
            "region_id", flat=True
        )
    )
    assignments = list(
        Assignment.objects.filter(cycle=cycle)
        .select_related("assessor", "region")
        .order_by("assessor__username", "region__code")
    )
    progress = scoring.progress_of(assignments)
    deadline_passed = cycle.review_deadline is not None and now > cycle.review_deadline
    rows: dict[int, AssessorRow] = {}
    for assignment in assignments:
        row = rows.setdefault(assignment.assessor_id, AssessorRow(assessor=assignment.assessor))
        row.assigned += 1
        if assignment.completed_at is not None:
            row.completed += 1
        if assignment.region_id not in submitted:
            continue
        row.scored += progress[assignment.pk].done
        row.to_score += progress[assignment.pk].total
        if assignment.completed_at is None:
            row.waiting += 1
            row.regions.append(assignment.region.name)
    for row in rows.values():
        row.overdue = deadline_passed and row.waiting > 0
    return sorted(rows.values(), key=lambda row: (-row.waiting, row.assessor.username))


def overview(cycle: Cycle, *, now: datetime | None = None) -> Overview:
    """Everything the operations page shows for ``cycle``."""
    now = now or timezone.now()
    indicators = cycle.instrument.indicators.count()
    provinces, national = by_province(cycle, indicators=indicators)
    return Overview(
        cycle=cycle,
        indicators=indicators,
        provinces=provinces,
        national=national,
        stalled=stalled(cycle, now=now),
        assessors=assessor_queues(cycle, now=now),
        now=now,
    )


def to_xlsx(view: Overview) -> bytes:
    """The operations view as a workbook: provinces (with the national total last), the stalled
    self-assessments and the assessors' queues, one sheet each, Indonesian headers."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    province_rows = [
        [
            row.province.code if row.province else None,
            row.province.name if row.province else _("Nasional"),
            row.enrolled,
            row.submitted,
            row.draft,
            row.returned,
            row.not_started,
            row.submitted_percent,
            row.answered_percent,
        ]
        for row in [*view.provinces, view.national]
    ]
    add_sheet(
        workbook,
        _("Provinsi"),
        [
            _("Kode"),
            _("Provinsi"),
            _("Terdaftar"),
            _("Dikirim"),
            _("Sedang diisi"),
            _("Dikembalikan"),
            _("Belum mulai"),
            _("Dikirim (%)"),
            _("Terjawab (%)"),
        ],
        province_rows,
        3,
    )
    stalled_rows = [
        [
            row.submission.region.code,
            row.submission.region.name,
            row.submission.get_state_display(),
            row.answered,
            wib(row.last_change, "short") if row.last_change else None,
            row.idle_days,
        ]
        for row in view.stalled
    ]
    add_sheet(
        workbook,
        _("Tanpa kemajuan"),
        [
            _("Kode"),
            _("Daerah"),
            _("Status"),
            _("Terjawab"),
            _("Perubahan terakhir"),
            _("Hari tanpa perubahan"),
        ],
        stalled_rows,
        4,
    )
    assessor_rows = [
        [
            row.assessor.username,
            row.assessor.display_name,
            row.assigned,
            row.completed,
            row.waiting,
            row.scored_percent,
            _("ya") if row.overdue else _("tidak"),
            ", ".join(row.regions),
        ]
        for row in view.assessors
    ]
    add_sheet(
        workbook,
        _("Asesor"),
        [
            _("Akun"),
            _("Asesor"),
            _("Ditugaskan"),
            _("Selesai"),
            _("Menunggu"),
            _("Dinilai (%)"),
            _("Lewat batas"),
            _("Daerah yang menunggu"),
        ],
        assessor_rows,
        3,
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
