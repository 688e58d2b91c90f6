"""XLSX import and export: an exact round trip, every problem named by sheet, cell and column,
and hostile workbooks refused before openpyxl opens them."""

import io
import zipfile

import pytest
from openpyxl import load_workbook

from kotacerdas.instruments.models import Instrument
from kotacerdas.instruments.services import (
    InstrumentFileError,
    export_xlsx,
    import_xlsx,
    instrument_tree,
)


def without_code(tree: dict) -> dict:
    return {key: value for key, value in tree.items() if key not in ("code", "name")}


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def saved(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_export_then_import_gives_an_identical_instrument(default_instrument):
    data = export_xlsx(default_instrument)
    copy = import_xlsx(data, code="kc-2022-xlsx")
    assert without_code(instrument_tree(copy)) == without_code(instrument_tree(default_instrument))
    assert copy.name == default_instrument.name


def test_the_workbook_has_one_sheet_per_record_kind_with_frozen_headers(default_instrument):
    book = workbook(export_xlsx(default_instrument))
    assert book.sheetnames == [
        "instrument",
        "aspects",
        "dimensions",
        "elements",
        "indicators",
        "levels",
    ]
    indicators = book["indicators"]
    assert indicators.freeze_panes == "A2"
    header = [cell.value for cell in indicators[1]]
    assert header[:7] == ["element", "code", "question", "question_en", "type", "weight", "aspect"]
    assert indicators["B2"].value == "GOV.SVC.01"
    assert indicators.max_row == 1 + default_instrument.indicators.count()
    assert (
        book["levels"].max_row == 1 + 6 * default_instrument.indicators.filter(type="level").count()
    )
    assert book["aspects"]["A2"].value == "baseline" and book["aspects"]["B2"].value == 10


def test_a_bad_workbook_lists_every_problem_by_sheet_cell_and_column(default_instrument):
    book = workbook(export_xlsx(default_instrument))
    book["aspects"]["B3"] = "dua puluh"  # output weight
    book["elements"]["A2"] = "XXX"  # unknown dimension
    indicators = book["indicators"]
    indicators["F12"] = 0  # weight
    indicators["E13"] = "skala"  # type
    indicators["D14"] = None  # question_en
    indicators["B15"] = indicators["B16"].value  # duplicate code
    indicators["A17"] = "GOV.ZZZ"  # unknown element
    levels = book["levels"]
    levels.delete_rows(7)  # GOV.SVC.01 loses level 5
    levels["B8"] = 9
    with pytest.raises(InstrumentFileError) as caught:
        import_xlsx(saved(book), code="rusak")
    text = "\n".join(caught.value.details)
    for fragment in [
        "aspects!B3 (weight): 'dua puluh' bukan angka",
        "elements!A2 (dimension): kode induk XXX tidak ada di berkas",
        "indicators!F12 (weight): harus lebih besar dari 0",
        "indicators!E13 (type): 'skala' tidak dikenal",
        "indicators!D14 (question_en): wajib diisi",
        "indicators!B16 (code): ",
        "sudah dipakai di indicators!B15 (code)",
        "indicators!A17 (element): kode induk GOV.ZZZ tidak ada di berkas",
        "levels!B8 (level): tingkat harus bilangan bulat 0 sampai 5",
        "indicators!2 (levels): deskripsi tingkat 5 belum ada",
    ]:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    assert Instrument.objects.count() == 1


def test_missing_sheets_and_columns_are_named(db):
    book = workbook(_minimal())
    del book["levels"]
    book["indicators"]["Z1"] = "warna"
    book["indicators"]["B1"] = None  # the code column
    with pytest.raises(InstrumentFileError) as caught:
        import_xlsx(saved(book))
    text = "\n".join(caught.value.details)
    assert "sheet levels tidak ada" in text
    assert "indicators!Z1: kolom 'warna' tidak dikenal" in text
    assert "indicators!1: kolom wajib code tidak ada" in text
    assert Instrument.objects.count() == 0


def _minimal() -> bytes:
    from kotacerdas.instruments.services import import_yaml

    from .test_yaml import SMALL

    instrument = import_yaml(SMALL, code="minimal")
    data = export_xlsx(instrument)
    instrument.delete()
    return data


def test_spreadsheet_values_are_read_leniently_but_exactly(db):
    book = workbook(_minimal())
    indicators = book["indicators"]
    header = [cell.value for cell in indicators[1]]
    row = 2
    indicators.cell(row, header.index("evidence_kinds") + 1, "Document, link")
    indicators.cell(row, header.index("evidence_required") + 1, "ya")
    indicators.cell(row, header.index("weight") + 1, "1.5")
    instrument = import_xlsx(saved(book), code="lunak")
    indicator = instrument.indicators.get(code="GOV.SVC.01")
    assert indicator.evidence_kinds == ["document", "link"]
    assert indicator.evidence_required is True
    assert str(indicator.weight) == "1.5000"


def test_a_zip_bomb_is_refused_before_it_is_opened(db):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 200 * 1024
    with pytest.raises(InstrumentFileError) as caught:
        import_xlsx(data)
    assert "zip bomb" in str(caught.value)
    assert "60 MB" in str(caught.value)


def test_a_file_that_is_not_a_workbook_is_refused(db):
    with pytest.raises(InstrumentFileError) as caught:
        import_xlsx(b"%PDF-1.4 not a workbook")
    assert "bukan XLSX" in str(caught.value)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "a zip, but not a workbook")
    with pytest.raises(InstrumentFileError) as caught:
        import_xlsx(buffer.getvalue())
    assert "tidak dapat dibaca" in str(caught.value)


def test_an_oversized_upload_is_refused_without_reading_it_all(db, settings):
    settings.INSTRUMENT_FILE_MAX_BYTES = 1024
    stream = io.BytesIO(b"x" * 10_000)
    with pytest.raises(InstrumentFileError) as caught:
        import_xlsx(stream)
    assert "lebih besar dari batas" in str(caught.value)
    assert stream.tell() == 1025
