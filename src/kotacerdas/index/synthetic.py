"""A synthetic cycle (clearly not real data) for benchmarks, tests and trying the engine out.

The instrument is ``dimensions x elements x indicators``; in every element the indicators are
mostly rubric levels (0-5), with one number with goalposts, one number without, one percent and
one yes/no when there are at least six. Each unit has a latent maturity; each assessor a
severity; every unit is scored by ``assessors`` distinct assessors from a pool.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .tree import Node, Tree

__all__ = ["SyntheticCycle", "synthetic_cycle"]

KINDS = ("provinsi", "kabupaten", "kota")


@dataclass(frozen=True, eq=False)
class SyntheticCycle:
    """A generated cycle: the tree, the long values table and the groups table."""

    tree: Tree
    values: pd.DataFrame
    groups: pd.DataFrame


def synthetic_cycle(
    units: int = 552,
    dimensions: int = 6,
    elements: int = 5,
    indicators: int = 10,
    assessors: int = 3,
    *,
    seed: int = 0,
    missing: float = 0.02,
    not_applicable: float = 0.01,
    pool: int = 60,
    provinces: int = 38,
) -> SyntheticCycle:
    """Generate a reproducible synthetic cycle (same arguments, same tables).

    ``missing`` and ``not_applicable`` are the shares of (unit, indicator) answers that are
    empty for every assessor and marked not applicable by every assessor.
    """
    rng = np.random.default_rng(seed)
    nodes = [Node("INDEX", None)]
    kinds: list[str] = []
    for d in range(1, dimensions + 1):
        nodes.append(Node(f"D{d}", "INDEX", weight=float(rng.integers(1, 4))))
        for e in range(1, elements + 1):
            element = f"D{d}E{e}"
            nodes.append(Node(element, f"D{d}", weight=1.0))
            for k in range(1, indicators + 1):
                kind = _kind(k, indicators)
                code = f"{element}I{k:02d}"
                kinds.append(kind)
                if kind == "level":
                    nodes.append(Node(code, element, type="level", min=0, max=5))
                elif kind == "goalposts":
                    nodes.append(Node(code, element, type="number", direction=-1, min=0, max=100))
                elif kind == "number":
                    nodes.append(Node(code, element, type="number"))
                else:
                    nodes.append(Node(code, element, type=kind))  # type: ignore[arg-type]
    tree = Tree(nodes, source="synthetic")
    codes = np.array(tree.indicators, dtype=object)
    kind_of = np.array(kinds, dtype=object)
    n_indicators = len(codes)
    maturity = rng.normal(0.0, 1.0, size=units)
    difficulty = rng.normal(0.0, 0.5, size=n_indicators)
    truth = maturity[:, None] - difficulty[None, :]
    severity = rng.normal(0.0, 0.3, size=pool)
    panel = np.stack([rng.permutation(pool)[:assessors] for _ in range(units)])  # (U, A)
    values = np.empty((units, n_indicators, assessors))
    for slot in range(assessors):
        bias = severity[panel[:, slot]][:, None]
        noise = rng.normal(0.0, 0.6, size=(units, n_indicators))
        latent = truth + bias + noise
        values[:, :, slot] = _observe(latent, kind_of, rng)
    state = rng.random((units, n_indicators))
    is_missing = state < missing
    is_na = (state >= missing) & (state < missing + not_applicable)
    unit_codes = np.array([f"U{u:04d}" for u in range(units)], dtype=object)
    assessor_codes = np.array([f"A{a:03d}" for a in range(pool)], dtype=object)
    frame = pd.DataFrame(
        {
            "unit": np.repeat(unit_codes, n_indicators * assessors),
            "indicator": np.tile(np.repeat(codes, assessors), units),
            "value": values.reshape(-1),
            "assessor": assessor_codes[np.repeat(panel, n_indicators, axis=0).reshape(-1)],
            "not_applicable": np.repeat(is_na.reshape(-1), assessors),
        }
    )
    blank = np.repeat((is_missing | is_na).reshape(-1), assessors)
    frame.loc[blank, "value"] = np.nan
    province = np.array([f"P{p:02d}" for p in rng.integers(1, provinces + 1, size=units)])
    kind = np.array(KINDS, dtype=object)[rng.choice(3, size=units, p=[0.07, 0.75, 0.18])]
    groups = pd.DataFrame({"unit": unit_codes, "province": province, "kind": kind})
    return SyntheticCycle(tree=tree, values=frame, groups=groups)


def _kind(k: int, per_element: int) -> str:
    if per_element < 6:
        return "level"
    return {1: "goalposts", 2: "number", 3: "percent", 4: "yesno"}.get(per_element - k + 1, "level")


def _observe(latent: np.ndarray, kind: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """What an assessor records for a latent maturity, by indicator kind."""
    out = np.clip(np.rint(2.5 + 1.2 * latent), 0, 5)
    goalposts = kind == "goalposts"  # lower is better, 0..100
    out[:, goalposts] = np.clip(50.0 - 15.0 * latent[:, goalposts], 0.0, None)
    number = kind == "number"
    out[:, number] = np.exp(3.0 + 0.5 * latent[:, number])
    percent = kind == "percent"
    out[:, percent] = np.clip(60.0 + 15.0 * latent[:, percent], 0.0, 100.0)
    yesno = kind == "yesno"
    out[:, yesno] = (latent[:, yesno] + rng.normal(0.0, 0.3, size=latent[:, yesno].shape) > 0) * 1.0
    return out
