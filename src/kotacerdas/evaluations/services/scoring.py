"""An assessor's scores for a region, the written judgement of the region, and progress.

Scores are entered only while the cycle is in review: not before (the region is still answering),
not once moderation has started (the values are being settled), never after publication.
Optimistic locking: the client sends the ``version`` of the score it started from (0 when there
was none); a save based on an older version is refused with StaleVersion and nothing is
overwritten.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.errors import Locked, ServiceError, StaleVersion
from kotacerdas.core.moments import wib
from kotacerdas.instruments.models import Dimension, Indicator, IndicatorType

from ..models import (
    Answer,
    Assignment,
    Cycle,
    CycleState,
    Evidence,
    Score,
    Submission,
    VirtualSession,
)
from .answers import validate_value
from .assignments import assignments_of
from .evidence import expired_counts
from .locks import FROZEN_STATES, ensure_not_frozen

MAX_NOTE = 5_000
MAX_JUDGEMENT = 20_000
HUNDRED = Decimal(100)


class InvalidScore(ServiceError):
    """A score or judgement that does not fit (wrong indicator, too long)."""


def ensure_scoring_open(cycle: Cycle) -> None:
    """Raise Locked unless assessors may change scores and judgements now (cycle in review)."""
    ensure_not_frozen(cycle)
    if cycle.state == CycleState.REVIEW:
        return
    if cycle.state in (CycleState.DRAFT, CycleState.OPEN):
        raise Locked(
            _(
                "Penilaian asesor dimulai saat siklus masuk tahap Penilaian asesor; siklus "
                "%(cycle)s masih pada tahap %(state)s."
            )
            % {"cycle": cycle, "state": cycle.get_state_display()}
        )
    raise Locked(
        _(
            "Moderasi siklus %(cycle)s sudah dimulai (tahap %(state)s); nilai asesor tidak dapat "
            "diubah lagi."
        )
        % {"cycle": cycle, "state": cycle.get_state_display()}
    )


def lock_reason(cycle: Cycle) -> str:
    """Why scores are read-only now, or an empty string when they may be changed."""
    try:
        ensure_scoring_open(cycle)
    except Locked as locked:
        return locked.message
    return ""


def _lock_cycle(assignment: Assignment) -> Cycle:
    """Hold the cycle row so that its state cannot change before this transaction commits
    (the lifecycle takes the row FOR UPDATE to move it), and check that scoring is open."""
    cycle = Cycle.objects.select_for_update(no_key=True).get(pk=assignment.cycle_id)
    ensure_scoring_open(cycle)
    return cycle


def _ensure_scorer(assignment: Assignment, by) -> None:
    if not by.has_perm("evaluations.score_region", assignment):
        raise PermissionDenied(_("Anda tidak ditugaskan menilai daerah ini."))


def is_scored(score: Score | None) -> bool:
    return score is not None and (score.not_applicable or score.value is not None)


def save_score(
    assignment: Assignment,
    indicator: Indicator,
    *,
    value: Decimal | None,
    not_applicable: bool = False,
    note: str = "",
    evidence_missing: bool = False,
    version: int,
    by,
) -> Score:
    """Create or update the assessor's score of ``indicator`` and return it.

    Guarantees: ``by`` is the assigned assessor (else PermissionDenied); the cycle is in review
    (else Locked); the indicator belongs to the cycle's instrument and the value fits its type:
    a level is an integer 0–5, yes/no 0 or 1, a percent 0–100, "not applicable" only where the
    indicator allows it (else InvalidAnswer/InvalidScore); ``version`` equals the stored version
    (0 for a first score), else StaleVersion and nothing is written. An unchanged score is
    returned as it is; a changed one gets ``version + 1`` and a history record naming ``by``.
    A completed assignment whose scores are no longer all filled in is no longer complete.
    """
    _ensure_scorer(assignment, by)
    if indicator.instrument_id != assignment.cycle.instrument_id:
        raise InvalidScore(
            _("Indikator %(code)s bukan bagian dari instrumen siklus ini.")
            % {"code": indicator.code}
        )
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidScore(_("Catatan paling panjang %(max)d karakter.") % {"max": MAX_NOTE})
    validate_value(indicator, value, not_applicable)
    with transaction.atomic():
        _lock_cycle(assignment)
        score = (
            Score.objects.select_for_update()
            .filter(assignment=assignment, indicator=indicator)
            .first()
        )
        if version != (score.version if score else 0):
            raise _stale(score, indicator)
        if score is None:
            score = Score(assignment=assignment, indicator=indicator, version=0)
        elif (
            score.value == value
            and score.not_applicable == not_applicable
            and score.note == note
            and score.evidence_missing == evidence_missing
        ):
            return score
        score.value = value
        score.not_applicable = not_applicable
        score.note = note
        score.evidence_missing = evidence_missing
        score.version += 1
        score._history_user = by
        try:
            with transaction.atomic():
                score.save()
        except IntegrityError as exc:  # a first score saved at the same moment elsewhere
            raise _stale(None, indicator) from exc
        if not is_scored(score):
            Assignment.objects.filter(pk=assignment.pk, completed_at__isnull=False).update(
                completed_at=None
            )
            assignment.completed_at = None
    return score


def _stale(score: Score | None, indicator: Indicator) -> StaleVersion:
    if score is None:
        return StaleVersion(
            _(
                "Nilai indikator %(code)s baru saja disimpan di tempat lain; isian Anda tidak "
                "disimpan. Muat ulang untuk melihat nilai terbaru."
            )
            % {"code": indicator.code}
        )
    return StaleVersion(
        _(
            "Nilai indikator %(code)s sudah diubah pada %(when)s (mungkin di jendela lain); "
            "isian Anda tidak disimpan. Muat ulang untuk melihat nilai terbaru."
        )
        % {"code": indicator.code, "when": wib(score.updated_at)}
    )


def save_judgement(
    assignment: Assignment,
    *,
    weaknesses: str,
    strengths: str,
    recommendations: str,
    interview_notes: str,
    version: int,
    by,
) -> Assignment:
    """Save the assessor's written judgement of the region (kelemahan, kekuatan, rekomendasi,
    one item per line) and the interview notes.

    Guarantees: only the assigned assessor, only while the cycle is in review; each text is
    stripped and at most 20,000 characters (else InvalidScore); ``version`` is the judgement's
    stored version (0 before the first save), else StaleVersion naming who saved the newer one
    and when, and nothing is written (two windows or devices never overwrite each other). An
    unchanged judgement is returned as it is; a changed one gets ``version + 1`` and a history
    record naming ``by``.
    """
    _ensure_scorer(assignment, by)
    texts = {
        "weaknesses": weaknesses,
        "strengths": strengths,
        "recommendations": recommendations,
        "interview_notes": interview_notes,
    }
    for name, text in texts.items():
        texts[name] = (text or "").strip()
        if len(texts[name]) > MAX_JUDGEMENT:
            raise InvalidScore(
                _("%(field)s paling panjang %(max)d karakter.")
                % {"field": Assignment._meta.get_field(name).verbose_name, "max": MAX_JUDGEMENT}
            )
    with transaction.atomic():
        _lock_cycle(assignment)
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if version != locked.version:
            raise stale_judgement(locked)
        if all(getattr(locked, name) == text for name, text in texts.items()):
            return locked
        for name, text in texts.items():
            setattr(locked, name, text)
        locked.version += 1
        locked._history_user = by
        locked.save(update_fields=[*texts, "version"])
    return locked


def stale_judgement(assignment: Assignment) -> StaleVersion:
    """The refusal of a judgement saved over a newer version, naming who saved that version
    and when (from the history)."""
    saved = (
        assignment.history.filter(version=assignment.version)
        .select_related("history_user")
        .order_by("history_date")
        .first()
    )
    who = saved.history_user.display_name if saved and saved.history_user else _("pengguna lain")
    moment = wib(saved.history_date) if saved else "—"
    return StaleVersion(
        _(
            "Catatan penilaian sudah diubah oleh %(who)s pada %(when)s (mungkin di jendela lain); "
            "isian Anda belum disimpan. Baca versi terbaru, gabungkan, lalu simpan lagi."
        )
        % {"who": who, "when": moment}
    )


def items(text: str) -> list[str]:
    """The items of a one-item-per-line text: blank lines dropped, list bullets removed."""
    lines = (line.strip().lstrip("-•*").strip() for line in (text or "").splitlines())
    return [line for line in lines if line]


# --- Progress -----------------------------------------------------------------------------------


@dataclass
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total


SCORED = Q(scores__not_applicable=True) | Q(scores__value__isnull=False)


def progress_of(assignments) -> dict[int, Progress]:
    """Progress (scored indicators / indicators of the instrument) of each assignment, by pk."""
    assignments = list(assignments)
    totals = dict(
        Indicator.objects.filter(instrument__cycle__in={a.cycle_id for a in assignments})
        .values_list("instrument__cycle")
        .annotate(n=Count("id"))
        .order_by()
    )
    done = dict(
        Assignment.objects.filter(pk__in=[a.pk for a in assignments])
        .annotate(n=Count("scores", filter=SCORED))
        .values_list("pk", "n")
    )
    return {a.pk: Progress(done.get(a.pk, 0), totals.get(a.cycle_id, 0)) for a in assignments}


def progress(assignment: Assignment) -> Progress:
    return progress_of([assignment])[assignment.pk]


@dataclass
class WorkRow:
    """One region on an assessor's worklist: the assignment, the region's self-assessment, the
    assessor's scoring progress, the region's session (None when not scheduled) and how many of
    the region's current evidence items have expired (``evidence.expired_since``)."""

    assignment: Assignment
    submission: Submission | None
    progress: Progress
    session: VirtualSession | None
    expired_evidence: int = 0


def worklist(assessor, *, active_only: bool = False) -> list[WorkRow]:
    """The assessor's assignments, newest cycle first, each as a WorkRow; ``active_only``
    leaves out cycles that are published or archived. Six queries however many rows."""
    mine = assignments_of(assessor)
    if active_only:
        mine = mine.exclude(cycle__state__in=FROZEN_STATES)
    mine = list(mine)
    cycles = {a.cycle_id for a in mine}
    regions = {a.region_id for a in mine}
    progress = progress_of(mine)
    submissions = {
        (s.cycle_id, s.region_id): s
        for s in Submission.objects.filter(cycle_id__in=cycles, region_id__in=regions)
    }
    sessions = {
        (s.cycle_id, s.region_id): s
        for s in VirtualSession.objects.filter(cycle_id__in=cycles, region_id__in=regions)
    }
    expired = expired_counts(submissions.values())
    rows = []
    for a in mine:
        submission = submissions.get((a.cycle_id, a.region_id))
        rows.append(
            WorkRow(
                assignment=a,
                submission=submission,
                progress=progress[a.pk],
                session=sessions.get((a.cycle_id, a.region_id)),
                expired_evidence=expired.get(submission.pk, 0) if submission else 0,
            )
        )
    return rows


def mark_complete(assignment: Assignment, *, by) -> Assignment:
    """Declare the assessor's review of the region complete.

    Guarantees: only the assigned assessor, only in review; every indicator has a value or is
    marked not applicable (else ServiceError listing the indicator codes still open).
    """
    _ensure_scorer(assignment, by)
    with transaction.atomic():
        _lock_cycle(assignment)
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        scored = set(
            Score.objects.filter(assignment=locked)
            .filter(Q(not_applicable=True) | Q(value__isnull=False))
            .values_list("indicator_id", flat=True)
        )
        open_codes = [
            code
            for pk, code in Indicator.objects.filter(
                instrument_id=locked.cycle.instrument_id
            ).values_list("pk", "code")
            if pk not in scored
        ]
        if open_codes:
            raise ServiceError(
                _("Masih ada %(count)d indikator yang belum dinilai.") % {"count": len(open_codes)},
                details=open_codes,
            )
        locked.completed_at = timezone.now()
        locked._history_user = by
        locked.save(update_fields=["completed_at"])
    return locked


# --- Normalisation (0–100) ----------------------------------------------------------------------


def normalise(indicator: Indicator, value: Decimal | None) -> Decimal | None:
    """The value on 0–100 as the index normalises it: level/5×100, yes/no ×100, percent as is,
    a number by its goalposts and direction (clamped to 0–100). None for an empty value or a
    number without goalposts."""
    if value is None:
        return None
    if indicator.type == IndicatorType.LEVEL:
        return value / 5 * HUNDRED
    if indicator.type == IndicatorType.YESNO:
        return value * HUNDRED
    if indicator.type == IndicatorType.PERCENT:
        return value
    low, high = indicator.goal_min, indicator.goal_max
    if low is None or high is None or low == high:
        return None
    share = (value - low) / (high - low) * HUNDRED
    share = min(max(share, Decimal(0)), HUNDRED)
    return share if indicator.direction >= 0 else HUNDRED - share


# --- The workspace ------------------------------------------------------------------------------


@dataclass
class WorkspaceRow:
    """One indicator in the assessor's workspace: the rubric, the region's answer and evidence,
    and the assessor's own score."""

    indicator: Indicator
    answer: Answer | None
    evidence: list[Evidence] = field(default_factory=list)
    score: Score | None = None

    @property
    def scored(self) -> bool:
        return is_scored(self.score)


def submission_of(assignment: Assignment) -> Submission:
    return Submission.objects.select_related("cycle", "region").get(
        cycle_id=assignment.cycle_id, region_id=assignment.region_id
    )


def workspace(assignment: Assignment, *, dimension_code: str = "") -> list[WorkspaceRow]:
    """The rows of the workspace for one dimension (all dimensions when ``dimension_code`` is
    empty), in the instrument's order. Superseded evidence is left out; it stays in the history."""
    submission = submission_of(assignment)
    indicators = (
        Indicator.objects.filter(instrument_id=assignment.cycle.instrument_id)
        .select_related("element", "element__dimension")
        .prefetch_related("levels")
    )
    if dimension_code:
        indicators = indicators.filter(element__dimension__code=dimension_code)
    answers = {a.indicator_id: a for a in Answer.objects.filter(submission=submission)}
    scores = {s.indicator_id: s for s in Score.objects.filter(assignment=assignment)}
    evidence: dict[int | None, list[Evidence]] = defaultdict(list)
    for item in Evidence.objects.filter(submission=submission, superseded=False).select_related(
        "uploaded_by"
    ):
        evidence[item.indicator_id].append(item)
    return [
        WorkspaceRow(
            indicator=indicator,
            answer=answers.get(indicator.pk),
            evidence=evidence.get(indicator.pk, []),
            score=scores.get(indicator.pk),
        )
        for indicator in indicators
    ]


def general_evidence(assignment: Assignment) -> list[Evidence]:
    """The region's evidence not tied to one indicator (current versions only)."""
    return list(
        Evidence.objects.filter(
            submission__cycle_id=assignment.cycle_id,
            submission__region_id=assignment.region_id,
            indicator__isnull=True,
            superseded=False,
        ).select_related("uploaded_by")
    )


def dimension_progress(assignment: Assignment) -> list[tuple[Dimension, Progress]]:
    """(dimension, progress) for each dimension of the instrument, in order."""
    scored = set(
        Score.objects.filter(assignment=assignment)
        .filter(Q(not_applicable=True) | Q(value__isnull=False))
        .values_list("indicator_id", flat=True)
    )
    by_dimension: dict[int, list[int]] = defaultdict(list)
    for pk, dimension_id in Indicator.objects.filter(
        instrument_id=assignment.cycle.instrument_id
    ).values_list("pk", "element__dimension_id"):
        by_dimension[dimension_id].append(pk)
    return [
        (
            dimension,
            Progress(
                sum(1 for pk in by_dimension[dimension.pk] if pk in scored),
                len(by_dimension[dimension.pk]),
            ),
        )
        for dimension in Dimension.objects.filter(instrument_id=assignment.cycle.instrument_id)
    ]
