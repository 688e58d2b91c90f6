"""Who may download which report (published results only; the *when* is in the views)."""

import rules

from kotacerdas.accounts.predicates import is_admin, is_operator_of

# The result letter of a region (obj: Region): the ministry and the region itself.
rules.add_perm("reports.download_letter", is_admin | is_operator_of)
# The batch of all reports of a cycle (obj: Cycle or None)
rules.add_perm("reports.build_all", is_admin)
