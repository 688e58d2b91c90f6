"""Reading an uploaded or packaged file with a size cap, whatever form it comes in."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

# Defaults; a deployment may set INSTRUMENT_FILE_MAX_BYTES / INSTRUMENT_XLSX_MAX_UNCOMPRESSED.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED = 50 * 1024 * 1024


def max_file_bytes() -> int:
    return int(getattr(settings, "INSTRUMENT_FILE_MAX_BYTES", MAX_FILE_BYTES))


def max_xlsx_uncompressed() -> int:
    return int(getattr(settings, "INSTRUMENT_XLSX_MAX_UNCOMPRESSED", MAX_XLSX_UNCOMPRESSED))


def read_bytes(source: bytes | Path | IO[Any], limit: int) -> tuple[bytes | None, str | None]:
    """The content of ``source`` (bytes, a path, or an open file), or an error when it is larger
    than ``limit`` bytes. Reads at most ``limit + 1`` bytes, so a huge upload costs nothing."""
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    elif isinstance(source, Path):
        if source.stat().st_size > limit:
            return None, too_big(limit)
        data = source.read_bytes()
    else:
        data = source.read(limit + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
    if len(data) > limit:
        return None, too_big(limit)
    return data, None


def too_big(limit: int) -> str:
    return _("berkas lebih besar dari batas %(mb).1f MB") % {"mb": limit / 1024 / 1024}
