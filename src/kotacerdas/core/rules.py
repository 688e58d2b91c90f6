"""Who may do what with the platform's own records."""

import rules

from kotacerdas.accounts.predicates import is_admin

# The outbox page: pending and failed emails, their text and error, "retry now" (obj: None or
# an OutgoingEmail). The emails carry names, addresses and appeal reasons: admins only.
rules.add_perm("core.manage_outbox", is_admin)
