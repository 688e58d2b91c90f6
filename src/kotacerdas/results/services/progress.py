"""The admin's view of a cycle in progress: submissions by state, evidence completeness,
assessor progress and agreement per indicator (worst first).

Read-only and live (not from a snapshot): it answers "where are we?" at any stage of the cycle.
Agreement comes from ``kotacerdas.index`` (Krippendorff's alpha on the assessors' raw scores).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from kotacerdas.evaluations.models import (
    Assignment,
    Cycle,
    Evidence,
    Submission,
    SubmissionState,
)
from kotacerdas.evaluations.services.scoring import progress_of
from kotacerdas.instruments.models import Indicator

from . import inputs

WORST = 15


@dataclass
class EvidenceRow:
    submission: Submission
    provided: int
    required: int

    @property
    def percent(self) -> int:
        return round(100 * self.provided / self.required) if self.required else 100


@dataclass
class AssessorRow:
    name: str
    regions: int
    completed: int
    scored: int
    expected: int

    @property
    def percent(self) -> int:
        return round(100 * self.scored / self.expected) if self.expected else 0


@dataclass
class AgreementRow:
    code: str
    question: str
    alpha: float | None
    pairs: int  # region × indicator pairs two or more levels apart
    question_en: str = ""  # the question's English twin ("" when the instrument has none)


@dataclass
class Progress:
    cycle: Cycle
    enrolled: int
    by_state: list[tuple[str, str, int]]
    evidence_required: int
    evidence_complete: int
    evidence_mean: int
    evidence_worst: list[EvidenceRow]
    assessors: list[AssessorRow]
    agreement: list[AgreementRow] = field(default_factory=list)
    agreement_overall: float | None = None
    agreement_error: str = ""


def submissions_by_state(cycle: Cycle) -> list[tuple[str, str, int]]:
    """(state, label, count) for every submission state, in workflow order."""
    counts = Counter(cycle.submissions.values_list("state", flat=True))
    return [(state, str(label), counts.get(state, 0)) for state, label in SubmissionState.choices]


def evidence_completeness(cycle: Cycle) -> list[EvidenceRow]:
    """Per submission: required indicators with current evidence / required indicators."""
    required = set(
        Indicator.objects.filter(
            instrument_id=cycle.instrument_id, evidence_required=True
        ).values_list("pk", flat=True)
    )
    provided: dict[int, set[int]] = defaultdict(set)
    for submission_id, indicator_id in Evidence.objects.filter(
        submission__cycle=cycle, superseded=False, indicator_id__in=required
    ).values_list("submission_id", "indicator_id"):
        provided[submission_id].add(indicator_id)
    return [
        EvidenceRow(submission, len(provided[submission.pk]), len(required))
        for submission in cycle.submissions.select_related("region").order_by("region__code")
    ]


def assessor_progress(cycle: Cycle) -> list[AssessorRow]:
    """Per assessor: regions assigned and completed, indicators scored of those expected."""
    assignments = list(
        Assignment.objects.filter(cycle=cycle)
        .select_related("assessor")
        .order_by("assessor__username")
    )
    progress = progress_of(assignments)
    rows: dict[int, AssessorRow] = {}
    for assignment in assignments:
        assessor = assignment.assessor
        row = rows.setdefault(
            assessor.pk,
            AssessorRow(
                name=assessor.get_full_name() or assessor.username,
                regions=0,
                completed=0,
                scored=0,
                expected=0,
            ),
        )
        row.regions += 1
        row.completed += assignment.completed_at is not None
        row.scored += progress[assignment.pk].done
        row.expected += progress[assignment.pk].total
    return sorted(rows.values(), key=lambda row: (row.percent, row.name))


def progress(cycle: Cycle) -> Progress:
    """Everything the cycle dashboard shows about the work in progress."""
    evidence = evidence_completeness(cycle)
    required = evidence[0].required if evidence else 0
    found = Progress(
        cycle=cycle,
        enrolled=len(evidence),
        by_state=submissions_by_state(cycle),
        evidence_required=required,
        evidence_complete=sum(row.percent == 100 for row in evidence),
        evidence_mean=round(sum(row.percent for row in evidence) / len(evidence))
        if evidence
        else 0,
        evidence_worst=sorted(evidence, key=lambda row: (row.percent, row.submission.region.code))[
            :WORST
        ],
        assessors=assessor_progress(cycle),
    )
    _add_agreement(found)
    return found


def _add_agreement(found: Progress) -> None:
    """Krippendorff's alpha per indicator on the raw scores, worst first."""
    scored = (
        Assignment.objects.filter(cycle=found.cycle)
        .annotate(n=Count("scores", filter=Q(scores__value__isnull=False)))
        .filter(n__gt=0)
        .count()
    )
    if scored < 2:
        return
    agreement = inputs.agreement(found.cycle)
    if agreement is None:
        return
    found.agreement_overall = agreement.overall
    questions = {
        code: (question, question_en)
        for code, question, question_en in Indicator.objects.filter(
            instrument_id=found.cycle.instrument_id
        ).values_list("code", "question", "question_en")
    }
    rows = []
    for code, alpha in agreement.by_indicator.items():
        question, question_en = questions.get(code, ("", ""))
        rows.append(AgreementRow(code, question, alpha, agreement.pairs.get(code, 0), question_en))
    found.agreement = sorted(
        rows,
        key=lambda row: (row.alpha is None, row.alpha if row.alpha is not None else 0, row.code),
    )
