"""Competition ranking ("1224"): ties share the best rank, the next rank skips."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["competition_ranks", "group_ranks"]


def competition_ranks(scores: np.ndarray) -> np.ndarray:
    """Ranks of each row of ``scores`` ``(R, U)``, highest score first.

    Guarantees: a unit's rank is 1 + the number of units in the same row with a strictly
    greater score; equal scores share a rank; NaN scores get rank NaN and do not count.
    Returns float ``(R, U)``.
    """
    scores = np.asarray(scores, dtype=float)
    rows, width = scores.shape
    if width == 0:
        return np.full(scores.shape, np.nan)
    order = np.argsort(-scores, axis=1)  # NaN last; the order within a tie does not matter
    ordered = np.take_along_axis(scores, order, axis=1)
    tie_start = np.ones(scores.shape, dtype=bool)
    tie_start[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first_of_tie = np.maximum.accumulate(np.where(tie_start, np.arange(width), 0), axis=1)
    ranks = np.empty(scores.shape)
    flat = order + (np.arange(rows) * width)[:, None]
    ranks.reshape(-1)[flat.reshape(-1)] = (first_of_tie + 1.0).reshape(-1)
    missing = np.isnan(scores)
    if missing.any():
        ranks[missing] = np.nan
    return ranks


def group_ranks(scores: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Competition ranks of ``scores`` ``(R, U)`` within each group of units.

    ``labels`` is ``(U,)``; units whose label is missing (None/NaN) get rank NaN.
    """
    scores = np.asarray(scores, dtype=float)
    ranks = np.full(scores.shape, np.nan)
    codes, _ = pd.factorize(pd.Series(labels, dtype=object), use_na_sentinel=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    for members in np.split(order, bounds):
        if members.size and codes[members[0]] >= 0:
            ranks[:, members] = competition_ranks(scores[:, members])
    return ranks
