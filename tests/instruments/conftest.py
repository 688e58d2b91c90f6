"""Fixtures for the instrument tests: the default instrument and small valid files."""

import pytest

from kotacerdas.instruments.services import load_default_instrument


@pytest.fixture
def default_instrument(db):
    return load_default_instrument()
