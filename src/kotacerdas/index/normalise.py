"""Normalisation: every indicator to 0-100, higher is better.

Each indicator column gets one rule, resolved from its type, the method and the scope:

- *fixed* ``(low, high)``: ``clip((x - low) / (high - low), 0, 1) x 100``. The rubric's natural
  scales are fixed rules: a level ``x / max x 100`` (low 0), yes/no ``x x 100``, a percent as it
  is (0..100); goalposts are fixed rules with the indicator's ``min``/``max``.
- *minmax*: ``(x - min_u x) / (max_u x - min_u x) x 100`` over the units that have a value;
  50 when all values are equal.
- *zscore*: ``clip(50 + 10 (x - mean) / sd, 0, 100)`` with the sample standard deviation
  (``ddof = 1``, as R's ``sd``); 50 when ``sd`` is 0 or undefined.

Direction -1 then maps ``s`` to ``100 - s``. NaN (no value) stays NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import InputError
from .tree import Tree

__all__ = ["FIXED", "MINMAX", "ZSCORE", "Rule", "apply", "resolve"]

FIXED, MINMAX, ZSCORE = 0, 1, 2


@dataclass(frozen=True, eq=False)
class Rule:
    """The normalisation of each indicator column (depth-first order)."""

    kind: np.ndarray  # (I,) FIXED | MINMAX | ZSCORE
    low: np.ndarray  # (I,) for FIXED
    high: np.ndarray  # (I,) for FIXED
    direction: np.ndarray  # (I,) +1.0 or -1.0

    @property
    def signature(self) -> tuple[tuple[int, float, float], ...]:
        """Hashable form: two rules with the same signature normalise identically."""
        return tuple(
            (int(k), float(lo), float(hi))
            for k, lo, hi in zip(
                self.kind, np.nan_to_num(self.low), np.nan_to_num(self.high), strict=True
            )
        )

    @property
    def cohort(self) -> np.ndarray:
        """Columns whose scores depend on the other units' values."""
        return np.flatnonzero(self.kind != FIXED)


def resolve(tree: Tree, method: str, scope: str) -> Rule:
    """The rule of every indicator for ``method`` (rubric|minmax|goalposts|zscore) and ``scope``.

    Raises :class:`InputError` when ``goalposts`` is asked for a number without goalposts.
    """
    kind, low, high, direction = [], [], [], []
    for code in tree.indicators:
        node = tree.node(code)
        bounds = node.bounds()
        applies = node.type == "number" or scope == "all"
        use = method if applies else "rubric"
        if use == "rubric":
            if node.type == "level":
                rule = (FIXED, 0.0, bounds[1])  # type: ignore[index]
            elif node.type == "yesno":
                rule = (FIXED, 0.0, 1.0)
            elif node.type == "percent":
                rule = (FIXED, 0.0, 100.0)
            elif bounds is not None:
                rule = (FIXED, bounds[0], bounds[1])
            else:
                rule = (MINMAX, np.nan, np.nan)
        elif use == "goalposts":
            if bounds is None:
                raise InputError(
                    tree.source,
                    None,
                    f"indicator {code!r} has no goalposts (min and max), "
                    "which the goalposts normalisation needs",
                )
            rule = (FIXED, bounds[0], bounds[1])
        elif use == "minmax":
            rule = (MINMAX, np.nan, np.nan)
        elif use == "zscore":
            rule = (ZSCORE, np.nan, np.nan)
        else:
            raise InputError("config", None, f"unknown normalisation {method!r}")
        kind.append(rule[0])
        low.append(rule[1])
        high.append(rule[2])
        direction.append(float(node.direction))
    return Rule(
        kind=np.array(kind, dtype=np.int8),
        low=np.array(low, dtype=float),
        high=np.array(high, dtype=float),
        direction=np.array(direction),
    )


def apply(rule: Rule, raw: np.ndarray, columns: np.ndarray | None = None) -> np.ndarray:
    """Normalised scores of ``raw`` ``(..., U, I)`` (or of the given ``columns`` of the rule,
    ``raw`` then holding just those columns).

    Cohort statistics are taken over the unit axis (-2) separately for every leading index,
    ignoring NaN. Guarantees: the result is in [0, 100], and NaN exactly where ``raw`` is NaN.
    """
    if columns is None:
        columns = np.arange(len(rule.kind))
    kind = rule.kind[columns]
    flip = rule.direction[columns] < 0
    sign = np.where(flip, -1.0, 1.0)
    # Every rule is s = (x - a) * k + c, clipped to [0, 100]: per column, or per column and
    # leading index for the cohort rules. Direction -1 anchors at the other end, k negative.
    shape = (*raw.shape[:-2], 1, raw.shape[-1])
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        a = np.broadcast_to(np.where(flip, rule.high[columns], rule.low[columns]), shape).copy()
        k = np.broadcast_to(sign * 100.0 / (rule.high[columns] - rule.low[columns]), shape).copy()
        c = np.zeros(shape)
        minmax = np.flatnonzero(kind == MINMAX)
        if minmax.size:
            x = _columns(raw, minmax)
            low = np.fmin.reduce(x, axis=-2, keepdims=True)
            high = np.fmax.reduce(x, axis=-2, keepdims=True)
            spread = high - low
            scale = 100.0 / spread
            # All equal (or no value), or a spread so small (subnormal) that 100 / spread
            # overflows: everyone scores 50 (the scale would turn 0 * inf into NaN).
            flat = ~(spread > 0) | ~np.isfinite(scale)
            a[..., minmax] = np.where(flip[minmax], high, low)
            k[..., minmax] = np.where(flat, 0.0, sign[minmax] * scale)
            c[..., minmax] = np.where(flat, 50.0, 0.0)
        zscore = np.flatnonzero(kind == ZSCORE)
        if zscore.size:
            x = _columns(raw, zscore)
            present = ~np.isnan(x)
            n = present.sum(axis=-2, keepdims=True)
            mean = np.where(present, x, 0.0).sum(axis=-2, keepdims=True) / np.maximum(n, 1)
            deviation = np.where(present, x - mean, 0.0)
            sd = np.sqrt((deviation**2).sum(axis=-2, keepdims=True) / np.maximum(n - 1, 1))
            scale = 10.0 / sd
            usable = (n > 1) & (sd > 0) & np.isfinite(scale)
            a[..., zscore] = mean
            k[..., zscore] = np.where(usable, sign[zscore] * scale, 0.0)
            c[..., zscore] = 50.0
        out = raw - a
        out *= k
        out += c
    np.clip(out, 0.0, 100.0, out=out)
    return out


def _columns(raw: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``raw[..., index]``, without a copy when ``index`` is every column in order."""
    if index.size == raw.shape[-1]:
        return raw
    return raw[..., index]
