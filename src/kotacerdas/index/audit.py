"""Statistical audit of a built index (after COINr's ``get_stats``, ``get_corr_flags`` and
``get_cronbach``): does each indicator still discriminate, does each node agree with the rest of
its branch, and does each indicator weigh on the index as much as its weight says?

Four tables and one list of flags (formulas in docs/methodology.md, "Statistical audit"):

- **indicators**: per indicator, on its own (raw, combined) values: units answered, share not
  applicable, share missing (applicable but unanswered), mean, sample standard deviation
  (``ddof = 1``), min, max, skewness and excess kurtosis with the bias-corrected estimators
  (``scipy.stats.skew(bias=False)``, ``scipy.stats.kurtosis(fisher=True, bias=False)``, as
  COINr's ``skew``/``kurt``, e1071 type 2 and Excel's ``SKEW``/``KURT``), distinct values, and
  the share at the best and at the worst end of the indicator's scale (ceiling and floor);
- **correlations**: per node except the root, Pearson and Spearman correlation of its scores
  with its parent's and with the index's (pairwise complete units);
- **pairs**: every pair of siblings with both correlations;
- **alpha**: Cronbach's alpha of every aggregate over its children's scores;
- **weights**: per indicator, the nominal weight (share among its siblings), the effective
  weight (share of the root, :meth:`Tree.effective_weights`), its correlation with the index
  and the share of the squared correlations (``r^2 / sum r^2``).

Flags (``AuditResult.flags``), thresholds in :class:`AuditThresholds`: ``ceiling`` / ``floor``
(share at the best / worst end of the scale at or above ``ceiling`` / ``floor``, ``binary`` for
yes/no indicators), ``outlier``
(number and percent indicators with ``|skew| > skew`` and ``kurtosis > kurtosis``, COINr's
rule), ``constant`` (one distinct value), ``sparse`` (answered share of the applicable units
below ``availability``), ``negative`` (Pearson with the parent below ``negative``), ``weak``
(Pearson with the parent between ``negative`` and ``weak``, exclusive), ``redundant`` (a sibling
pair with Pearson above ``redundant``; both nodes are flagged, each naming the other).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .build import IndexResult
from .errors import InputError
from .tree import Tree
from .values import Values

__all__ = [
    "AUDIT_FLAGS",
    "AuditResult",
    "AuditThresholds",
    "audit",
    "audit_build",
    "cronbach_alpha",
    "pearson",
    "spearman_rho",
]

CEILING = "ceiling"
FLOOR = "floor"
OUTLIER = "outlier"
CONSTANT = "constant"
SPARSE = "sparse"
NEGATIVE = "negative"
WEAK = "weak"
REDUNDANT = "redundant"
AUDIT_FLAGS: tuple[str, ...] = (
    CEILING,
    FLOOR,
    OUTLIER,
    CONSTANT,
    SPARSE,
    NEGATIVE,
    WEAK,
    REDUNDANT,
)
_OUTLIER_TYPES = ("number", "percent")

INDICATOR_COLUMNS: tuple[str, ...] = (
    "type",
    "units",
    "answered",
    "not_applicable",
    "missing",
    "mean",
    "sd",
    "min",
    "max",
    "skew",
    "kurtosis",
    "distinct",
    "ceiling",
    "floor",
)


@dataclass(frozen=True)
class AuditThresholds:
    """Where a statistic becomes a flag (defaults: COINr's where COINr has one).

    ``redundant`` 0.9 and ``negative`` −0.4 as COINr's ``get_corr_flags`` examples; ``skew`` 2
    and ``kurtosis`` 3.5 as ``get_stats``; ``availability`` 0.65 as ``get_stats``' ``t_avail``;
    ``ceiling`` / ``floor`` 0.5 (most units at one end of the scale) for levels, numbers and
    percents, ``binary`` 0.9 for yes/no indicators (one of whose two ends always holds half the
    units or more); ``weak`` 0.2.
    """

    ceiling: float = 0.5
    floor: float = 0.5
    binary: float = 0.9
    skew: float = 2.0
    kurtosis: float = 3.5
    availability: float = 0.65
    redundant: float = 0.9
    negative: float = -0.4
    weak: float = 0.2

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True, eq=False)
class AuditResult:
    """The audit's tables (pandas frames) and flags; see the module docstring.

    ``indicators`` (index: indicator code, tree order): :data:`INDICATOR_COLUMNS` (shares
    0–1; ``ceiling``/``floor`` NaN where the indicator has no fixed scale, skew NaN below 3
    values, kurtosis NaN below 4, both NaN when constant). ``correlations`` (index: node code,
    every node but the root, tree order): ``parent``, ``level`` (depth), ``pearson_parent``,
    ``spearman_parent``, ``n_parent``, ``pearson_index``, ``spearman_index``, ``n_index``.
    ``pairs``: ``parent``, ``a``, ``b``, ``pearson``, ``spearman``, ``n`` for every pair of
    siblings. ``alpha`` (index: aggregate code): ``children``, ``units`` (with all children
    scored), ``alpha`` (NaN with fewer than two children or two units, or zero total variance).
    ``weights`` (index: indicator code): ``nominal``, ``effective``, ``pearson_index``,
    ``spearman_index``, ``correlation_share``. ``flags``: one row per flag, ``node``, ``flag``
    (one of :data:`AUDIT_FLAGS`), ``value`` (the statistic that raised it), ``other`` (the
    partner of a redundant pair, else ``""``), ordered by tree order then flag order.
    """

    tree: Tree
    thresholds: AuditThresholds
    indicators: pd.DataFrame
    correlations: pd.DataFrame
    pairs: pd.DataFrame
    alpha: pd.DataFrame
    weights: pd.DataFrame
    flags: pd.DataFrame
    units: int = field(default=0)

    def flags_of(self, code: str) -> list[str]:
        """The flags of one node, in :data:`AUDIT_FLAGS` order (empty when none)."""
        found = self.flags[self.flags["node"] == code]["flag"]
        return [flag for flag in AUDIT_FLAGS if flag in set(found)]

    @property
    def flagged(self) -> tuple[str, ...]:
        """The nodes with at least one flag, in tree order."""
        return tuple(dict.fromkeys(self.flags["node"]))


# -- elementary statistics (pure functions, used by the tables and by the tests) -------------


def pearson(x: np.ndarray, y: np.ndarray) -> tuple[float, int]:
    """Pearson's r of ``x`` and ``y`` over the pairs where both are finite, and that count.

    Guarantees: equals ``scipy.stats.pearsonr`` on the complete pairs; NaN when fewer than
    three pairs or either side is constant on them.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = np.isfinite(x) & np.isfinite(y)
    n = int(keep.sum())
    if n < 3:
        return math.nan, n
    a = x[keep] - x[keep].mean()
    b = y[keep] - y[keep].mean()
    denominator = math.sqrt(float(a @ a) * float(b @ b))
    if denominator == 0.0 or not math.isfinite(denominator):
        return math.nan, n
    return float(np.clip((a @ b) / denominator, -1.0, 1.0)), n


def spearman_rho(x: np.ndarray, y: np.ndarray) -> tuple[float, int]:
    """Spearman's rho (Pearson's r of average ranks) over the complete pairs, and that count.

    Guarantees: equals ``scipy.stats.spearmanr`` on the complete pairs; NaN as :func:`pearson`.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = np.isfinite(x) & np.isfinite(y)
    if keep.sum() < 3:
        return math.nan, int(keep.sum())
    return pearson(stats.rankdata(x[keep]), stats.rankdata(y[keep]))


def cronbach_alpha(items: np.ndarray) -> tuple[float, int]:
    """Cronbach's alpha of the columns of ``items`` (units x k) over the units with every
    column finite, and the number of those units.

    ``alpha = k / (k - 1) * (1 - sum_i var(x_i) / var(sum_i x_i))`` with sample variances.
    Guarantees: NaN when ``k < 2``, fewer than two complete units, or a total variance of 0.
    """
    items = np.asarray(items, dtype=float)
    if items.ndim != 2:
        raise ValueError("items must be a units x k matrix")
    complete = items[np.isfinite(items).all(axis=1)]
    n, k = complete.shape
    if k < 2 or n < 2:
        return math.nan, n
    total = complete.sum(axis=1).var(ddof=1)
    if total <= 0.0:
        return math.nan, n
    return float(k / (k - 1) * (1.0 - complete.var(axis=0, ddof=1).sum() / total)), n


# -- the audit -----------------------------------------------------------------------------


def audit_build(
    result: IndexResult,
    values: Values | pd.DataFrame,
    *,
    thresholds: AuditThresholds | None = None,
) -> AuditResult:
    """The audit of a :func:`build` result, with the descriptive statistics taken on the
    values the build used (``values``, combined across assessors by the result's config).

    Guarantees: the same as :func:`audit` on ``result.scores`` and those combined values.
    """
    prepared = Values.coerce(values, result.tree)
    units = list(result.scores.index)
    if list(prepared.units) != units:
        raise InputError("values", None, "the values' units differ from the result's")
    raw = pd.DataFrame(
        prepared.combined(result.config.combine), index=units, columns=prepared.indicators
    )
    not_applicable = pd.DataFrame(prepared.not_applicable, index=units, columns=prepared.indicators)
    return audit(result.tree, result.scores, raw, not_applicable, thresholds=thresholds)


def audit(
    tree: Tree,
    scores: pd.DataFrame,
    raw: pd.DataFrame | None = None,
    not_applicable: pd.DataFrame | None = None,
    *,
    thresholds: AuditThresholds | None = None,
) -> AuditResult:
    """Audit one cycle: ``scores`` (units x nodes, 0–100, NaN where a unit has no score; every
    node of ``tree`` a column) and, for the indicator statistics, ``raw`` (units x indicators,
    each indicator's own values, NaN where none) and ``not_applicable`` (units x indicators,
    true where the indicator does not apply). Without ``raw`` the indicator statistics are taken
    on the indicator scores (best end 100, worst 0); without ``not_applicable`` nothing is
    counted as not applicable.

    Guarantees: deterministic; inputs are not modified; every statistic as documented in the
    module docstring and docs/methodology.md; raises :class:`InputError` when a node of the
    tree has no column in ``scores`` or an indicator none in ``raw``.
    """
    thresholds = thresholds or AuditThresholds()
    missing = [code for code in tree.order if code not in scores.columns]
    if missing:
        raise InputError("scores", None, f"no scores for node(s) {', '.join(missing[:5])}")
    units = scores.index
    if raw is not None:
        absent = [code for code in tree.indicators if code not in raw.columns]
        if absent:
            raise InputError("raw", None, f"no values for indicator(s) {', '.join(absent[:5])}")
        raw = raw.reindex(units)
    if not_applicable is not None:
        not_applicable = not_applicable.reindex(
            index=units, columns=list(tree.indicators), fill_value=False
        ).astype(bool)
    score = scores[list(tree.order)].to_numpy(dtype=float)
    column = {code: k for k, code in enumerate(tree.order)}
    indicators = _indicator_table(tree, scores, raw, not_applicable)
    correlations = _correlations(tree, score, column)
    pairs = _pairs(tree, score, column)
    alpha = _alpha(tree, score, column)
    weights = _weights(tree, correlations)
    flags = _flags(tree, thresholds, indicators, correlations, pairs)
    return AuditResult(
        tree=tree,
        thresholds=thresholds,
        indicators=indicators,
        correlations=correlations,
        pairs=pairs,
        alpha=alpha,
        weights=weights,
        flags=flags,
        units=len(units),
    )


def _indicator_table(
    tree: Tree,
    scores: pd.DataFrame,
    raw: pd.DataFrame | None,
    not_applicable: pd.DataFrame | None,
) -> pd.DataFrame:
    rows: dict[str, dict[str, Any]] = {}
    total = len(scores.index)
    for code in tree.indicators:
        node = tree.node(code)
        if raw is not None:
            values = raw[code].to_numpy(dtype=float)
            bounds = node.bounds()
            best, worst = (None, None) if bounds is None else _ends(bounds, node.direction)
        else:
            values = scores[code].to_numpy(dtype=float)
            best, worst = 100.0, 0.0
        na = (
            not_applicable[code].to_numpy(dtype=bool)
            if not_applicable is not None
            else np.zeros(total, dtype=bool)
        )
        given = values[np.isfinite(values)]
        n = int(given.size)
        answered_or_missing = ~na
        missing = int((answered_or_missing & ~np.isfinite(values)).sum())
        distinct = int(np.unique(given).size)
        row: dict[str, Any] = {
            "type": node.type,
            "units": total,
            "answered": n,
            "not_applicable": float(na.sum()) / total if total else math.nan,
            "missing": missing / total if total else math.nan,
            "mean": float(given.mean()) if n else math.nan,
            "sd": float(given.std(ddof=1)) if n >= 2 else math.nan,
            "min": float(given.min()) if n else math.nan,
            "max": float(given.max()) if n else math.nan,
            "skew": _skew(given, distinct),
            "kurtosis": _kurtosis(given, distinct),
            "distinct": distinct,
            "ceiling": math.nan,
            "floor": math.nan,
        }
        if best is not None and worst is not None and n:
            row["ceiling"] = _share_at(given, best, best >= worst)
            row["floor"] = _share_at(given, worst, worst > best)
        rows[code] = row
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(INDICATOR_COLUMNS))
    frame.index.name = "indicator"
    return frame


def _ends(bounds: tuple[float, float], direction: int) -> tuple[float, float]:
    """(best, worst) end of a scale: the top and bottom, swapped when lower is better."""
    low, high = bounds
    return (high, low) if direction >= 0 else (low, high)


def _share_at(values: np.ndarray, end: float, upper: bool) -> float:
    """Share of ``values`` at ``end`` or beyond it (above when ``upper``, else below): a value
    past a goalpost scores as the goalpost."""
    tolerance = 1e-9 * max(1.0, abs(end))
    beyond = values >= end - tolerance if upper else values <= end + tolerance
    return float(beyond.mean())


def _skew(values: np.ndarray, distinct: int) -> float:
    if values.size < 3 or distinct < 2:
        return math.nan
    return float(stats.skew(values, bias=False))


def _kurtosis(values: np.ndarray, distinct: int) -> float:
    if values.size < 4 or distinct < 2:
        return math.nan
    return float(stats.kurtosis(values, fisher=True, bias=False))


def _correlations(tree: Tree, score: np.ndarray, column: dict[str, int]) -> pd.DataFrame:
    root = score[:, column[tree.root]]
    rows: dict[str, dict[str, Any]] = {}
    for code in tree.order[1:]:
        parent = tree.node(code).parent
        assert parent is not None
        own = score[:, column[code]]
        above = score[:, column[parent]]
        r_parent, n_parent = pearson(own, above)
        r_index, n_index = pearson(own, root)
        rows[code] = {
            "parent": parent,
            "level": tree.depth(code),
            "pearson_parent": r_parent,
            "spearman_parent": spearman_rho(own, above)[0],
            "n_parent": n_parent,
            "pearson_index": r_index,
            "spearman_index": spearman_rho(own, root)[0],
            "n_index": n_index,
        }
    columns = [
        "parent",
        "level",
        "pearson_parent",
        "spearman_parent",
        "n_parent",
        "pearson_index",
        "spearman_index",
        "n_index",
    ]
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    frame.index.name = "node"
    return frame


def _pairs(tree: Tree, score: np.ndarray, column: dict[str, int]) -> pd.DataFrame:
    rows = []
    for parent in tree.aggregates:
        kids = tree.children(parent)
        for i, a in enumerate(kids):
            for b in kids[i + 1 :]:
                x, y = score[:, column[a]], score[:, column[b]]
                r, n = pearson(x, y)
                rows.append(
                    {
                        "parent": parent,
                        "a": a,
                        "b": b,
                        "pearson": r,
                        "spearman": spearman_rho(x, y)[0],
                        "n": n,
                    }
                )
    return pd.DataFrame(rows, columns=["parent", "a", "b", "pearson", "spearman", "n"])


def _alpha(tree: Tree, score: np.ndarray, column: dict[str, int]) -> pd.DataFrame:
    rows = {}
    for code in tree.aggregates:
        kids = tree.children(code)
        value, n = cronbach_alpha(score[:, [column[kid] for kid in kids]])
        rows[code] = {"children": len(kids), "units": n, "alpha": value}
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=["children", "units", "alpha"])
    frame.index.name = "node"
    return frame


def _weights(tree: Tree, correlations: pd.DataFrame) -> pd.DataFrame:
    effective = tree.effective_weights()
    nominal = {}
    for code in tree.indicators:
        node = tree.node(code)
        siblings = tree.children(node.parent) if node.parent is not None else (code,)
        nominal[code] = node.weight / sum(tree.node(kid).weight for kid in siblings)
    frame = pd.DataFrame(
        {
            "nominal": pd.Series(nominal),
            "effective": effective,
            "pearson_index": correlations["pearson_index"].reindex(list(tree.indicators)),
            "spearman_index": correlations["spearman_index"].reindex(list(tree.indicators)),
        },
        index=list(tree.indicators),
    )
    squared = frame["pearson_index"].astype(float) ** 2
    total = float(squared.sum(skipna=True))
    frame["correlation_share"] = squared / total if total > 0 else math.nan
    frame.index.name = "indicator"
    return frame


def _flags(
    tree: Tree,
    limits: AuditThresholds,
    indicators: pd.DataFrame,
    correlations: pd.DataFrame,
    pairs: pd.DataFrame,
) -> pd.DataFrame:
    found: dict[str, list[tuple[str, float, str]]] = {code: [] for code in tree.order}
    for code, row in indicators.iterrows():
        binary = row["type"] == "yesno"
        if row["ceiling"] >= (limits.binary if binary else limits.ceiling):
            found[code].append((CEILING, float(row["ceiling"]), ""))
        if row["floor"] >= (limits.binary if binary else limits.floor):
            found[code].append((FLOOR, float(row["floor"]), ""))
        if (
            row["type"] in _OUTLIER_TYPES
            and abs(row["skew"]) > limits.skew
            and row["kurtosis"] > limits.kurtosis
        ):
            found[code].append((OUTLIER, float(row["skew"]), ""))
        if row["answered"] > 0 and row["distinct"] == 1:
            found[code].append((CONSTANT, float(row["min"]), ""))
        applicable = row["units"] * (1.0 - row["not_applicable"])
        if applicable > 0 and row["answered"] / applicable < limits.availability:
            found[code].append((SPARSE, float(row["answered"] / applicable), ""))
    for code, row in correlations.iterrows():
        r = row["pearson_parent"]
        if r < limits.negative:
            found[code].append((NEGATIVE, float(r), ""))
        elif limits.negative <= r < limits.weak:
            found[code].append((WEAK, float(r), ""))
    for row in pairs.itertuples(index=False):
        if row.pearson > limits.redundant:
            found[row.a].append((REDUNDANT, float(row.pearson), row.b))
            found[row.b].append((REDUNDANT, float(row.pearson), row.a))
    order = {flag: k for k, flag in enumerate(AUDIT_FLAGS)}
    rows = [
        {"node": code, "flag": flag, "value": value, "other": other}
        for code in tree.order
        for flag, value, other in sorted(found[code], key=lambda item: (order[item[0]], item[2]))
    ]
    return pd.DataFrame(rows, columns=["node", "flag", "value", "other"])
