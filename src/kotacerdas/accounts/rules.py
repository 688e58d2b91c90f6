"""Account permissions (model permissions are declared on the models' Meta)."""

import rules

from .predicates import is_admin, is_signed_in

rules.add_perm("accounts.manage_users", is_admin)
rules.add_perm("accounts.change_own_password", is_signed_in)
