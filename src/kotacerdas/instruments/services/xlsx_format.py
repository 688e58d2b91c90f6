"""The instrument as an XLSX workbook: one sheet per record kind (see docs/instruments.md).

Sheets ``instrument``, ``aspects``, ``dimensions``, ``elements``, ``indicators``, ``levels``; the first
row of each holds the column names (any order), children name their parent's code. Problems are
named by sheet, cell and column, e.g. ``indicators!F12 (weight): harus lebih besar dari 0``.

Uploads are untrusted: the file is capped in size, its zip directory is checked for the total
uncompressed size and entry count before openpyxl sees it (zip bombs), openpyxl reads in read-only
mode, and a sheet may hold at most MAX_ROWS rows.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kotacerdas.core.taxonomy import Aspect

from .. import schema
from .sources import max_file_bytes, max_xlsx_uncompressed, read_bytes
from .tree import InstrumentFileError, Record, validate

MAX_ROWS = 20_000
MAX_ZIP_ENTRIES = 500
SHEETS = tuple(schema.RECORD_FIELDS)
WIDE = {"question", "question_en", "guidance", "guidance_en", "description", "description_en"}
WIDE |= {"evidence_description", "evidence_description_en", "name", "name_en"}


def check_zip(data: bytes) -> str | None:
    """Refuse what is not a zip, or would unpack to more than the cap (a zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        return _("berkas bukan XLSX (bukan arsip zip Office Open XML)")
    if len(entries) > MAX_ZIP_ENTRIES:
        return _("berkas XLSX berisi terlalu banyak bagian (%(n)d)") % {"n": len(entries)}
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > max_xlsx_uncompressed():
        return _(
            "berkas XLSX ditolak: isinya %(size).0f MB setelah diekstrak, batasnya %(cap).0f MB "
            "(kemungkinan zip bomb)"
        ) % {"size": unpacked / 1024 / 1024, "cap": max_xlsx_uncompressed() / 1024 / 1024}
    return None


def read_xlsx(source: bytes | Path | IO[Any]) -> dict:
    """Parse and validate an instrument workbook; return its tree or raise InstrumentFileError
    listing every problem with its sheet, cell and column."""
    data, error = read_bytes(source, max_file_bytes())
    if error is None:
        error = check_zip(data)
    if error:
        raise InstrumentFileError([error])
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise InstrumentFileError(
            [_("berkas XLSX tidak dapat dibaca (%(e)s)") % {"e": exc}]
        ) from None
    errors: list[str] = []
    records: dict[str, list[Record]] = {}
    try:
        for sheet in SHEETS:
            if sheet not in workbook.sheetnames:
                errors.append(_("sheet %(s)s tidak ada") % {"s": sheet})
                continue
            records[sheet] = _read_sheet(workbook[sheet], sheet, errors)
    finally:
        workbook.close()
    tree = validate(records, errors)
    if errors or tree is None:
        raise InstrumentFileError(errors)
    return tree


def _read_sheet(worksheet, sheet: str, errors: list[str]) -> list[Record]:
    fields = {field.name for field in schema.RECORD_FIELDS[sheet]}
    rows = worksheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        if schema.is_empty(name):
            continue
        key = str(name).strip().lower()
        cell = f"{sheet}!{get_column_letter(index + 1)}1"
        if key not in fields:
            errors.append(f"{cell}: " + _("kolom %(c)r tidak dikenal") % {"c": name})
        elif key in columns:
            errors.append(f"{cell}: " + _("kolom %(c)s muncul dua kali") % {"c": key})
        else:
            columns[key] = index
    for field in schema.RECORD_FIELDS[sheet]:
        if field.required and field.name not in columns:
            errors.append(f"{sheet}!1: " + _("kolom wajib %(c)s tidak ada") % {"c": field.name})
    records = []
    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS:
            errors.append(f"{sheet}!{number}: " + _("lebih dari %(n)d baris") % {"n": MAX_ROWS})
            break
        if all(schema.is_empty(value) for value in row):
            continue
        raw = {name: row[index] for name, index in columns.items() if index < len(row)}

        def place(field: str, number=number) -> str:
            if field in columns:
                return f"{sheet}!{get_column_letter(columns[field] + 1)}{number} ({field})"
            return f"{sheet}!{number} ({field})"

        records.append(Record(sheet, raw, place))
    return records


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return ", ".join(value)
    return value


def tree_to_rows(tree: dict) -> dict[str, list[dict]]:
    """The tree flattened into one list of rows per sheet (each row a dict by column)."""
    rows: dict[str, list[dict]] = {sheet: [] for sheet in SHEETS}
    rows["instrument"].append(
        {key: tree[key] for key in ("code", "name", "name_en", "description")}
    )
    rows["aspects"] = [dict(item) for item in tree["aspects"]]
    for dimension in tree["dimensions"]:
        rows["dimensions"].append({k: v for k, v in dimension.items() if k != "elements"})
        for element in dimension["elements"]:
            rows["elements"].append(
                {
                    "dimension": dimension["code"],
                    **{k: v for k, v in element.items() if k != "indicators"},
                }
            )
            for indicator in element["indicators"]:
                row = {
                    "element": element["code"],
                    **{k: v for k, v in indicator.items() if k != "levels"},
                }
                row["direction"] = schema.direction_name(row["direction"])
                rows["indicators"].append(row)
                rows["levels"] += [
                    {"indicator": indicator["code"], **level} for level in indicator["levels"]
                ]
    return rows


def tree_to_xlsx(tree: dict) -> bytes:
    """The workbook for a tree: frozen bold header rows, lists to pick type, aspect and direction."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    header_fill = PatternFill("solid", fgColor="DCE6F2")
    for sheet, rows in tree_to_rows(tree).items():
        worksheet = workbook.create_sheet(sheet)
        names = [field.name for field in schema.RECORD_FIELDS[sheet]]
        worksheet.append(names)
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
            cell.fill = header_fill
        for row in rows:
            worksheet.append([_cell(row.get(name)) for name in names])
        worksheet.freeze_panes = "A2"
        for index, name in enumerate(names, start=1):
            letter = get_column_letter(index)
            worksheet.column_dimensions[letter].width = 60 if name in WIDE else 16
            if name in WIDE:
                for cell in worksheet[letter][1:]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        _add_lists(worksheet, names)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _add_lists(worksheet, names: list[str]) -> None:
    choices = {
        "type": schema.INDICATOR_TYPES,
        "aspect": tuple(Aspect.values),
        "direction": tuple(schema.DIRECTIONS),
        "evidence_required": ("yes", "no"),
        "allow_not_applicable": ("yes", "no"),
    }
    for name, values in choices.items():
        if name not in names:
            continue
        letter = get_column_letter(names.index(name) + 1)
        validation = DataValidation(
            type="list", formula1='"' + ",".join(values) + '"', allow_blank=True
        )
        worksheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{MAX_ROWS}")
