"""Two-factor set-up pages and the personal API token page (the API itself has its own matrix:
tests/api/test_permission_matrix.py)."""

from kotacerdas.api import tokens

from .framework import OPERATOR_OWN, SIGNED_IN, Case


def build(world):
    token, _secret = tokens.issue_token(world.users["operator_own"], name="matrix")
    world.objects["operator_token"] = token


CASES = [
    # Without a waiting sign-in, anonymous visitors are sent to the sign-in page.
    Case("accounts:login_verify", SIGNED_IN),
    Case("accounts:two_factor_setup", SIGNED_IN),
    Case("accounts:two_factor_recovery_codes", SIGNED_IN, method="post"),
    Case("accounts:two_factor_turn_off", SIGNED_IN, method="post"),
    Case("api_tokens:list", SIGNED_IN),
    Case(
        "api_tokens:list",
        SIGNED_IN,
        method="post",
        data=lambda w: {"name": "x", "scope": "read"},
        note="create",
    ),
    # Another user's token is a 404.
    Case(
        "api_tokens:revoke",
        OPERATOR_OWN,
        method="post",
        kwargs=lambda w: {"pk": w.operator_token.pk},
    ),
]
