"""The offline workbook: download, fill, upload (round trip, every refusal named by place,
conflicts, locks, links)."""

from __future__ import annotations

import datetime
import io
import os
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook

from kotacerdas.accounts.roles import Role
from kotacerdas.core.errors import Locked, ServiceError, StaleVersion
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


def test_the_workbook_has_a_sheet_per_dimension_with_lists_protection_and_a_hidden_record(
    submission, operator
):
    answers.save_answer(
        submission,
        indicator(submission, "GOV.SVC.02"),
        value=Decimal(1),
        justification="Perda 1/2019",
        version=0,
        by=operator,
    )
    book = load_workbook(io.BytesIO(download(submission, operator)))
    assert book.sheetnames == ["Petunjuk", "GOV", "ENV", "_kotacerdas"]
    assert book["_kotacerdas"].sheet_state == "hidden"
    gov = book["GOV"]
    assert [c.value for c in gov[1]][:7] == [
        "Kode",
        "Elemen",
        "Pertanyaan",
        "Jenis",
        "Rubrik atau satuan",
        "Boleh tidak berlaku",
        "Jawaban",
    ]
    assert gov["A2"].value == "GOV.SVC.01" and gov["A3"].value == "GOV.SVC.02"
    assert gov["E2"].value.startswith("0: Belum ada\n1: Dirintis")
    assert (gov["G3"].value, gov["I3"].value) == ("ya", "Perda 1/2019")
    assert gov.protection.sheet
    assert gov["A2"].protection.locked and not gov["G2"].protection.locked
    # "Not applicable" is open only where the indicator allows it.
    assert gov["H2"].protection.locked and not gov["H3"].protection.locked
    lists = {str(v.sqref): v.formula1 for v in gov.data_validations.dataValidation}
    assert lists["G2"] == '"0,1,2,3,4,5"'
    assert lists["G3"] == '"ya,tidak"'
    assert lists["H3"] == '"ya"'
    env = book["ENV"]
    assert "batas 0–1000" in env["E3"].value and "ton" in env["E3"].value
    meta = {row[0]: row[1] for row in book["_kotacerdas"].iter_rows(values_only=True) if row}
    assert meta["region"] == "15.71" and meta["cycle"] == submission.cycle.year
    assert meta["created_by"] == operator.username and meta["token"]


def test_english_page_gives_english_headers_and_either_language_is_read(submission, operator):
    with translation.override("en"):
        data = download(submission, operator)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == "Instructions"
    assert [c.value for c in book["GOV"][1]][6:8] == ["Answer", "Not applicable"]
    assert book["GOV"]["F3"].value == "yes"
    _plan, result = apply_all(submission, fill(data, {"GOV.SVC.02": {ANSWER: "no"}}), operator)
    assert result.answers == 1
    assert stored(submission)["GOV.SVC.02"][0] == Decimal(0)


def rejected(submission, data: bytes, by) -> list[str]:
    with pytest.raises(WorkbookRejected) as caught:
        importer.stash(submission, upload(data), by=by)
    assert "tidak ada yang disimpan" in caught.value.message
    return caught.value.details


@pytest.mark.parametrize(
    ("code", "cells", "expected"),
    [
        ("GOV.SVC.01", {ANSWER: 7}, "GOV!G2 (Jawaban): Nilai indikator GOV.SVC.01 harus antara 0"),
        (
            "GOV.SVC.01",
            {ANSWER: 2.5},
            "GOV!G2 (Jawaban): Nilai indikator GOV.SVC.01 harus bilangan",
        ),
        ("GOV.SVC.02", {ANSWER: "mungkin"}, "GOV!G3 (Jawaban): isi «ya» atau «tidak»"),
        ("ENV.WAS.01", {ANSWER: 120}, "ENV!G2 (Jawaban): Nilai indikator ENV.WAS.01 harus antara"),
        ("ENV.WAS.02", {ANSWER: "banyak"}, "ENV!G3 (Jawaban): «banyak» bukan angka."),
        ("ENV.WAS.02", {ANSWER: 0.1234567}, "ENV!G3 (Jawaban): Nilai paling banyak memiliki enam"),
        (
            "GOV.SVC.01",
            {NA: "ya"},
            "GOV!H2 (Tidak berlaku): Indikator GOV.SVC.01 tidak boleh dijawab «tidak berlaku».",
        ),
        (
            "GOV.SVC.02",
            {NA: "ya", ANSWER: "ya"},
            "GOV!H3 (Tidak berlaku): Jawaban «tidak berlaku» tidak boleh berisi nilai.",
        ),
        ("GOV.SVC.02", {NA: "barangkali"}, "GOV!H3 (Tidak berlaku): isi «ya» atau kosongkan"),
        (
            "ENV.WAS.01",
            {LINKS: "https://jambikota.go.id/a\nftp://server/berkas"},
            "ENV!J2 (Tautan data dukung): «ftp://server/berkas» bukan tautan http:// atau https:// yang sah.",
        ),
        ("ENV.WAS.01", {JUSTIFICATION: "x" * 10_001}, "ENV!I2 (Penjelasan): paling panjang"),
    ],
)
def test_every_wrong_value_is_named_by_sheet_cell_and_column_and_nothing_is_kept(
    submission, operator, code, cells, expected
):
    details = rejected(submission, fill(download(submission, operator), {code: cells}), operator)
    assert len(details) == 1 and details[0].startswith(expected), details
    assert stored(submission) == {}
    assert Evidence.objects.filter(submission=submission).count() == 0


def test_unknown_and_repeated_codes_and_missing_columns_and_sheets_are_named(submission, operator):
    book = load_workbook(io.BytesIO(download(submission, operator)))
    book["GOV"]["A4"] = "GOV.XXX.09"
    book["GOV"]["G4"] = 1
    book["ENV"]["A4"] = "GOV.SVC.01"
    book["ENV"]["A5"] = None
    book["ENV"]["G5"] = 3
    out = io.BytesIO()
    book.save(out)
    details = rejected(submission, out.getvalue(), operator)
    assert details == [
        "GOV!A4 (Kode): indikator GOV.XXX.09 tidak ada di instrumen siklus ini",
        "ENV!A4 (Kode): indikator GOV.SVC.01 sudah ada di GOV baris 2",
        "ENV!A5 (Kode): kode indikator kosong",
    ]
    book["GOV"]["G1"] = "Nilai saya"
    del book["ENV"]
    out = io.BytesIO()
    book.save(out)
    details = rejected(submission, out.getvalue(), operator)
    assert "GOV baris 1 (Jawaban): kolom wajib tidak ada" in details
    assert "ENV: lembar dimensi tidak ada" in details


def test_another_regions_or_an_edited_workbook_is_refused(cycle, submission, operator, bandung):
    other_operator = make_user("operator.bandung", Role.OPERATOR, region=bandung)
    theirs = download(submission_of(cycle, bandung), other_operator)
    details = rejected(submission, theirs, operator)
    assert details == [
        f"_kotacerdas: lembar kerja ini milik 32.73, siklus {cycle.year}, bukan penilaian "
        f"mandiri 15.71 {cycle.year}"
    ]
    book = load_workbook(io.BytesIO(download(submission, operator)))
    meta = book["_kotacerdas"]
    for row in meta.iter_rows():
        if row[0].value == "token":
            row[1].value = row[1].value[:-3] + "abc"
    out = io.BytesIO()
    book.save(out)
    assert rejected(submission, out.getvalue(), operator)[0].startswith(
        "_kotacerdas (token): lembar tersembunyi diubah"
    )
    del book["_kotacerdas"]
    out = io.BytesIO()
    book.save(out)
    assert rejected(submission, out.getvalue(), operator)[0].startswith(
        "_kotacerdas: lembar tersembunyi tidak ada"
    )


def test_a_file_that_is_not_xlsx_or_a_zip_bomb_is_refused_as_other_imports_are(
    submission, operator
):
    from tests import samples

    with pytest.raises(WorkbookRejected, match="ditolak"):
        importer.stash(submission, upload(samples.pdf_bytes()), by=operator)
    data = download(submission, operator)
    bomb = io.BytesIO(data)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (70 * 2**20))
    assert len(bomb.getvalue()) < 1024 * 1024
    with pytest.raises(WorkbookRejected, match="setelah diekstrak"):
        importer.stash(submission, upload(bomb.getvalue()), by=operator)
    assert stored(submission) == {}


def test_an_answer_changed_online_after_the_download_is_a_conflict_applied_only_when_chosen(
    submission, operator
):
    colleague = make_user("operator.kedua", Role.OPERATOR, region=submission.region)
    first = answers.save_answer(
        submission, indicator(submission, "GOV.SVC.01"), value=Decimal(1), version=0, by=operator
    )
    data = download(submission, operator)
    # Online, after the download: a colleague changes two answers.
    answers.save_answer(
        submission,
        indicator(submission, "GOV.SVC.01"),
        value=Decimal(2),
        version=first.version,
        by=colleague,
    )
    answers.save_answer(
        submission, indicator(submission, "ENV.WAS.01"), value=Decimal(50), version=0, by=colleague
    )
    # Offline: GOV.SVC.01 changed to 4 (conflict), ENV.WAS.01 left as downloaded, ENV.WAS.02 new.
    filled = fill(data, {"GOV.SVC.01": {ANSWER: 4}, "ENV.WAS.02": {ANSWER: 10}})
    token = importer.stash(submission, upload(filled), by=operator)
    plan = importer.preview(submission, token, by=operator)
    assert [c.code for c in plan.changes] == ["GOV.SVC.01", "ENV.WAS.02"]
    assert [c.code for c in plan.conflicts] == ["GOV.SVC.01"]
    conflict = plan.conflicts[0]
    assert conflict.stored.value == Decimal(2) and conflict.row.content.value == Decimal(4)
    assert conflict.changed_by == colleague.display_name
    result = importer.apply(submission, token, expected=plan.fingerprint, take=set(), by=operator)
    assert (result.answers, result.skipped) == (1, ["GOV.SVC.01"])
    now = stored(submission)
    assert now["GOV.SVC.01"][0] == Decimal(2)  # the colleague's answer stays
    assert now["ENV.WAS.01"][0] == Decimal(50)  # left as downloaded: the online answer stays
    assert now["ENV.WAS.02"][0] == Decimal(10)

    token = importer.stash(submission, upload(filled), by=operator)
    plan = importer.preview(submission, token, by=operator)
    assert [c.code for c in plan.changes] == ["GOV.SVC.01"] and plan.conflicts
    importer.apply(submission, token, expected=plan.fingerprint, take={"GOV.SVC.01"}, by=operator)
    assert stored(submission)["GOV.SVC.01"][0] == Decimal(4)
    record = Answer.objects.get(submission=submission, indicator__code="GOV.SVC.01").history.first()
    assert record.history_user == operator
    assert record.history_change_reason == "Impor lembar kerja XLSX"


def test_a_change_between_preview_and_apply_refuses_the_whole_apply(submission, operator):
    data = fill(
        download(submission, operator), {"GOV.SVC.01": {ANSWER: 3}, "ENV.WAS.01": {ANSWER: 9}}
    )
    token = importer.stash(submission, upload(data), by=operator)
    plan = importer.preview(submission, token, by=operator)
    answers.save_answer(
        submission, indicator(submission, "GOV.SVC.01"), value=Decimal(1), version=0, by=operator
    )
    with pytest.raises(StaleVersion):
        importer.apply(submission, token, expected=plan.fingerprint, take=set(), by=operator)
    assert set(stored(submission)) == {"GOV.SVC.01"}  # ENV.WAS.01 was not written either


def test_links_are_added_once_and_never_removed(submission, operator):
    from kotacerdas.evaluations.services import evidence

    item = indicator(submission, "ENV.WAS.01")
    evidence.add_link(submission, item, "https://jambikota.go.id/a", by=operator)
    data = download(submission, operator)
    filled = fill(
        data, {"ENV.WAS.01": {LINKS: "https://jambikota.go.id/b\nhttps://jambikota.go.id/b"}}
    )
    _plan, result = apply_all(submission, filled, operator)
    assert result.links == 1 and result.answers == 0
    urls = set(
        Evidence.objects.filter(submission=submission, superseded=False).values_list(
            "url", flat=True
        )
    )
    assert urls == {"https://jambikota.go.id/a", "https://jambikota.go.id/b"}


@pytest.mark.parametrize("state", [CycleState.REVIEW, CycleState.PUBLISHED])
def test_a_locked_self_assessment_refuses_the_upload_and_the_apply(
    submission, operator, cycle, state
):
    data = fill(download(submission, operator), {"GOV.SVC.01": {ANSWER: 3}})
    token = importer.stash(submission, upload(data), by=operator)
    plan = importer.preview(submission, token, by=operator)
    cycle.state = state
    cycle.save()
    submission.refresh_from_db()
    with pytest.raises(Locked):
        importer.stash(submission, upload(data), by=operator)
    with pytest.raises(Locked):
        importer.apply(submission, token, expected=plan.fingerprint, take=set(), by=operator)
    assert stored(submission) == {}
    # A locked self-assessment can still be downloaded, to read offline.
    assert download(submission, operator)[:2] == b"PK"


def test_only_the_regions_operator_may_download_or_upload(
    cycle, submission, operator, bandung, assessor, admin_user
):
    data = download(submission, operator)
    other = make_user("operator.bandung", Role.OPERATOR, region=bandung)
    for user in (other, assessor, admin_user):
        with pytest.raises(PermissionDenied):
            workbook.write_workbook(submission, by=user)
        with pytest.raises(PermissionDenied):
            importer.stash(submission, upload(data), by=user)
    token = importer.stash(submission, upload(data), by=operator)
    colleague = make_user("operator.kedua", Role.OPERATOR, region=submission.region)
    with pytest.raises(ServiceError, match="tidak ada lagi"):
        importer.preview(submission, token, by=colleague)  # an upload is its uploader's


def test_the_daily_sweep_deletes_only_uploads_older_than_a_day(submission, operator):
    data = download(submission, operator)
    stale = importer.stash(submission, upload(data), by=operator)
    colleague = make_user("operator.kedua", Role.OPERATOR, region=submission.region)
    fresh = importer.stash(submission, upload(data), by=colleague)
    evidence = default_storage.save("bukti/lama.pdf", ContentFile(b"%PDF-1.4 lama"))
    two_days_ago = (datetime.datetime.now() - datetime.timedelta(days=2)).timestamp()
    for name in (importer._stash_name(submission, stale, operator), evidence):
        os.utime(default_storage.path(name), (two_days_ago, two_days_ago))

    out = io.StringIO()
    call_command("sweep_uploads", stdout=out)

    assert "Deleted 1 workbook uploads" in out.getvalue()
    with pytest.raises(ServiceError, match="tidak ada lagi"):
        importer.preview(submission, stale, by=operator)
    assert importer.preview(submission, fresh, by=colleague).fingerprint
    assert default_storage.exists(evidence)  # evidence is never swept
    assert importer.sweep() == 0  # nothing left to sweep; a second run is harmless
