"""Hostile uploads against every upload path that exists: evidence (API and service, through
core/uploads.py), the instrument import and the masterplan import. Each is refused with a message
naming the file and the reason, and nothing is written — or, for names, made harmless."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from kotacerdas.core.uploads import UploadRejected, sanitise_name, validate_upload
from kotacerdas.evaluations.models import Evidence
from kotacerdas.evaluations.services import evidence as evidence_service
from kotacerdas.instruments.models import Instrument
from kotacerdas.instruments.services import editing as instrument_editing
from kotacerdas.instruments.services.tree import InstrumentFileError
from kotacerdas.masterplans.models import Programme
from kotacerdas.masterplans.services import xlsx as masterplan_xlsx
from tests.api.world import PDF, build_world

CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)


def zip_bomb_xlsx(unpacked_mb: int) -> bytes:
    """A workbook-shaped zip whose one sheet unpacks to ``unpacked_mb`` MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            block = b"\0" * (1024 * 1024)
            for _ in range(unpacked_mb):
                sheet.write(block)
    return buffer.getvalue()


@pytest.fixture
def world(jambi, bandung):
    return build_world(jambi, bandung)


@pytest.fixture
def operator_api(world):
    client = APIClient()
    client.force_login(world.users["operator_own"])
    return client


def upload(client, world, name, content):
    return client.post(
        f"/api/v1/submissions/{world.own_open.pk}/evidence/",
        {"file": SimpleUploadedFile(name, content), "indicator": "GOV.SVC.01"},
        format="multipart",
    )


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


# --- Evidence -----------------------------------------------------------------------------------


def test_an_oversized_file_is_refused_and_nothing_is_stored(world, operator_api, settings):
    settings.KOTACERDAS_EVIDENCE_MAX_BYTES = 1024
    before = stored_files(settings)
    response = upload(operator_api, world, "besar.pdf", PDF + b"x" * 2048)
    assert response.status_code == 400
    assert "besar.pdf" in response.json()["detail"]
    assert "melebihi batas" in response.json()["detail"]
    assert stored_files(settings) == before
    assert not Evidence.objects.filter(original_name="besar.pdf").exists()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("laporan.pdf", b"MZ\x90\x00\x03" + b"\0" * 300, "isinya"),  # a Windows program
        ("foto.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 300, "ekstensinya"),  # a PNG named .pdf
        ("halaman.pdf", b"<html><script>alert(1)</script></html>", "isinya"),
        ("arsip.docx", "plain zip", "ZIP"),  # a zip that is not an office document
    ],
)
def test_a_disguised_type_is_refused(world, operator_api, settings, name, content, reason):
    if content == "plain zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("catatan.txt", "bukan dokumen")
        content = buffer.getvalue()
    response = upload(operator_api, world, name, content)
    assert response.status_code == 400, response.content
    detail = response.json()["detail"]
    assert name in detail and reason in detail
    assert not Evidence.objects.filter(original_name=name).exists()


def test_a_zip_bomb_workbook_as_evidence_is_stored_as_sent_never_unpacked(
    world, operator_api, settings
):
    bomb = zip_bomb_xlsx(200)
    assert len(bomb) < 1024 * 1024  # 200 MB of zeros in a few hundred kilobytes
    response = upload(operator_api, world, "anggaran.xlsx", bomb)
    assert response.status_code == 201, response.content
    stored = Evidence.objects.get(original_name="anggaran.xlsx")
    assert stored.size == len(bomb)
    assert (Path(settings.MEDIA_ROOT) / stored.file.name).stat().st_size == len(bomb)


@pytest.mark.parametrize(
    "name",
    ["../../../etc/passwd.pdf", "..\\..\\windows\\perda.pdf", "/etc/perda.pdf", "....//perda.pdf"],
)
def test_path_traversal_in_a_name_stays_inside_the_evidence_folder(
    world, operator_api, settings, name
):
    response = upload(operator_api, world, name, PDF)
    assert response.status_code == 201, response.content
    stored = Evidence.objects.get(pk=response.json()["id"])
    assert ".." not in stored.original_name and "/" not in stored.original_name
    assert "\\" not in stored.original_name
    assert stored.file.name.startswith(f"evidence/2023/{world.own_region.code}/")
    path = (Path(settings.MEDIA_ROOT) / stored.file.name).resolve()
    assert path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert path.read_bytes() == PDF


@pytest.mark.parametrize(
    ("name", "outcome"),
    [
        ("perda\x00.exe.pdf", "perda.exe.pdf"),
        # Once the NUL is gone the name ends in .exe: refused, it does not match a PDF.
        ("perda.pdf\x00.exe", "refused: (.exe)"),
        # Nothing but a dot and an extension is left: refused for having no extension.
        ("\x00\x00.pdf", "refused: tanpa ekstensi"),
    ],
)
def test_nul_bytes_in_a_name_are_removed_or_refused(world, name, outcome):
    operator = world.users["operator_own"]
    level = world.open_cycle.instrument.indicators.get(code="GOV.SVC.01")
    uploaded = SimpleUploadedFile(name, PDF)
    before = Evidence.objects.count()
    if outcome.startswith("refused: "):
        with pytest.raises(UploadRejected) as refused:
            evidence_service.add_file(world.own_open, level, uploaded, by=operator)
        assert outcome.removeprefix("refused: ") in refused.value.message
        assert "\x00" not in refused.value.message
        assert Evidence.objects.count() == before
        return
    stored = evidence_service.add_file(world.own_open, level, uploaded, by=operator)
    assert stored.original_name == outcome
    assert "\x00" not in stored.file.name


def test_nul_bytes_through_the_api_never_reach_the_storage(world, operator_api, settings):
    response = upload(operator_api, world, "surat\x00keputusan.pdf", PDF)
    assert response.status_code in (201, 400)
    assert not [name for name in stored_files(settings) if "\x00" in name]
    for row in Evidence.objects.all():
        assert "\x00" not in row.original_name and "\x00" not in row.file.name


def test_sanitised_names_are_never_special():
    for raw in ["..", ".", "", "   ", "\x00", "con/../..", ".htaccess", "a" * 500 + ".pdf"]:
        name = sanitise_name(raw)
        assert name and name not in (".", "..")
        assert not name.startswith(".")
        assert len(name) <= 120
    assert sanitise_name("a" * 500 + ".pdf").endswith(".pdf")


def test_the_declared_size_does_not_bypass_the_limit(settings):
    settings.KOTACERDAS_EVIDENCE_MAX_BYTES = 100
    lying = SimpleUploadedFile("kecil.pdf", PDF + b"x" * 500)
    lying.size = 10
    with pytest.raises(UploadRejected, match="melebihi batas"):
        validate_upload(lying)


# --- Instrument import --------------------------------------------------------------------------


def test_a_zip_bomb_instrument_workbook_is_refused_before_unpacking(db, settings):
    settings.INSTRUMENT_XLSX_MAX_UNCOMPRESSED = 5 * 1024 * 1024
    with pytest.raises(InstrumentFileError, match="zip bomb"):
        instrument_editing.import_xlsx(zip_bomb_xlsx(20), code="bom")
    assert not Instrument.objects.filter(code="bom").exists()


@pytest.mark.parametrize(
    "content", [b"MZ\x90\x00" + b"\0" * 100, PDF, b"PK\x03\x04 not really a zip"]
)
def test_an_instrument_import_of_something_else_is_refused(db, content):
    with pytest.raises(InstrumentFileError):
        instrument_editing.import_xlsx(content, code="bukan")
    assert not Instrument.objects.filter(code="bukan").exists()


# --- Masterplan import --------------------------------------------------------------------------


def test_a_zip_bomb_masterplan_workbook_is_refused(world):
    bomb = SimpleUploadedFile("masterplan.xlsx", zip_bomb_xlsx(80))
    with pytest.raises(masterplan_xlsx.XlsxRejected, match="setelah diekstrak"):
        masterplan_xlsx.import_workbook(world.own_region, bomb, by=world.users["operator_own"])
    assert Programme.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "content"),
    [("masterplan.xlsx", PDF), ("masterplan.pdf", zip_bomb_xlsx(1)), ("../../mp.xlsx", b"MZ")],
)
def test_a_disguised_masterplan_workbook_is_refused(world, name, content):
    with pytest.raises(masterplan_xlsx.XlsxRejected) as refused:
        masterplan_xlsx.import_workbook(
            world.own_region, SimpleUploadedFile(name, content), by=world.users["operator_own"]
        )
    assert "/" not in refused.value.message.split("«")[-1].split("»")[0]
    assert Programme.objects.count() == 2
