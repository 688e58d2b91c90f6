"""Who may do what with results (the *when* — published or not — is in ``services/``).

Published results are public: their pages need no permission. These rules cover the rest.
"""

import rules

from kotacerdas.accounts.predicates import is_admin, is_operator, is_operator_of

# Compute, preview, republish, the cycle dashboard and the batch of reports (obj: Cycle or None)
rules.add_perm("results.manage_results", is_admin)
# The cycle's integrity checks: evidence reuse, self-assessment gaps, outlier assessors,
# year-on-year jumps (obj: Cycle)
rules.add_perm("results.view_integrity", is_admin)
# An operator's page of the region's own published results (obj: None)
rules.add_perm("results.view_own_results", is_operator)
# The assessors' notes per indicator and the result letter of a region (obj: Region)
rules.add_perm("results.view_region_notes", is_admin | is_operator_of)
# Mark a flag of the integrity page as reviewed, or take the mark back (obj: Cycle)
rules.add_perm("results.review_integrity", is_admin)
# The reliability report across cycles: alpha per cycle, indicator and dimension, assessor
# severity and drift (obj: None)
rules.add_perm("results.view_reliability", is_admin)
# The statistical audit of a cycle's index: indicator statistics, correlation flags, Cronbach's
# alpha, weights (obj: None)
rules.add_perm("results.view_index_audit", is_admin)
