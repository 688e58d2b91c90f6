"""Reading the engine's CSV files: every cell as text, rows numbered as the file numbers them."""

from __future__ import annotations

import csv
import math
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .errors import InputError

__all__ = ["parse_number", "read_table", "text", "write_frame"]


def read_table(
    path: str | os.PathLike[str], required: Iterable[str], optional: Iterable[str] = ()
) -> pd.DataFrame:
    """Read a CSV file into a frame of text cells indexed by line number (the header is row 1).

    Guarantees: every cell is a stripped string (an empty cell is ``""``; ``NA`` stays ``"NA"``);
    the required columns exist; unknown columns are kept; ``frame.attrs["source"]`` is the file
    name, which the engine's error messages then use. Raises :class:`InputError` naming the
    file (and the row where the parser can tell) for a missing file, a ragged row or a missing
    column.
    """
    source = Path(path).name
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except FileNotFoundError:
        raise InputError(source, None, f"file not found: {path}") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise InputError(source, None, f"not a readable UTF-8 CSV file ({error})") from None
    if not rows:
        raise InputError(source, None, "the file is empty; expected a header row")
    header = [cell.strip() for cell in rows[0]]
    missing = [column for column in required if column not in header]
    if missing:
        raise InputError(source, 1, f"missing column(s) {', '.join(missing)} in the header")
    if len(set(header)) != len(header):
        raise InputError(source, 1, "the header repeats a column name")
    records: list[list[str]] = []
    lines: list[int] = []
    for number, row in enumerate(rows[1:], start=2):
        if not row or all(not cell.strip() for cell in row):
            continue  # blank lines carry nothing
        if len(row) != len(header):
            raise InputError(
                source, number, f"expected {len(header)} fields as in the header, found {len(row)}"
            )
        records.append([cell.strip() for cell in row])
        lines.append(number)
    frame = pd.DataFrame(records, columns=header, index=pd.Index(lines, name="row"), dtype=object)
    frame.attrs["source"] = source
    for column in optional:
        if column not in frame.columns:
            frame[column] = ""
    return frame


def text(value: object) -> str:
    """A cell as stripped text; ``None`` and float NaN become ``""``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value is pd.NA:
        return ""
    return str(value).strip()


def parse_number(value: object, source: str, row: object, field: str) -> float | None:
    """A cell as a finite float, ``None`` when empty; :class:`InputError` when not a number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if math.isnan(number):
            return None
    else:
        cell = text(value)
        if cell == "":
            return None
        try:
            number = float(cell)
        except ValueError:
            raise InputError(source, row, f"{field} must be a number, found {cell!r}") from None
    if not math.isfinite(number):
        raise InputError(source, row, f"{field} must be finite, found {value!r}")
    return number


def write_frame(frame: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write a frame as CSV atomically: the file appears complete or not at all.

    Floats are written with ``repr`` precision (round-trip exact).
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            frame.to_csv(stream, index=False, lineterminator="\n")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
