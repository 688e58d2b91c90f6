"""Rank uncertainty: Monte Carlo over the index's assumptions, with first-order sensitivity.

Each run rebuilds every unit's index under one draw of four assumptions:

(a) *weights*: every node weight multiplied by an independent ``U(1 - delta, 1 + delta)`` factor
    (siblings are renormalised by the weighted mean itself);
(b) *aggregation*: one of ``aggregations`` with equal probability;
(c) *normalisation*: one of ``normalisations`` with equal probability;
(d) *assessors*: for every answer scored by ``m >= 2`` assessors, one of their values drawn with
    probability ``1/m`` (instead of their combination).

An assumption with a single possibility (or ``delta = 0``, or no answer with two different
values) is inactive. The runs follow the pick-freeze design of Sobol' with the estimator of
Janon et al. (2014): ``n = samples // (k + 1)`` base runs ``A``, and for each of the ``k``
active assumptions ``n`` runs ``C_i`` that take assumption ``i`` from ``A`` and all others from
an independent draw ``B``; the remaining ``samples - n (k + 1)`` runs are further independent
draws. Every run is a draw from the same distribution, so all enter the rank statistics; the
first-order index of assumption ``i`` is estimated from the pairs ``(A, C_i)``.

Randomness: a ``numpy.random.SeedSequence(seed)`` spawns the generator of the assumption draws
and one child per assessor draw, so the output depends on ``seed`` only (not on threads).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import normalise
from .build import build, prepare_groups
from .config import AGGREGATIONS, NORMALISATIONS, Config
from .engine import Availability, aggregate_sums, pad_level0, weighted_sums
from .errors import InputError
from .ranking import competition_ranks, group_ranks
from .sampling import ASSUMPTIONS, Design, first_order, uniform_bytes
from .tree import Tree
from .values import Values

__all__ = ["ASSUMPTIONS", "UncertaintyResult", "uncertainty"]

TABLE_BUDGET = 256 * 2**20  # bytes for the precomputed draw tables of all alternatives
BATCH_BYTES = 16 * 2**20  # level-0 scores of the runs computed together
CHUNK_ELEMENTS = 65_536  # level-0 values per run gathered at once (they stay in cache)


@dataclass(frozen=True, eq=False)
class UncertaintyResult:
    """Distribution of every unit's rank and index over the Monte Carlo runs.

    ``summary`` (one row per unit): the nominal ``rank`` and ``score`` (of the plain build),
    ``rank_median``, ``rank_p05``, ``rank_p95``, ``score_median``, ``score_p05``, ``score_p95``
    (``p05``/``p95`` follow the ``quantiles`` asked for, e.g. ``p10``/``p90``), and for each
    grouping ``g`` the same three rank statistics as ``rank_<g>_median`` etc.
    Percentiles use the inverted empirical distribution (each is a value some run produced).
    ``sensitivity`` (one row per assumption): ``first_order`` (pooled over units: the sum of
    the per-unit covariance terms over the sum of the per-unit variances; NaN when inactive or
    when there are too few samples) and ``active``; ``sensitivity_by_unit`` the per-unit
    indices. ``rank_samples`` and
    ``score_samples`` are ``(samples, U)`` arrays of every run.
    """

    config: Config
    samples: int
    seed: int
    delta: float
    aggregations: tuple[str, ...]
    normalisations: tuple[str, ...]
    summary: pd.DataFrame
    sensitivity: pd.DataFrame
    sensitivity_by_unit: pd.DataFrame
    rank_samples: np.ndarray
    score_samples: np.ndarray
    fingerprint: str

    def to_frame(self) -> pd.DataFrame:
        """``summary`` with the unit as a column (the ranks.csv layout)."""
        return self.summary.reset_index()


def uncertainty(
    tree: Tree,
    values: Values | pd.DataFrame,
    config: Config | None = None,
    samples: int = 1000,
    seed: int = 0,
    delta: float = 0.25,
    groups: pd.DataFrame | None = None,
    *,
    aggregations: Sequence[str] = AGGREGATIONS,
    normalisations: Sequence[str] | None = None,
    draw_assessors: bool = True,
    quantiles: tuple[float, float] = (0.05, 0.95),
    jobs: int | None = None,
) -> UncertaintyResult:
    """Monte Carlo of ``samples`` index builds under perturbed assumptions (module docstring).

    ``normalisations`` defaults to the config's method, ``minmax`` and ``zscore`` (each
    applied with the config's scope); alternatives that normalise every indicator identically
    count once. ``jobs`` threads share the work (default: the CPU count, at most 8).

    Guarantees: the same inputs and ``seed`` give identical output whatever ``jobs`` is; with
    ``delta = 0``, one aggregation, one normalisation and ``draw_assessors=False`` every run
    equals the plain :func:`build`. Raises :class:`InputError` on invalid input or arguments.
    """
    config = config or Config()
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise InputError(
            "uncertainty", None, f"samples must be a positive integer, found {samples!r}"
        )
    if not (0.0 <= delta < 1.0):
        raise InputError("uncertainty", None, f"delta must be in [0, 1), found {delta!r}")
    low_q, high_q = quantiles
    if not 0.0 <= low_q <= high_q <= 1.0:
        raise InputError("uncertainty", None, "quantiles must satisfy 0 <= low <= high <= 1")
    aggregations = _distinct(aggregations)
    for name in aggregations:
        if name not in AGGREGATIONS:
            raise InputError("uncertainty", None, f"unknown aggregation {name!r}")
    if normalisations is None:
        normalisations = (config.normalise, "minmax", "zscore")
    normalisations = _distinct(normalisations)
    for name in normalisations:
        if name not in NORMALISATIONS:
            raise InputError("uncertainty", None, f"unknown normalisation {name!r}")
    if not aggregations or not normalisations:
        raise InputError("uncertainty", None, "give at least one aggregation and normalisation")

    prepared = Values.coerce(values, tree)
    source = groups.attrs.get("source", "groups") if groups is not None else "groups"
    group_frame = prepare_groups(groups, prepared.units, source=source)
    nominal = build(tree, prepared, config, groups)
    model = _Model(tree, prepared, config, aggregations, normalisations, draw_assessors)
    design = Design.draw(model, samples, seed, delta)
    scores = model.run(design, jobs=jobs)

    rounded = config.round(scores)
    workers = _workers(jobs)
    ranks = _by_rows(competition_ranks, rounded, workers)
    units = pd.Index(prepared.units, name="unit")
    summary = pd.DataFrame(
        {
            "rank": nominal.rank.to_numpy(),
            "score": nominal.index.to_numpy(),
        },
        index=units,
    )
    _describe(summary, "rank", ranks, low_q, high_q)
    _describe(summary, "score", scores, low_q, high_q)
    for name in group_frame.columns:
        labels = group_frame[name].to_numpy()
        within = _by_rows(lambda block, labels=labels: group_ranks(block, labels), rounded, workers)
        _describe(summary, f"rank_{name}", within, low_q, high_q)
    for column in summary.columns:
        if column.startswith("rank"):  # ranks are whole numbers (percentiles are observed runs)
            summary[column] = pd.array(summary[column].to_numpy(dtype=float), dtype="Int64")
    by_unit, pooled = first_order(design, ranks)
    sensitivity = pd.DataFrame(
        {
            "first_order": [pooled.get(name, np.nan) for name in ASSUMPTIONS],
            "active": [name in design.active for name in ASSUMPTIONS],
        },
        index=pd.Index(ASSUMPTIONS, name="assumption"),
    )
    sensitivity_by_unit = pd.DataFrame(
        {name: by_unit.get(name, np.full(len(units), np.nan)) for name in ASSUMPTIONS}, index=units
    )
    settings = {
        "build": nominal.fingerprint,
        "samples": samples,
        "seed": seed,
        "delta": delta,
        "aggregations": aggregations,
        "normalisations": normalisations,
        "draw_assessors": draw_assessors,
        "quantiles": [low_q, high_q],
    }
    return UncertaintyResult(
        config=config,
        samples=samples,
        seed=seed,
        delta=delta,
        aggregations=aggregations,
        normalisations=normalisations,
        summary=summary,
        sensitivity=sensitivity,
        sensitivity_by_unit=sensitivity_by_unit,
        rank_samples=ranks,
        score_samples=scores,
        fingerprint=hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest(),
    )


def _workers(jobs: int | None) -> int:
    return jobs if jobs is not None else min(os.cpu_count() or 1, 8)


def _by_rows(
    rank: Callable[[np.ndarray], np.ndarray], scores: np.ndarray, workers: int
) -> np.ndarray:
    """``rank`` applied to blocks of rows in parallel threads, as float32 (ranks are whole)."""
    blocks = np.array_split(scores, max(1, min(workers, len(scores))))
    if len(blocks) == 1:
        return rank(scores).astype(np.float32)
    with ThreadPoolExecutor(max_workers=len(blocks)) as pool:
        return np.concatenate([part.astype(np.float32) for part in pool.map(rank, blocks)])


def _distinct(names: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def _describe(frame: pd.DataFrame, name: str, runs: np.ndarray, low: float, high: float) -> None:
    """Median and the two percentiles of each column of ``runs``, as ``<name>_median``,
    ``<name>_p05`` and ``<name>_p95`` (named after the percentiles asked for)."""
    if name.startswith("rank"):
        stats = _rank_quantiles(runs, (0.5, low, high))
    else:
        with np.errstate(invalid="ignore"):
            stats = np.quantile(runs, [0.5, low, high], axis=0, method="inverted_cdf")
        stats = np.where(np.isnan(runs).all(axis=0), np.nan, stats)
    frame[f"{name}_median"] = stats[0]
    frame[f"{name}_{_percentile(low)}"] = stats[1]
    frame[f"{name}_{_percentile(high)}"] = stats[2]


def _rank_quantiles(ranks: np.ndarray, quantiles: Sequence[float]) -> np.ndarray:
    """``np.quantile(ranks, quantiles, axis=0, method="inverted_cdf")`` for whole-number ranks,
    by counting: the smallest rank ``r`` whose count of runs at or below it reaches
    ``ceil(q n)`` (at least 1). A unit never ranked (NaN in every run) gets NaN."""
    runs, units = ranks.shape
    unranked = np.isnan(ranks[0]) if runs else np.ones(units, dtype=bool)
    whole = np.nan_to_num(ranks, nan=0.0).astype(np.int64)  # ranks are 1..units
    counts = np.bincount(
        (whole + np.arange(units) * (units + 1)).ravel(), minlength=units * (units + 1)
    ).reshape(units, units + 1)
    cumulative = np.cumsum(counts, axis=1)
    out = np.empty((len(quantiles), units))
    for row, quantile in enumerate(quantiles):
        needed = max(int(np.ceil(quantile * runs - 1e-9)), 1)
        out[row] = np.argmax(cumulative >= needed, axis=1)
    out[:, unranked] = np.nan
    return out


def _percentile(quantile: float) -> str:
    return f"p{100 * quantile:02g}"  # 0.05 -> p05, 0.975 -> p97.5


@dataclass(frozen=True, eq=False)
class _Cohort:
    """The columns of one chunk whose scores depend on the drawn values of all units.

    In the draw table these columns hold raw values; each run normalises them after drawing.
    """

    indicators: np.ndarray  # (J,) indicator positions (depth-first)
    positions: np.ndarray  # (J,) padded level-0 columns, counted from the chunk's first
    unanswered: np.ndarray  # (U, J)
    unavailable: np.ndarray  # (U, J)


@dataclass(frozen=True, eq=False)
class _Table:
    """One normalisation's candidate scores in the padded level-0 layout, flat."""

    rule: normalise.Rule
    scores: np.ndarray  # flat (P, K, U, stride)
    logs: np.ndarray | None  # log(score + offset), 0 where unavailable
    cohort: tuple[_Cohort | None, ...]  # per chunk of parents


class _Model:
    """Everything a run needs that does not change between runs.

    Each answer's ``m`` values are laid out as candidates ``r = 0..stride-1`` holding value
    ``r mod m``; a run draws ``r`` uniformly on ``[0, lcm(1..A))``, which picks each of the ``m``
    values with probability ``1/m`` exactly because ``m`` divides the bound. When the tables
    for every ``r`` would be too large, the stride is ``A`` and the run indexes ``r mod m``.
    """

    def __init__(
        self,
        tree: Tree,
        prepared: Values,
        config: Config,
        aggregations: tuple[str, ...],
        normalisations: tuple[str, ...],
        draw_assessors: bool,
    ) -> None:
        self.plan = plan = tree.plan
        self.config = config
        self.aggregations = aggregations
        raw = prepared.raw  # (U, I, A)
        count = prepared.count
        answered = prepared.answered
        available = ~prepared.not_applicable if config.missing == "zero" else answered
        self.availability = Availability(plan, available)
        spread = np.fmax.reduce(raw, axis=2) - np.fmin.reduce(raw, axis=2)
        self.draws = bool(draw_assessors and np.any(spread > 0))
        if not self.draws:
            raw = prepared.combined(config.combine)[..., None]
            count = answered.astype(int)
        slots = raw.shape[2]
        self.lcm = math.lcm(*range(1, slots + 1))
        if self.lcm > 256:
            raise InputError(
                "values", None, "the assessor draw supports at most 8 assessors per answer"
            )
        step = plan.steps[0]
        self.units = raw.shape[0]
        self.width = step.child.size  # padded level-0 columns
        self.n_weights = plan.n_nodes
        rules: list[normalise.Rule] = []
        for name in normalisations:
            rule = normalise.resolve(tree, name, config.scope)
            if all(rule.signature != other.signature for other in rules):
                rules.append(rule)
        self.rules = rules
        geometric = "geometric" in aggregations
        table_bytes = self.units * self.width * 8 * len(rules) * (1 + geometric)
        self.stride = self.lcm if table_bytes * self.lcm <= TABLE_BUDGET else slots
        pick = np.arange(self.stride)[None, None, :] % np.maximum(count, 1)[..., None]
        candidates = np.take_along_axis(raw, np.minimum(pick, slots - 1), axis=2)  # (U, I, S)
        # Tables are laid out (padded column, unit, candidate), as the engine's (P, K, U).
        counts = pad_level0(plan, np.maximum(count, 1).astype(np.uint8)[None])[0]
        self.count_padded = np.maximum(counts, 1).reshape(-1)
        self.base = np.arange(self.width * self.units, dtype=np.int64) * self.stride
        used = step.child < step.prev_size
        position = np.empty(len(plan.indicators), dtype=np.intp)
        position[step.child[used]] = np.flatnonzero(used.ravel())
        keep = pad_level0(plan, available[None])[0].reshape(self.width, self.units, 1)
        # Runs gather level 0 a few parents at a time, so the gathered values are still in
        # cache when the first step sums them.
        parents, slots_per_parent = step.child.shape
        per_chunk = max(1, CHUNK_ELEMENTS // (slots_per_parent * self.units))
        self.chunks = [(p, min(p + per_chunk, parents)) for p in range(0, parents, per_chunk)]
        self.tables = []
        for rule in rules:
            # Without draws every answer has one candidate, so cohort statistics are computed
            # once here; with draws the cohort columns hold the raw candidates, which each run
            # normalises again after drawing (see _cohort).
            scores = normalise.apply(rule, np.moveaxis(candidates, 2, 0))  # (S, U, I)
            scores = np.where(available[None] & ~np.isnan(scores), scores, 0.0)
            cohort_columns = rule.cohort if self.draws else np.array([], dtype=np.intp)
            scores[:, :, cohort_columns] = np.moveaxis(candidates[:, cohort_columns, :], 2, 0)
            padded = np.moveaxis(pad_level0(plan, scores), 0, -1)  # (P, K, U, S)
            padded = np.ascontiguousarray(padded.reshape(self.width, self.units, self.stride))
            logs = None
            if geometric:
                with np.errstate(divide="ignore", invalid="ignore"):
                    logs = np.log(padded + config.geometric_offset)
                logs = np.where(keep, logs, 0.0)
                logs[position[cohort_columns]] = padded[position[cohort_columns]]
                logs = logs.ravel()
            cohort = []
            for first, last in self.chunks:
                low, high = first * slots_per_parent, last * slots_per_parent
                inside = cohort_columns[
                    (position[cohort_columns] >= low) & (position[cohort_columns] < high)
                ]
                cohort.append(
                    _Cohort(
                        indicators=inside,
                        positions=position[inside] - low,
                        unanswered=~answered[:, inside],
                        unavailable=~available[:, inside],
                    )
                    if inside.size
                    else None
                )
            self.tables.append(
                _Table(rule=rule, scores=padded.ravel(), logs=logs, cohort=tuple(cohort))
            )

    def run(self, design: Design, *, jobs: int | None) -> np.ndarray:
        """Root score of every run, ``(samples, U)``."""
        out = np.empty((design.samples, self.units))
        size = int(max(1, min(64, BATCH_BYTES // max(self.units * self.width * 8, 1))))
        batches = []
        for key in sorted(set(zip(design.aggregation, design.normalisation, strict=True))):
            runs = np.flatnonzero((design.aggregation == key[0]) & (design.normalisation == key[1]))
            batches.extend((key, runs[k : k + size]) for k in range(0, runs.size, size))
        workers = _workers(jobs)
        if workers <= 1 or len(batches) == 1:
            for key, runs in batches:
                out[runs] = self._batch(design, key, runs)
            return out
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [(runs, pool.submit(self._batch, design, key, runs)) for key, runs in batches]
            for runs, future in futures:
                out[runs] = future.result()
        return out

    def _batch(self, design: Design, key: tuple[int, int], runs: np.ndarray) -> np.ndarray:
        """Root scores of a batch of runs sharing one aggregation and one normalisation."""
        geometric = self.aggregations[key[0]] == "geometric"
        table = self.tables[key[1]]
        source = table.logs if geometric else table.scores
        assert source is not None
        batch = runs.size
        step = self.plan.steps[0]
        parents, slots = step.child.shape
        multipliers = design.multipliers[runs]
        weights = self.plan.extended_weights(self.plan.weights[: self.n_weights] * multipliers)
        first = weights[:, step.weight_index]  # (B, P, K)
        if not self.draws:
            sums = weighted_sums(source.reshape(parents, slots, self.units), first)
        else:
            draws = np.empty((batch, self.base.size), dtype=np.uint8)
            for row, run in enumerate(runs):
                bits = np.random.PCG64(design.draw_seeds[design.draw_id[run]])
                draws[row] = uniform_bytes(bits, self.base.size, self.lcm)
            slot = draws if self.stride == self.lcm else draws % self.count_padded
            sums = np.empty((batch, parents, self.units))
            for chunk, (low, high) in enumerate(self.chunks):
                start, stop = low * slots * self.units, high * slots * self.units
                values = np.empty((batch, stop - start))
                for row in range(batch):  # indices are valid by construction: no range check
                    index = self.base[start:stop] + slot[row, start:stop]
                    np.take(source, index, out=values[row], mode="clip")
                cohort = table.cohort[chunk]
                if cohort is not None:
                    self._cohort(cohort, table.rule, values, geometric)
                block = values.reshape(batch, high - low, slots, self.units)
                sums[:, low:high] = weighted_sums(block, first[:, low:high])
        levels = aggregate_sums(
            self.plan,
            self.availability,
            sums,
            weights,
            geometric=geometric,
            offset=self.config.geometric_offset,
        )
        return levels[-1][:, 0, :]

    def _cohort(
        self, cohort: _Cohort, rule: normalise.Rule, values: np.ndarray, geometric: bool
    ) -> None:
        """Normalise the drawn raw values of a chunk's cohort-dependent columns, in place."""
        view = values.reshape(values.shape[0], -1, self.units)
        drawn = view[:, cohort.positions, :].transpose(0, 2, 1)  # (B, U, J)
        scores = normalise.apply(rule, drawn, columns=cohort.indicators)
        np.copyto(scores, 0.0, where=cohort.unanswered)  # missing scores 0 or is excluded below
        if geometric:
            with np.errstate(divide="ignore"):
                np.log(scores + self.config.geometric_offset, out=scores)
        np.copyto(scores, 0.0, where=cohort.unavailable)
        view[:, cohort.positions, :] = scores.transpose(0, 2, 1)
