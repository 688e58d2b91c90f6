"""The XLSX template: export then import gives the same data; a bad file is rejected whole,
naming sheet, cell and column; hostile files are refused before openpyxl parses them."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kotacerdas.masterplans.models import Budget, Kpi, KpiValue, Masterplan, Programme, QuickWin
from kotacerdas.masterplans.services import xlsx
from kotacerdas.masterplans.services.xlsx import XlsxRejected
from kotacerdas.regions.models import ChangeKind, RegionChange

from .builders import make_programme


def snapshot(masterplan: Masterplan) -> dict:
    """Every stored value of a masterplan, in a comparable form."""
    masterplan.refresh_from_db()
    header = {f: getattr(masterplan, f) for f in xlsx.editing.MASTERPLAN_FIELDS}
    programmes = {
        p.code: {f: getattr(p, f) for f in xlsx.editing.PROGRAMME_FIELDS}
        for p in masterplan.programmes.all()
    }
    budgets = sorted(
        Budget.objects.filter(programme__masterplan=masterplan).values_list(
            "programme__code", "year", "planned", "realised"
        )
    )
    kpis = sorted(
        Kpi.objects.filter(programme__masterplan=masterplan).values_list(
            "programme__code", "code", "name", "unit", "direction"
        )
    )
    values = sorted(
        KpiValue.objects.filter(kpi__programme__masterplan=masterplan).values_list(
            "kpi__programme__code", "kpi__code", "year", "target", "realisation"
        )
    )
    quick_wins = sorted(
        QuickWin.objects.filter(programme__masterplan=masterplan).values_list(
            "programme__code", "year"
        )
    )
    return {
        "header": header,
        "programmes": programmes,
        "budgets": budgets,
        "kpis": kpis,
        "values": values,
        "quick_wins": quick_wins,
    }


def upload(content: bytes, name: str = "masterplan.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=xlsx.XLSX_MIME)


@pytest.fixture
def rich(masterplan, programmes):
    """The fixture's programmes plus awkward values: decimals, a KPI without targets, a huge sum."""
    programme = make_programme(
        masterplan,
        "SOC-01",
        element="SOC.LEA",
        kind="ict_hr",
        status="planned",
        description="Baris pertama\nbaris kedua",
        budgets={2019: (9_007_199_254_740_993, 1)},
        kpis={"LIT": {2019: ("72.5", "70.25"), 2020: ("0.0001", None)}},
    )
    Kpi.objects.create(
        programme=programme, code="BARU", name="IKU tanpa target", unit="unit", direction="down"
    )
    return masterplan


def test_export_then_import_gives_the_same_data(rich, operator):
    before = snapshot(rich)
    exported = xlsx.write_workbook(rich)
    # Change everything the file carries, then import the export back.
    Programme.objects.filter(code="GOV-01").update(name="Diubah", status="stalled", published=False)
    Budget.objects.filter(programme__code="BRA-01").delete()
    QuickWin.objects.create(programme=Programme.objects.get(code="ENV-01"), year=2019)
    KpiValue.objects.filter(kpi__code="LIT", year=2019).update(target=Decimal(1))
    Kpi.objects.filter(code="BARU").delete()
    Masterplan.objects.filter(pk=rich.pk).update(title="Judul lain", internal_notes="")
    report = xlsx.import_workbook(rich.region, upload(exported), by=operator)
    assert (report.created, report.programmes_created, report.programmes_updated) == (False, 0, 4)
    assert snapshot(rich) == before
    assert xlsx.write_workbook(rich) and _cells(xlsx.write_workbook(rich)) == _cells(exported)


def _cells(content: bytes) -> dict:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {
        name: [tuple(row) for row in book[name].iter_rows(values_only=True)]
        for name in xlsx.DATA_SHEETS
    }


def test_import_into_a_region_without_masterplan_creates_it(rich, bandung, admin_user):
    exported = xlsx.write_workbook(rich)
    book = load_workbook(io.BytesIO(exported))
    book["masterplan"]["B2"] = "32.73"
    out = io.BytesIO()
    book.save(out)
    report = xlsx.import_workbook(bandung, upload(out.getvalue()), by=admin_user)
    assert report.created
    copy = snapshot(report.masterplan)
    original = snapshot(rich)
    assert copy["programmes"] == original["programmes"]
    assert copy["values"] == original["values"]


def test_blank_template_is_documented_and_refuses_an_empty_import(jambi, operator):
    content = xlsx.write_workbook(region=jambi)
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == [
        "petunjuk",
        "masterplan",
        "programmes",
        "budgets",
        "kpis",
        "quick_wins",
        "kode",
    ]
    assert book["programmes"]["D1"].value == "dimension"
    assert "GOV, BRA" in book["programmes"]["D1"].comment.text
    assert book["masterplan"]["B2"].value == "15.71"
    with pytest.raises(XlsxRejected) as error:
        xlsx.import_workbook(jambi, upload(content), by=operator)
    assert "masterplan!B3 (title): wajib diisi" in error.value.details


def _broken_workbook(rich) -> bytes:
    book = load_workbook(io.BytesIO(xlsx.write_workbook(rich)))
    book["masterplan"]["B5"] = 2030  # end year: a 13-year period
    programmes = book["programmes"]
    programmes["E2"] = "ENV.WAS"  # BRA-01's element under BRA
    programmes["H3"] = 2016  # ENV-01 starts before the period
    programmes.append(
        [
            "BRA-01",
            "Ganda",
            "",
            "BRA",
            "BRA.TOU",
            "cooperation",
            "Disbudpar",
            2019,
            2020,
            "done",
            "ya",
            "",
        ]
    )
    budgets = book["budgets"]
    budgets["C2"] = -5
    budgets["B3"] = "dua ribu"
    budgets.append(["XXX-99", 2020, 1, 1])
    book["kpis"]["G2"] = "banyak"
    book["quick_wins"].append(["GOV-01", 2031])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_bad_file_is_rejected_whole_with_every_place_named(rich, operator):
    before = snapshot(rich)
    with pytest.raises(XlsxRejected) as error:
        xlsx.import_workbook(rich.region, upload(_broken_workbook(rich)), by=operator)
    details = error.value.details
    assert any(
        d.startswith("masterplan!B5 (end_year): Periode masterplan paling lama 10 tahun")
        for d in details
    ), details
    assert snapshot(rich) == before  # nothing written


def test_a_bad_file_with_a_valid_header_names_each_cell(rich, operator):
    content = _broken_workbook(rich)
    book = load_workbook(io.BytesIO(content))
    book["masterplan"]["B5"] = 2022
    out = io.BytesIO()
    book.save(out)
    before = snapshot(rich)
    with pytest.raises(XlsxRejected) as error:
        xlsx.import_workbook(rich.region, upload(out.getvalue()), by=operator)
    details = error.value.details
    expected = [
        "programmes!E2 (element): Elemen ENV.WAS bukan bagian dari dimensi BRA.",
        "programmes!H3 (start_year): Tahun 2016 di luar periode masterplan 2018–2022.",
        "programmes!A6 (code): kode BRA-01 sudah dipakai di baris 2",
        "budgets!C2 (planned):",
        "budgets!B3 (year): «dua ribu» bukan bilangan bulat",
        "budgets!A7 (programme_code): program XXX-99 tidak ada di lembar programmes",
        "kpis!G2 (target): «banyak» bukan angka",
        "quick_wins!B4 (year): Tahun 2031 di luar periode masterplan 2018–2022.",
    ]
    for line in expected:
        assert any(d.startswith(line) for d in details), (line, details)
    assert error.value.message.startswith(
        f"Berkas ditolak; tidak ada yang disimpan. {len(details)} masalah"
    )
    assert snapshot(rich) == before


def test_file_of_another_region_and_missing_sheets_are_named(rich, bandung, operator, admin_user):
    with pytest.raises(XlsxRejected) as error:
        xlsx.import_workbook(bandung, upload(xlsx.write_workbook(rich)), by=admin_user)
    assert any(
        "berkas untuk daerah 15.71, bukan Kota Bandung (32.73)" in d for d in error.value.details
    )
    book = load_workbook(io.BytesIO(xlsx.write_workbook(rich)))
    del book["budgets"]
    book["kpis"]["A1"] = "program"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(XlsxRejected) as error:
        xlsx.import_workbook(rich.region, upload(out.getvalue()), by=operator)
    assert "budgets: lembar tidak ada" in error.value.details
    assert "kpis baris 1 (programme_code): kolom wajib tidak ada" in error.value.details


def test_a_file_written_under_the_regions_old_code_is_its_own(rich, operator):
    RegionChange.objects.create(
        region=rich.region,
        kind=ChangeKind.RECODE,
        old_code="15.99",
        old_name="Kota Jambi",
        effective_date=datetime.date(2021, 1, 1),
        legal_basis="Kepmendagri uji",
    )
    book = load_workbook(io.BytesIO(xlsx.write_workbook(rich)))
    cells = [row for row in book["masterplan"].iter_rows() if row[0].value == "region_code"]
    assert cells and cells[0][1].value == "15.71"
    cells[0][1].value = "15.99"
    out = io.BytesIO()
    book.save(out)
    before = snapshot(rich)
    xlsx.import_workbook(rich.region, upload(out.getvalue()), by=operator)
    assert snapshot(Masterplan.objects.get(pk=rich.pk)) == before


def test_import_needs_edit_permission(rich, other_operator):
    with pytest.raises(PermissionDenied):
        xlsx.import_workbook(rich.region, upload(xlsx.write_workbook(rich)), by=other_operator)


def test_not_an_xlsx_by_content_is_refused(jambi, operator):
    with pytest.raises(XlsxRejected):
        xlsx.import_workbook(jambi, upload(b"%PDF-1.4 pretending", "masterplan.xlsx"), by=operator)


def test_too_large_file_is_refused(jambi, operator, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_FILE_BYTES", 1000)
    with pytest.raises(XlsxRejected) as error:
        xlsx.import_workbook(jambi, upload(xlsx.write_workbook(region=jambi)), by=operator)
    assert "melebihi batas" in str(error.value)


def test_zip_bomb_is_refused_before_parsing(jambi, operator):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (xlsx.MAX_UNCOMPRESSED_BYTES + 1))
    content = out.getvalue()
    assert len(content) < xlsx.MAX_FILE_BYTES
    with pytest.raises(XlsxRejected) as error:
        xlsx.import_workbook(jambi, upload(content), by=operator)
    assert "setelah diekstrak" in str(error.value)


def test_too_many_rows_is_refused(rich, operator, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROWS", 2)
    with pytest.raises(XlsxRejected) as error:
        xlsx.import_workbook(rich.region, upload(xlsx.write_workbook(rich)), by=operator)
    assert "programmes: lebih dari 2 baris" in error.value.details


def test_import_page_lists_the_problems(client, rich, operator):
    client.force_login(operator)
    url = reverse("masterplans:import", args=[rich.region.code])
    response = client.post(url, {"file": upload(_broken_workbook(rich))})
    page = response.content.decode()
    assert response.status_code == 200
    assert "masterplan!B5 (end_year)" in page
    response = client.post(url, {"file": upload(xlsx.write_workbook(rich))})
    assert response.status_code == 302
    assert response["Location"] == rich.get_absolute_url()


def test_export_and_template_downloads(client, rich, operator):
    response = client.get(reverse("masterplans:template"))
    assert response["Content-Type"] == xlsx.XLSX_MIME
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "petunjuk"
    assert client.get(reverse("masterplans:export", args=[rich.pk])).status_code == 302  # sign in
    client.force_login(operator)
    response = client.get(reverse("masterplans:export", args=[rich.pk]))
    assert 'filename="masterplan-15.71-2018-2022.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    codes = [row[0] for row in book["programmes"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["BRA-01", "ENV-01", "GOV-01", "SOC-01"]
    assert "Catatan rahasia program" in [
        row[11] for row in book["programmes"].iter_rows(values_only=True)
    ]
