"""The draws of the Monte Carlo: assumptions per run (pick-freeze design), the exact assessor
draw, and the first-order sensitivity estimator. See :mod:`kotacerdas.index.uncertainty`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

__all__ = ["ASSUMPTIONS", "Design", "first_order", "uniform_bytes"]

ASSUMPTIONS: tuple[str, ...] = ("weights", "aggregation", "normalisation", "assessors")


class Alternatives(Protocol):
    """What the design needs to know of the model: how many choices each assumption has."""

    aggregations: tuple[str, ...]
    rules: Sequence[object]
    draws: bool
    n_weights: int


def uniform_bytes(bits: np.random.BitGenerator, size: int, bound: int) -> np.ndarray:
    """``size`` integers uniform on ``[0, bound)`` (``bound <= 256``), exactly, as uint8.

    Lemire's multiply-shift on random bytes: ``r = (b * bound) >> 8``, redrawing the bytes whose
    low product byte ``(b * bound) mod 256`` falls below ``256 mod bound`` (they would
    over-weight some values).
    """
    out = np.zeros(size, dtype=np.uint8)
    if bound == 1:
        return out
    threshold = 256 % bound
    todo = None
    while todo is None or todo.size:
        count = size if todo is None else todo.size
        raw = bits.random_raw((count + 7) // 8).view(np.uint8)[:count]
        value = np.right_shift(np.multiply(raw, bound, dtype=np.uint16), 8).astype(np.uint8)
        redo = np.multiply(raw, bound, dtype=np.uint8) < threshold  # wraps: the low byte
        if todo is None:
            out[:] = value
            todo = np.flatnonzero(redo)
        else:
            out[todo] = value
            todo = todo[redo]
    return out


@dataclass(frozen=True, eq=False)
class Design:
    """The assumption draw of every run."""

    samples: int
    active: tuple[str, ...]
    base_runs: int
    multipliers: np.ndarray  # (samples, n_nodes)
    aggregation: np.ndarray  # (samples,)
    normalisation: np.ndarray  # (samples,)
    draw_id: np.ndarray  # (samples,)
    draw_seeds: list[np.random.SeedSequence]
    pairs: dict[str, np.ndarray]  # assumption -> run indices of C_i (aligned with A = 0..n-1)

    @classmethod
    def draw(cls, model: Alternatives, samples: int, seed: int, delta: float) -> Design:
        active = tuple(
            name
            for name, on in (
                ("weights", delta > 0),
                ("aggregation", len(model.aggregations) > 1),
                ("normalisation", len(model.rules) > 1),
                ("assessors", model.draws),
            )
            if on
        )
        root = np.random.SeedSequence(seed)
        parameter_seed, draw_root = root.spawn(2)
        rng = np.random.Generator(np.random.PCG64(parameter_seed))
        k = len(active)
        base_runs = samples // (k + 1) if k and samples // (k + 1) >= 2 else 0
        extra = samples - base_runs * (k + 1)
        sets = 2 * base_runs + extra  # A, B and the extra independent draws
        n_nodes = model.n_weights
        multipliers = rng.uniform(1.0 - delta, 1.0 + delta, size=(sets, n_nodes))
        aggregation = rng.integers(0, len(model.aggregations), size=sets)
        normalisation = rng.integers(0, len(model.rules), size=sets)
        draw_seeds = draw_root.spawn(sets)
        index_a = np.arange(base_runs)
        index_b = base_runs + np.arange(base_runs)
        runs = [index_a]
        pairs = {}
        for position, name in enumerate(active):
            pairs[name] = base_runs * (position + 1) + np.arange(base_runs)
            runs.append(index_b)
        runs.append(2 * base_runs + np.arange(extra))
        origin = {name: np.concatenate(runs) for name in ASSUMPTIONS}
        for position, name in enumerate(active):
            block = slice(base_runs * (position + 1), base_runs * (position + 2))
            origin[name][block] = index_a
        return cls(
            samples=samples,
            active=active,
            base_runs=base_runs,
            multipliers=multipliers[origin["weights"]],
            aggregation=aggregation[origin["aggregation"]],
            normalisation=normalisation[origin["normalisation"]],
            draw_id=origin["assessors"],
            draw_seeds=draw_seeds,
            pairs=pairs,
        )


def first_order(
    design: Design, ranks: np.ndarray
) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Janon et al.'s first-order estimator per unit and pooled, for each active assumption."""
    by_unit: dict[str, np.ndarray] = {}
    pooled: dict[str, float] = {}
    if design.base_runs < 2:
        return by_unit, pooled
    y_a = ranks[: design.base_runs].astype(float)
    for name, runs in design.pairs.items():
        y_c = ranks[runs].astype(float)
        mean = ((y_a + y_c) / 2.0).mean(axis=0)
        covariance = (y_a * y_c).mean(axis=0) - mean**2
        variance = ((y_a**2 + y_c**2) / 2.0).mean(axis=0) - mean**2
        with np.errstate(invalid="ignore", divide="ignore"):
            by_unit[name] = np.where(variance > 0, covariance / variance, np.nan)
        usable = variance > 0
        total = float(np.nansum(variance[usable]))
        pooled[name] = float(np.nansum(covariance[usable]) / total) if total > 0 else float("nan")
    return by_unit, pooled
