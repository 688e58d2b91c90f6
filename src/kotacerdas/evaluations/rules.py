"""Who may do what in an evaluation, written once as `rules` predicates.

*When* something may happen (the cycle's state, the deadline, a returned submission) is checked by
the services in ``services/``; these rules say *who*. Views and the API call
``user.has_perm(name, obj)`` with the object named in each comment.
"""

import rules

from kotacerdas.accounts.predicates import is_admin, is_assessor, is_operator, is_signed_in


def submission_of(obj):
    """The Submission an object belongs to (a Submission, Answer, Evidence or FinalValue)."""
    if obj is None:
        return None
    if obj._meta.label == "evaluations.Submission":
        return obj
    return getattr(obj, "submission", None)


def cycle_and_region_of(obj) -> tuple[int | None, int | None]:
    """(cycle id, region id) of a Submission-like object, an Assignment or a VirtualSession."""
    if obj is None:
        return None, None
    if hasattr(obj, "cycle_id") and hasattr(obj, "region_id"):
        return obj.cycle_id, obj.region_id
    submission = submission_of(obj)
    if submission is None:
        return None, None
    return submission.cycle_id, submission.region_id


@rules.predicate
def is_operator_of_submission(user, obj) -> bool:
    """An operator of the region that ``obj`` (Submission, Answer, Evidence, ...) belongs to."""
    if not is_operator(user):
        return False
    _cycle, region = cycle_and_region_of(obj)
    return region is not None and region == user.region_id


@rules.predicate
def is_assigned_assessor(user, obj) -> bool:
    """An assessor assigned to the region and cycle that ``obj`` belongs to."""
    if not is_assessor(user):
        return False
    if obj is not None and obj._meta.label == "evaluations.Score":
        return obj.assignment.assessor_id == user.pk
    if obj is not None and obj._meta.label == "evaluations.Assignment":
        return obj.assessor_id == user.pk
    cycle, region = cycle_and_region_of(obj)
    if cycle is None:
        return False
    return user.assignments.filter(cycle_id=cycle, region_id=region).exists()


# Cycles, instruments, enrolment, assignment, schedule, transitions, returns (obj: Cycle or None)
rules.add_perm("evaluations.manage_cycle", is_admin)
# Remind regions that have not sent their self-assessment, now (obj: Cycle or None)
rules.add_perm("evaluations.send_reminders", is_admin)
# Give one region a later self-assessment deadline, change or cancel it (obj: Submission)
rules.add_perm("evaluations.extend_deadline", is_admin)
# Moderation queue and final values (obj: Cycle or Submission)
rules.add_perm("evaluations.moderate", is_admin)
# Read a region's self-assessment, its answers and evidence (obj: Submission, Answer, Evidence)
rules.add_perm(
    "evaluations.view_submission", is_admin | is_operator_of_submission | is_assigned_assessor
)
# Change the self-assessment: answers, evidence, submit (obj: Submission, Answer, Evidence)
rules.add_perm("evaluations.edit_submission", is_operator_of_submission)
# Score a region and write the assessor's judgement (obj: Submission, Assignment or Score)
rules.add_perm("evaluations.score_region", is_assigned_assessor)
# See the assessors' scores of a region (obj: Submission)
rules.add_perm("evaluations.view_scores", is_admin | is_assigned_assessor)
# See which other regions submitted the same evidence file as this region (obj: Submission);
# never the region's own operator, who must not learn about other regions' files
rules.add_perm("evaluations.view_shared_evidence", is_admin | is_assigned_assessor)
# Ask the server to check a link evidence item again and archive it (obj: Evidence)
rules.add_perm("evaluations.check_link", is_admin | is_assigned_assessor)
# See a virtual session and download its .ics (obj: VirtualSession)
rules.add_perm(
    "evaluations.view_session", is_admin | is_operator_of_submission | is_assigned_assessor
)
# The audit trail of a region's answers (obj: Submission)
rules.add_perm("evaluations.view_history", is_admin | is_operator_of_submission)
# Lists of one's own work: an assessor's assignments, an operator's submissions
rules.add_perm("evaluations.view_own_work", is_signed_in & (is_assessor | is_operator | is_admin))
# Calibration rounds: create, prepare cases, open, close, read the report (obj: Cycle,
# CalibrationRound or None)
rules.add_perm("evaluations.manage_calibration", is_admin)
# Score an open calibration round and, once closed, see one's own result (obj: CalibrationRound
# or None); every assessor, assigned to regions or not. Blindness and timing: services/calibration.py
rules.add_perm("evaluations.take_calibration", is_assessor)
