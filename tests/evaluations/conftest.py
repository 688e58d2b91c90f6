"""Fixtures shared by the evaluation tests; a test file may define its own of the same name."""

import pytest

from tests.evaluations.cycle_setup import open_cycle, submission_of


@pytest.fixture
def cycle(jambi, bandung):
    """An open cycle (deadline a week ahead) with Kota Jambi and Kota Bandung enrolled."""
    return open_cycle(jambi, bandung)


@pytest.fixture
def submission(cycle, jambi):
    """Kota Jambi's self-assessment in ``cycle``."""
    return submission_of(cycle, jambi)
