"""Accepting an uploaded XLSX workbook safely before openpyxl reads it, and naming the places
of the problems found in it (``Problems``).

The same checks as the masterplan and instrument importers (``masterplans.services.xlsx``,
``instruments.services.xlsx_format``): a size cap, the type decided by content
(``core.uploads.validate_upload``: a zip holding ``xl/workbook.xml`` with the spreadsheet's content
type, so a renamed file or a macro workbook is refused), and the zip's directory checked for the
number of entries and the total uncompressed size before anything is unpacked (zip bombs).
Callers then open the bytes with ``load_workbook(..., read_only=True, data_only=True)``.
"""

from __future__ import annotations

import io
import zipfile

from django.core.files import File
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from .uploads import UploadRejected, validate_upload

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_ZIP_ENTRIES = 200


def checked_xlsx_bytes(
    uploaded: File,
    *,
    max_bytes: int = MAX_FILE_BYTES,
    max_uncompressed: int = MAX_UNCOMPRESSED_BYTES,
    max_entries: int = MAX_ZIP_ENTRIES,
) -> bytes:
    """The uploaded workbook's bytes, or UploadRejected naming the file and the reason: larger
    than ``max_bytes``, not XLSX by content, more than ``max_entries`` zip entries, or more than
    ``max_uncompressed`` bytes once unpacked (nothing is unpacked to find out)."""
    checked = validate_upload(uploaded, max_bytes=max_bytes, allowed=("xlsx",))
    uploaded.seek(0)
    data = uploaded.read()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UploadRejected(
            _("Berkas «%(name)s» bukan XLSX yang sah.") % {"name": checked.name}
        ) from exc
    if len(entries) > max_entries:
        raise UploadRejected(
            _("Berkas «%(name)s» ditolak: terlalu banyak bagian di dalamnya (%(n)d).")
            % {"name": checked.name, "n": len(entries)}
        )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > max_uncompressed:
        raise UploadRejected(
            _(
                "Berkas «%(name)s» ditolak: isinya %(size)d MB setelah diekstrak, batasnya %(cap)d MB."
            )
            % {"name": checked.name, "size": unpacked // 2**20, "cap": max_uncompressed // 2**20}
        )
    return data


class Problems:
    """Collects an imported workbook's problems as ``sheet!CELL (column): message`` (or
    ``sheet baris N`` / ``sheet`` where no cell or row applies), in the order found."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, sheet: str, row: int | None, column: int | None, name: str, message: str) -> None:
        name = self.label(name)
        if row is None:
            place = sheet
        elif column is None:
            place = _("%(sheet)s baris %(row)d") % {"sheet": sheet, "row": row}
        else:
            place = f"{sheet}!{get_column_letter(column)}{row}"
        where = f"{place} ({name})" if name else place
        self.items.append(f"{where}: {message}")

    def label(self, name: str) -> str:
        """How a column is named in a message (subclasses show a key as its header)."""
        return name

    def __bool__(self) -> bool:
        return bool(self.items)
