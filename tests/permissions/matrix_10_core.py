"""Public pages, regions and accounts."""

from .framework import EVERYONE, SIGNED_IN, Case

CASES = [
    Case("core:home", EVERYONE),
    Case("regions:list", EVERYONE),
    Case("regions:list", EVERYONE, htmx=True, query=lambda w: {"q": "Jambi"}, note="htmx search"),
    Case("regions:detail", EVERYONE, kwargs=lambda w: {"code": w.own_region.code}),
    Case("accounts:login", EVERYONE, note="signed-in users are sent on"),
    Case("accounts:logout", EVERYONE, method="post"),
    Case("accounts:password_change", SIGNED_IN),
    Case("accounts:password_change_done", SIGNED_IN),
    Case("accounts:profile", SIGNED_IN),
]
