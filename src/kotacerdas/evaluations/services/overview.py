"""What the home page shows each role of the evaluation, composed from the services that own the
data: the operator's current self-assessment, the assessor's worklist and sessions, and the
admin's cycles with what blocks each one's next step.

Every function reads only what its caller may see (the operator's own region, the assessor's own
assignments); the admin's overview is for admins only and the caller checks that.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kotacerdas.regions.models import Region

from ..models import Cycle, CycleState, Submission, SubmissionState, VirtualSession
from . import lifecycle, moderation, scoring, sessions, submissions

# How many of a cycle's blockers the overview names; the cycle page lists them all.
SHOWN_BLOCKERS = 5


@dataclass
class OperatorPanel:
    """The region's current self-assessment with its progress, binding deadline and session."""

    submission: Submission
    progress: list[submissions.DimensionProgress]
    deadline: submissions.Deadline | None
    session: VirtualSession | None

    @property
    def is_returned(self) -> bool:
        return self.submission.state == SubmissionState.RETURNED

    @property
    def is_submitted(self) -> bool:
        return self.submission.state == SubmissionState.SUBMITTED

    @property
    def answered(self) -> int:
        return sum(row.answered for row in self.progress)

    @property
    def total(self) -> int:
        return sum(row.total for row in self.progress)


def for_operator(region: Region) -> OperatorPanel | None:
    """The operator's panel for ``region``, or None when the region was never enrolled in a cycle
    that has left draft."""
    submission = submissions.current_of(region)
    if submission is None:
        return None
    return OperatorPanel(
        submission=submission,
        progress=submissions.progress(submission),
        deadline=submissions.deadline_of(submission),
        session=sessions.session_of(submission.cycle, region),
    )


@dataclass
class AssessorPanel:
    """The assessor's assignments in cycles still under way, and their next sessions."""

    rows: list[scoring.WorkRow]
    sessions: list[VirtualSession]


def for_assessor(assessor) -> AssessorPanel:
    """The assessor's panel: assignments of cycles not yet published (with progress) and the
    sessions of their regions that have not started yet."""
    return AssessorPanel(
        rows=scoring.worklist(assessor, active_only=True),
        sessions=sessions.upcoming(assessor),
    )


@dataclass
class CycleStatus:
    """One cycle as the admin's overview shows it."""

    cycle: Cycle
    next_state: str | None
    blockers: list[str]
    counts: dict[str, int]
    queue: int | None = None
    more_blockers: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.more_blockers = max(0, len(self.blockers) - SHOWN_BLOCKERS)
        self.blockers = self.blockers[:SHOWN_BLOCKERS]

    @property
    def next_label(self) -> str:
        return str(CycleState(self.next_state).label) if self.next_state else ""

    @property
    def enrolled(self) -> int:
        return sum(self.counts.values())

    @property
    def by_state(self) -> list[tuple[str, int]]:
        """(state label, count) of the cycle's submissions, in the states' order."""
        return [(str(SubmissionState(state).label), n) for state, n in self.counts.items()]


def for_admin() -> list[CycleStatus]:
    """Every cycle, newest first, with its submissions counted by state, what blocks its next
    step (``lifecycle.check``; the first few, and how many more) and, in moderation, the length
    of the moderation queue. The queue of a cycle in moderation is computed once, for both its
    length and the check of "final" (``moderation.read_once``); nothing here writes."""
    cycles = list(Cycle.objects.order_by("-year"))
    counts = submissions.state_counts(cycles)
    statuses = []
    with moderation.read_once():
        for cycle in cycles:
            target = lifecycle.next_state(cycle)
            statuses.append(
                CycleStatus(
                    cycle=cycle,
                    next_state=target,
                    blockers=lifecycle.check(cycle, target) if target else [],
                    counts=counts[cycle.pk],
                    queue=moderation.queue_length(cycle)
                    if cycle.state == CycleState.MODERATION
                    else None,
                )
            )
    return statuses
