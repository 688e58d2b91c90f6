"""Comparability across cycles: both cycles scored on the subset their crosswalk makes comparable.

A crosswalk row links an indicator of cycle A (the earlier) to one of cycle B:

- ``same``: the same code, type and range in both;
- ``renamed``: another code, same type and range;
- ``rescaled``: the answer scale changed; ``mapping`` lists ``from:to`` points separated by
  ``;`` (e.g. ``0:0;1:1;2:3;3:4;4:5``) and an A value is carried onto B's scale by the
  piecewise-linear line through them (constant beyond the first and last point);
- ``new``: only in B (``code_a`` empty); ``retired``: only in A (``code_b`` empty).

Indicators the crosswalk does not mention are ``same`` when both trees have the code and
otherwise ``retired`` (only in A) or ``new`` (only in B). Both cycles are then scored along B's
tree pruned to the comparable indicators, with B's weights and one config; cohort-dependent
normalisations (min-max, z-score) are computed over both cycles' answers together, so that a
score means the same in both.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from .build import build
from .config import Config
from .csvio import read_table, text
from .errors import InputError
from .tree import Tree
from .values import Values

__all__ = ["CROSSWALK_KINDS", "CompareResult", "compare", "read_crosswalk", "resolve_crosswalk"]

CROSSWALK_KINDS: tuple[str, ...] = ("same", "renamed", "rescaled", "new", "retired")
COMPARABLE = ("same", "renamed", "rescaled")


@dataclass(frozen=True, eq=False)
class CompareResult:
    """Two cycles on their comparable subset.

    ``index`` (one row per unit present in either cycle): ``score_a``, ``score_b``,
    ``progress`` (B - A, 0-100 points), the same three on the display scale as
    ``display_a``, ``display_b``, ``display_progress``, and ``coverage_a``, ``coverage_b`` (the
    share of the subset's weight each cycle answered). ``scores`` has the same score columns
    for every unit and node of ``tree`` (B's tree pruned to the subset). ``weight_share``
    gives, per cycle, the share of that cycle's full index weight the subset carries.
    ``crosswalk`` is the resolved crosswalk (every indicator of both trees, with its kind).
    """

    tree: Tree
    config: Config
    index: pd.DataFrame
    scores: pd.DataFrame
    weight_share: dict[str, float]
    crosswalk: pd.DataFrame
    fingerprint: str


def read_crosswalk(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read ``code_a,code_b,kind[,mapping]`` (see the module docstring)."""
    frame = read_table(path, required=("code_a", "code_b", "kind"), optional=("mapping",))
    frame.attrs["source"] = os.path.basename(os.fspath(path))
    return frame


def resolve_crosswalk(crosswalk: pd.DataFrame | None, tree_a: Tree, tree_b: Tree) -> pd.DataFrame:
    """Validate the crosswalk against both trees and complete it for unmentioned indicators.

    Returns one row per link: ``code_a``, ``code_b`` (None when absent), ``kind`` and
    ``mapping`` (a tuple of ``(from, to)`` points, or None). Raises :class:`InputError` naming
    the row for an unknown kind or code, a code used twice, a ``same``/``renamed`` link whose
    type or range differs, or a ``rescaled`` link without a valid mapping.
    """
    source = "crosswalk"
    rows: list[dict[str, object]] = []
    seen_a: dict[str, object] = {}
    seen_b: dict[str, object] = {}
    if crosswalk is not None:
        source = crosswalk.attrs.get("source", source)
        for column in ("code_a", "code_b", "kind"):
            if column not in crosswalk.columns:
                raise InputError(source, None, f"missing column {column}")
        for row, record in zip(crosswalk.index, crosswalk.to_dict("records"), strict=True):
            link = _link(record, row, source, tree_a, tree_b)
            for code, seen, side in ((link["code_a"], seen_a, "A"), (link["code_b"], seen_b, "B")):
                if code is None:
                    continue
                if code in seen:
                    raise InputError(
                        source,
                        row,
                        f"cycle {side} indicator {code!r} is already linked at row {seen[code]}",
                    )
                seen[code] = row
            rows.append(link)
    for code in tree_a.indicators:
        if code not in seen_a:
            if code in tree_b.indicators and code not in seen_b:
                _same_scale(tree_a, tree_b, code, code, source, None)
                rows.append({"code_a": code, "code_b": code, "kind": "same", "mapping": None})
                seen_b[code] = None
            else:
                rows.append({"code_a": code, "code_b": None, "kind": "retired", "mapping": None})
    for code in tree_b.indicators:
        if code not in seen_b:
            rows.append({"code_a": None, "code_b": code, "kind": "new", "mapping": None})
    return pd.DataFrame(rows, columns=["code_a", "code_b", "kind", "mapping"])


def compare(
    tree_a: Tree,
    values_a: Values | pd.DataFrame,
    tree_b: Tree,
    values_b: Values | pd.DataFrame,
    crosswalk: pd.DataFrame | None,
    config: Config | None = None,
) -> CompareResult:
    """Score cycles A and B on their comparable subset and report progress and coverage.

    Guarantees: both cycles are aggregated along the same pruned tree with the same weights
    and config, so ``progress`` reflects answers only; a unit present in one cycle only has NaN
    progress. Raises :class:`InputError` if the crosswalk is invalid or leaves nothing
    comparable.
    """
    config = config or Config()
    links = resolve_crosswalk(crosswalk, tree_a, tree_b)
    comparable = links[links["kind"].isin(COMPARABLE)]
    if comparable.empty:
        raise InputError("crosswalk", None, "no indicator is comparable between the two cycles")
    subtree = tree_b.subtree(comparable["code_b"])
    prepared_a = Values.coerce(values_a, tree_a)
    prepared_b = Values.coerce(values_b, tree_b)
    mapped_a = _carry(prepared_a, comparable, subtree)
    mapped_b = prepared_b.select(subtree.indicators)
    stacked = _stack(mapped_a, mapped_b)
    result = build(subtree, stacked, config)
    a_rows = [f"a\x1f{unit}" for unit in mapped_a.units]
    b_rows = [f"b\x1f{unit}" for unit in mapped_b.units]
    units = pd.Index(sorted(set(mapped_a.units) | set(mapped_b.units)), name="unit")
    nodes = list(result.scores.columns)
    score_a = _side(result.scores, a_rows, units)
    score_b = _side(result.scores, b_rows, units)
    scale = config.display_scale / 100.0
    root = subtree.root
    index = pd.DataFrame(
        {
            "score_a": score_a[root],
            "score_b": score_b[root],
            "progress": score_b[root] - score_a[root],
            "display_a": score_a[root] * scale,
            "display_b": score_b[root] * scale,
            "display_progress": (score_b[root] - score_a[root]) * scale,
            "coverage_a": _side(result.coverage, a_rows, units)[root],
            "coverage_b": _side(result.coverage, b_rows, units)[root],
        },
        index=units,
    )
    long = pd.DataFrame(
        {
            "unit": np.repeat(np.array(units, dtype=object), len(nodes)),
            "node": np.tile(np.array(nodes, dtype=object), len(units)),
            "score_a": score_a.to_numpy().ravel(),
            "score_b": score_b.to_numpy().ravel(),
        }
    )
    long["progress"] = long["score_b"] - long["score_a"]
    weights_a = tree_a.effective_weights()
    weights_b = tree_b.effective_weights()
    share = {
        "a": float(weights_a[list(comparable["code_a"])].sum()),
        "b": float(weights_b[list(comparable["code_b"])].sum()),
    }
    digest = hashlib.sha256(result.fingerprint.encode())
    digest.update(repr(links.to_records(index=False).tolist()).encode())
    digest.update(tree_a.canonical_json.encode())
    return CompareResult(
        tree=subtree,
        config=config,
        index=index,
        scores=long,
        weight_share=share,
        crosswalk=links,
        fingerprint=digest.hexdigest(),
    )


def _link(
    record: dict[str, object], row: object, source: str, tree_a: Tree, tree_b: Tree
) -> dict[str, object]:
    code_a = text(record.get("code_a")) or None
    code_b = text(record.get("code_b")) or None
    kind = text(record.get("kind")).lower()
    if kind not in CROSSWALK_KINDS:
        raise InputError(
            source, row, f"kind must be one of {', '.join(CROSSWALK_KINDS)}, found {kind!r}"
        )
    if kind == "new":
        if code_a is not None or code_b is None:
            raise InputError(source, row, "a new indicator has code_b only")
    elif kind == "retired":
        if code_b is not None or code_a is None:
            raise InputError(source, row, "a retired indicator has code_a only")
    elif code_a is None or code_b is None:
        raise InputError(source, row, f"a {kind} link needs both code_a and code_b")
    if code_a is not None and code_a not in tree_a.indicators:
        raise InputError(source, row, f"code_a {code_a!r} is not an indicator of cycle A")
    if code_b is not None and code_b not in tree_b.indicators:
        raise InputError(source, row, f"code_b {code_b!r} is not an indicator of cycle B")
    mapping = None
    if kind == "same" and code_a != code_b:
        raise InputError(source, row, f"same needs one code; {code_a!r} -> {code_b!r} is renamed")
    if kind == "renamed" and code_a == code_b:
        raise InputError(source, row, "renamed needs two different codes")
    if kind in ("same", "renamed"):
        _same_scale(tree_a, tree_b, code_a, code_b, source, row)  # type: ignore[arg-type]
    if kind == "rescaled":
        mapping = _mapping(text(record.get("mapping")), source, row, tree_b, code_b)  # type: ignore[arg-type]
    elif text(record.get("mapping")):
        raise InputError(source, row, f"only a rescaled link takes a mapping, not {kind}")
    return {"code_a": code_a, "code_b": code_b, "kind": kind, "mapping": mapping}


def _same_scale(
    tree_a: Tree, tree_b: Tree, code_a: str, code_b: str, source: str, row: object
) -> None:
    node_a, node_b = tree_a.node(code_a), tree_b.node(code_b)
    if (node_a.type, node_a.bounds(), node_a.direction) != (
        node_b.type,
        node_b.bounds(),
        node_b.direction,
    ):
        raise InputError(
            source,
            row,
            f"{code_a!r} and {code_b!r} differ in type, range or direction; "
            "link them as rescaled with a mapping, or as retired and new",
        )


def _mapping(
    cell: str, source: str, row: object, tree_b: Tree, code_b: str
) -> tuple[tuple[float, float], ...]:
    points = []
    for part in filter(None, (piece.strip() for piece in cell.split(";"))):
        try:
            old, new = (float(side) for side in part.split(":"))
        except ValueError:
            raise InputError(source, row, f"mapping point {part!r} is not from:to") from None
        if not (np.isfinite(old) and np.isfinite(new)):
            raise InputError(source, row, f"mapping point {part!r} is not finite")
        points.append((old, new))
    if len(points) < 2:
        raise InputError(
            source, row, "a rescaled link needs a mapping of at least two from:to points"
        )
    olds = [old for old, _ in points]
    if any(b <= a for a, b in pairwise(olds)):
        raise InputError(source, row, "mapping points must be listed with increasing from values")
    node = tree_b.node(code_b)
    bounds = node.bounds()
    inside = bounds is None or all(bounds[0] <= new <= bounds[1] for _, new in points)
    if node.type in ("level", "yesno") and not inside:
        assert bounds is not None
        raise InputError(
            source, row, f"mapping leaves the range {bounds[0]:g}..{bounds[1]:g} of {code_b!r}"
        )
    return tuple(points)


def _carry(prepared: Values, links: pd.DataFrame, subtree: Tree) -> Values:
    """Cycle A's answers of the linked indicators, on B's codes and scales, in subtree order."""
    by_b = {row.code_b: row for row in links.itertuples()}
    carried = prepared.select(
        [by_b[code].code_a for code in subtree.indicators], rename=subtree.indicators
    )
    for k, code in enumerate(subtree.indicators):  # select() copied raw: change it in place
        mapping = by_b[code].mapping
        if mapping is not None:
            olds, news = zip(*mapping, strict=True)
            column = carried.raw[:, k]
            present = ~np.isnan(column)
            column[present] = np.interp(column[present], olds, news)
    return carried


def _stack(a: Values, b: Values) -> Values:
    """One panel holding both cycles' units (prefixed ``a``/``b``), assessors kept apart."""
    slots = max(a.raw.shape[2], b.raw.shape[2])

    def widen(array: np.ndarray, fill: float) -> np.ndarray:
        pad = slots - array.shape[2]
        return np.concatenate([array, np.full((*array.shape[:2], pad), fill, array.dtype)], axis=2)

    offset = len(a.assessors)
    b_assessor = np.where(b.assessor >= 0, b.assessor + offset, -1)
    return Values(
        units=tuple(f"a\x1f{unit}" for unit in a.units) + tuple(f"b\x1f{unit}" for unit in b.units),
        indicators=a.indicators,
        raw=np.concatenate([widen(a.raw, np.nan), widen(b.raw, np.nan)]),
        assessor=np.concatenate([widen(a.assessor, -1), widen(b_assessor, -1)]),
        assessors=tuple(f"a\x1f{name}" for name in a.assessors)
        + tuple(f"b\x1f{name}" for name in b.assessors),
        not_applicable=np.concatenate([a.not_applicable, b.not_applicable]),
    )


def _side(frame: pd.DataFrame, rows: list[str], units: pd.Index) -> pd.DataFrame:
    side = frame.loc[rows]
    side.index = pd.Index([row.split("\x1f", 1)[1] for row in rows], name="unit")
    return side.reindex(units)
