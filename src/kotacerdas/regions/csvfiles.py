"""Reading the register's CSV files (regions, administrative changes, population): one reader
for the header, blank lines, the number of fields and the encoding, so that every loader names
the file and the line of a problem in the same words."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path


def records(
    path: Path, header: list[str], error: type[Exception]
) -> Iterator[tuple[int, str, list[str]]]:
    """Yield (line number, "<file>, line <n>", the stripped cells) for every non-blank row of
    ``path`` after its header.

    Guarantees: raises ``error`` naming the file (and the line) when the first line is not
    ``header``, when a row has another number of fields than the header, or when the file is not
    UTF-8 text. Reads only.
    """
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            found = next(reader, None)
            if found != header:
                raise error(
                    f"{path.name}, line 1: expected header {','.join(header)!r}, "
                    f"found {','.join(found or [])!r}"
                )
            for record in reader:
                if not any(cell.strip() for cell in record):
                    continue
                where = f"{path.name}, line {reader.line_num}"
                if len(record) != len(header):
                    raise error(f"{where}: expected {len(header)} fields, found {len(record)}")
                yield reader.line_num, where, [cell.strip() for cell in record]
    except UnicodeDecodeError as exc:
        raise error(f"{path.name}: not UTF-8 text ({exc.reason})") from exc
