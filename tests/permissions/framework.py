"""The permission matrix: every view × role, with the expected allow or deny.

Each module ``tests/permissions/matrix_*.py`` declares:

- ``CASES``: a list of :class:`Case` (one per view and method), and optionally
- ``build(world)``: adds the objects its cases need (a cycle, a submission, evidence, ...) to the
  :class:`World`. Builders run in module-name order (``matrix_10_*`` before ``matrix_20_*``).

``test_matrix.py`` runs every case for every role and fails when a URL pattern has no case.
A response *allows* when its status is below 400 and it is not a redirect to the login page; it
*denies* with 401, 403 or 404, or a redirect to the login page. A 405 or 5xx fails the test.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse

ROLES = (
    "anonymous",
    "admin",
    "assessor_assigned",
    "assessor_unassigned",
    "operator_own",
    "operator_other",
)
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
ADMIN_ONLY = frozenset({"admin"})
OPERATOR_OWN = frozenset({"operator_own"})
ASSESSOR_ASSIGNED = frozenset({"assessor_assigned"})
REVIEWERS = frozenset({"admin", "assessor_assigned"})
REGION_PARTIES = frozenset({"admin", "assessor_assigned", "operator_own"})
NOBODY: frozenset[str] = frozenset()

# URL names that are not application views: Django's admin (guarded by is_staff and the rules
# model permissions, tested in test_accounts.py) and the language switch (no data). The REST API
# (namespace ``api``) has its own matrix over every endpoint × method × role:
# tests/api/test_permission_matrix.py.
EXEMPT_NAMESPACES = ("admin", "api")
EXEMPT_NAMES = {"set_language"}


@dataclass
class World:
    """The objects a permission case acts on; builders add to ``objects``."""

    own_region: Any
    other_region: Any
    users: dict[str, Any]
    objects: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass(frozen=True)
class Case:
    url_name: str
    allowed: frozenset[str]
    method: str = "get"
    kwargs: Callable[[World], dict] = lambda world: {}
    data: Callable[[World], dict] | None = None
    query: Callable[[World], dict] | None = None
    htmx: bool = False
    note: str = ""

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.url_name}{' ' + self.note if self.note else ''}"

    def request(self, client, world: World) -> HttpResponse:
        url = reverse(self.url_name, kwargs=self.kwargs(world))
        headers = {"HX-Request": "true"} if self.htmx else {}
        if self.method == "get":
            return client.get(url, self.query(world) if self.query else None, headers=headers)
        payload = self.data(world) if self.data else {}
        return getattr(client, self.method)(url, payload, headers=headers)


def outcome(response: HttpResponse) -> str:
    """'allow' or 'deny' for a response; raises AssertionError for a 405 or a server error."""
    status = response.status_code
    assert status != 405, f"method not allowed ({status}): the case names the wrong method"
    assert status < 500, f"server error {status}"
    if status in (401, 403, 404):
        return "deny"
    if status in (301, 302, 303) and str(settings.LOGIN_URL) in response.get("Location", ""):
        return "deny"
    login_path = reverse(settings.LOGIN_URL)
    if status in (301, 302, 303) and response.get("Location", "").startswith(login_path):
        return "deny"
    if status >= 400:
        raise AssertionError(f"unexpected status {status}: {response.content[:300]!r}")
    return "allow"
