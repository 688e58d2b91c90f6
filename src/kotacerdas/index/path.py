"""The road to a target: the fewest single-step raises that lift a unit's index to it.

A *step* is what :func:`what_if` raises: a level by one (a missing level counts as the lowest
level), a yes/no to yes, a number or percent to its goalpost (without goalposts, the best value
any unit gave). :func:`path_to` takes steps greedily: at each step it rebuilds the unit's index
for every possible next step, takes the largest gain (equal gains: tree order), and stops once
the index reaches the target. Because every step is rebuilt, each gain and running index is
exact for any normalisation and aggregation.

A unit's index depends only on its own row of indicator scores, and a score only on the unit's
own value, except under a cohort rule (min-max, z-score), where it also depends on the other
units' values in that column. So a scenario re-scores one column (one value under a fixed rule,
the column under a cohort rule) and aggregates one row; the nation is never rebuilt.

**Fewest steps.** When the index is a sum of independent contributions and each indicator's
successive steps gain no more than the one before, the greedy path is a shortest one: after
``k`` steps it holds the ``k`` largest step gains there are (the largest remaining step is
always the next step of some indicator), so no other sequence of ``k`` steps gains more. That is
the case with arithmetic aggregation, a fixed (non-cohort) normalisation, whole-number levels,
and no step that changes which answers count (``missing="zero"``, or no missing answer under
``"exclude"``). Outside these conditions the path still ends at or above the target with exact
numbers but may not be the shortest: a level combined to 2.5 gains half a step first, then full
steps, and greedy may prefer another indicator's larger first step (``tests/index/test_path.py``
shows such a case).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import normalise
from .build import score_matrix
from .config import Band, Config
from .errors import InputError
from .tree import Tree
from .values import Values
from .whatif import _index

__all__ = ["PATH_COLUMNS", "Path", "next_band", "path_to", "paths_to", "reaches"]

PATH_COLUMNS: tuple[str, ...] = (
    "indicator",
    "type",
    "value",
    "new_value",
    "score",
    "new_score",
    "gain",
    "gain_display",
    "index",
    "index_display",
)


@dataclass(frozen=True)
class Path:
    """The steps that lift ``unit`` from ``start`` to ``target`` (both 0-100).

    ``steps`` has :data:`PATH_COLUMNS`, one row per step in order: the indicator, its raw value
    before and after, its score before and after, the step's exact gain (index points and on
    the display scale) and the index after the step (``index``, ``index_display``).
    ``best`` is the index with every possible raise applied (every level at its top, every
    yes/no yes, every number at its goalpost): the most raises can give. ``reachable`` says
    whether ``best`` reaches the target; when it does not, ``steps`` is empty.
    """

    unit: str
    target: float
    start: float
    best: float
    reachable: bool
    steps: pd.DataFrame

    @property
    def final(self) -> float:
        """The index after the last step (``start`` without steps)."""
        return float(self.steps["index"].iloc[-1]) if len(self.steps) else self.start


def reaches(config: Config, index: float, target: float) -> bool:
    """Whether ``index`` counts as at or above ``target`` (both 0-100), compared as
    :meth:`Config.predicates` compares a score with a band's minimum (rounded, on 0-5)."""
    if np.isnan(index):
        return False
    decimals = config.tie_decimals
    five = np.round(float(config.round(index)) / 20.0, decimals)
    return bool(five >= np.round(target / 20.0, decimals))


def next_band(config: Config, index: float) -> Band | None:
    """The band just above the one ``index`` (0-100) falls in; ``None`` at the top band or for
    a NaN index."""
    label = config.predicates(np.array([index]))[0]
    if label is None:
        return None
    position = [band.label for band in config.bands].index(label)
    return config.bands[position - 1] if position > 0 else None


def path_to(
    tree: Tree, values: Values | pd.DataFrame, config: Config | None, unit: str, target: float
) -> Path:
    """The greedy shortest path of single-step raises lifting ``unit``'s index to ``target``.

    Guarantees: ``path.final`` (each row's ``index``) equals the index :func:`build` gives with
    that row's raise and all earlier ones applied (for every assessor); the path stops at the
    first step whose index reaches the target (:func:`reaches`), so no step is taken once it is
    reached; it reaches the target exactly when ``reachable``. A step with no gain is taken
    only when no step gains anything and the target is still ahead (it can open later gains,
    as a missing answer under ``"exclude"`` does). Fewest steps: see the module docstring.
    """
    return paths_to(tree, values, config, {unit: target})[unit]


def paths_to(
    tree: Tree,
    values: Values | pd.DataFrame,
    config: Config | None,
    targets: Mapping[str, float],
) -> dict[str, Path]:
    """:func:`path_to` for several units at once (the inputs are prepared once):
    ``{unit: target}`` → ``{unit: Path}``."""
    config = config or Config()
    prepared = Values.coerce(values, tree)
    rows = {unit: position for position, unit in enumerate(prepared.units)}
    for unit in targets:
        if unit not in rows:
            raise InputError("path", None, f"unknown unit {unit!r}")
    raw = prepared.combined(config.combine)
    level0, available = score_matrix(tree, raw, prepared.not_applicable, config)
    context = _Context.of(tree, config, raw, prepared.not_applicable, level0, available)
    return {
        unit: _path(context, unit, rows[unit], float(target)) for unit, target in targets.items()
    }


@dataclass(frozen=True)
class _Context:
    """What every unit's path shares: the inputs, the rule, and each column's raise."""

    tree: Tree
    config: Config
    rule: normalise.Rule
    raw: np.ndarray
    not_applicable: np.ndarray
    level0: np.ndarray
    available: np.ndarray
    level: np.ndarray  # (I,) bool: a level indicator (raised one by one)
    low: np.ndarray  # (I,) a level's lowest level
    high: np.ndarray  # (I,) a level's top level
    goal: np.ndarray  # (I,) where one raise takes any other indicator (NaN: none)
    upward: np.ndarray  # (I,) bool: higher values are better
    types: tuple[str, ...]  # (I,) each indicator's type

    @classmethod
    def of(cls, tree, config, raw, not_applicable, level0, available) -> _Context:
        nodes = [tree.node(code) for code in tree.indicators]
        best_high, best_low = np.fmax.reduce(raw, axis=0), np.fmin.reduce(raw, axis=0)
        low, high, goal = (np.full(len(nodes), np.nan) for _ in range(3))
        for column, node in enumerate(nodes):
            bounds = node.bounds()
            if node.type == "level":
                low[column], high[column] = bounds  # type: ignore[misc]
            elif node.type == "yesno":
                goal[column] = 1.0
            elif bounds is not None:
                goal[column] = bounds[1] if node.direction > 0 else bounds[0]
            else:  # no goalposts: the best value any unit gave
                goal[column] = best_high[column] if node.direction > 0 else best_low[column]
        return cls(
            tree=tree,
            config=config,
            rule=normalise.resolve(tree, config.normalise, config.scope),
            raw=raw,
            not_applicable=not_applicable,
            level0=level0,
            available=available,
            level=np.array([node.type == "level" for node in nodes]),
            low=low,
            high=high,
            goal=goal,
            upward=np.array(
                [node.type in ("level", "yesno") or node.direction > 0 for node in nodes]
            ),
            types=tuple(node.type for node in nodes),
        )

    def raise_of(self, columns: np.ndarray, values: np.ndarray, *, top: bool = False) -> np.ndarray:
        """The value one step up from ``values`` in ``columns`` (with ``top``: the highest a
        raise reaches); NaN where there is no raise."""
        level = self.level[columns]
        with np.errstate(invalid="ignore"):
            start = np.where(np.isnan(values), self.low[columns], np.floor(values))
            step = self.high[columns] if top else np.minimum(start + 1.0, self.high[columns])
            target = np.where(level, step, self.goal[columns])
            better = np.where(self.upward[columns], target > values, target < values)
        return np.where((better | np.isnan(values)) & ~np.isnan(target), target, np.nan)

    def rescore(
        self, row: int, columns: np.ndarray, values: np.ndarray, work: np.ndarray
    ) -> np.ndarray:
        """The unit's score in each of ``columns`` with its value there raised to ``values``
        (a cohort column scored against the other units' values in ``work``)."""
        out = np.empty(len(columns))
        cohort = self.rule.kind[columns] != normalise.FIXED
        fixed = ~cohort
        if fixed.any():
            out[fixed] = normalise.apply(self.rule, values[fixed][None, :], columns=columns[fixed])[
                0
            ]
        if cohort.any():
            # Each cohort column's statistics over the units with this unit's value raised
            # (the unit's own value is present and applicable, so no missing policy applies).
            changed = work[:, columns[cohort]].copy()
            changed[row] = values[cohort]
            out[cohort] = normalise.apply(self.rule, changed, columns=columns[cohort])[row]
        return out


def _path(context: _Context, unit: str, row: int, target: float) -> Path:
    """One unit's path (see :func:`path_to`)."""
    config, plan = context.config, context.tree.plan
    columns = np.flatnonzero(~context.not_applicable[row])
    value = context.raw[row].copy()
    scores = context.level0[row].copy()
    usable = context.available[row].copy()
    cohort = context.rule.kind != normalise.FIXED
    work = context.raw.copy() if cohort.any() else context.raw  # cohort columns, as raised

    def index_of(rows: np.ndarray, rows_usable: np.ndarray) -> np.ndarray:
        return _index(plan, rows, rows_usable, config)

    def raised(top: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The columns with a raise, their raised values and the scores those give."""
        new = context.raise_of(columns, value[columns], top=top)
        keep = ~np.isnan(new)
        return columns[keep], new[keep], context.rescore(row, columns[keep], new[keep], work)

    start = float(index_of(scores[None], usable[None])[0])
    # The most raises can give: every column at its top (columns score independently).
    top_columns, _, top_new = raised(top=True)
    top_scores, top_usable = scores.copy(), usable.copy()
    top_scores[top_columns], top_usable[top_columns] = top_new, True
    best = float(index_of(top_scores[None], top_usable[None])[0])
    reachable = reaches(config, best, target)
    steps: list[dict] = []
    index = start
    if reachable:
        # The next raise of every column: its value and score (NaN: none left).
        next_value, next_score = np.full(len(value), np.nan), np.full(len(value), np.nan)
        found, found_value, found_score = raised(top=False)
        next_value[found], next_score[found] = found_value, found_score
        # Arithmetic aggregation is linear in the scores while the same answers count: the
        # index is then sum(W * scores), W each indicator's effective weight in the root, and
        # a step's gain W * (new score - score). W is rebuilt when a missing answer starts to
        # count (under "exclude"); other aggregations rebuild every candidate at every step.
        linear = config.aggregate == "arithmetic"
        weights: np.ndarray | None = None
        while not reaches(config, index, target):
            order = np.flatnonzero(~np.isnan(next_value))
            if not order.size:
                break
            rebuild = np.arange(order.size)
            if linear:
                if weights is None:
                    size = len(scores)
                    weights = index_of(np.eye(size), np.repeat(usable[None], size, axis=0))
                current = np.where(usable[order], scores[order], 0.0)
                gains = weights[order] * (next_score[order] - current)
                # A missing answer that starts to count changes the weights: rebuilt exactly.
                rebuild = np.flatnonzero(~usable[order])
            else:
                gains = np.zeros(order.size)
            # The index each rebuilt candidate gives (NaN: not rebuilt, its gain is W's).
            rebuilt = np.full(order.size, np.nan)
            if rebuild.size:
                trial = np.repeat(scores[None], rebuild.size, axis=0)
                trial_usable = np.repeat(usable[None], rebuild.size, axis=0)
                trial[np.arange(rebuild.size), order[rebuild]] = next_score[order[rebuild]]
                trial_usable[np.arange(rebuild.size), order[rebuild]] = True
                rebuilt[rebuild] = index_of(trial, trial_usable)
                gains[rebuild] = rebuilt[rebuild] - index
            pick = int(np.argmax(config.round(gains)))
            column = int(order[pick])
            new, new_score = float(next_value[column]), float(next_score[column])
            opens = not usable[column]
            before = value[column], scores[column]
            value[column], scores[column], usable[column] = new, new_score, True
            if cohort[column]:
                work[row, column] = new
            one = np.array([column])
            following = context.raise_of(one, np.array([new]))
            next_value[column] = following[0]
            if not np.isnan(following[0]):
                next_score[column] = context.rescore(row, one, following, work)[0]
            if opens:
                weights = None  # a missing answer starts to count: the weights change
            if not np.isnan(rebuilt[pick]):
                # The candidate's trial row is the new state itself: its index, not rebuilt.
                after = float(rebuilt[pick])
            elif linear and weights is not None:
                after = float(weights[usable] @ scores[usable])
            else:
                after = float(index_of(scores[None], usable[None])[0])
            steps.append(
                {
                    "indicator": context.tree.indicators[column],
                    "type": context.types[column],
                    "value": before[0],
                    "new_value": new,
                    "score": before[1],
                    "new_score": new_score,
                    "gain": after - index,
                    "index": after,
                }
            )
            index = after
    frame = pd.DataFrame(
        steps, columns=[name for name in PATH_COLUMNS if not name.endswith("_display")]
    )
    scale = config.display_scale / 100.0
    frame.insert(7, "gain_display", frame["gain"].astype(float) * scale)
    frame["index_display"] = frame["index"].astype(float) * scale
    return Path(unit=unit, target=target, start=start, best=best, reachable=reachable, steps=frame)
