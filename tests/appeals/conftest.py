"""Fixtures of the appeals tests: cycle 2022 final with computed (preview) results of the five
cohort regions, the ministry's admin and the operators of Kota Jambi and Kota Bandung."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from kotacerdas.accounts.roles import Role
from kotacerdas.appeals.models import AppealWindow
from kotacerdas.evaluations.models import Feedback
from kotacerdas.results.services.compute import compute_results
from tests.conftest import make_user
from tests.results.builders import make_evaluated_cycle

SAMPLES = 50


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cycle(db):
    """Cycle 2022 in final, its feedback settled by a moderator (as moderation leaves it), with
    a preview snapshot (version 1)."""
    evaluated = make_evaluated_cycle(2022)
    moderator = make_user("moderator.2022", Role.ADMIN)
    Feedback.objects.filter(submission__cycle=evaluated).update(settled_by=moderator)
    compute_results(evaluated, samples=SAMPLES)
    return evaluated


@pytest.fixture
def regions(cycle):
    """The cohort's regions by code."""
    return {s.region.code: s.region for s in cycle.submissions.select_related("region")}


@pytest.fixture
def admin(db):
    return make_user("kementerian", Role.ADMIN, email="admin@kemkominfo.example")


@pytest.fixture
def jambi_operator(regions):
    return make_user(
        "op.jambi", Role.OPERATOR, region=regions["15.71"], email="op@jambikota.example"
    )


@pytest.fixture
def bandung_operator(regions):
    return make_user(
        "op.bandung", Role.OPERATOR, region=regions["32.73"], email="op@bandung.example"
    )


@pytest.fixture
def open_window(cycle, admin):
    """The window open for a week (written directly, not through the service)."""
    return AppealWindow.objects.create(
        cycle=cycle, deadline=timezone.now() + timedelta(days=7), opened_by=admin
    )


def close_by_deadline(window: AppealWindow) -> None:
    """Move the deadline into the past, as if the week had gone by."""
    AppealWindow.objects.filter(pk=window.pk).update(deadline=timezone.now() - timedelta(minutes=1))
