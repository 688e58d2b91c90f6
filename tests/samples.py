"""Small, real files of every kind the platform accepts or must refuse, built in memory."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image

from kotacerdas.core.pdf import minimal_pdf

OOXML_TYPES = {
    "docx": ("word/document.xml", "wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml", "presentationml.presentation.main+xml"),
}


def pdf_bytes(text: str = "Laporan MPP Kota Jambi") -> bytes:
    """A minimal, valid one-page PDF showing ``text`` (the package's own generator)."""
    return minimal_pdf([text])


def image_bytes(fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    workbook = Workbook()
    workbook.active["A1"] = "Anggaran"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def ooxml_bytes(kind: str, *, content_type: str | None = None) -> bytes:
    """A skeleton DOCX/XLSX/PPTX (or another [Content_Types].xml main type if given)."""
    main_part, main_type = OOXML_TYPES[kind]
    declared = content_type or f"application/vnd.openxmlformats-officedocument.{main_type}"
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/{main_part}" ContentType="{declared}"/></Types>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr(main_part, "<document/>")
    return out.getvalue()


def odf_bytes(kind: str) -> bytes:
    mimetype = {
        "odt": "application/vnd.oasis.opendocument.text",
        "ods": "application/vnd.oasis.opendocument.spreadsheet",
        "odp": "application/vnd.oasis.opendocument.presentation",
    }[kind]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def plain_zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("catatan.txt", "bukan dokumen")
    return out.getvalue()


def windows_exe_bytes() -> bytes:
    """The start of a Windows PE executable (MZ header)."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def elf_bytes() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    """A Django uploaded file as a view or service receives it."""
    return SimpleUploadedFile(name, content, content_type=content_type)
