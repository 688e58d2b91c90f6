"""Competition ranking ("1224"): ties share the best rank, the next rank skips."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["competition_ranks", "group_ranks"]


def competition_ranks(scores: np.ndarray, group: np.ndarray | None = None) -> np.ndarray:
    """Ranks of each row of ``scores`` ``(R, U)``, highest score first, optionally within groups.

    Guarantees: a unit's rank is 1 + the number of units (of its group) in the same row with a
    strictly greater score; equal scores share a rank; NaN scores get rank NaN and do not
    count; with ``group`` (``(U,)`` integer codes, -1 = no group) a unit without a group gets
    NaN. Returns float ``(R, U)``.
    """
    scores = np.asarray(scores, dtype=float)
    width = scores.shape[1]
    ranks = np.full(scores.shape, np.nan)
    if width == 0:
        return ranks
    codes = np.zeros(width, dtype=np.intp) if group is None else np.asarray(group, dtype=np.intp)
    # Sort by descending score (NaN last), then stably by group: scores stay sorted per group.
    order = np.argsort(-scores, axis=1)
    if group is not None:
        by_group = np.argsort(codes[order], axis=1, kind="stable")
        order = np.take_along_axis(order, by_group, axis=1)
    ordered = np.take_along_axis(scores, order, axis=1)
    ordered_group = codes[order]
    position = np.broadcast_to(np.arange(width), scores.shape)
    group_start = np.ones(scores.shape, dtype=bool)
    group_start[:, 1:] = ordered_group[:, 1:] != ordered_group[:, :-1]
    tie_start = group_start.copy()
    tie_start[:, 1:] |= ordered[:, 1:] != ordered[:, :-1]
    first_of_tie = np.maximum.accumulate(np.where(tie_start, position, 0), axis=1)
    first_of_group = np.maximum.accumulate(np.where(group_start, position, 0), axis=1)
    np.put_along_axis(ranks, order, (first_of_tie - first_of_group + 1).astype(float), axis=1)
    ranks[np.isnan(scores)] = np.nan
    if group is not None:
        ranks[:, codes < 0] = np.nan
    return ranks


def group_ranks(scores: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Competition ranks of ``scores`` ``(R, U)`` within each group of units.

    ``labels`` is ``(U,)``; units whose label is missing (None/NaN) get rank NaN.
    """
    codes, _ = pd.factorize(pd.Series(labels, dtype=object), use_na_sentinel=True)
    return competition_ranks(scores, codes)
