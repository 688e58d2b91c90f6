"""Accepting an uploaded XLSX workbook safely before openpyxl reads it.

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
