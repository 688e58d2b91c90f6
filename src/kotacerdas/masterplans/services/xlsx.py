"""A region's masterplan as an XLSX workbook: the documented template, export and import.

Sheets (docs/masterplans.md): ``petunjuk`` (instructions, ignored on import), ``masterplan``
(one ``field``/``value`` pair per row), ``programmes``, ``budgets``, ``kpis`` (one row per KPI and
year), ``quick_wins`` and ``kode`` (the allowed codes, ignored on import). The first row of each
data sheet names its columns (any order). Export then import gives back the same data.

Import is all or nothing: the whole file is read and validated first (through the models'
``full_clean()`` plus the cross-sheet rules) and rejected with one XlsxRejected that lists every
problem as ``sheet!CELL (column): message``; only a clean file is written, in one transaction.
The file is the truth for the masterplan's header and for every programme it lists (their
budgets, KPIs and quick wins are set exactly to the file's rows); programmes it does not list
are left as they are. Every change is in the history.

Uploads are untrusted: capped in size, checked as XLSX by content (``core.uploads``), the zip's
directory checked for entry count and total uncompressed size before openpyxl opens it (zip
bombs), openpyxl in read-only mode, and each sheet limited in rows and columns.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kotacerdas.core.errors import ServiceError
from kotacerdas.core.taxonomy import DIMENSIONS, ELEMENT_BY_CODE, ProgramKind
from kotacerdas.core.uploads import UploadRejected
from kotacerdas.core.workbooks import Problems, checked_xlsx_bytes
from kotacerdas.regions.lineage import resolve_code

from ..choices import KpiDirection, LegalBasisKind, MasterplanStatus, ProgrammeStatus
from ..models import Budget, Kpi, KpiValue, Masterplan, Programme, QuickWin, check_year_in_period
from . import editing

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_ZIP_ENTRIES = 200
MAX_ROWS = 10_000
MAX_COLUMNS = 40
MAX_ERRORS = 200
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MASTERPLAN_ROWS = (
    (
        "region_code",
        gettext_lazy("Kode wilayah Kemendagri, mis. 15.71 (harus daerah halaman impor)"),
    ),
    ("title", gettext_lazy("Judul masterplan")),
    ("start_year", gettext_lazy("Tahun awal periode")),
    ("end_year", gettext_lazy("Tahun akhir periode (paling lama 10 tahun)")),
    ("status", gettext_lazy("draft, adopted atau ended")),
    ("legal_basis_kind", gettext_lazy("perda, perwal, perbup, pergub, kepkada atau kosong")),
    ("legal_basis_number", gettext_lazy("Nomor dasar hukum")),
    ("legal_basis_year", gettext_lazy("Tahun dasar hukum")),
    ("legal_basis_title", gettext_lazy("Tentang (judul dasar hukum)")),
    ("summary", gettext_lazy("Ringkasan (publik)")),
    ("internal_notes", gettext_lazy("Catatan internal (tidak publik)")),
)


@dataclass(frozen=True)
class Column:
    name: str
    help: str
    required: bool = True
    width: int = 14


SHEETS: dict[str, tuple[Column, ...]] = {
    "programmes": (
        Column("code", gettext_lazy("Kode program, unik dalam masterplan, mis. GOV-01")),
        Column("name", gettext_lazy("Nama program"), width=40),
        Column("description", gettext_lazy("Uraian"), required=False, width=50),
        Column("dimension", gettext_lazy("Kode dimensi: GOV, BRA, ECO, LIV, SOC, ENV")),
        Column("element", gettext_lazy("Kode elemen, mis. GOV.SVC (lihat lembar kode)")),
        Column(
            "kind",
            gettext_lazy("regulation, infrastructure, application, ict_hr, cooperation"),
            width=16,
        ),
        Column("agency", gettext_lazy("Perangkat daerah (OPD) penanggung jawab"), width=30),
        Column("start_year", gettext_lazy("Tahun mulai rencana (dalam periode)")),
        Column("end_year", gettext_lazy("Tahun selesai rencana (dalam periode)")),
        Column("status", gettext_lazy("planned, in_progress, done, stalled, cancelled")),
        Column(
            "published", gettext_lazy("ya/tidak: kolom publik tampil kepada publik"), required=False
        ),
        Column(
            "internal_notes",
            gettext_lazy("Catatan internal (tidak publik)"),
            required=False,
            width=30,
        ),
    ),
    "budgets": (
        Column("programme_code", gettext_lazy("Kode program")),
        Column("year", gettext_lazy("Tahun anggaran (dalam periode)")),
        Column("planned", gettext_lazy("Anggaran rencana, rupiah penuh, tidak negatif"), width=18),
        Column("realised", gettext_lazy("Realisasi, rupiah penuh, tidak negatif"), width=18),
    ),
    "kpis": (
        Column("programme_code", gettext_lazy("Kode program")),
        Column("kpi_code", gettext_lazy("Kode IKU, unik dalam program")),
        Column("name", gettext_lazy("Nama IKU (sama di setiap baris IKU ini)"), width=36),
        Column("unit", gettext_lazy("Satuan, mis. %, unit, orang")),
        Column("direction", gettext_lazy("up (makin tinggi makin baik) atau down")),
        Column("year", gettext_lazy("Tahun (dalam periode)")),
        Column("target", gettext_lazy("Target tahun itu")),
        Column(
            "realisation",
            gettext_lazy("Realisasi tahun itu (kosong bila belum ada)"),
            required=False,
        ),
    ),
    "quick_wins": (
        Column("programme_code", gettext_lazy("Kode program")),
        Column("year", gettext_lazy("Tahun program menjadi quick win (dalam periode)")),
    ),
}
DATA_SHEETS = ("masterplan", *SHEETS)
YES = {"ya", "y", "yes", "true", "1", "benar"}
NO = {"tidak", "t", "no", "false", "0", "salah", ""}
_GROUPED_INTEGER = re.compile(r"^\d{1,3}(\.\d{3})+$")


class XlsxRejected(ServiceError):
    """A workbook that cannot be imported; ``details`` names each problem's sheet, cell, column."""


@dataclass
class ImportReport:
    masterplan: Masterplan
    created: bool
    programmes_created: int = 0
    programmes_updated: int = 0
    programmes_untouched: list[str] = field(default_factory=list)


# --- Writing --------------------------------------------------------------------------------

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")


def _choices_text(choices) -> str:
    return ", ".join(str(value) for value, _label in choices)


def _header(sheet, columns: tuple[Column, ...]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.comment = Comment(str(column.help), "Kota Cerdas")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"


def _list_validation(sheet, column_index: int, values: list[str]) -> None:
    letter = get_column_letter(column_index)
    validation = DataValidation(
        type="list", formula1='"' + ",".join(values) + '"', allow_blank=True
    )
    validation.add(f"{letter}2:{letter}{MAX_ROWS}")
    sheet.add_data_validation(validation)


def _instructions(book: Workbook) -> None:
    sheet = book.active
    sheet.title = "petunjuk"
    lines = [
        _("Templat masterplan smart city — Kota Cerdas"),
        "",
        _(
            "Isi lembar masterplan, programmes, budgets, kpis dan quick_wins; baris pertama setiap "
            "lembar adalah nama kolom (jangan diubah). Arahkan kursor ke judul kolom untuk penjelasannya."
        ),
        _(
            "Semua tahun harus berada di dalam periode masterplan. Uang dalam rupiah penuh tanpa "
            "desimal dan tidak negatif. Kode dimensi, elemen, jenis program dan status ada di lembar kode."
        ),
        _(
            "Impor memeriksa seluruh berkas lebih dulu: jika ada satu saja masalah, tidak ada yang "
            "disimpan, dan setiap masalah disebutkan dengan lembar, sel dan kolomnya."
        ),
        _(
            "Program yang tercantum di berkas diperbarui persis seperti berkas (termasuk anggaran, IKU "
            "dan quick win-nya); program yang tidak tercantum dibiarkan."
        ),
        _("Lembar petunjuk dan kode tidak dibaca saat impor."),
    ]
    for row, line in enumerate(lines, start=1):
        sheet.cell(row=row, column=1, value=str(line)).alignment = Alignment(wrap_text=True)
    sheet.column_dimensions["A"].width = 120
    sheet["A1"].font = Font(bold=True, size=14)


def _codes_sheet(book: Workbook) -> None:
    sheet = book.create_sheet("kode")
    _header(
        sheet,
        (
            Column("list", _("Daftar")),
            Column("code", _("Kode")),
            Column("label", _("Arti"), width=45),
        ),
    )
    rows = [("dimension", d.code, d.name) for d in DIMENSIONS]
    rows += [("element", code, e.name_id) for code, e in ELEMENT_BY_CODE.items()]
    rows += [("kind", value, str(label)) for value, label in ProgramKind.choices]
    rows += [("status", value, str(label)) for value, label in ProgrammeStatus.choices]
    rows += [("masterplan status", value, str(label)) for value, label in MasterplanStatus.choices]
    rows += [("legal_basis_kind", value, str(label)) for value, label in LegalBasisKind.choices]
    rows += [("direction", value, str(label)) for value, label in KpiDirection.choices]
    for row in rows:
        sheet.append(list(row))


def _money(value) -> int | str:
    """Whole rupiah as a number cell; as text beyond what a spreadsheet number holds exactly."""
    amount = int(value)
    return amount if amount < 2**53 else str(amount)


def _number(value: Decimal | None):
    """A KPI number as int when whole, else float-free Decimal rendered as a number cell."""
    if value is None:
        return None
    normal = value.normalize()
    if normal == normal.to_integral():
        return int(normal)
    return float(normal)


def _masterplan_rows(masterplan: Masterplan | None, region) -> list[tuple[str, object]]:
    if masterplan is None:
        values = {"region_code": region.code if region else ""}
    else:
        values = {name: getattr(masterplan, name) for name, _help in MASTERPLAN_ROWS[1:]}
        values["region_code"] = masterplan.region.code
    return [(name, values.get(name)) for name, _help in MASTERPLAN_ROWS]


def _data_rows(masterplan: Masterplan) -> dict[str, list[list]]:
    programmes = list(masterplan.programmes.order_by("code"))
    rows: dict[str, list[list]] = defaultdict(list)
    for p in programmes:
        rows["programmes"].append(
            [
                p.code,
                p.name,
                p.description,
                p.dimension,
                p.element,
                p.kind,
                p.agency,
                p.start_year,
                p.end_year,
                p.status,
                "ya" if p.published else "tidak",
                p.internal_notes,
            ]
        )
    budgets = Budget.objects.filter(programme__masterplan=masterplan).select_related("programme")
    for b in budgets.order_by("programme__code", "year"):
        rows["budgets"].append([b.programme.code, b.year, _money(b.planned), _money(b.realised)])
    values = KpiValue.objects.filter(kpi__programme__masterplan=masterplan).select_related(
        "kpi__programme"
    )
    for v in values.order_by("kpi__programme__code", "kpi__code", "year"):
        k = v.kpi
        rows["kpis"].append(
            [
                k.programme.code,
                k.code,
                k.name,
                k.unit,
                k.direction,
                v.year,
                _number(v.target),
                _number(v.realisation),
            ]
        )
    bare = Kpi.objects.filter(programme__masterplan=masterplan, values__isnull=True)
    for k in bare.select_related("programme").order_by("programme__code", "code"):
        # A KPI without any target yet: one row with empty year, target and realisation.
        rows["kpis"].append(
            [k.programme.code, k.code, k.name, k.unit, k.direction, None, None, None]
        )
    rows["kpis"].sort(key=lambda r: (r[0], r[1], r[5] or 0))
    quick_wins = QuickWin.objects.filter(programme__masterplan=masterplan).select_related(
        "programme"
    )
    for q in quick_wins.order_by("programme__code", "year"):
        rows["quick_wins"].append([q.programme.code, q.year])
    return rows


def write_workbook(masterplan: Masterplan | None = None, *, region=None) -> bytes:
    """The workbook of ``masterplan`` (or the blank template, for ``region`` when given)."""
    book = Workbook()
    _instructions(book)
    sheet = book.create_sheet("masterplan")
    _header(
        sheet,
        (
            Column("field", _("Isian"), width=22),
            Column("value", _("Nilai"), width=60),
            Column("help", _("Penjelasan (tidak dibaca)"), required=False, width=60),
        ),
    )
    help_by_name = dict(MASTERPLAN_ROWS)
    for name, value in _masterplan_rows(masterplan, region):
        sheet.append([name, value, str(help_by_name[name])])
    rows = _data_rows(masterplan) if masterplan is not None else {}
    for name, columns in SHEETS.items():
        sheet = book.create_sheet(name)
        _header(sheet, columns)
        for row in rows.get(name, []):
            sheet.append(row)
    programmes = book["programmes"]
    _list_validation(programmes, 4, [d.code for d in DIMENSIONS])
    _list_validation(programmes, 6, list(ProgramKind.values))
    _list_validation(programmes, 10, list(ProgrammeStatus.values))
    _list_validation(programmes, 11, ["ya", "tidak"])
    _list_validation(book["kpis"], 5, list(KpiDirection.values))
    _codes_sheet(book)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def export_filename(masterplan: Masterplan) -> str:
    return f"masterplan-{masterplan.region.code}-{masterplan.start_year}-{masterplan.end_year}.xlsx"


# --- Reading --------------------------------------------------------------------------------


@dataclass
class Row:
    """One data row: its number and its cells by column name (with their column index)."""

    sheet: str
    number: int
    cells: dict[str, object]
    columns: dict[str, int]


def _guard(uploaded: File) -> bytes:
    """The file's bytes, or XlsxRejected: too large, not XLSX by content, or a zip bomb
    (``core.workbooks``, shared with the offline self-assessment workbook)."""
    try:
        return checked_xlsx_bytes(
            uploaded,
            max_bytes=MAX_FILE_BYTES,
            max_uncompressed=MAX_UNCOMPRESSED_BYTES,
            max_entries=MAX_ZIP_ENTRIES,
        )
    except UploadRejected as rejected:
        raise XlsxRejected(rejected.message) from rejected


def _read_sheet(book, name: str, problems: Problems) -> list[Row] | None:
    if name not in book.sheetnames:
        problems.add(name, None, None, "", _("lembar tidak ada"))
        return None
    sheet = book[name]
    rows: Iterator[tuple] = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    header = next(rows, None) or ()
    columns: dict[str, int] = {}
    for index, value in enumerate(header, start=1):
        title = str(value).strip() if value is not None else ""
        if not title:
            continue
        if title in columns:
            problems.add(name, 1, index, title, _("nama kolom ganda"))
        columns[title] = index
    wanted = SHEETS.get(name, (Column("field", ""), Column("value", "")))
    missing = [
        c.name for c in wanted if c.name not in columns and (c.required or name == "masterplan")
    ]
    for column_name in missing:
        problems.add(name, 1, None, column_name, _("kolom wajib tidak ada"))
    if missing:
        return None
    result = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            problems.add(name, None, None, "", _("lebih dari %(n)d baris") % {"n": MAX_ROWS})
            return None
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        cells = {
            title: (values[index - 1] if index - 1 < len(values) else None)
            for title, index in columns.items()
        }
        result.append(Row(name, number, cells, columns))
    return result


def _blank(row: Row, name: str) -> bool:
    value = row.cells.get(name)
    return value is None or (isinstance(value, str) and not value.strip())


class Parser:
    """Turns cells into values, recording a problem (and returning None) for a bad cell."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems

    def _bad(self, row: Row, name: str, message: str) -> None:
        self.problems.add(row.sheet, row.number, row.columns.get(name), name, message)

    def text(self, row: Row, name: str, *, required: bool = True, max_length: int = 0) -> str:
        value = row.cells.get(name)
        text = "" if value is None else str(value).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        if required and not text:
            self._bad(row, name, _("wajib diisi"))
        if max_length and len(text) > max_length:
            self._bad(row, name, _("paling panjang %(n)d karakter") % {"n": max_length})
        return text

    def integer(self, row: Row, name: str, *, required: bool = True) -> int | None:
        value = row.cells.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self._bad(row, name, _("wajib diisi"))
            return None
        if isinstance(value, bool):
            self._bad(row, name, _("harus bilangan bulat"))
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            text = value.strip().replace(" ", "")
            if _GROUPED_INTEGER.match(text):
                text = text.replace(".", "")
            if text.isdigit():
                return int(text)
        self._bad(row, name, _("«%(value)s» bukan bilangan bulat") % {"value": str(value)[:40]})
        return None

    def decimal(self, row: Row, name: str, *, required: bool = True) -> Decimal | None:
        value = row.cells.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self._bad(row, name, _("wajib diisi"))
            return None
        if isinstance(value, bool):
            self._bad(row, name, _("harus angka"))
            return None
        if isinstance(value, str):
            text = value.strip().replace(",", ".")
        elif isinstance(value, float):
            text = repr(value)
        else:
            text = str(value)
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self._bad(row, name, _("«%(value)s» bukan angka") % {"value": str(value)[:40]})
            return None
        return number

    def boolean(self, row: Row, name: str) -> bool | None:
        value = row.cells.get(name)
        if isinstance(value, bool):
            return value
        text = "" if value is None else str(value).strip().lower()
        if text in YES:
            return True
        if text in NO:
            return False
        self._bad(row, name, _("isi «ya» atau «tidak»"))
        return None


def _apply_errors(
    error: ValidationError, row: Row, problems: Problems, rename: dict[str, str]
) -> None:
    for field_name, messages in error.message_dict.items():
        column = rename.get(field_name, field_name)
        for message in messages:
            problems.add(row.sheet, row.number, row.columns.get(column), column, message)


def _validate(instance, row: Row, problems: Problems, *, exclude: list[str], rename=None) -> bool:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        _apply_errors(error, row, problems, rename or {})
        return False
    return True


def _in_period(year, masterplan, row: Row, column: str, problems: Problems) -> None:
    try:
        check_year_in_period(year, masterplan, column)
    except ValidationError as error:
        _apply_errors(error, row, problems, {})


@dataclass
class Parsed:
    masterplan: Masterplan
    programmes: dict[str, tuple[Programme, Row]]
    budgets: dict[str, list[Budget]]
    kpis: dict[str, dict[str, tuple[Kpi, list[KpiValue]]]]
    quick_wins: dict[str, set[int]]


def _parse_masterplan(
    rows: list[Row], region, problems: Problems, parse: Parser
) -> Masterplan | None:
    by_field: dict[str, Row] = {}
    for row in rows:
        key = parse.text(row, "field", required=False)
        if key in by_field:
            problems.add("masterplan", row.number, row.columns["field"], "field", _("isian ganda"))
        by_field[key] = row
    known = {name for name, _help in MASTERPLAN_ROWS}
    for key, row in by_field.items():
        if key and key not in known:
            problems.add(
                "masterplan",
                row.number,
                row.columns["field"],
                "field",
                _("isian «%(key)s» tidak dikenal") % {"key": key},
            )
    missing = [
        name for name in ("region_code", "title", "start_year", "end_year") if name not in by_field
    ]
    for name in missing:
        problems.add("masterplan", None, None, name, _("baris isian wajib tidak ada"))
    if missing:
        return None

    def value_row(name: str) -> Row:
        row = by_field.get(name)
        if row is None:
            return Row("masterplan", 0, {"value": None}, {"value": 2})
        return Row(
            "masterplan", row.number, {name: row.cells.get("value")}, {name: row.columns["value"]}
        )

    code = parse.text(value_row("region_code"), "region_code")
    # A file written before the region's code changed (91.01, now 93.01) is still its own.
    if code and code != region.code and not _is_old_code_of(code, region):
        problems.add(
            "masterplan",
            by_field["region_code"].number,
            by_field["region_code"].columns["value"],
            "region_code",
            _("berkas untuk daerah %(code)s, bukan %(region)s (%(own)s)")
            % {"code": code, "region": region.name, "own": region.code},
        )
    start = parse.integer(value_row("start_year"), "start_year")
    end = parse.integer(value_row("end_year"), "end_year")
    data = {
        "title": parse.text(value_row("title"), "title"),
        "start_year": start,
        "end_year": end,
        "status": parse.text(value_row("status"), "status", required=False)
        or MasterplanStatus.DRAFT,
        "legal_basis_kind": parse.text(
            value_row("legal_basis_kind"), "legal_basis_kind", required=False
        ),
        "legal_basis_number": parse.text(
            value_row("legal_basis_number"), "legal_basis_number", required=False
        ),
        "legal_basis_year": parse.integer(
            value_row("legal_basis_year"), "legal_basis_year", required=False
        ),
        "legal_basis_title": parse.text(
            value_row("legal_basis_title"), "legal_basis_title", required=False
        ),
        "summary": parse.text(value_row("summary"), "summary", required=False),
        "internal_notes": parse.text(value_row("internal_notes"), "internal_notes", required=False),
    }
    existing = Masterplan.objects.filter(region=region, start_year=start).first() if start else None
    masterplan = existing or Masterplan(region=region)
    for name, value in data.items():
        setattr(masterplan, name, value)
    try:
        masterplan.full_clean(exclude=["region"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            row = value_row(name)
            for message in messages:
                problems.add("masterplan", row.number or None, row.columns.get(name), name, message)
        return None
    return masterplan


def _parse_programmes(rows, masterplan, problems, parse) -> dict[str, tuple[Programme, Row]]:
    existing = {p.code: p for p in masterplan.programmes.all()} if masterplan.pk else {}
    result: dict[str, tuple[Programme, Row]] = {}
    for row in rows:
        code = parse.text(row, "code")
        if code in result:
            problems.add(
                row.sheet,
                row.number,
                row.columns["code"],
                "code",
                _("kode %(code)s sudah dipakai di baris %(row)d")
                % {"code": code, "row": result[code][1].number},
            )
            continue
        programme = existing.get(code) or Programme()
        programme.masterplan = masterplan
        values = {
            "code": code,
            "name": parse.text(row, "name"),
            "description": parse.text(row, "description", required=False),
            "dimension": parse.text(row, "dimension"),
            "element": parse.text(row, "element"),
            "kind": parse.text(row, "kind"),
            "agency": parse.text(row, "agency"),
            "start_year": parse.integer(row, "start_year"),
            "end_year": parse.integer(row, "end_year"),
            "status": parse.text(row, "status"),
            "published": parse.boolean(row, "published") if "published" in row.columns else False,
            "internal_notes": parse.text(row, "internal_notes", required=False),
        }
        for name, value in values.items():
            setattr(programme, name, value if value is not None else getattr(Programme(), name))
        if None not in values.values() and code:
            _validate(programme, row, problems, exclude=["masterplan"] if not masterplan.pk else [])
        if code:
            result[code] = (programme, row)
    return result


def _programme_for(row: Row, parsed_programmes, problems, parse) -> Programme | None:
    code = parse.text(row, "programme_code")
    if code and code not in parsed_programmes:
        problems.add(
            row.sheet,
            row.number,
            row.columns["programme_code"],
            "programme_code",
            _("program %(code)s tidak ada di lembar programmes") % {"code": code},
        )
        return None
    return parsed_programmes[code][0] if code else None


def _parse_budgets(rows, masterplan, programmes, problems, parse) -> dict[str, list[Budget]]:
    result: dict[str, list[Budget]] = defaultdict(list)
    seen: dict[tuple[str, int], int] = {}
    for row in rows:
        programme = _programme_for(row, programmes, problems, parse)
        year = parse.integer(row, "year")
        planned = parse.integer(row, "planned")
        realised = parse.integer(row, "realised")
        if programme is None or None in (year, planned, realised):
            continue
        key = (programme.code, year)
        if key in seen:
            problems.add(
                row.sheet,
                row.number,
                row.columns["year"],
                "year",
                _("anggaran %(code)s tahun %(year)d sudah ada di baris %(row)d")
                % {"code": programme.code, "year": year, "row": seen[key]},
            )
            continue
        seen[key] = row.number
        budget = Budget(year=year, planned=planned, realised=realised)
        _validate(budget, row, problems, exclude=["programme"])
        _in_period(year, masterplan, row, "year", problems)
        result[programme.code].append(budget)
    return result


def _parse_kpis(rows, masterplan, programmes, problems, parse):
    result: dict[str, dict[str, tuple[Kpi, list[KpiValue]]]] = defaultdict(dict)
    seen: dict[tuple[str, str, int], int] = {}
    for row in rows:
        programme = _programme_for(row, programmes, problems, parse)
        code = parse.text(row, "kpi_code")
        name = parse.text(row, "name")
        unit = parse.text(row, "unit")
        direction = parse.text(row, "direction")
        bare = all(_blank(row, column) for column in ("year", "target", "realisation"))
        year = None if bare else parse.integer(row, "year")
        target = None if bare else parse.decimal(row, "target")
        realisation = None if bare else parse.decimal(row, "realisation", required=False)
        if programme is None or not code or (not bare and (year is None or target is None)):
            continue
        known = result[programme.code].get(code)
        if known is None:
            kpi = Kpi(code=code, name=name, unit=unit, direction=direction)
            _validate(kpi, row, problems, exclude=["programme"], rename={"code": "kpi_code"})
            known = result[programme.code][code] = (kpi, [])
        elif (known[0].name, known[0].unit, known[0].direction) != (name, unit, direction):
            problems.add(
                row.sheet,
                row.number,
                None,
                "name/unit/direction",
                _("IKU %(code)s harus bernama, bersatuan dan berarah sama di setiap baris")
                % {"code": code},
            )
        if bare:
            continue
        key = (programme.code, code, year)
        if key in seen:
            problems.add(
                row.sheet,
                row.number,
                row.columns["year"],
                "year",
                _("IKU %(code)s tahun %(year)d sudah ada di baris %(row)d")
                % {"code": code, "year": year, "row": seen[key]},
            )
            continue
        seen[key] = row.number
        value = KpiValue(year=year, target=target, realisation=realisation)
        _validate(value, row, problems, exclude=["kpi"])
        _in_period(year, masterplan, row, "year", problems)
        known[1].append(value)
    return result


def _parse_quick_wins(rows, masterplan, programmes, problems, parse) -> dict[str, set[int]]:
    result: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        programme = _programme_for(row, programmes, problems, parse)
        year = parse.integer(row, "year")
        if programme is None or year is None:
            continue
        if year in result[programme.code]:
            problems.add(row.sheet, row.number, row.columns["year"], "year", _("quick win ganda"))
        _in_period(year, masterplan, row, "year", problems)
        result[programme.code].add(year)
    return result


def _check_untouched(masterplan: Masterplan, listed: set[str], problems: Problems) -> None:
    """Programmes already stored but not in the file must still fit the (new) period."""
    if not masterplan.pk:
        return
    start, end = masterplan.start_year, masterplan.end_year
    for programme in masterplan.programmes.exclude(code__in=listed):
        years = {programme.start_year, programme.end_year}
        years |= set(programme.budgets.values_list("year", flat=True))
        years |= set(programme.quick_wins.values_list("year", flat=True))
        years |= set(
            KpiValue.objects.filter(kpi__programme=programme).values_list("year", flat=True)
        )
        if any(not start <= year <= end for year in years):
            problems.add(
                "masterplan",
                None,
                None,
                "start_year/end_year",
                _("program %(code)s (tidak ada di berkas) punya tahun di luar periode baru")
                % {"code": programme.code},
            )


def read_workbook(uploaded: File, region) -> Parsed:
    """Check and parse a workbook for ``region``; XlsxRejected listing every problem."""
    data = _guard(uploaded)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on malformed files
        raise XlsxRejected(
            _("Berkas XLSX tidak dapat dibaca: %(error)s") % {"error": str(exc)[:200]}
        ) from exc
    problems = Problems()
    parse = Parser(problems)
    try:
        sheets = {name: _read_sheet(book, name, problems) for name in DATA_SHEETS}
    finally:
        book.close()
    masterplan = None
    if sheets["masterplan"] is not None:
        masterplan = _parse_masterplan(sheets["masterplan"], region, problems, parse)
    if masterplan is None or sheets["programmes"] is None:
        _raise(problems)
    programmes = _parse_programmes(sheets["programmes"], masterplan, problems, parse)
    empty: list[Row] = []
    parsed = Parsed(
        masterplan=masterplan,
        programmes=programmes,
        budgets=_parse_budgets(sheets["budgets"] or empty, masterplan, programmes, problems, parse),
        kpis=_parse_kpis(sheets["kpis"] or empty, masterplan, programmes, problems, parse),
        quick_wins=_parse_quick_wins(
            sheets["quick_wins"] or empty, masterplan, programmes, problems, parse
        ),
    )
    _check_untouched(masterplan, set(programmes), problems)
    if problems:
        _raise(problems)
    return parsed


def _raise(problems: Problems) -> None:
    items = problems.items
    shown = items[:MAX_ERRORS]
    if len(items) > MAX_ERRORS:
        shown.append(_("… dan %(n)d masalah lain.") % {"n": len(items) - MAX_ERRORS})
    raise XlsxRejected(
        _("Berkas ditolak; tidak ada yang disimpan. %(n)d masalah:") % {"n": len(items)},
        details=shown,
    )


# --- Writing an import ----------------------------------------------------------------------


def import_workbook(region, uploaded: File, *, by) -> ImportReport:
    """Import a masterplan workbook into ``region``: all or nothing (see the module docstring).

    Guarantees: ``by`` may edit the region (PermissionDenied); the file passes every check
    (XlsxRejected listing each problem by sheet, cell and column, nothing written); the
    masterplan is the one of the region with the file's start year (created if none); every
    change is recorded in the history under ``by``.
    """
    editing.ensure_can_edit(by, region)
    parsed = read_workbook(uploaded, region)
    with transaction.atomic():
        return _write(parsed, by)


def _write(parsed: Parsed, by) -> ImportReport:
    masterplan = parsed.masterplan
    created = masterplan.pk is None
    if not created:
        locked = Masterplan.objects.select_for_update().get(pk=masterplan.pk)
        masterplan.version = locked.version + 1
    masterplan._history_user = by
    masterplan.updated_by = by
    masterplan._change_reason = _("Impor XLSX")
    masterplan.save()
    report = ImportReport(masterplan=masterplan, created=created)
    for code, (programme, _row) in parsed.programmes.items():
        if programme.pk:
            report.programmes_updated += 1
            programme.version += 1
        else:
            report.programmes_created += 1
        programme.masterplan = masterplan
        programme._history_user = by
        programme.updated_by = by
        programme._change_reason = _("Impor XLSX")
        programme.save()
        editing.set_quick_wins(programme, parsed.quick_wins.get(code, set()), by=by)
        editing.set_budgets(
            programme,
            _budget_rows(programme, parsed.budgets.get(code, [])),
            by=by,
        )
        _write_kpis(programme, parsed.kpis.get(code, {}), by)
    report.programmes_untouched = list(
        masterplan.programmes.exclude(code__in=parsed.programmes).values_list("code", flat=True)
    )
    return report


def _budget_rows(programme: Programme, budgets: list[Budget]) -> list[editing.YearAmounts]:
    wanted = {b.year: b for b in budgets}
    years = set(wanted) | set(programme.budgets.values_list("year", flat=True))
    return [
        editing.YearAmounts(
            year,
            Decimal(wanted[year].planned) if year in wanted else None,
            Decimal(wanted[year].realised) if year in wanted else None,
        )
        for year in sorted(years)
    ]


def _write_kpis(programme: Programme, kpis: dict[str, tuple[Kpi, list[KpiValue]]], by) -> None:
    for old in programme.kpis.exclude(code__in=kpis):
        for value in old.values.all():
            value._history_user = by
            value.delete()
        old._history_user = by
        old.delete()
    existing = {kpi.code: kpi for kpi in programme.kpis.all()}
    for code, (kpi, values) in kpis.items():
        target_years = {v.year: v for v in values}
        current = existing.get(code)
        years = set(target_years) | (
            set(current.values.values_list("year", flat=True)) if current else set()
        )
        rows = [
            editing.YearAmounts(
                year,
                target_years[year].target if year in target_years else None,
                target_years[year].realisation if year in target_years else None,
            )
            for year in sorted(years)
        ]
        editing.save_kpi(
            programme,
            data={"code": kpi.code, "name": kpi.name, "unit": kpi.unit, "direction": kpi.direction},
            values=rows,
            kpi=current,
            by=by,
        )


def _is_old_code_of(code: str, region) -> bool:
    """True when ``code`` is a code ``region`` had before a change in the register."""
    found = resolve_code(code)
    return found is not None and found.is_old and found.region.pk == region.pk
