"""The aggregation engine: weighted means level by level, on arrays, for many samples at once.

The tree is compiled into levels. Level 0 holds every indicator (depth-first order); level ``s``
holds the nodes at depth ``D - s`` plus a pass-through copy of each shallower indicator, so
that every level is computed from the one below only. A pass-through has a single child, and
the weighted mean of one value is the value, so padding a ragged tree this way changes no
score. Each step is a padded gather of the children (``P`` parents x ``K`` slots, unused slots
pointing at an always-zero column with weight 0) followed by one ``einsum`` over the slots.

Scores are ``(B, P, U)`` arrays: ``B`` samples (1 for a plain build) x ``P`` nodes of the
level x ``U`` units, units last so that every step multiplies contiguous rows of units. A unit's unavailable children (not applicable, or missing under the
"exclude" policy) hold 0 and their weight is taken out of the denominator, which renormalises
the weights of the siblings that remain; a node none of whose children is available is
unavailable itself (NaN).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .tree import Tree

__all__ = [
    "Availability",
    "Plan",
    "Step",
    "aggregate",
    "aggregate_sums",
    "pad_level0",
    "weighted_sums",
]


@dataclass(frozen=True)
class Step:
    """One aggregation step from level ``s`` (``prev_size`` entries) to level ``s + 1``.

    ``child[p, k]`` is the position in level ``s`` of parent ``p``'s ``k``-th child, or
    ``prev_size`` for an unused slot; ``weight_index[p, k]`` points into the extended weight
    vector (node weights, then 1 for a pass-through, then 0 for an unused slot).
    """

    child: np.ndarray
    weight_index: np.ndarray
    prev_size: int

    @property
    def size(self) -> int:
        return int(self.child.shape[0])

    @property
    def slots(self) -> int:
        return int(self.child.shape[1])


class Plan:
    """A tree compiled for the engine (built once per tree, see :attr:`Tree.plan`)."""

    def __init__(self, tree: Tree) -> None:
        codes = [node.code for node in tree.nodes]
        index = {code: position for position, code in enumerate(codes)}
        self.codes: tuple[str, ...] = tuple(codes)
        self.indicators: tuple[str, ...] = tree.indicators
        self.n_nodes = len(codes)
        self.carry = self.n_nodes  # extended weight index of a pass-through (weight 1)
        self.pad = self.n_nodes + 1  # extended weight index of an unused slot (weight 0)
        self.weights = np.array([*(node.weight for node in tree.nodes), 1.0, 0.0])
        depth = max(tree.depth(code) for code in tree.indicators)
        order = tree.order
        levels: list[list[str]] = []
        for level_depth in range(depth, -1, -1):
            levels.append(
                [
                    code
                    for code in order
                    if tree.depth(code) == level_depth
                    or (tree.node(code).is_indicator and tree.depth(code) < level_depth)
                ]
            )
        self.levels: tuple[tuple[str, ...], ...] = tuple(tuple(level) for level in levels)
        steps: list[Step] = []
        for below, above in pairwise(self.levels):
            where = {code: position for position, code in enumerate(below)}
            children = [
                (code,) if tree.node(code).is_indicator else tree.children(code) for code in above
            ]
            slots = max(len(kids) for kids in children)
            child = np.full((len(above), slots), len(below), dtype=np.intp)
            weight_index = np.full((len(above), slots), self.pad, dtype=np.intp)
            for p, (code, kids) in enumerate(zip(above, children, strict=True)):
                child[p, : len(kids)] = [where[kid] for kid in kids]
                if tree.node(code).is_indicator:
                    weight_index[p, 0] = self.carry
                else:
                    weight_index[p, : len(kids)] = [index[kid] for kid in kids]
            steps.append(Step(child=child, weight_index=weight_index, prev_size=len(below)))
        self.steps: tuple[Step, ...] = tuple(steps)
        # Where each node's score lives: indicators on level 0, aggregates on their own level.
        self.location: dict[str, tuple[int, int]] = {}
        for code in codes:
            level = 0 if tree.node(code).is_indicator else depth - tree.depth(code)
            self.location[code] = (level, self.levels[level].index(code))

    @classmethod
    def from_tree(cls, tree: Tree) -> Plan:
        return cls(tree)

    def extended_weights(self, weights: np.ndarray | None = None) -> np.ndarray:
        """Node weights (tree order) extended with the pass-through 1 and the unused-slot 0."""
        if weights is None:
            return self.weights.copy()
        weights = np.asarray(weights, dtype=float)
        tail = np.broadcast_to(np.array([1.0, 0.0]), (*weights.shape[:-1], 2))
        return np.concatenate([weights, tail], axis=-1)


@dataclass(frozen=True)
class Fix:
    """Cells (unit, parent) of one step whose available children are not all of them."""

    unit: np.ndarray
    parent: np.ndarray
    mask: np.ndarray  # (n, K) 1.0 where the child slot is available


class Availability:
    """Which unit has which node available, and the cells whose weights renormalise.

    ``levels[s]`` is a ``(P_s, U)`` boolean array; a node is available when at least one child
    is. ``fixes[s]`` lists the cells of step ``s`` with some unavailable child.
    """

    def __init__(self, plan: Plan, indicators: np.ndarray) -> None:
        """``indicators`` is ``(U, I)``: which unit has which indicator available."""
        current = np.asarray(indicators, dtype=bool).T
        levels = [current]
        fixes = []
        for step in plan.steps:
            gathered = _children(current, step)  # (P, K, U)
            used = (step.child < step.prev_size)[:, :, None]
            current = gathered.any(axis=1)
            incomplete = current & ~np.all(gathered | ~used, axis=1)
            parent, unit = np.nonzero(incomplete)
            fixes.append(
                Fix(unit=unit, parent=parent, mask=gathered[parent, :, unit].astype(float))
            )
            levels.append(current)
        self.levels: tuple[np.ndarray, ...] = tuple(levels)
        self.unavailable = tuple(np.nonzero(~level) for level in levels)
        self.fixes: tuple[Fix, ...] = tuple(fixes)


def pad_level0(plan: Plan, values: np.ndarray) -> np.ndarray:
    """Arrange ``(..., U, I)`` indicator values as the first step's ``(..., P, K, U)`` slots."""
    moved = np.moveaxis(np.asarray(values), -1, -2)  # (..., I, U)
    return np.ascontiguousarray(_children(moved, plan.steps[0]))


def aggregate(
    plan: Plan,
    availability: Availability,
    level0: np.ndarray,
    weights: np.ndarray,
    *,
    geometric: bool = False,
    offset: float = 1.0,
) -> list[np.ndarray]:
    """Scores of every level above the indicators, for ``B`` weight vectors at once.

    ``level0`` is ``(B, P1, K1, U)`` (see :func:`pad_level0`) holding the indicator scores,
    with 0 in unavailable and unused slots.
    ``weights`` is ``(B, n_nodes + 2)`` (see :meth:`Plan.extended_weights`). Returns one
    ``(B, P_s, U)`` array per level ``s = 1..D``; unavailable cells are NaN.

    Arithmetic: ``sum(w x) / sum(w)`` over the available children. Geometric:
    ``exp(sum(w log(x + c)) / sum(w)) - c`` with ``c = offset`` (see docs/methodology.md).
    """
    values = level0
    if geometric:
        values = _log(values, offset, keep=_children(availability.levels[0], plan.steps[0]))
    sums = weighted_sums(values, weights[:, plan.steps[0].weight_index])
    return aggregate_sums(plan, availability, sums, weights, geometric=geometric, offset=offset)


def weighted_sums(values: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``sum_k w[b, p, k] values[b, p, k, u]``: ``(B, P, U)`` from ``(B, P, K, U)`` (or
    ``(P, K, U)``, the same for every sample) and ``(B, P, K)``."""
    if values.ndim == 3:
        return np.einsum("pku,bpk->bpu", values, w)
    return np.einsum("bpku,bpk->bpu", values, w)


def aggregate_sums(
    plan: Plan,
    availability: Availability,
    sums: np.ndarray,
    weights: np.ndarray,
    *,
    geometric: bool = False,
    offset: float = 1.0,
) -> list[np.ndarray]:
    """:func:`aggregate` from the first step's weighted sums ``(B, P1, U)`` (of the scores, or
    of their logs when ``geometric``), for callers that compute them in pieces."""
    out: list[np.ndarray] = []
    for s, step in enumerate(plan.steps):
        w = weights[:, step.weight_index]  # (B, P, K)
        if s > 0:
            available = availability.levels[s]
            source = _log(out[-1], offset, keep=available) if geometric else out[-1]
            sums = weighted_sums(_children(np.where(available, source, 0.0), step), w)
        score = sums / w.sum(axis=2)[:, :, None]
        fix = availability.fixes[s]
        if fix.unit.size:
            den = np.einsum("nk,bnk->bn", fix.mask, w[:, fix.parent, :])
            score[:, fix.parent, fix.unit] = sums[:, fix.parent, fix.unit] / den
        if geometric:
            score = np.exp(score) - offset
        np.clip(score, 0.0, 100.0, out=score)  # a mean of values in [0, 100], up to rounding
        parent, unit = availability.unavailable[s + 1]
        if unit.size:
            score[:, parent, unit] = np.nan
        out.append(score)
    return out


def _children(level: np.ndarray, step: Step) -> np.ndarray:
    """``(..., P, K, U)``: each parent's children from a ``(..., prev_size, U)`` level, unused
    slots 0 (False)."""
    pad = np.zeros((*level.shape[:-2], 1, level.shape[-1]), dtype=level.dtype)
    return np.concatenate([level, pad], axis=-2)[..., step.child, :]


def _log(values: np.ndarray, offset: float, keep: np.ndarray) -> np.ndarray:
    """``log(values + offset)`` where ``keep``, 0 elsewhere (a zero score with offset 0 is -inf)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        logged = np.log(values + offset)
    return np.where(keep, logged, 0.0)
