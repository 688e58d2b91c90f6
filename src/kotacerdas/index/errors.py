"""The one error type of the index engine: bad input, located by source and row."""

from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
    """Input the engine refuses, with the place to look.

    ``source`` names the input (a file name such as ``tree.csv``, or ``tree`` / ``values`` for
    in-memory tables) and ``row`` the offending record: for CSV files read by this package it is
    the line number, counting the header as row 1; for data frames it is the index label.
    ``row`` is ``None`` when the problem is not one record (e.g. a missing column).
    """

    def __init__(self, source: str, row: object | None, message: str) -> None:
        self.source = source
        self.row = row
        self.message = message
        where = source if row is None else f"{source}, row {row}"
        super().__init__(f"{where}: {message}")
