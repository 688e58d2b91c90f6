"""The offline workbook: download, fill, upload (round trip, every refusal named by place,
conflicts, locks, links)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from kotacerdas.accounts.roles import Role
from kotacerdas.core.errors import Locked, StaleVersion
from kotacerdas.evaluations.models import Answer, CycleState, Evidence, EvidenceKindStored
from kotacerdas.evaluations.services import answers, workbook
from kotacerdas.evaluations.services import workbook_import as importer
from kotacerdas.evaluations.services.workbook_import import WorkbookRejected
from kotacerdas.instruments.models import Indicator
from tests.conftest import make_user
from tests.evaluations.cycle_setup import submission_of

pytestmark = pytest.mark.django_db

# Columns of a dimension sheet (workbook.COLUMNS): G answer, H not applicable, I justification,
# J links.
ANSWER, NA, JUSTIFICATION, LINKS = "G", "H", "I", "J"


def indicator(submission, code: str) -> Indicator:
    return Indicator.objects.get(instrument=submission.cycle.instrument, code=code)


def download(submission, by) -> bytes:
    return workbook.write_workbook(submission, by=by)


def row_of(book, code: str) -> tuple[str, int]:
    for sheet in book.worksheets:
        for cell in sheet["A"]:
            if cell.value == code:
                return sheet.title, cell.row
    raise AssertionError(code)


def fill(data: bytes, edits: dict[str, dict[str, object]]) -> bytes:
    """The workbook with cells set: {indicator code: {column letter: value}}."""
    book = load_workbook(io.BytesIO(data))
    for code, cells in edits.items():
        sheet, row = row_of(book, code)
        for column, value in cells.items():
            book[sheet][f"{column}{row}"] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(data: bytes, name: str = "lembar.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def stored(submission) -> dict[str, tuple]:
    return {
        a.indicator.code: (a.value, a.not_applicable, a.justification)
        for a in Answer.objects.filter(submission=submission).select_related("indicator")
    }


def apply_all(submission, data: bytes, by, take=()):
    token = importer.stash(submission, upload(data), by=by)
    plan = importer.preview(submission, token, by=by)
    result = importer.apply(submission, token, expected=plan.fingerprint, take=set(take), by=by)
    return plan, result


def test_round_trip_gives_the_same_answers_as_typing_them(submission, operator, cycle, bandung):
    data = fill(
        download(submission, operator),
        {
            "GOV.SVC.01": {ANSWER: 3, JUSTIFICATION: "MPP melayani 120 jenis layanan"},
            "GOV.SVC.02": {NA: "ya"},
            "ENV.WAS.01": {ANSWER: 72.5, JUSTIFICATION: "Data DLH\r\n2022"},
            "ENV.WAS.02": {ANSWER: "1234,567891", LINKS: "https://jambikota.go.id/dlh"},
        },
    )
    plan, result = apply_all(submission, data, operator)
    assert result.answers == 4 and result.links == 1 and not plan.conflicts
    by_file = stored(submission)

    typed = submission_of(cycle, bandung)
    typist = make_user("operator.bandung", Role.OPERATOR, region=bandung)
    for code, value, na, text in [
        ("GOV.SVC.01", "3", False, "MPP melayani 120 jenis layanan"),
        ("GOV.SVC.02", None, True, ""),
        ("ENV.WAS.01", "72.5", False, "Data DLH\n2022"),
        ("ENV.WAS.02", "1234.567891", False, ""),
    ]:
        answers.save_answer(
            typed,
            indicator(typed, code),
            value=None if value is None else Decimal(value),
            not_applicable=na,
            justification=text,
            version=0,
            by=typist,
        )
    assert by_file == stored(typed)
    link = Evidence.objects.get(submission=submission, kind=EvidenceKindStored.LINK)
    assert link.url == "https://jambikota.go.id/dlh"
    # Download again, upload unchanged: nothing to do.
    again = download(submission, operator)
    plan, result = apply_all(submission, again, operator)
    assert plan.changes == [] and plan.unchanged == 4
