"""What would move a unit most: the exact index gain of raising each of its answers.

For every applicable answer of the unit, one scenario raises it and rebuilds the index:

- a level by one (a missing level counts as the lowest level, so it becomes lowest + 1);
- a yes/no to yes;
- a number or percent to its goalpost (the best end of ``min..max``; without goalposts, the
  best value any unit gave).

Answers already at the top, and not-applicable answers, have no scenario. The gain is the
difference of the unit's index (0-100) with and without the change, everything else as in
:func:`build` (a cohort-dependent normalisation is recomputed with the new value, which can
move other units too; their new scores enter the new rank).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import normalise
from .build import score_matrix
from .config import Config
from .engine import Availability, Plan, aggregate, pad_level0
from .errors import InputError
from .tree import Node, Tree
from .values import Values

__all__ = ["WHAT_IF_COLUMNS", "what_if"]

WHAT_IF_COLUMNS: tuple[str, ...] = (
    "indicator",
    "type",
    "value",
    "new_value",
    "score",
    "new_score",
    "gain",
    "gain_display",
    "index",
    "new_index",
    "rank",
    "new_rank",
)


def what_if(
    tree: Tree,
    values: Values | pd.DataFrame,
    config: Config | None,
    unit: str,
    top: int | None = 10,
) -> pd.DataFrame:
    """The ``top`` answers of ``unit`` whose raise adds most to its index, best first.

    Columns (:data:`WHAT_IF_COLUMNS`): ``indicator``, ``type``, ``value`` and ``new_value`` (raw,
    combined over assessors), ``score`` and ``new_score`` (the indicator's 0-100 score),
    ``gain`` (index points) and ``gain_display`` (on the display scale), ``index`` and
    ``new_index``, ``rank`` and ``new_rank`` (national). Only positive gains are listed; equal
    gains keep the tree order. Guarantees: ``new_index`` equals the index :func:`build` gives
    with that one answer changed (for every assessor).
    """
    config = config or Config()
    prepared = Values.coerce(values, tree)
    if unit not in prepared.units:
        raise InputError("what-if", None, f"unknown unit {unit!r}")
    if top is not None and top < 1:
        raise InputError("what-if", None, "top must be at least 1")
    plan = tree.plan
    row = prepared.units.index(unit)
    raw = prepared.combined(config.combine)
    na = prepared.not_applicable
    level0, available = score_matrix(tree, raw, na, config)
    index = _index(plan, level0, available, config)
    rounded = config.round(index)
    nodes = [tree.node(code) for code in tree.indicators]
    targets = _targets(nodes, raw, row, na[row])
    rule = normalise.resolve(tree, config.normalise, config.scope)
    candidates = [int(column) for column in np.flatnonzero(~np.isnan(targets))]
    others = np.delete(rounded, row)
    outcome: dict[int, tuple[float, float, float]] = {}  # column -> new score, index, rank
    alone: list[tuple[int, np.ndarray]] = []  # scenarios that move no other unit
    cohort = set(rule.cohort.tolist())
    # Under a fixed rule a score depends on its own value only: all new scores in one call.
    fixed_scores = normalise.apply(rule, targets[None, :])[0]
    for column in candidates:
        if column not in cohort:
            scores = level0[:, column].copy()
            scores[row] = fixed_scores[column]
            alone.append((column, scores))
            continue
        changed = raw[:, column].copy()
        changed[row] = targets[column]
        scores = _column(rule, column, changed, na[:, column], config)
        before = np.delete(level0[:, column], row)
        if np.array_equal(np.delete(scores, row), before, equal_nan=True):
            alone.append((column, scores))
            continue
        # A cohort rule whose statistics moved: every unit's score changes in this column.
        matrix = level0.copy()
        matrix[:, column] = scores
        usable = available.copy()
        usable[:, column] = ~np.isnan(scores)
        totals = _index(plan, matrix, usable, config)
        rank = 1 + (np.delete(config.round(totals), row) > config.round(totals[row])).sum()
        outcome[column] = (scores[row], totals[row], rank)
    if alone:
        # Only this unit's row changes: score all these scenarios at once.
        rows = np.repeat(level0[row][None], len(alone), axis=0)
        usable = np.repeat(available[row][None], len(alone), axis=0)
        for k, (column, scores) in enumerate(alone):
            rows[k, column] = scores[row]
            usable[k, column] = not np.isnan(scores[row])
        scored = _index(plan, rows, usable, config)
        ranks = 1 + (others[None, :] > config.round(scored)[:, None]).sum(axis=1)
        for k, (column, _) in enumerate(alone):
            outcome[column] = (rows[k, column], scored[k], ranks[k])
    frame = pd.DataFrame(
        [
            {
                "indicator": tree.indicators[column],
                "type": nodes[column].type,
                "value": raw[row, column],
                "new_value": targets[column],
                "score": level0[row, column],
                "new_score": outcome[column][0],
                "gain": outcome[column][1] - index[row],
                "index": index[row],
                "new_index": outcome[column][1],
                "rank": 1 + int((others > rounded[row]).sum()),
                "new_rank": int(outcome[column][2]),
            }
            for column in candidates
        ],
        columns=[name for name in WHAT_IF_COLUMNS if name != "gain_display"],
    )
    frame.insert(7, "gain_display", frame["gain"] * config.display_scale / 100.0)
    frame = frame[config.round(frame["gain"].to_numpy(dtype=float)) > 0]
    frame = frame.sort_values("gain", ascending=False, kind="stable").reset_index(drop=True)
    return frame if top is None else frame.head(top)


def _column(
    rule: normalise.Rule, column: int, raw: np.ndarray, not_applicable: np.ndarray, config: Config
) -> np.ndarray:
    """One indicator's scores over the units after the missing policy (NaN: unavailable)."""
    scores = normalise.apply(rule, raw[:, None], columns=np.array([column]))[:, 0]
    if config.missing == "zero":
        scores = np.where(np.isnan(raw), 0.0, scores)
    return np.where(not_applicable, np.nan, scores)


def _targets(
    nodes: list[Node], raw: np.ndarray, row: int, not_applicable: np.ndarray
) -> np.ndarray:
    """The raised raw value of each of the unit's answers (NaN where there is no raise)."""
    out = np.full(len(nodes), np.nan)
    best_high = np.fmax.reduce(raw, axis=0)
    best_low = np.fmin.reduce(raw, axis=0)
    for column, node in enumerate(nodes):
        value = raw[row, column]
        if not_applicable[column]:
            continue
        bounds = node.bounds()
        if node.type == "level":
            assert bounds is not None
            start = bounds[0] if np.isnan(value) else np.floor(value)
            target = min(start + 1.0, bounds[1])
        elif node.type == "yesno":
            target = 1.0
        elif bounds is not None:
            target = bounds[1] if node.direction > 0 else bounds[0]
        else:
            target = best_high[column] if node.direction > 0 else best_low[column]
        if np.isnan(target):
            continue
        better = (
            target > value
            if node.type in ("level", "yesno") or node.direction > 0
            else target < value
        )
        if np.isnan(value) or better:
            out[column] = target
    return out


def _index(plan: Plan, scores: np.ndarray, available: np.ndarray, config: Config) -> np.ndarray:
    """The root score of each row of ``scores`` ``(R, I)`` (NaN where unavailable)."""
    levels = aggregate(
        plan,
        Availability(plan, available),
        pad_level0(plan, np.where(available, scores, 0.0))[None],
        plan.extended_weights()[None],
        geometric=config.aggregate == "geometric",
        offset=config.geometric_offset,
    )
    return levels[-1][0, 0, :]
