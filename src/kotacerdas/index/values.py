"""Answers in matrix form: units x indicators x assessor slots.

The long table has one row per answer: ``unit, indicator, value`` and optionally ``assessor``
and ``not_applicable``. An empty (NaN) value is missing; a not-applicable answer is marked by
``not_applicable = True`` or, in text, by the value ``NA``. With several assessors, each unit's
assessors fill slots ``0..A-1`` of the third axis; within an answer the slots holding a value
come first.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from .csvio import read_table
from .errors import InputError
from .tree import Tree

__all__ = ["VALUE_COLUMNS", "Values"]

VALUE_COLUMNS: tuple[str, ...] = ("unit", "indicator", "value", "assessor", "not_applicable")
NA_TEXT = "NA"


@dataclass(frozen=True, eq=False)
class Values:
    """A cycle's answers for one tree's indicators.

    Guarantees: ``units`` sorted and unique; ``indicators`` equal to the tree's (depth-first);
    ``raw`` is ``(U, I, A)`` float64 with NaN for "no value in this slot" and the filled slots
    of every answer first; ``assessor`` holds the index into ``assessors`` of each filled slot
    (-1 elsewhere); ``not_applicable`` is ``(U, I)`` and never true where a value exists.
    Level values are whole numbers within the level range and yes/no values are 0 or 1.
    """

    units: tuple[str, ...]
    indicators: tuple[str, ...]
    raw: np.ndarray
    assessor: np.ndarray
    assessors: tuple[str, ...]
    not_applicable: np.ndarray

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, tree: Tree, *, source: str = "values") -> Values:
        """Validate a long table against the tree and arrange it as arrays.

        Refuses (``InputError`` naming ``source`` and the row's index label): a missing column,
        an empty unit or indicator, an indicator the tree does not have or that is an
        aggregate, a value that is not a number, a level outside its range or not whole, a
        yes/no other than 0/1, a not-applicable row that also has a value, an empty assessor,
        and the same (unit, indicator, assessor) twice.
        """
        missing = [column for column in ("unit", "indicator", "value") if column not in frame]
        if missing:
            raise InputError(source, None, f"missing column(s) {', '.join(missing)}")
        if len(frame) == 0:
            raise InputError(source, None, "no answers: the table has no rows")
        rows = frame.index
        unit_code, units = _codes(frame["unit"], source, rows, "unit")
        indicator_code = _indicator_codes(frame["indicator"], tree, source, rows)
        value, na = _parse_values(frame, source, rows)
        _check_ranges(tree, indicator_code, value, source, rows)
        if "assessor" in frame.columns:
            assessor_code, assessors = _codes(frame["assessor"], source, rows, "assessor")
        else:
            assessor_code = np.zeros(len(frame), dtype=np.intp)
            assessors = []
        n_units, n_indicators = len(units), len(tree.indicators)
        n_assessors = max(len(assessors), 1)
        # Slot of an assessor within a unit: its rank among that unit's assessors.
        seen = np.zeros((n_units, n_assessors), dtype=bool)
        seen[unit_code, assessor_code] = True
        slot_of = np.cumsum(seen, axis=1) - 1
        slots = max(int(seen.sum(axis=1).max(initial=1)), 1)
        slot = slot_of[unit_code, assessor_code]
        cell = unit_code * n_indicators + indicator_code
        key = cell * slots + slot
        _check_duplicates(key, frame, source, rows)
        raw = np.full(n_units * n_indicators * slots, np.nan)
        who = np.full(n_units * n_indicators * slots, -1, dtype=np.int32)
        has_value = ~np.isnan(value)
        raw[key[has_value]] = value[has_value]
        who[key[has_value]] = assessor_code[has_value] if assessors else -1
        raw = raw.reshape(n_units, n_indicators, slots)
        who = who.reshape(n_units, n_indicators, slots)
        filled = ~np.isnan(raw)
        # Move filled slots first where a gap precedes a value (rare: an assessor skipped one).
        gap = np.any(filled[..., 1:] & ~filled[..., :-1], axis=2)
        if gap.any():
            order3 = np.argsort(~filled[gap], axis=1, kind="stable")
            raw[gap] = np.take_along_axis(raw[gap], order3, axis=1)
            who[gap] = np.take_along_axis(who[gap], order3, axis=1)
        cells = n_units * n_indicators
        na_count = np.bincount(cell[na], minlength=cells).reshape(n_units, n_indicators)
        answered = filled.any(axis=2)
        return cls(
            units=tuple(str(unit) for unit in units),
            indicators=tree.indicators,
            raw=raw,
            assessor=who,
            assessors=tuple(str(name) for name in assessors),
            not_applicable=(na_count > 0) & ~answered,
        )

    @classmethod
    def from_csv(cls, path: str | os.PathLike[str], tree: Tree) -> Values:
        """Read ``unit,indicator,value[,assessor]`` (empty = missing, ``NA`` = not applicable)."""
        frame = read_table(path, required=("unit", "indicator", "value"))
        return cls.from_frame(frame, tree, source=os.path.basename(os.fspath(path)))

    @classmethod
    def coerce(cls, values: Values | pd.DataFrame, tree: Tree) -> Values:
        """``values`` prepared for ``tree`` (a frame's ``attrs["source"]`` names it in errors)."""
        if isinstance(values, Values):
            return values.for_tree(tree)
        return cls.from_frame(values, tree, source=values.attrs.get("source", "values"))

    def for_tree(self, tree: Tree) -> Values:
        """The same answers with the columns in ``tree``'s indicator order (same indicator set)."""
        if tree.indicators == self.indicators:
            return self
        if set(tree.indicators) != set(self.indicators):
            raise InputError(tree.source, None, "the tree's indicators differ from the values'")
        return self.select(tree.indicators)

    def select(self, codes: Sequence[str], *, rename: Sequence[str] | None = None) -> Values:
        """The answers of these indicators, in this order (``KeyError`` for an unknown code),
        under the names ``rename`` when given."""
        position = {code: k for k, code in enumerate(self.indicators)}
        columns = np.array([position[code] for code in codes], dtype=np.intp)
        return Values(
            units=self.units,
            indicators=tuple(codes if rename is None else rename),
            raw=self.raw[:, columns],
            assessor=self.assessor[:, columns],
            assessors=self.assessors,
            not_applicable=self.not_applicable[:, columns],
        )

    # -- views --------------------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.raw.shape  # type: ignore[return-value]

    @cached_property
    def count(self) -> np.ndarray:
        """``(U, I)`` number of values given for each answer."""
        return (~np.isnan(self.raw)).sum(axis=2)

    @cached_property
    def answered(self) -> np.ndarray:
        """``(U, I)`` true where at least one value was given."""
        return self.count > 0

    def combined(self, how: str = "mean") -> np.ndarray:
        """``(U, I)`` the assessors' values combined by ``mean`` or ``median``; NaN if none."""
        count = self.count
        if self.raw.shape[2] == 1:
            return self.raw[..., 0].copy()
        with np.errstate(invalid="ignore", divide="ignore"):
            if how == "mean":
                total = np.where(np.isnan(self.raw), 0.0, self.raw).sum(axis=2)
                return np.where(count > 0, total / np.maximum(count, 1), np.nan)
            if how == "median":
                ordered = np.sort(self.raw, axis=2)  # NaN sorts last
                low = np.take_along_axis(ordered, np.maximum((count - 1) // 2, 0)[..., None], 2)
                high = np.take_along_axis(ordered, (count // 2)[..., None], 2)
                high = np.where(count[..., None] > 0, high, np.nan)
                return ((low + high) / 2.0)[..., 0]
        raise ValueError(f"unknown combination {how!r}")

    def to_frame(self) -> pd.DataFrame:
        """The long table again: one row per given value and per not-applicable answer."""
        unit, indicator, slot = np.nonzero(~np.isnan(self.raw))
        frame = pd.DataFrame(
            {
                "unit": np.array(self.units, dtype=object)[unit],
                "indicator": np.array(self.indicators, dtype=object)[indicator],
                "value": self.raw[unit, indicator, slot],
                "not_applicable": False,
            }
        )
        if self.assessors:
            names = np.array(self.assessors, dtype=object)
            frame.insert(3, "assessor", names[self.assessor[unit, indicator, slot]])
        na_unit, na_indicator = np.nonzero(self.not_applicable)
        na = pd.DataFrame(
            {
                "unit": np.array(self.units, dtype=object)[na_unit],
                "indicator": np.array(self.indicators, dtype=object)[na_indicator],
                "value": np.nan,
                "not_applicable": True,
            }
        )
        if self.assessors:
            na.insert(3, "assessor", "")
        if na.empty:
            return frame
        return pd.concat([frame, na], ignore_index=True)

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the values in canonical order (units and indicators sorted by code)."""
        columns = np.argsort(np.array(self.indicators, dtype=object), kind="stable")
        digest = hashlib.sha256()
        for part in (self.units, tuple(self.indicators[k] for k in columns), self.assessors):
            digest.update(repr(part).encode())
        identity = bool(np.all(columns == np.arange(len(columns))))
        for array in (self.raw, self.assessor, self.not_applicable):
            ordered = array if identity else array[:, columns]
            digest.update(np.ascontiguousarray(ordered).data)
        return digest.hexdigest()


def _codes(
    column: pd.Series, source: str, rows: pd.Index, name: str
) -> tuple[np.ndarray, list[str]]:
    """Integer codes into the sorted distinct texts of a key column; empty keys are refused."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        uniques = [str(value).strip() for value in column.cat.categories]
        if (codes < 0).any():
            raise InputError(source, rows[int(np.argmax(codes < 0))], f"{name} is empty")
        used = np.unique(codes)
        if len(used) != len(uniques):  # drop categories no row uses
            remap = np.full(len(uniques), -1, dtype=np.intp)
            remap[used] = np.arange(len(used))
            codes = remap[codes]
            uniques = [uniques[k] for k in used]
    else:
        codes, found = pd.factorize(column, use_na_sentinel=True)
        if (codes < 0).any():
            raise InputError(source, rows[int(np.argmax(codes < 0))], f"{name} is empty")
        uniques = [str(value).strip() for value in found]
    texts = np.array(uniques, dtype=object)
    empty = np.flatnonzero(texts == "")
    if empty.size:
        raise InputError(source, rows[int(np.argmax(np.isin(codes, empty)))], f"{name} is empty")
    # Sorted texts; keys that read the same (" A" and "A", or 1 and "1") become one.
    distinct, merged = np.unique(texts.astype(str), return_inverse=True)
    return np.asarray(merged[codes], dtype=np.intp), [str(text) for text in distinct]


def _indicator_codes(column: pd.Series, tree: Tree, source: str, rows: pd.Index) -> np.ndarray:
    codes, uniques = _codes(column, source, rows, "indicator")
    position = {code: k for k, code in enumerate(tree.indicators)}
    mapping = np.array([position.get(code, -1) for code in uniques], dtype=np.intp)
    mapped = mapping[codes]
    if (mapped < 0).any():
        first = int(np.argmax(mapped < 0))
        code = uniques[codes[first]]
        if code in tree:
            message = f"{code!r} is an aggregate of the tree, not an indicator"
        else:
            message = f"unknown indicator {code!r} (not in the tree)"
        raise InputError(source, rows[first], message)
    return mapped


def _parse_values(
    frame: pd.DataFrame, source: str, rows: pd.Index
) -> tuple[np.ndarray, np.ndarray]:
    """Float values (NaN = missing or not applicable) and the not-applicable mask."""
    column = frame["value"]
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
        value = column.to_numpy(dtype=float, na_value=np.nan)
        na = np.zeros(len(frame), dtype=bool)
    else:
        texts = column.astype(object).to_numpy()
        text = np.array(
            [
                "" if item is None or item is pd.NA or item != item else str(item).strip()
                for item in texts
            ],
            dtype=object,
        )
        na = text == NA_TEXT
        numeric = pd.to_numeric(
            pd.Series(np.where(na | (text == ""), "nan", text)), errors="coerce"
        )
        value = numeric.to_numpy(dtype=float)
        bad = np.isnan(value) & ~na & (text != "")
        if bad.any():
            first = int(np.argmax(bad))
            raise InputError(
                source, rows[first], f"value must be a number, NA or empty, found {text[first]!r}"
            )
    if "not_applicable" in frame.columns:
        flags = frame["not_applicable"]
        marked = _flags(flags, source, rows)
        clash = marked & ~np.isnan(value)
        if clash.any():
            raise InputError(
                source, rows[int(np.argmax(clash))], "a not-applicable answer has a value"
            )
        na = na | marked
    infinite = np.isinf(value)
    if infinite.any():
        raise InputError(source, rows[int(np.argmax(infinite))], "value must be finite")
    return value, na


def _flags(column: pd.Series, source: str, rows: pd.Index) -> np.ndarray:
    if pd.api.types.is_bool_dtype(column.dtype):
        return column.to_numpy(dtype=bool, na_value=False)
    truth = {
        "true": True,
        "1": True,
        "yes": True,
        "false": False,
        "0": False,
        "no": False,
        "": False,
    }
    out = np.zeros(len(column), dtype=bool)
    for k, item in enumerate(column.astype(object).to_numpy()):
        if item is None or item is pd.NA or (isinstance(item, float) and item != item):
            continue
        if isinstance(item, bool | np.bool_):
            out[k] = bool(item)
            continue
        key = str(item).strip().lower()
        if key not in truth:
            raise InputError(
                source, rows[k], f"not_applicable must be true or false, found {item!r}"
            )
        out[k] = truth[key]
    return out


def _check_ranges(
    tree: Tree, indicator: np.ndarray, value: np.ndarray, source: str, rows: pd.Index
) -> None:
    nodes = [tree.node(code) for code in tree.indicators]
    is_level = np.array([node.type == "level" for node in nodes])[indicator]
    is_yesno = np.array([node.type == "yesno" for node in nodes])[indicator]
    low = np.array([(node.bounds() or (np.nan, np.nan))[0] for node in nodes])[indicator]
    high = np.array([(node.bounds() or (np.nan, np.nan))[1] for node in nodes])[indicator]
    given = ~np.isnan(value)
    level = given & is_level
    bad = level & ((value < low) | (value > high) | (value != np.floor(value)))
    if bad.any():
        first = int(np.argmax(bad))
        code = tree.indicators[indicator[first]]
        raise InputError(
            source,
            rows[first],
            f"level {value[first]:g} of {code!r} is not a whole level in "
            f"{low[first]:g}..{high[first]:g}",
        )
    bad = given & is_yesno & (value != 0) & (value != 1)
    if bad.any():
        first = int(np.argmax(bad))
        raise InputError(
            source, rows[first], f"a yes/no value must be 0 or 1, found {value[first]:g}"
        )


def _check_duplicates(key: np.ndarray, frame: pd.DataFrame, source: str, rows: pd.Index) -> None:
    counts = np.bincount(key)
    if counts.max(initial=0) <= 1:
        return
    repeated = counts[key] > 1
    positions = np.flatnonzero(repeated)
    keys = key[positions]
    order = np.argsort(keys, kind="stable")
    keys, positions = keys[order], positions[order]
    second = positions[1:][keys[1:] == keys[:-1]].min()
    first = positions[np.flatnonzero(keys == key[second])[0]]
    what = "unit, indicator and assessor" if "assessor" in frame.columns else "unit and indicator"
    raise InputError(
        source, rows[second], f"the same {what} as row {rows[first]} (one answer per assessor)"
    )
