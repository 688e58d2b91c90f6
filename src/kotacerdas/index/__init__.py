"""kotacerdas.index: the composite index engine of Kota Cerdas (pure Python, no Django).

Build a cycle's index along an instrument tree, measure how robust its ranks are, how far the
assessors agree, what changed since the last cycle and what would move a unit most. The
formulas are in docs/methodology.md.
"""

from __future__ import annotations

from .build import IndexResult, build, prepare_groups, read_groups
from .config import DEFAULT_BANDS, Band, Config
from .errors import InputError
from .tree import Node, Tree
from .values import Values

__all__ = [
    "DEFAULT_BANDS",
    "Band",
    "Config",
    "IndexResult",
    "InputError",
    "Node",
    "Tree",
    "Values",
    "build",
    "prepare_groups",
    "read_groups",
]
