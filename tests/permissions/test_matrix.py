"""Runs every permission case for every role; fails when a view has no case."""

import importlib
import pkgutil
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from kotacerdas.accounts.roles import Role
from tests.conftest import make_bandung, make_jambi, make_user

from . import framework
from .framework import ROLES, Case, World, outcome

MODULES = [
    importlib.import_module(f"{__package__}.{info.name}")
    for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda i: i.name)
    if info.name.startswith("matrix_")
]
CASES: list[Case] = [case for module in MODULES for case in module.CASES]


def url_names(resolver=None, namespace: str = "") -> set[str]:
    """Every named URL pattern, with its namespace (``regions:detail``)."""
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_view_has_a_case():
    exempt = {
        name
        for name in url_names()
        if name.split(":")[0] in framework.EXEMPT_NAMESPACES or name in framework.EXEMPT_NAMES
    }
    missing = url_names() - exempt - {case.url_name for case in CASES}
    assert not missing, f"views without a permission case: {sorted(missing)}"


@pytest.fixture(scope="module")
def module_world(module_data):
    """The world every case acts on, built once for the module (see ``ModuleData``)."""
    jambi, bandung = make_jambi(), make_bandung()
    users = {
        "anonymous": None,
        "admin": make_user("m.admin", Role.ADMIN),
        "assessor_assigned": make_user("m.assessor.assigned", Role.ASSESSOR),
        "assessor_unassigned": make_user("m.assessor.unassigned", Role.ASSESSOR),
        "operator_own": make_user("m.operator.own", Role.OPERATOR, region=jambi),
        "operator_other": make_user("m.operator.other", Role.OPERATOR, region=bandung),
    }
    world = World(own_region=jambi, other_region=bandung, users=users)
    for module in MODULES:
        build = getattr(module, "build", None)
        if build:
            build(world)
    return module_data.keep(world)


@pytest.fixture
def world(module_world, db, settings):
    return module_world.for_test(settings)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_permission(client, world, case, role):
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    expected = "allow" if role in case.allowed else "deny"
    response = case.request(client, world)
    assert outcome(response) == expected, (
        f"{case.id} as {role}: expected {expected}, got {response.status_code} "
        f"{response.get('Location', '')}"
    )
