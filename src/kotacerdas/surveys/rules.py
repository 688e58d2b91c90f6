"""Who may see what of the citizen survey, written once as `rules` predicates.

*When* the public sees the figures (once the cycle is published) is decided by
``services/visibility.py``; these rules say *who* sees a region's figures and comments at any
time. The object is a ``services.aggregates.RegionSurvey`` (it carries ``cycle_id`` and
``region_id``). Answering the survey needs no permission: it is public while the window is open.
"""

from __future__ import annotations

import rules

from kotacerdas.accounts.predicates import is_admin, is_assessor, is_operator_of


@rules.predicate
def is_assessor_of_survey(user, target) -> bool:
    """An assessor assigned to the survey's region in the survey's cycle."""
    if not is_assessor(user) or target is None:
        return False
    cycle_id = getattr(target, "cycle_id", None)
    region_id = getattr(target, "region_id", None)
    if cycle_id is None or region_id is None:
        return False
    return user.assignments.filter(cycle_id=cycle_id, region_id=region_id).exists()


# A region's figures and its citizens' comments, at any time (obj: RegionSurvey)
rules.add_perm("surveys.view_results", is_admin | is_operator_of | is_assessor_of_survey)
# Open and close survey windows; read every response in the Django admin (obj: None or window)
rules.add_perm("surveys.manage_window", is_admin)
