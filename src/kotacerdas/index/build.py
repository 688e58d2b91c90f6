"""Build the index: normalise, aggregate along the tree, band, rank, fingerprint."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from . import normalise
from .config import Config
from .csvio import read_table, text
from .engine import Availability, Plan, aggregate, pad_level0
from .errors import InputError
from .ranking import competition_ranks, group_ranks
from .tree import Tree
from .values import Values

__all__ = ["FINGERPRINT_VERSION", "IndexResult", "build", "prepare_groups", "read_groups"]

FINGERPRINT_VERSION = "kotacerdas.index/1"


@dataclass(frozen=True, eq=False)
class IndexResult:
    """Every unit's score at every node of the tree, with coverage, bands and ranks.

    Frames are indexed by unit (sorted) with one column per node in the tree's given order.
    ``scores`` are 0-100 (NaN where a node is not applicable to the unit, or has no answer under
    the "exclude" policy); ``coverage`` is the share (0-1) of the node's applicable weight that
    was answered; ``ranks`` are competition ranks among all units (whole numbers as floats, NaN
    where the score is NaN; ``to_long``/``to_frame`` give nullable integers),
    ``group_ranks[g]`` the same within each value of group column ``g``. ``fingerprint`` is the
    SHA-256 of the canonical inputs and config: building again from the same inputs and
    ``Config.from_dict(result.config.to_dict())`` gives the same fingerprint and scores.
    """

    tree: Tree
    config: Config
    scores: pd.DataFrame
    coverage: pd.DataFrame
    ranks: pd.DataFrame
    group_ranks: Mapping[str, pd.DataFrame]
    groups: pd.DataFrame
    fingerprint: str
    secondary: IndexResult | None = field(default=None)

    @property
    def units(self) -> tuple[str, ...]:
        return tuple(self.scores.index)

    @property
    def index(self) -> pd.Series:
        """The root score of each unit (0-100)."""
        return self.scores[self.tree.root].rename("index")

    @property
    def display(self) -> pd.DataFrame:
        """Scores on the config's display scale (0-5 or 0-100)."""
        return self.scores * (self.config.display_scale / 100.0)

    @cached_property
    def predicates(self) -> pd.DataFrame:
        """The band label of every unit at every node."""
        labels = self.config.predicates(self.scores.to_numpy())
        return pd.DataFrame(labels, index=self.scores.index, columns=self.scores.columns)

    @property
    def predicate(self) -> pd.Series:
        """The band label of each unit's index."""
        return self.predicates[self.tree.root].rename("predicate")

    @property
    def rank(self) -> pd.Series:
        """Each unit's national rank on the index."""
        return self.ranks[self.tree.root].rename("rank")

    def to_long(self) -> pd.DataFrame:
        """One row per unit and node: ``unit, node, score, rank, rank_<group>..., display,
        coverage, predicate`` (units sorted, nodes in tree order)."""
        nodes = list(self.scores.columns)
        frame = pd.DataFrame(
            {
                "unit": np.repeat(np.array(self.scores.index, dtype=object), len(nodes)),
                "node": np.tile(np.array(nodes, dtype=object), len(self.scores)),
                "score": self.scores.to_numpy().ravel(),
                "rank": _int(self.ranks.to_numpy().ravel()),
            }
        )
        for name, ranks in self.group_ranks.items():
            frame[f"rank_{name}"] = _int(ranks.to_numpy().ravel())
        frame["display"] = self.display.to_numpy().ravel()
        frame["coverage"] = self.coverage.to_numpy().ravel()
        frame["predicate"] = self.predicates.to_numpy().ravel()
        return frame

    def to_frame(self) -> pd.DataFrame:
        """One row per unit: index, display, predicate, ranks, coverage, then every node's score."""
        root = self.tree.root
        frame = pd.DataFrame(
            {
                "index": self.scores[root],
                "display": self.display[root],
                "predicate": self.predicates[root],
                "rank": _int(self.ranks[root].to_numpy()),
            },
            index=self.scores.index,
        )
        for name, ranks in self.group_ranks.items():
            frame[f"rank_{name}"] = _int(ranks[root].to_numpy())
        frame["coverage"] = self.coverage[root]
        nodes = self.scores.add_prefix("score_")
        return pd.concat([frame, self.groups, nodes], axis=1)


def build(
    tree: Tree,
    values: Values | pd.DataFrame,
    config: Config | None = None,
    groups: pd.DataFrame | None = None,
    *,
    secondary_tree: Tree | None = None,
) -> IndexResult:
    """Compute the index of every unit at every node of ``tree``.

    ``values`` is the long table (see :class:`Values`) or an already prepared :class:`Values`;
    ``groups`` has a ``unit`` column (or a unit index) and one column per grouping (e.g.
    province, kind). With ``secondary_tree`` (another tree over the same indicators, e.g. the
    evaluation aspects beside the dimensions) the result's ``secondary`` holds the same build
    along that tree.

    Guarantees: deterministic; independent of the order of the input rows; scores in [0, 100];
    no input is modified. Raises :class:`InputError` on invalid input.
    """
    config = config or Config()
    prepared = Values.coerce(values, tree)
    group_frame = prepare_groups(
        groups,
        prepared.units,
        source=groups.attrs.get("source", "groups") if groups is not None else "groups",
    )
    scores, coverage = _score(tree, prepared, config)
    units = pd.Index(prepared.units, name="unit")
    nodes = [node.code for node in tree.nodes]
    score_frame = pd.DataFrame(scores, index=units, columns=nodes)
    coverage_frame = pd.DataFrame(coverage, index=units, columns=nodes)
    rounded = config.round(scores).T
    rank_frame = _ranks(competition_ranks(rounded).T, units, nodes)
    by_group = {
        name: _ranks(group_ranks(rounded, group_frame[name].to_numpy()).T, units, nodes)
        for name in group_frame.columns
    }
    secondary = None
    if secondary_tree is not None:
        if set(secondary_tree.indicators) != set(tree.indicators):
            raise InputError(
                secondary_tree.source, None, "the secondary tree must have the same indicators"
            )
        secondary = build(secondary_tree, prepared.for_tree(secondary_tree), config, groups)
    return IndexResult(
        tree=tree,
        config=config,
        scores=score_frame,
        coverage=coverage_frame,
        ranks=rank_frame,
        group_ranks=by_group,
        groups=group_frame,
        fingerprint=fingerprint(tree, prepared, config, group_frame),
        secondary=secondary,
    )


def score_matrix(
    tree: Tree, raw: np.ndarray, not_applicable: np.ndarray, config: Config
) -> tuple[np.ndarray, np.ndarray]:
    """``(U, I)`` normalised indicator scores after the missing policy, and availability.

    ``raw`` holds the combined answers (NaN = none). Available means: applicable and, under
    "exclude", answered. Unavailable scores are NaN; under "zero" a missing applicable answer
    scores 0.
    """
    rule = normalise.resolve(tree, config.normalise, config.scope)
    scores = normalise.apply(rule, raw)
    answered = ~np.isnan(raw)
    if config.missing == "zero":
        available = ~not_applicable
        scores = np.where(answered, scores, 0.0)
    else:
        available = answered
    return np.where(available, scores, np.nan), available


def _score(tree: Tree, prepared: Values, config: Config) -> tuple[np.ndarray, np.ndarray]:
    """``(U, nodes)`` scores and coverage, nodes in the tree's given order."""
    plan = tree.plan
    raw = prepared.combined(config.combine)
    level0, available = score_matrix(tree, raw, prepared.not_applicable, config)
    weights = plan.extended_weights()[None, :]
    levels = aggregate(
        plan,
        Availability(plan, available),
        pad_level0(plan, np.where(available, level0, 0.0))[None],
        weights,
        geometric=config.aggregate == "geometric",
        offset=config.geometric_offset,
    )
    applicable = ~prepared.not_applicable
    answered = np.where(applicable, prepared.answered.astype(float), np.nan)
    coverage_levels = aggregate(
        plan,
        Availability(plan, applicable),
        pad_level0(plan, np.where(applicable, answered, 0.0))[None],
        weights,
    )
    return (
        _by_node(plan, level0, [level[0] for level in levels]),
        _by_node(plan, answered, [level[0] for level in coverage_levels]),
    )


def _by_node(plan: Plan, level0: np.ndarray, levels: list[np.ndarray]) -> np.ndarray:
    """``(U, nodes)`` from the ``(U, I)`` indicator scores and each level's ``(P_s, U)``."""
    stacked = [level0.T, *levels]
    return np.column_stack(
        [stacked[level][position] for level, position in map(plan.location.get, plan.codes)]
    )


def prepare_groups(
    groups: pd.DataFrame | None, units: tuple[str, ...], *, source: str = "groups"
) -> pd.DataFrame:
    """Group labels per unit: index = ``units``, one text column per grouping.

    Accepts a frame with a ``unit`` column or indexed by unit. Units not listed get no label
    (and no rank within that grouping); listed units absent from the values are ignored.
    Refuses a repeated unit or a column named ``unit`` twice.
    """
    index = pd.Index(units, name="unit")
    if groups is None:
        return pd.DataFrame(index=index)
    frame = groups.copy()
    if "unit" in frame.columns:
        rows = frame.index
        keys = [text(value) for value in frame["unit"]]
        frame = frame.drop(columns="unit")
    else:
        rows = frame.index
        keys = [text(value) for value in frame.index]
    seen: dict[str, object] = {}
    for key, row in zip(keys, rows, strict=True):
        if not key:
            raise InputError(source, row, "unit is empty")
        if key in seen:
            raise InputError(
                source, row, f"unit {key!r} is listed twice (first at row {seen[key]})"
            )
        seen[key] = row
    frame.index = pd.Index(keys, name="unit")
    frame.columns = [str(column) for column in frame.columns]
    out = pd.DataFrame(index=index)
    for column in frame.columns:
        labels = [text(value) or None for value in frame[column]]
        out[column] = pd.Series(labels, index=frame.index, dtype=object).reindex(index)
    return out


def read_groups(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read ``unit,<group>,...`` (one column per grouping; empty cell = no group)."""
    frame = read_table(path, required=("unit",))
    name = os.path.basename(os.fspath(path))
    if len(frame.columns) < 2:
        raise InputError(name, 1, "groups need at least one column besides unit")
    frame.attrs["source"] = name
    return frame


def fingerprint(tree: Tree, prepared: Values, config: Config, groups: pd.DataFrame) -> str:
    """SHA-256 over the canonical tree, values, groups and config (row order does not matter)."""
    head = {
        "version": FINGERPRINT_VERSION,
        "config": config.to_dict(),
        "groups": {column: groups[column].tolist() for column in sorted(groups.columns)},
        "units": hashlib.sha256(repr(tuple(groups.index)).encode()).hexdigest(),
    }
    digest = hashlib.sha256(json.dumps(head, sort_keys=True).encode())
    digest.update(tree.canonical_json.encode())
    digest.update(prepared.digest.encode())
    return digest.hexdigest()


def _ranks(ranks: np.ndarray, units: pd.Index, nodes: list[str]) -> pd.DataFrame:
    """Ranks (whole numbers; NaN where a unit has no score) as a units x nodes frame."""
    return pd.DataFrame(ranks, index=units, columns=nodes)


def _int(ranks: np.ndarray) -> pd.api.extensions.ExtensionArray:
    return pd.array(np.where(np.isnan(ranks), np.nan, ranks), dtype="Int64")
