"""Fixtures of the results tests: a clean cache, and a published cycle of the cohort."""

import pytest
from django.core.cache import cache

from .builders import INDICES, cohort, publish_cycle


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached pages and exports never carry over from one test to the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(db):
    """Cycle 2022 published with the stored results ``INDICES`` of the five cohort regions."""
    cohort()
    return publish_cycle(2022, INDICES)
