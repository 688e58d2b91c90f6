"""Small instruments for the index tests, and where the shared reference data lives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kotacerdas.index import Node, Tree

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
ASEM = SHARED / "data" / "coinr_asem"


def small_tree() -> Tree:
    """ROOT -> A (weight 2: a1 level w1, a2 level w3), B (weight 1: b1 yes/no, b2 number 0..200, -1)."""
    return Tree(
        [
            Node("ROOT"),
            Node("A", "ROOT", weight=2),
            Node("a1", "A", weight=1, type="level", min=0, max=5),
            Node("a2", "A", weight=3, type="level", min=0, max=5),
            Node("B", "ROOT", weight=1),
            Node("b1", "B", type="yesno"),
            Node("b2", "B", type="number", direction=-1, min=0, max=200),
        ]
    )


def ragged_tree(*extra: Node) -> Tree:
    """R -> i0 (a level right under the root) and R -> D -> E -> i1 (and any ``extra`` nodes)."""
    return Tree(
        [
            Node("R"),
            Node("i0", "R", type="level"),
            Node("D", "R"),
            Node("E", "D"),
            Node("i1", "E", type="level"),
            *extra,
        ]
    )


def small_values() -> pd.DataFrame:
    """X answers everything; Y misses a2 and b2 does not apply to it; Z equals X."""
    rows = [
        ("X", "a1", 4.0, False),
        ("X", "a2", 2.0, False),
        ("X", "b1", 1.0, False),
        ("X", "b2", 50.0, False),
        ("Y", "a1", 5.0, False),
        ("Y", "a2", np.nan, False),
        ("Y", "b1", 0.0, False),
        ("Y", "b2", np.nan, True),
        ("Z", "a1", 4.0, False),
        ("Z", "a2", 2.0, False),
        ("Z", "b1", 1.0, False),
        ("Z", "b2", 50.0, False),
    ]
    return pd.DataFrame(rows, columns=["unit", "indicator", "value", "not_applicable"])


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
