"""The generic upload check: size, type by content, safe names, checksum."""

import hashlib

import pytest

from kotacerdas.core.uploads import (
    UploadRejected,
    accept_attribute,
    sanitise_name,
    validate_upload,
)
from tests import samples


@pytest.mark.parametrize(
    ("name", "content", "kind", "content_type"),
    [
        ("laporan.pdf", samples.pdf_bytes(), "pdf", "application/pdf"),
        ("foto.png", samples.image_bytes("PNG"), "png", "image/png"),
        ("foto.jpg", samples.image_bytes("JPEG"), "jpeg", "image/jpeg"),
        ("foto.JPEG", samples.image_bytes("JPEG"), "jpeg", "image/jpeg"),
        (
            "anggaran.xlsx",
            samples.xlsx_bytes(),
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "perda.docx",
            samples.ooxml_bytes("docx"),
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "paparan.pptx",
            samples.ooxml_bytes("pptx"),
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("notulen.odt", samples.odf_bytes("odt"), "odt", "application/vnd.oasis.opendocument.text"),
        (
            "data.ods",
            samples.odf_bytes("ods"),
            "ods",
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
    ],
)
def test_it_accepts_every_allowed_kind_by_content(name, content, kind, content_type):
    checked = validate_upload(samples.upload(name, content))
    assert checked.kind == kind
    assert checked.content_type == content_type
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.name == name.rsplit(".", 1)[0] + "." + name.rsplit(".", 1)[1].lower()


def test_it_leaves_the_file_rewound_for_storage():
    upload = samples.upload("laporan.pdf", samples.pdf_bytes())
    validate_upload(upload)
    assert upload.read(5) == b"%PDF-"


def test_the_stored_name_has_a_random_prefix_so_uploads_never_collide():
    first = validate_upload(samples.upload("laporan.pdf", samples.pdf_bytes()))
    second = validate_upload(samples.upload("laporan.pdf", samples.pdf_bytes()))
    assert first.stored_name != second.stored_name
    assert first.stored_name.endswith("-laporan.pdf")
    assert second.stored_name.endswith("-laporan.pdf")


def test_an_oversized_upload_is_refused_with_the_limit(settings):
    settings.KOTACERDAS_EVIDENCE_MAX_BYTES = 1000
    with pytest.raises(UploadRejected) as refused:
        validate_upload(samples.upload("besar.pdf", samples.pdf_bytes() + b"\0" * 2000))
    assert "besar.pdf" in refused.value.message
    assert "melebihi batas" in refused.value.message
    assert "1000" in refused.value.message


def test_the_size_is_counted_while_reading_not_taken_from_the_declared_size():
    upload = samples.upload("besar.pdf", samples.pdf_bytes() + b"\0" * 5000)
    upload.size = 10  # a client that lies about the size
    with pytest.raises(UploadRejected, match="melebihi batas"):
        validate_upload(upload, max_bytes=1000)


def test_an_upload_exactly_at_the_limit_is_accepted():
    content = samples.pdf_bytes()
    assert validate_upload(samples.upload("pas.pdf", content), max_bytes=len(content)).size == len(
        content
    )


def test_an_empty_file_is_refused():
    with pytest.raises(UploadRejected, match="berkas kosong"):
        validate_upload(samples.upload("kosong.pdf", b""))


@pytest.mark.parametrize("content", [samples.windows_exe_bytes(), samples.elf_bytes()])
def test_an_executable_renamed_to_pdf_is_refused(content):
    with pytest.raises(UploadRejected) as refused:
        validate_upload(samples.upload("laporan.pdf", content, "application/pdf"))
    assert "laporan.pdf" in refused.value.message
    assert "application/x-" in refused.value.message
    assert "PDF, PNG, JPEG, XLSX, DOCX, PPTX, ODT, ODS" in refused.value.message


def test_a_plain_zip_is_refused_even_named_docx():
    with pytest.raises(UploadRejected, match="arsip ZIP yang bukan dokumen"):
        validate_upload(samples.upload("perda.docx", samples.plain_zip_bytes()))


def test_a_macro_enabled_word_file_is_refused():
    content = samples.ooxml_bytes(
        "docx", content_type="application/vnd.ms-word.document.macroEnabled.main+xml"
    )
    with pytest.raises(UploadRejected, match="arsip ZIP yang bukan dokumen"):
        validate_upload(samples.upload("perda.docx", content))


def test_an_opendocument_presentation_is_not_on_the_list():
    with pytest.raises(UploadRejected, match="arsip ZIP"):
        validate_upload(samples.upload("paparan.odp", samples.odf_bytes("odp")))


def test_text_of_an_unknown_type_is_refused():
    with pytest.raises(UploadRejected, match="jenis yang tidak dikenali"):
        validate_upload(samples.upload("catatan.pdf", b"hanya teks biasa\n" * 10))


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("foto.pdf", samples.image_bytes("PNG"), ".png"),
        ("laporan.docx", samples.pdf_bytes(), ".pdf"),
        ("anggaran.docx", samples.xlsx_bytes(), ".xlsx"),
        ("laporan", samples.pdf_bytes(), ".pdf"),
    ],
)
def test_the_extension_must_agree_with_the_content(name, content, expected):
    with pytest.raises(UploadRejected) as refused:
        validate_upload(samples.upload(name, content))
    assert "tidak sesuai dengan isinya" in refused.value.message
    assert expected in refused.value.message


def test_only_the_kinds_a_caller_allows_are_accepted():
    with pytest.raises(UploadRejected, match="yang diterima hanya PDF"):
        validate_upload(samples.upload("foto.png", samples.image_bytes("PNG")), allowed=["pdf"])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\system32\\laporan.pdf", "laporan.pdf"),
        ("/var/www/laporan.pdf", "laporan.pdf"),
        ("laporan\x00.exe.pdf", "laporan.exe.pdf"),
        ("lap\x1b[31moran\r\n.pdf", "lap_31moran.pdf"),
        ("..", "berkas"),
        (".htaccess", "htaccess"),
        ("", "berkas"),
        ("ｌａｐｏｒａｎ.PDF", "laporan.pdf"),
        ("Laporan  MPP   2022 .pdf", "Laporan MPP 2022.pdf"),
        ('Perda <No. 1> "2019".pdf', "Perda _No. 1_ _2019_.pdf"),
        ("Dokumen\u202egpj.pdf", "Dokumengpj.pdf"),
        ("Kebijakan Pemkot Jambi — ringkasan.docx", "Kebijakan Pemkot Jambi _ ringkasan.docx"),
    ],
)
def test_names_are_sanitised(raw, expected):
    assert sanitise_name(raw) == expected


def test_long_names_are_capped_and_keep_their_extension():
    name = sanitise_name("a" * 500 + ".pdf")
    assert len(name) == 120
    assert name.endswith("aaa.pdf")


def test_a_path_traversal_name_is_stored_without_its_path():
    checked = validate_upload(
        samples.upload("../../../evidence/2022/15.71/x.pdf", samples.pdf_bytes())
    )
    assert checked.name == "x.pdf"
    assert "/" not in checked.stored_name
    assert ".." not in checked.stored_name


def test_nul_bytes_never_reach_the_stored_name():
    upload = samples.upload("laporan.pdf", samples.pdf_bytes())
    upload.name = "lap\x00oran.pdf"
    checked = validate_upload(upload)
    assert "\x00" not in checked.stored_name
    assert checked.name == "laporan.pdf"


def test_the_accept_attribute_lists_the_extensions():
    assert accept_attribute(["pdf", "jpeg"]) == ".pdf,.jpg,.jpeg"
