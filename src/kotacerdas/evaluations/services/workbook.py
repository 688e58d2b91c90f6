"""The offline self-assessment workbook (XLSX): what it holds and how it is written.

A region's self-assessment as a workbook that an operator fills without a connection, or passes
around the region's agencies (OPD), and uploads again (``workbook_import``). Layout
(docs/offline.md):

- an instructions sheet;
- one sheet per dimension, named by the dimension's code (``GOV``, ``ENV``, ...), one row per
  indicator. Per dimension rather than one long sheet because the online form is by dimension and
  a Diskominfo team hands each agency its own tab; the indicator code, not the sheet or the row, is
  the key on upload. Columns: code, element, question, type, rubric (level descriptors, or unit,
  direction and goalposts), whether "not applicable" is allowed (read-only, protected), then the
  answer (a data-validation list for levels and yes/no, a number range for percent and number),
  "not applicable" (a list, and only unlocked where allowed), justification and evidence links
  (one per line), then the evidence files' names (read-only: files cannot travel in XLSX);
- a hidden, protected sheet ``_kotacerdas`` holding one signed token (``django.core.signing``):
  the submission, cycle, region, the workbook's creation time and who made it, and per indicator
  the answer's version with a fingerprint of the answer and of the links as written. On upload the
  token tells a row the operator changed from one left as downloaded, and an answer changed online
  since the download from one that was not; a token that was edited does not verify.

Column headers follow the page's language (Bahasa Indonesia, or English in the English UI); on
upload either language is recognised, and columns the reader does not know (an agency's own
notes) are ignored.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from decimal import Decimal

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kotacerdas.core import texts
from kotacerdas.core.moments import wib
from kotacerdas.instruments.models import Direction, Indicator, IndicatorType

from ..models import Answer, EvidenceKindStored, Submission
from . import submissions
from .answers import plain

FORMAT = "kotacerdas-penilaian-mandiri"
FORMAT_VERSION = 1
META_SHEET = "_kotacerdas"
SIGNING_SALT = "kotacerdas.evaluations.workbook"
MAX_LINKS_PER_CELL = 20
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy translation: the header in the active language
    width: int
    editable: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("code", gettext_lazy("Kode"), 14),
    Column("element", gettext_lazy("Elemen"), 22),
    Column("question", gettext_lazy("Pertanyaan"), 50),
    Column("type", gettext_lazy("Jenis"), 12),
    Column("rubric", gettext_lazy("Rubrik atau satuan"), 50),
    Column("na_allowed", gettext_lazy("Boleh tidak berlaku"), 12),
    Column("answer", gettext_lazy("Jawaban"), 12, editable=True),
    Column("not_applicable", gettext_lazy("Tidak berlaku"), 12, editable=True),
    Column("justification", gettext_lazy("Penjelasan"), 50, editable=True),
    Column("links", gettext_lazy("Tautan data dukung (satu per baris)"), 40, editable=True),
    Column("files", gettext_lazy("Berkas data dukung (hanya di aplikasi)"), 30),
)
COLUMN_INDEX = {column.key: index for index, column in enumerate(COLUMNS, start=1)}
REQUIRED_COLUMNS = ("code", "answer", "not_applicable", "justification", "links")

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
LOCKED_FILL = PatternFill("solid", fgColor="EDEDED")
WRAP = Alignment(wrap_text=True, vertical="top")


def yes_word() -> str:
    return _("ya")


def no_word() -> str:
    return _("tidak")


def canonical_text(text: str | None) -> str:
    """Text as the workbook holds it: no characters a spreadsheet cannot store, one kind of line
    break, no surrounding space. Compared in this form on upload."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text or "")
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def answer_fingerprint(value: Decimal | None, not_applicable: bool, justification: str) -> str:
    """A short hash of an answer's content in its canonical form."""
    text = "\x1f".join(
        ("1" if not_applicable else "0", plain(value), canonical_text(justification))
    )
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def links_fingerprint(urls: list[str] | set[str]) -> str:
    """A short hash of a set of links (order does not matter)."""
    return hashlib.sha256("\n".join(sorted(set(urls))).encode()).hexdigest()[:12]


def current_links(submission: Submission) -> dict[int, list[str]]:
    """Per indicator id, the URLs of its link evidence that has not been replaced, oldest first."""
    links: dict[int, list[str]] = {}
    rows = submission.evidence.filter(
        superseded=False, kind=EvidenceKindStored.LINK, indicator__isnull=False
    ).order_by("uploaded_at", "pk")
    for indicator_id, url in rows.values_list("indicator_id", "url"):
        links.setdefault(indicator_id, []).append(url)
    return links


def current_files(submission: Submission) -> dict[int, list[str]]:
    """Per indicator id, the names of its evidence files that have not been replaced."""
    files: dict[int, list[str]] = {}
    rows = submission.evidence.filter(
        superseded=False, kind=EvidenceKindStored.FILE, indicator__isnull=False
    ).order_by("uploaded_at", "pk")
    for indicator_id, name in rows.values_list("indicator_id", "original_name"):
        files.setdefault(indicator_id, []).append(name)
    return files


def type_label(indicator: Indicator) -> str:
    return str(indicator.get_type_display())


def rubric_text(indicator: Indicator) -> str:
    """What the answer cell accepts, as a person reads it: the level descriptors (0–5), yes or no,
    a percent, or a number with its unit, direction and goalposts."""
    english = texts.reads_english()
    if indicator.type == IndicatorType.LEVEL:
        lines = []
        for level in indicator.levels.all():
            text = (level.description_en if english else "") or level.description
            lines.append(f"{level.level}: {text}")
        return "\n".join(lines) or "0–5"
    if indicator.type == IndicatorType.YESNO:
        return _("%(yes)s atau %(no)s") % {"yes": yes_word(), "no": no_word()}
    if indicator.type == IndicatorType.PERCENT:
        return _("Persen, 0 sampai 100")
    parts = [_("Angka")]
    if indicator.unit:
        parts.append(_("satuan: %(unit)s") % {"unit": indicator.unit})
    parts.append(str(Direction(indicator.direction).label).lower())
    if indicator.goal_min is not None and indicator.goal_max is not None:
        parts.append(
            _("batas %(low)s–%(high)s")
            % {"low": plain(indicator.goal_min), "high": plain(indicator.goal_max)}
        )
    return "; ".join(parts)


def cell_value(indicator: Indicator, answer: Answer | None):
    """The answer cell: a level as a whole number, yes/no as a word, a percent or number as a
    number (as text when a spreadsheet number could not hold it exactly), empty otherwise."""
    if answer is None or answer.value is None or answer.not_applicable:
        return None
    value = answer.value
    if indicator.type == IndicatorType.YESNO:
        return yes_word() if value == 1 else no_word()
    if value == value.to_integral_value():
        whole = int(value)
        return whole if abs(whole) < 2**53 else plain(value)
    number = float(value)
    return number if Decimal(repr(number)) == value.normalize() else plain(value)


def _instructions(book: Workbook, submission: Submission, created) -> None:
    sheet = book.active
    sheet.title = _("Petunjuk")
    lines = [
        _("Lembar kerja penilaian mandiri %(region)s — %(cycle)s")
        % {"region": submission.region.name, "cycle": submission.cycle},
        _("Dibuat %(when)s. Lembar kerja ini hanya untuk daerah dan siklus tersebut.")
        % {"when": wib(created)},
        "",
        _(
            "Setiap dimensi punya lembar sendiri (mis. GOV); satu baris per indikator. Isi kolom "
            "Jawaban, Tidak berlaku, Penjelasan dan Tautan data dukung; kolom lain terkunci."
        ),
        _(
            "Jawaban: tingkat 0 sampai 5 menurut rubrik, «ya» atau «tidak», persen 0 sampai 100, "
            "atau angka dalam satuan indikator (koma atau titik desimal, paling banyak enam "
            "angka desimal). Biarkan kosong bila belum dijawab."
        ),
        _(
            "Tidak berlaku: isi «ya» hanya bila kolom Boleh tidak berlaku berisi «ya», dan "
            "kosongkan Jawaban pada baris itu."
        ),
        _(
            "Tautan data dukung: satu tautan http:// atau https:// per baris dalam sel. Tautan "
            "baru ditambahkan; tautan yang dihapus dari sel tidak dihapus dari aplikasi. Berkas "
            "data dukung tidak dapat dibawa lewat XLSX: unggah berkas di aplikasi."
        ),
        _(
            "Lembar kerja boleh dibagikan ke perangkat daerah (OPD); setiap OPD dapat mengisi lembar "
            "dimensinya. Kolom tambahan di sebelah kanan boleh dipakai untuk catatan dan tidak dibaca."
        ),
        _(
            "Jangan mengubah kode, nama lembar atau lembar tersembunyi _kotacerdas: lembar itu "
            "mencatat versi setiap jawaban saat lembar kerja dibuat."
        ),
        _(
            "Unggah kembali di halaman penilaian mandiri. Seluruh berkas diperiksa lebih dulu; bila "
            "ada satu saja masalah, tidak ada yang disimpan, dan setiap masalah disebutkan dengan "
            "lembar, baris dan kolomnya. Sebelum disimpan, pratinjau menunjukkan setiap perubahan."
        ),
        _(
            "Jawaban yang diubah di aplikasi sesudah lembar kerja ini dibuat ditampilkan sebagai "
            "konflik dan hanya diganti bila Anda memilihnya."
        ),
    ]
    for row, line in enumerate(lines, start=1):
        sheet.cell(row=row, column=1, value=str(line)).alignment = Alignment(wrap_text=True)
    sheet.column_dimensions["A"].width = 110
    sheet["A1"].font = Font(bold=True, size=14)


def _validations(sheet) -> dict[str, DataValidation]:
    """One data validation per kind of answer cell, added to the sheet."""
    yes, no = yes_word(), no_word()
    found = {
        IndicatorType.LEVEL: DataValidation(
            type="list", formula1='"0,1,2,3,4,5"', allow_blank=True
        ),
        IndicatorType.YESNO: DataValidation(
            type="list", formula1=f'"{yes},{no}"', allow_blank=True
        ),
        IndicatorType.PERCENT: DataValidation(
            type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True
        ),
        IndicatorType.NUMBER: DataValidation(
            type="decimal",
            operator="between",
            formula1="-100000000000000",
            formula2="100000000000000",
            allow_blank=True,
        ),
        "not_applicable": DataValidation(type="list", formula1=f'"{yes}"', allow_blank=True),
    }
    for validation in found.values():
        validation.error = _("Isian tidak sesuai dengan jenis indikator; lihat kolom rubrik.")
        validation.showErrorMessage = True
        sheet.add_data_validation(validation)
    return found


def _dimension_sheet(book, dimension, rows, answers, links, files) -> None:
    sheet = book.create_sheet(dimension.code)
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=str(column.label))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    validations = _validations(sheet)
    english = texts.reads_english()
    for number, indicator in enumerate(rows, start=2):
        answer = answers.get(indicator.pk)
        values = {
            "code": indicator.code,
            "element": indicator.element.code,
            "question": (indicator.question_en if english else "") or indicator.question,
            "type": type_label(indicator),
            "rubric": rubric_text(indicator),
            "na_allowed": yes_word() if indicator.allow_not_applicable else no_word(),
            "answer": cell_value(indicator, answer),
            "not_applicable": yes_word() if answer and answer.not_applicable else None,
            "justification": canonical_text(answer.justification) if answer else None,
            "links": "\n".join(links.get(indicator.pk, [])) or None,
            "files": "\n".join(files.get(indicator.pk, [])) or None,
        }
        for key, value in values.items():
            # A 0 answer is a value; only None and empty text leave the cell empty.
            cell = sheet.cell(
                row=number, column=COLUMN_INDEX[key], value=None if value == "" else value
            )
            cell.alignment = WRAP
            editable = COLUMNS[COLUMN_INDEX[key] - 1].editable
            if key == "not_applicable" and not indicator.allow_not_applicable:
                editable = False
            if editable:
                cell.protection = Protection(locked=False)
            else:
                cell.fill = LOCKED_FILL
        answer_cell = f"{get_column_letter(COLUMN_INDEX['answer'])}{number}"
        validations[indicator.type].add(answer_cell)
        if indicator.allow_not_applicable:
            letter = get_column_letter(COLUMN_INDEX["not_applicable"])
            validations["not_applicable"].add(f"{letter}{number}")
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(len(rows) + 1, 2)}"
    protection = sheet.protection
    protection.sheet = True
    # Protection guides the hand; the server checks everything again. Let people filter, sort,
    # resize and add their own columns to the right.
    protection.autoFilter = False
    protection.sort = False
    protection.formatColumns = False
    protection.formatRows = False
    protection.formatCells = False


def _meta_sheet(book, payload: dict, submission: Submission, created, by) -> None:
    sheet = book.create_sheet(META_SHEET)
    rows = [
        ("format", FORMAT),
        ("format_version", FORMAT_VERSION),
        ("submission", submission.pk),
        ("cycle", submission.cycle.year),
        ("region", submission.region.code),
        ("created_at", created.isoformat()),
        ("created_by", by.username),
        ("token", signing.dumps(payload, salt=SIGNING_SALT, compress=True)),
    ]
    for row in rows:
        sheet.append(list(row))
    sheet.append([])
    sheet.append(["indicator", "version", "updated_at"])
    for code, (version, _answer, _links, updated) in payload["a"].items():
        sheet.append([code, version, updated])
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True


def write_workbook(submission: Submission, *, by) -> bytes:
    """The region's current self-assessment as an XLSX workbook (layout in the module docstring).

    Guarantees: only for who may edit the submission (else PermissionDenied), in any state (a
    locked self-assessment can still be read offline; the upload refuses it); every indicator
    of the cycle's instrument has one row, in the form's order; the hidden sheet's token records
    the submission, cycle, region, the creation time, the user and each answer's version and
    fingerprints exactly as written, signed with the server's key. Writes nothing.
    """
    if not by.has_perm("evaluations.edit_submission", submission):
        raise PermissionDenied(_("Anda tidak dapat mengunduh lembar kerja daerah ini."))
    created = timezone.now()
    indicators = list(submissions.indicators_of(submission).prefetch_related("levels"))
    answers = {answer.indicator_id: answer for answer in submission.answers.all()}
    links = current_links(submission)
    files = current_files(submission)
    book = Workbook()
    _instructions(book, submission, created)
    by_dimension: dict[int, list[Indicator]] = {}
    dimensions = []
    for indicator in indicators:
        dimension = indicator.element.dimension
        if dimension.pk not in by_dimension:
            dimensions.append(dimension)
        by_dimension.setdefault(dimension.pk, []).append(indicator)
    for dimension in dimensions:
        _dimension_sheet(book, dimension, by_dimension[dimension.pk], answers, links, files)
    state = {}
    for indicator in indicators:
        answer = answers.get(indicator.pk)
        state[indicator.code] = (
            answer.version if answer else 0,
            answer_fingerprint(answer.value, answer.not_applicable, answer.justification)
            if answer
            else answer_fingerprint(None, False, ""),
            links_fingerprint(links.get(indicator.pk, [])),
            answer.updated_at.isoformat() if answer else "",
        )
    payload = {
        "f": FORMAT_VERSION,
        "s": submission.pk,
        "c": submission.cycle.year,
        "r": submission.region.code,
        "t": created.isoformat(),
        "u": by.pk,
        "a": state,
    }
    _meta_sheet(book, payload, submission, created, by)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def filename(submission: Submission) -> str:
    """``penilaian-mandiri-<cycle>-<region>.xlsx``."""
    return f"penilaian-mandiri-{submission.cycle.year}-{submission.region.code}.xlsx"
