"""Assessor agreement: Krippendorff's alpha, assessor severity and the pairs to moderate.

Alpha follows Krippendorff (2011), "Computing Krippendorff's alpha-reliability": for every
unit with ``m >= 2`` values, each ordered pair of its values adds ``1 / (m - 1)`` to the
coincidence matrix ``o``; ``n_v`` are its margins, ``n`` their sum, the expected coincidences
``e_vw = n_v (n_w - [v = w]) / (n - 1)``, and ``alpha = 1 - sum(o d) / sum(e d)`` for the
distance ``d`` of the level of measurement (nominal: ``[v != w]``; ordinal:
``(sum_{g=v..w} n_g - (n_v + n_w) / 2)^2``; interval: ``(v - w)^2``). Units with fewer than two
values do not count. Alpha is NaN when no unit has two values or when all pairable values are
equal (0/0), where the ``krippendorff`` package raises or returns NaN.

Nothing here builds a ``V x V`` matrix, so the number of distinct values does not matter. For
the interval distance the sums reduce to variances:
``alpha = 1 - (n - 1) sum_u m_u s_u / (m_u - 1) / (n S)`` with ``s_u`` the sum of squared
deviations within unit ``u`` and ``S`` that of all pairable values. The ordinal distance is the
interval distance between mid-ranks ``M_v = sum_{g<v} n_g + n_v / 2`` (since
``sum_{g=v..w} n_g - (n_v + n_w) / 2 = M_w - M_v``), so ordinal alpha is interval alpha on
mid-ranks. Nominal: ``sum(o d) = sum_u (m_u (m_u - 1) - equal ordered pairs_u) / (m_u - 1)``
and ``sum(e d) = (n^2 - sum_v n_v^2) / (n - 1)``.

Per indicator, the units are the regions and the coders the assessors. Per aggregate node of a
tree (the root gives the overall figure), the units are the (region, indicator) answers of the
indicators below it, on the comparable 0-100 scale (see :func:`comparable`), with the
interval distance if any of them is interval, else ordinal (else nominal).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import InputError
from .tree import Node, Tree
from .values import Values

__all__ = [
    "LEVELS",
    "AgreementResult",
    "agreement",
    "comparable",
    "deviations",
    "krippendorff_alpha",
    "severity_over_time",
]

LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval")
_BY_TYPE = {"level": "ordinal", "yesno": "nominal", "number": "interval", "percent": "interval"}


@dataclass(frozen=True, eq=False)
class AgreementResult:
    """Agreement of the assessors of one cycle.

    ``by_indicator`` and ``by_node`` (indexed by code): ``alpha``, ``level`` (of measurement),
    ``units`` (answers with two or more values) and ``values`` (values in those answers).
    ``overall`` is the alpha of the root (or of all indicators pooled without a tree).
    ``severity`` (indexed by assessor): ``severity``, the mean signed deviation of the
    assessor's values from the mean of all values of the same answer on the 0-100 scale
    (negative: stricter than the others), and ``answers`` counted. ``disagreements`` lists the
    answers whose values differ by ``level_gap`` levels or more (ordinal), by more than
    ``number_gap`` points on the 0-100 scale (interval) or at all (nominal), one row per value:
    ``unit, indicator, level, gap, assessor, value`` (``gap`` in levels, or points for interval).
    """

    by_indicator: pd.DataFrame
    by_node: pd.DataFrame
    overall: float
    severity: pd.DataFrame
    disagreements: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The alpha.csv layout: ``scope, code, alpha, level, units, values``."""
        parts = [self.by_indicator.assign(scope="indicator"), self.by_node.assign(scope="node")]
        frame = pd.concat([part.reset_index(names="code") for part in parts], ignore_index=True)
        if self.by_node.empty:  # without a tree: all answers pooled
            strength = {kind: rank for rank, kind in enumerate(LEVELS)}
            kinds = self.by_indicator["level"]
            overall = {
                "scope": "overall",
                "code": "",
                "alpha": self.overall,
                "level": LEVELS[max((strength[kind] for kind in kinds), default=0)],
                "units": int(self.by_indicator["units"].sum()),
                "values": int(self.by_indicator["values"].sum()),
            }
            frame = pd.concat([frame, pd.DataFrame([overall])], ignore_index=True)
        return frame[["scope", "code", "alpha", "level", "units", "values"]]


def agreement(
    values: Values | pd.DataFrame,
    level_of_measurement: str | Mapping[str, str] | None = None,
    tree: Tree | None = None,
    *,
    level_gap: float = 2,
    number_gap: float = 20.0,
) -> AgreementResult:
    """Krippendorff's alpha per indicator, per aggregate node and overall; severity; pairs.

    ``level_of_measurement`` (nominal, ordinal, interval) is one for every indicator (a string)
    or given per indicator code (a mapping; the others by default). By default it follows the
    tree's types (level: ordinal, yes/no: nominal, number and percent: interval), or ordinal for
    all without a tree. Without a tree, the values are checked as plain numbers.

    Guarantees: per-indicator alphas equal the ``krippendorff`` package's to rounding (a test
    holds them to 1e-9); the result does not depend on the order of rows or of assessors.
    """
    frame_tree = tree if tree is not None else _flat_tree(values)
    prepared = Values.coerce(values, frame_tree)
    codes = prepared.indicators
    level = _levels(level_of_measurement, frame_tree, codes, has_tree=tree is not None)
    scaled = comparable(frame_tree, prepared)
    alpha = np.full(len(codes), np.nan)
    units = np.zeros(len(codes), dtype=int)
    counts = np.zeros(len(codes), dtype=int)
    for kind in LEVELS:
        columns = np.flatnonzero(level == kind)
        if columns.size:
            alpha[columns], units[columns], counts[columns] = _alpha_columns(
                prepared.raw[:, columns, :], kind
            )
    by_indicator = pd.DataFrame(
        {"alpha": alpha, "level": level, "units": units, "values": counts},
        index=pd.Index(codes, name="code"),
    )
    by_node, overall = _pooled(frame_tree, tree is not None, level, scaled)
    return AgreementResult(
        by_indicator=by_indicator,
        by_node=by_node,
        overall=overall,
        severity=_severity(prepared, scaled),
        disagreements=_disagreements(prepared, level, scaled, level_gap, number_gap),
    )


def krippendorff_alpha(reliability: np.ndarray, level: str = "interval") -> float:
    """Alpha of one ``(coders, units)`` reliability matrix (NaN = no value), the package's layout."""
    if level not in LEVELS:
        raise ValueError(f"unknown level of measurement {level!r}")
    data = np.asarray(reliability, dtype=float).T[:, None, :]  # (units, 1, coders)
    return float(_alpha_columns(data, level)[0][0])


def deviations(values: Values | pd.DataFrame, tree: Tree | None = None) -> pd.DataFrame:
    """Every value of an answer with two or more values, with its signed deviation from the mean
    of that answer's values on the comparable 0-100 scale (see :func:`comparable`).

    Columns ``unit, indicator, assessor, deviation``, one row per value, sorted by unit,
    indicator and assessor. Guarantees: the mean deviation of an assessor's rows is their
    ``severity`` in :func:`agreement` (same tree), and the deviations of one answer sum to 0.
    """
    frame_tree = tree if tree is not None else _flat_tree(values)
    prepared = Values.coerce(values, frame_tree)
    scaled = comparable(frame_tree, prepared)
    present = ~np.isnan(scaled)
    m = present.sum(axis=2)
    mean = np.where(present, scaled, 0.0).sum(axis=2) / np.maximum(m, 1)
    usable = present & (m >= 2)[..., None]
    unit, column, slot = np.nonzero(usable)
    names = np.array([*prepared.assessors, ""], dtype=object)  # index -1: no assessor column
    frame = pd.DataFrame(
        {
            "unit": np.array(prepared.units, dtype=object)[unit],
            "indicator": np.array(prepared.indicators, dtype=object)[column],
            "assessor": names[prepared.assessor[unit, column, slot]],
            "deviation": (scaled - mean[..., None])[unit, column, slot],
        }
    )
    return frame.sort_values(["unit", "indicator", "assessor"], ignore_index=True)


def severity_over_time(rows: pd.DataFrame, parts: int = 2) -> pd.DataFrame:
    """Each assessor's severity in ``parts`` consecutive periods of their own scoring.

    ``rows``: one row per value with ``assessor``, ``time`` (anything that sorts: timestamps,
    numbers) and ``deviation`` (as :func:`deviations` gives). An assessor's rows are ordered by
    time (ties keep the order of ``rows``) and cut into ``parts`` runs of equal size (the first
    runs one longer when the count does not divide); each run gives ``severity`` (the mean
    deviation), ``answers``, ``start`` and ``end`` (its first and last time). Returns one row per
    (assessor, part), parts numbered from 1, assessors sorted; an assessor with fewer values
    than ``parts`` has empty runs left out.
    """
    if parts < 1:
        raise ValueError("parts must be at least 1")
    missing = {"assessor", "time", "deviation"} - set(rows.columns)
    if missing:
        raise InputError("rows", None, f"missing column(s) {', '.join(sorted(missing))}")
    out = []
    ordered = rows.reset_index(drop=True)
    ordered = ordered.assign(_order=np.arange(len(ordered)))
    for assessor, group in ordered.groupby("assessor", sort=True):
        group = group.sort_values(["time", "_order"], kind="stable")
        for part, run in enumerate(np.array_split(np.arange(len(group)), parts), start=1):
            if not run.size:
                continue
            chunk = group.iloc[run]
            out.append(
                {
                    "assessor": assessor,
                    "part": part,
                    "severity": float(chunk["deviation"].mean()),
                    "answers": int(run.size),
                    "start": chunk["time"].iloc[0],
                    "end": chunk["time"].iloc[-1],
                }
            )
    columns = ["assessor", "part", "severity", "answers", "start", "end"]
    return pd.DataFrame(out, columns=columns)


def comparable(tree: Tree, prepared: Values) -> np.ndarray:
    """``(U, I, A)`` values on a common 0-100 scale, linear in the raw values (no clipping).

    level: ``100 x / max``; yes/no: ``100 x``; percent: as is; number: by its goalposts, else by
    the smallest and largest value given for it. Direction -1 maps ``s`` to ``100 - s``.
    """
    raw = prepared.raw
    low = np.empty(len(prepared.indicators))
    high = np.empty(len(prepared.indicators))
    flip = np.zeros(len(prepared.indicators), dtype=bool)
    with np.errstate(invalid="ignore"):
        observed_low = np.fmin.reduce(raw, axis=(0, 2))
        observed_high = np.fmax.reduce(raw, axis=(0, 2))
    for k, code in enumerate(prepared.indicators):
        node = tree.node(code)
        bounds = node.bounds()
        if node.type == "level":
            low[k], high[k] = 0.0, bounds[1]  # type: ignore[index]
        elif node.type == "percent":
            low[k], high[k] = 0.0, 100.0
        elif bounds is not None:
            low[k], high[k] = bounds
        else:
            low[k], high[k] = observed_low[k], observed_high[k]
        flip[k] = node.direction < 0
    spread = np.where(high > low, high - low, 1.0)
    scaled = (raw - low[None, :, None]) / spread[None, :, None] * 100.0
    scaled[:, flip, :] = 100.0 - scaled[:, flip, :]
    return scaled


def _flat_tree(values: Values | pd.DataFrame) -> Tree:
    """A root over every indicator found in the values, typed as plain numbers."""
    if isinstance(values, Values):
        codes = list(values.indicators)
    else:
        if "indicator" not in values.columns:
            raise InputError("values", None, "missing column(s) indicator")
        found = pd.unique(values["indicator"].astype(str).str.strip())
        codes = sorted(code for code in found if code)
    root = "__all__"
    while root in codes:
        root = f"_{root}_"
    nodes = [Node(root), *(Node(code, root, type="number") for code in codes)]
    return Tree(nodes, source="values")


def _levels(
    levels: str | Mapping[str, str] | None, tree: Tree, codes: tuple[str, ...], *, has_tree: bool
) -> np.ndarray:
    default = [
        _BY_TYPE[tree.node(code).type] if has_tree else "ordinal"  # type: ignore[index]
        for code in codes
    ]
    if isinstance(levels, str):
        chosen = [levels] * len(codes)
    elif levels is None:
        chosen = default
    else:
        unknown = sorted(set(levels) - set(codes))
        if unknown:
            raise InputError(
                "level_of_measurement", None, f"unknown indicator(s) {', '.join(unknown)}"
            )
        chosen = [levels.get(code, fallback) for code, fallback in zip(codes, default, strict=True)]
    for kind in chosen:
        if kind not in LEVELS:
            raise InputError(
                "levels",
                None,
                f"level of measurement must be one of {', '.join(LEVELS)}, found {kind!r}",
            )
    return np.array(chosen, dtype=object)


def _alpha_columns(data: np.ndarray, kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Alpha, pairable units and pairable values of every column of ``(U, C, A)`` data."""
    present = ~np.isnan(data)
    m = present.sum(axis=2)
    pairable = m >= 2
    use = present & pairable[..., None]
    n = use.sum(axis=(0, 2))
    units = pairable.sum(axis=0)
    columns = data.shape[1]
    if kind == "interval":
        x = data
    else:
        column = np.broadcast_to(np.arange(columns)[None, :, None], data.shape)[use]
        _, value = np.unique(data[use], return_inverse=True)
        key = column * (int(value.max(initial=0)) + 1) + value
        _, which, count = np.unique(key, return_inverse=True, return_counts=True)
        if kind == "nominal":
            alpha = _nominal(data, use, m, pairable, n, column, which, count, columns)
            return alpha, units, n
        # Mid-ranks; the running count crosses columns, which only shifts each column's ranks.
        midrank = np.cumsum(count) - count / 2.0
        x = np.full(data.shape, np.nan)
        x[use] = midrank[which]
    return _interval(x, use, m, pairable, n), units, n


def _interval(
    x: np.ndarray, use: np.ndarray, m: np.ndarray, pairable: np.ndarray, n: np.ndarray
) -> np.ndarray:
    """``1 - (n - 1) sum_u m_u s_u / (m_u - 1) / (n S)`` per column (NaN when undefined)."""
    filled = np.where(use, x, 0.0)
    unit_mean = filled.sum(axis=2) / np.maximum(m, 1)
    within = np.where(use, (x - unit_mean[..., None]) ** 2, 0.0).sum(axis=2)
    within = np.where(pairable, m * within / np.maximum(m - 1, 1), 0.0).sum(axis=0)
    mean = filled.sum(axis=(0, 2)) / np.maximum(n, 1)
    total = np.where(use, (x - mean[None, :, None]) ** 2, 0.0).sum(axis=(0, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = 1.0 - (n - 1) * within / (n * total)
    return np.where((n >= 2) & (total > 0), alpha, np.nan)


def _nominal(
    data: np.ndarray,
    use: np.ndarray,
    m: np.ndarray,
    pairable: np.ndarray,
    n: np.ndarray,
    column: np.ndarray,
    which: np.ndarray,
    count: np.ndarray,
    columns: int,
) -> np.ndarray:
    slots = data.shape[2]
    equal = np.zeros(m.shape)
    for a in range(slots):
        for b in range(slots):
            if a != b:
                equal += use[:, :, a] & use[:, :, b] & (data[:, :, a] == data[:, :, b])
    observed = np.where(pairable, (m * (m - 1) - equal) / np.maximum(m - 1, 1), 0.0).sum(axis=0)
    key_column = np.empty(count.size, dtype=np.intp)
    key_column[which] = column  # the column of every (column, value) key
    squares = np.bincount(key_column, weights=count.astype(float) ** 2, minlength=columns)
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = (n.astype(float) ** 2 - squares) / (n - 1)
        alpha = 1.0 - observed / expected
    return np.where((n >= 2) & (expected > 0), alpha, np.nan)


def _pooled(
    tree: Tree, has_tree: bool, level: np.ndarray, scaled: np.ndarray
) -> tuple[pd.DataFrame, float]:
    """Alpha per aggregate node over the answers of its indicators, on the 0-100 scale."""
    position = {code: k for k, code in enumerate(tree.indicators)}
    nodes = list(tree.aggregates) if has_tree else [tree.root]
    strength = {kind: rank for rank, kind in enumerate(LEVELS)}
    rows = []
    for node in nodes:
        members = np.array([position[code] for code in tree.indicators_under(node)])
        kind = LEVELS[max(strength[kind] for kind in level[members])]
        answers = scaled[:, members, :]
        items = answers.reshape(-1, 1, answers.shape[2])  # every (unit, indicator) is a unit
        alpha, units, values = _alpha_columns(items, kind)
        rows.append({"alpha": alpha[0], "level": kind, "units": units[0], "values": values[0]})
    frame = pd.DataFrame(rows, index=pd.Index(nodes, name="code"))
    overall = float(frame["alpha"].iloc[0])
    return (frame if has_tree else frame.iloc[0:0]), overall


def _severity(prepared: Values, scaled: np.ndarray) -> pd.DataFrame:
    present = ~np.isnan(scaled)
    m = present.sum(axis=2)
    mean = np.where(present, scaled, 0.0).sum(axis=2) / np.maximum(m, 1)
    usable = present & (m >= 2)[..., None]
    deviation = (scaled - mean[..., None])[usable]
    who = prepared.assessor[usable]
    names = list(prepared.assessors) or [""]
    who = np.where(who < 0, 0, who)
    count = np.bincount(who, minlength=len(names))
    total = np.bincount(who, weights=deviation, minlength=len(names))
    with np.errstate(invalid="ignore", divide="ignore"):
        severity = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    frame = pd.DataFrame(
        {"severity": severity, "answers": count}, index=pd.Index(names, name="assessor")
    )
    return frame if prepared.assessors else frame.iloc[0:0]


def _disagreements(
    prepared: Values, level: np.ndarray, scaled: np.ndarray, level_gap: float, number_gap: float
) -> pd.DataFrame:
    """One row per value of every answer flagged for moderation."""
    raw = prepared.raw
    with np.errstate(invalid="ignore"):
        raw_gap = np.fmax.reduce(raw, axis=2) - np.fmin.reduce(raw, axis=2)
        scaled_gap = np.fmax.reduce(scaled, axis=2) - np.fmin.reduce(scaled, axis=2)
    kind = np.broadcast_to(level[None, :], raw_gap.shape)
    flagged = np.where(
        kind == "interval",
        scaled_gap > number_gap,
        np.where(kind == "ordinal", raw_gap >= level_gap, raw_gap > 0),
    )
    gap = np.where(kind == "interval", scaled_gap, raw_gap)
    unit, column, slot = np.nonzero(flagged[..., None] & ~np.isnan(raw))
    names = np.array([*prepared.assessors, ""], dtype=object)  # index -1: no assessor column
    return pd.DataFrame(
        {
            "unit": np.array(prepared.units, dtype=object)[unit],
            "indicator": np.array(prepared.indicators, dtype=object)[column],
            "level": level[column],
            "gap": gap[unit, column],
            "assessor": names[prepared.assessor[unit, column, slot]],
            "value": raw[unit, column, slot],
        }
    )
