"""Reading an uploaded offline workbook (``workbook``) and checking all of it.

``read_workbook`` checks the signed token (this region and cycle, not edited), each dimension
sheet's columns, each row's indicator code, value (type and range as the autosave checks them),
"not applicable" (only where allowed, and then no value), justification length and links (as the
evidence links service checks them), and returns the rows, or refuses the file with every
problem named by sheet, cell and column (the column by its header, as the operator sees it).
It writes nothing; ``workbook_import`` compares and applies.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core import signing
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from kotacerdas.core import workbooks
from kotacerdas.core.errors import ServiceError
from kotacerdas.instruments.models import Indicator, IndicatorType

from ..models import Submission
from . import answers as answer_service
from . import evidence as evidence_service
from . import submissions
from .workbook import (
    COLUMNS,
    FORMAT_VERSION,
    MAX_LINKS_PER_CELL,
    META_SHEET,
    REQUIRED_COLUMNS,
    SIGNING_SALT,
    answer_fingerprint,
    canonical_text,
)

MAX_ROWS = 2_000
MAX_COLUMNS = 40
MAX_ERRORS = 200
YES = {"ya", "y", "yes", "benar", "true", "1", "x"}
NO = {"tidak", "t", "no", "n", "salah", "false", "0"}


class WorkbookRejected(ServiceError):
    """A workbook that cannot be used; ``details`` names each problem's sheet, cell and column."""


@dataclass(frozen=True)
class Content:
    """An answer's content: what the form shows and the workbook holds."""

    value: Decimal | None
    not_applicable: bool
    justification: str

    @property
    def fingerprint(self) -> str:
        return answer_fingerprint(self.value, self.not_applicable, self.justification)

    @property
    def is_empty(self) -> bool:
        return self.value is None and not self.not_applicable and not self.justification


@dataclass
class Row:
    """One indicator's row as read from the file."""

    indicator: Indicator
    sheet: str
    number: int
    content: Content
    links: list[str]


@dataclass
class Parsed:
    """A checked workbook: its token's content and its rows by indicator code."""

    created_at: datetime.datetime
    created_by: int
    base: dict[str, list]  # code -> [version, answer fingerprint, links fingerprint, updated]
    rows: dict[str, Row]


class Problems(workbooks.Problems):
    """Problems named ``sheet!CELL (column): message``; a column's key is shown as its header,
    as the operator sees it."""

    def label(self, name: str) -> str:
        return column_name(name)

    def raise_if_any(self) -> None:
        if not self.items:
            return
        shown = self.items[:MAX_ERRORS]
        if len(self.items) > MAX_ERRORS:
            shown.append(_("… dan %(n)d masalah lain.") % {"n": len(self.items) - MAX_ERRORS})
        raise WorkbookRejected(
            _("Lembar kerja ditolak; tidak ada yang disimpan. %(n)d masalah:")
            % {"n": len(self.items)},
            details=shown,
        )


def column_name(key: str) -> str:
    """The header of the column ``key`` in the active language, without its parenthesised hint
    (``Tautan data dukung``); other names as given."""
    for column in COLUMNS:
        if column.key == key:
            return str(column.label).split(" (")[0]
    return key


def _header_keys() -> dict[str, str]:
    """Every header text the reader accepts (Indonesian and English), lower-cased, to its key."""
    keys = {}
    for language in ("id", "en"):
        with translation.override(language):
            for column in COLUMNS:
                keys[str(column.label).strip().lower()] = column.key
    return keys


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_token(book, submission: Submission, problems: Problems) -> dict | None:
    if META_SHEET not in book.sheetnames:
        problems.add(
            META_SHEET,
            None,
            None,
            "",
            _("lembar tersembunyi tidak ada; unduh lembar kerja dari halaman penilaian mandiri"),
        )
        return None
    token = None
    for row in book[META_SHEET].iter_rows(values_only=True, max_col=2, max_row=20):
        if len(row) == 2 and row[0] == "token":
            token = row[1]
    try:
        payload = signing.loads(str(token or ""), salt=SIGNING_SALT)
    except signing.BadSignature:
        problems.add(
            META_SHEET,
            None,
            None,
            "token",
            _("lembar tersembunyi diubah atau bukan dari Kota Cerdas; unduh lembar kerja baru"),
        )
        return None
    if payload.get("f") != FORMAT_VERSION:
        problems.add(META_SHEET, None, None, "format", _("versi lembar kerja tidak dikenal"))
        return None
    if payload.get("s") != submission.pk:
        problems.add(
            META_SHEET,
            None,
            None,
            "",
            _(
                "lembar kerja ini milik %(region)s, siklus %(year)s, bukan penilaian mandiri "
                "%(here)s %(here_year)s"
            )
            % {
                "region": payload.get("r"),
                "year": payload.get("c"),
                "here": submission.region.code,
                "here_year": submission.cycle.year,
            },
        )
        return None
    return payload


def _columns(header, sheet: str, problems: Problems) -> dict[str, int] | None:
    known = _header_keys()
    columns: dict[str, int] = {}
    for index, title in enumerate(header, start=1):
        key = known.get(str(title).strip().lower()) if not _blank(title) else None
        if key is None:
            continue  # a column of the region's own (notes): ignored
        if key in columns:
            problems.add(sheet, 1, index, str(title), _("nama kolom ganda"))
        columns[key] = index
    missing = [key for key in REQUIRED_COLUMNS if key not in columns]
    for key in missing:
        problems.add(sheet, 1, None, key, _("kolom wajib tidak ada"))
    return None if missing else columns


def _parse_value(indicator: Indicator, raw, place) -> Decimal | None:
    """The answer cell as a Decimal (None when empty); raises InvalidAnswer."""
    if _blank(raw):
        return None
    if isinstance(raw, bool):
        raw = int(raw)
    if indicator.type == IndicatorType.YESNO:
        word = str(raw).strip().lower()
        if isinstance(raw, int | float) and raw in (0, 1):
            return Decimal(int(raw))
        if word in YES:
            return Decimal(1)
        if word in NO:
            return Decimal(0)
        raise answer_service.InvalidAnswer(_("isi «ya» atau «tidak»"))
    if isinstance(raw, datetime.date | datetime.time):
        raise answer_service.InvalidAnswer(_("berisi tanggal atau waktu, bukan angka"))
    if isinstance(raw, float):
        raw = repr(raw)
    return answer_service.parse_value(str(raw))


def _parse_flag(raw) -> bool | None:
    if _blank(raw):
        return False
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    return None


def _parse_links(raw, sheet, number, column, problems) -> list[str]:
    if _blank(raw):
        return []
    urls = [line.strip() for line in re.split(r"[\r\n]+", str(raw)) if line.strip()]
    if len(urls) > MAX_LINKS_PER_CELL:
        problems.add(
            sheet,
            number,
            column,
            "links",
            _("paling banyak %(n)d tautan per indikator") % {"n": MAX_LINKS_PER_CELL},
        )
        return []
    clean = []
    for url in urls:
        try:
            clean.append(evidence_service.clean_url(url))
        except evidence_service.InvalidEvidence as error:
            problems.add(sheet, number, column, "links", error.message)
    return list(dict.fromkeys(clean))


def _read_row(values, indicator, sheet, number, columns, problems) -> Row | None:
    def cell(key):
        index = columns.get(key)
        return values[index - 1] if index and index - 1 < len(values) else None

    count = len(problems.items)
    try:
        value = _parse_value(indicator, cell("answer"), None)
    except answer_service.InvalidAnswer as error:
        problems.add(sheet, number, columns["answer"], "answer", error.message)
        value = None
    flag = _parse_flag(cell("not_applicable"))
    if flag is None:
        problems.add(
            sheet,
            number,
            columns["not_applicable"],
            "not_applicable",
            _("isi «ya» atau kosongkan"),
        )
        flag = False
    justification = canonical_text(str(cell("justification") or ""))
    if len(justification) > answer_service.MAX_JUSTIFICATION:
        problems.add(
            sheet,
            number,
            columns["justification"],
            "justification",
            _("paling panjang %(max)d karakter") % {"max": answer_service.MAX_JUSTIFICATION},
        )
    if len(problems.items) == count:
        try:
            answer_service.validate_value(indicator, value, flag)
        except answer_service.InvalidAnswer as error:
            column = "not_applicable" if flag else "answer"
            problems.add(sheet, number, columns[column], column, error.message)
    links = _parse_links(cell("links"), sheet, number, columns["links"], problems)
    if len(problems.items) != count:
        return None
    return Row(indicator, sheet, number, Content(value, flag, justification), links)


def read_workbook(submission: Submission, data: bytes) -> Parsed:
    """Check a whole workbook for ``submission`` (module docstring, step 1) and return it parsed,
    or WorkbookRejected listing every problem by sheet, cell and column. Writes nothing."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise WorkbookRejected(
            _("Berkas XLSX tidak dapat dibaca: %(error)s") % {"error": str(exc)[:200]}
        ) from exc
    problems = Problems()
    rows: dict[str, Row] = {}
    try:
        payload = _read_token(book, submission, problems)
        problems.raise_if_any()
        indicators = {
            indicator.code: indicator for indicator in submissions.indicators_of(submission)
        }
        dimensions = list(dict.fromkeys(i.element.dimension.code for i in indicators.values()))
        for code in dimensions:
            if code not in book.sheetnames:
                problems.add(code, None, None, "", _("lembar dimensi tidak ada"))
                continue
            _read_sheet(book[code], code, indicators, rows, problems)
        for name in book.sheetnames:
            if name not in dimensions and name != META_SHEET and _looks_like_answers(book[name]):
                problems.add(
                    name,
                    None,
                    None,
                    "",
                    _("lembar ini bukan dimensi instrumen siklus ini (%(codes)s)")
                    % {"codes": ", ".join(dimensions)},
                )
    finally:
        book.close()
    problems.raise_if_any()
    return Parsed(
        created_at=datetime.datetime.fromisoformat(payload["t"]),
        created_by=payload["u"],
        base=payload["a"],
        rows=rows,
    )


def _looks_like_answers(sheet) -> bool:
    header = next(sheet.iter_rows(values_only=True, max_row=1, max_col=MAX_COLUMNS), ())
    known = _header_keys()
    return any(not _blank(v) and known.get(str(v).strip().lower()) == "code" for v in header)


def _read_sheet(sheet, name: str, indicators, rows: dict[str, Row], problems: Problems) -> None:
    values_iter = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    header = next(values_iter, None) or ()
    columns = _columns(header, name, problems)
    if columns is None:
        return
    for number, values in enumerate(values_iter, start=2):
        if number > MAX_ROWS + 1:
            problems.add(name, None, None, "", _("lebih dari %(n)d baris") % {"n": MAX_ROWS})
            return
        if all(_blank(value) for value in values):
            continue
        raw_code = values[columns["code"] - 1] if columns["code"] - 1 < len(values) else None
        code = "" if _blank(raw_code) else str(raw_code).strip()
        indicator = indicators.get(code)
        if indicator is None:
            message = (
                _("kode indikator kosong")
                if not code
                else _("indikator %(code)s tidak ada di instrumen siklus ini") % {"code": code[:40]}
            )
            problems.add(name, number, columns["code"], "code", message)
            continue
        if code in rows:
            earlier = rows[code]
            problems.add(
                name,
                number,
                columns["code"],
                "code",
                _("indikator %(code)s sudah ada di %(sheet)s baris %(row)d")
                % {"code": code, "sheet": earlier.sheet, "row": earlier.number},
            )
            continue
        row = _read_row(values, indicator, name, number, columns, problems)
        if row is not None:
            rows[code] = row
