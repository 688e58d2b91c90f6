"""Rank association between two measures of the same units (Spearman's rho and its p-value).

Used by the platform to check that the published index is not merely a proxy for a region's
size (docs/methodology.md, "Association with size").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["Association", "spearman"]


@dataclass(frozen=True)
class Association:
    """Spearman's rank correlation ``rho`` (−1 … 1) of ``n`` paired units and the two-sided
    p-value of "no association" (t approximation with n − 2 degrees of freedom, as
    ``scipy.stats.spearmanr``)."""

    rho: float
    p_value: float
    n: int

    def strong(self, threshold: float, alpha: float) -> bool:
        """|rho| ≥ ``threshold`` and p < ``alpha``."""
        return abs(self.rho) >= threshold and self.p_value < alpha


def spearman(x: np.ndarray | list[float], y: np.ndarray | list[float]) -> Association | None:
    """Spearman's rho between ``x`` and ``y`` (paired, same length), ties given their average
    rank; pairs where either value is NaN are left out.

    Guarantees: the same rho and p-value as ``scipy.stats.spearmanr`` on the complete pairs;
    None with fewer than three complete pairs or when either measure is constant (rho is
    undefined then). Raises ValueError when the lengths differ.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"x and y must be paired 1-D arrays, got {x.shape} and {y.shape}")
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    n = int(x.size)
    if n < 3 or np.all(x == x[0]) or np.all(y == y[0]):
        return None
    found = stats.spearmanr(x, y)
    rho, p_value = float(found.statistic), float(found.pvalue)
    if math.isnan(rho):
        return None
    return Association(rho=rho, p_value=p_value, n=n)
