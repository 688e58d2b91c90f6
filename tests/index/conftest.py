"""Fixtures of the index tests (plain data; no database)."""

from __future__ import annotations

import pandas as pd
import pytest

from kotacerdas.index import Tree

from .builders import small_tree, small_values


@pytest.fixture
def tree() -> Tree:
    return small_tree()


@pytest.fixture
def values() -> pd.DataFrame:
    return small_values()
