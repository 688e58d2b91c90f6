import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.conftest import make_bandung, make_jambi

from .world import build_world


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    """Request counters live in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture(scope="module")
def module_world(module_data, request):
    """The world of tests/api/world.py, built once per module (``ModuleData``); with its appeals
    part where the module sets ``WORLD_WITH_APPEALS = True``."""
    appeals = getattr(request.module, "WORLD_WITH_APPEALS", False)
    return module_data.keep(build_world(make_jambi(), make_bandung(), appeals=appeals))


@pytest.fixture
def world(module_world, db, settings):
    return module_world.for_test(settings)
