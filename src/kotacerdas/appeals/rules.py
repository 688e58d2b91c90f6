"""Who may do what with appeals, written once as `rules` predicates.

*When* (the window open, the appeal still a draft, the cycle final or published) is checked by
the services in ``services/``; these rules say *who*. The object is an Appeal, an AppealItem or
an AppealEvidence (anything with a ``region_id`` and, through its appeal, a cycle), a Region for
filing, or a Cycle for the register.
"""

from __future__ import annotations

import rules

from kotacerdas.accounts.predicates import is_admin, is_assessor, is_operator_of, is_signed_in
from kotacerdas.evaluations.rules import is_assigned_assessor, is_operator_of_submission


def appeal_of(obj):
    """The Appeal an Appeal, AppealItem or AppealEvidence belongs to (None otherwise)."""
    label = getattr(getattr(obj, "_meta", None), "label", "")
    if label == "appeals.Appeal":
        return obj
    if label == "appeals.AppealItem":
        return obj.appeal
    if label == "appeals.AppealEvidence":
        return obj.item.appeal
    return None


@rules.predicate
def is_assessor_of_appeal(user, obj) -> bool:
    """An assessor assigned to the appeal's region in the appeal's cycle."""
    appeal = appeal_of(obj)
    if appeal is None or not is_assessor(user):
        return False
    return user.assignments.filter(cycle_id=appeal.cycle_id, region_id=appeal.region_id).exists()


# File the region's own appeal: items, evidence, submit (obj: Region, Appeal, AppealItem)
rules.add_perm("appeals.file_appeal", is_operator_of)
# Read one appeal, its items, evidence and decisions (obj: Appeal, AppealItem, AppealEvidence)
rules.add_perm("appeals.view_appeal", is_admin | is_operator_of | is_assessor_of_appeal)
# A region's page of a cycle: its provisional result and its appeal, if any (obj: the region's
# Submission of that cycle, saved or not)
rules.add_perm("appeals.view_region", is_admin | is_operator_of_submission | is_assigned_assessor)
# Open, extend and close the reply window; decide items; the register (obj: Cycle, Appeal or None)
rules.add_perm("appeals.decide", is_admin)
# The list of appeals one may see (admins: all; operators: their own; assessors: assigned)
rules.add_perm("appeals.view_list", is_signed_in)
