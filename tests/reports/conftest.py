"""Fixtures of the reports tests (the clean cache of the results tests)."""

import pytest

from tests.results.conftest import _fresh_cache  # noqa: F401


@pytest.fixture(autouse=True)
def _reports_in_this_process(settings):
    """Render a cycle's reports in the test process: spawned report workers would not see the
    test database."""
    settings.KOTACERDAS_REPORT_WORKERS = 1
