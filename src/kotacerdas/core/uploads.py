"""Checking an uploaded file before it is stored: size, type by content, a safe name, a checksum;
and serving a stored one back (``stored_file_response``).

Generic: evaluations use it for evidence ("data dukung"), masterplans for programme evidence.
The type is decided by the file's content (magic bytes through the ``filetype`` package; for the
zip-based office formats, the zip's own structure), never by its name; the name's extension must
then agree with that content. Nothing here writes anything: the caller stores the file (through
Django's storage API) under ``CheckedFile.stored_name``.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files import File
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from kotacerdas.core.errors import ServiceError

HEAD_BYTES = 8192
MAX_NAME_LENGTH = 120
MAX_EXTENSION_LENGTH = 10
ZIP_SIGNATURE = b"PK\x03\x04"
# Inner parts of a zip read to tell office formats apart are small; never read more than this.
MAX_INNER_PART_BYTES = 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    """A type of file we may accept: its key, a label for people, its MIME type and extensions."""

    key: str
    label: str
    mime: str
    extensions: tuple[str, ...]


KINDS: dict[str, FileKind] = {
    kind.key: kind
    for kind in (
        FileKind("pdf", "PDF", "application/pdf", ("pdf",)),
        FileKind("png", "PNG", "image/png", ("png",)),
        FileKind("jpeg", "JPEG", "image/jpeg", ("jpg", "jpeg")),
        FileKind(
            "xlsx",
            "XLSX",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ("xlsx",),
        ),
        FileKind(
            "docx",
            "DOCX",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",),
        ),
        FileKind(
            "pptx",
            "PPTX",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ("pptx",),
        ),
        FileKind("odt", "ODT", "application/vnd.oasis.opendocument.text", ("odt",)),
        FileKind("ods", "ODS", "application/vnd.oasis.opendocument.spreadsheet", ("ods",)),
    )
}
# The evidence allow-list of the product (issue 3): every kind above.
DEFAULT_ALLOWED: tuple[str, ...] = tuple(KINDS)
# Every content type ``stored_file_response`` can send for a checked upload: the kinds' types
# (``validate_upload`` stores nothing else), and application/octet-stream for a row without one.
STORED_CONTENT_TYPES: tuple[str, ...] = (
    *(kind.mime for kind in KINDS.values()),
    "application/octet-stream",
)

# Office Open XML: the main part that must exist and the content type [Content_Types].xml must
# declare for it. Macro-enabled variants declare another type and are therefore refused.
_OOXML_MAIN_PARTS = {
    "docx": (
        "word/document.xml",
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "xlsx": (
        "xl/workbook.xml",
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
    "pptx": (
        "ppt/presentation.xml",
        b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}
# OpenDocument: the exact content of the leading ``mimetype`` entry.
_ODF_MIMETYPES = {KINDS["odt"].mime.encode(): "odt", KINDS["ods"].mime.encode(): "ods"}
_SIMPLE_MIMES = {KINDS[key].mime: key for key in ("pdf", "png", "jpeg")}

_UNSAFE_CHARACTERS = re.compile(r"[^\w\s.\-()+,]")
_WHITESPACE = re.compile(r"\s+")


class UploadRejected(ServiceError):
    """An uploaded file that may not be stored; the message says which file and why."""


@dataclass(frozen=True)
class CheckedFile:
    """What ``validate_upload`` established about a file it accepted.

    ``name`` is the sanitised original name (to show and to offer on download); ``stored_name``
    is ``name`` behind a random prefix, for the storage, so two uploads never collide.
    """

    name: str
    stored_name: str
    kind: str
    content_type: str
    size: int
    sha256: str


def sanitise_name(raw: str, *, max_length: int = MAX_NAME_LENGTH) -> str:
    """A safe file name from whatever a browser or a client sent.

    Guarantees: Unicode NFKC-normalised; no control or format characters (NUL included); no path
    parts (only what follows the last ``/`` or ``\\``); only letters, digits, spaces and
    ``. - _ ( ) + ,`` (anything else becomes ``_``); no leading or trailing dots or spaces (so
    never ``.``, ``..`` or a hidden file); at most ``max_length`` characters with the extension
    kept; never empty (``berkas`` stands in for a name with nothing left).
    """
    name = unicodedata.normalize("NFKC", raw or "")
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_CHARACTERS.sub("_", name)
    name = _WHITESPACE.sub(" ", name).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > MAX_EXTENSION_LENGTH:
        stem, extension = name, ""
    stem = stem.strip(" .") or "berkas"
    suffix = f".{extension.lower()}" if extension else ""
    stem = stem[: max(1, max_length - len(suffix))].rstrip(" .") or "berkas"
    return stem + suffix


def extension_of(name: str) -> str:
    """The lower-case extension of a (sanitised) name, without the dot; empty if none."""
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def allowed_labels(allowed: Iterable[str] = DEFAULT_ALLOWED) -> str:
    """The allowed kinds for a message or a help text: ``PDF, PNG, JPEG, ...``."""
    return ", ".join(KINDS[key].label for key in allowed)


def accept_attribute(allowed: Iterable[str] = DEFAULT_ALLOWED) -> str:
    """The value of an ``<input type=file accept=...>`` for the allowed kinds (a hint only)."""
    return ",".join(f".{ext}" for key in allowed for ext in KINDS[key].extensions)


def validate_upload(
    uploaded: File,
    *,
    max_bytes: int | None = None,
    allowed: Iterable[str] = DEFAULT_ALLOWED,
) -> CheckedFile:
    """Check one uploaded file completely and describe it.

    Guarantees, or ``UploadRejected`` naming the file and the reason:
    - not empty and not larger than ``max_bytes`` (default ``settings.KOTACERDAS_EVIDENCE_MAX_BYTES``);
      the size is counted while the content is read, so a wrong declared size does not help;
    - its content is one of the ``allowed`` kinds (PDF, PNG, JPEG by magic bytes; XLSX, DOCX,
      PPTX, ODT, ODS by their zip structure; a plain zip or an executable is refused whatever its
      name);
    - the name's extension belongs to that kind (``.jpg`` or ``.jpeg`` for JPEG, ...);
    - the SHA-256 of the content is returned with a sanitised name.
    The file is left rewound to its start, ready to be stored.
    """
    limit = settings.KOTACERDAS_EVIDENCE_MAX_BYTES if max_bytes is None else max_bytes
    allowed = tuple(allowed)
    name = sanitise_name(getattr(uploaded, "name", "") or "")
    declared = getattr(uploaded, "size", None)
    if declared is not None and declared > limit:
        raise _too_large(name, limit)
    size, sha256, head = _read_through(uploaded, name, limit)
    if size == 0:
        raise UploadRejected(_("Berkas «%(name)s» ditolak: berkas kosong.") % {"name": name})
    kind = _detect_kind(uploaded, head, name)
    if kind not in allowed:
        raise UploadRejected(
            _("Berkas «%(name)s» ditolak: isinya %(found)s; yang diterima hanya %(allowed)s.")
            % {"name": name, "found": KINDS[kind].label, "allowed": allowed_labels(allowed)}
        )
    extension = extension_of(name)
    if extension not in KINDS[kind].extensions:
        raise UploadRejected(
            _(
                "Berkas «%(name)s» ditolak: ekstensinya (%(extension)s) tidak sesuai dengan "
                "isinya (%(found)s); gunakan .%(expected)s."
            )
            % {
                "name": name,
                "extension": f".{extension}" if extension else _("tanpa ekstensi"),
                "found": KINDS[kind].label,
                "expected": KINDS[kind].extensions[0],
            }
        )
    return CheckedFile(
        name=name,
        stored_name=f"{secrets.token_hex(6)}-{name}",
        kind=kind,
        content_type=KINDS[kind].mime,
        size=size,
        sha256=sha256,
    )


def _too_large(name: str, limit: int) -> UploadRejected:
    return UploadRejected(
        _("Berkas «%(name)s» ditolak: ukurannya melebihi batas %(limit)s.")
        % {"name": name, "limit": filesizeformat(limit)}
    )


def _read_through(uploaded: File, name: str, limit: int) -> tuple[int, str, bytes]:
    """Read the file once in chunks: (size, SHA-256 hex, first bytes); stop past the limit."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        size += len(chunk)
        if size > limit:
            uploaded.seek(0)
            raise _too_large(name, limit)
        digest.update(chunk)
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
    uploaded.seek(0)
    return size, digest.hexdigest(), head


def _detect_kind(uploaded: File, head: bytes, name: str) -> str:
    """The key in KINDS of what the content is, or UploadRejected when it is none of them."""
    if head.startswith(ZIP_SIGNATURE):
        kind = _zip_document_kind(uploaded)
        if kind is None:
            raise UploadRejected(
                _(
                    "Berkas «%(name)s» ditolak: isinya arsip ZIP yang bukan dokumen XLSX, DOCX, "
                    "PPTX, ODT atau ODS."
                )
                % {"name": name}
            )
        return kind
    guessed = filetype.guess(head)
    if guessed is not None and guessed.mime in _SIMPLE_MIMES:
        return _SIMPLE_MIMES[guessed.mime]
    found = guessed.mime if guessed is not None else _("jenis yang tidak dikenali")
    raise UploadRejected(
        _("Berkas «%(name)s» ditolak: isinya %(found)s; yang diterima hanya %(allowed)s.")
        % {"name": name, "found": found, "allowed": allowed_labels()}
    )


def _zip_document_kind(uploaded: File) -> str | None:
    """xlsx/docx/pptx/odt/ods when the zip has that format's structure, else None.

    Reads only the zip's directory and at most two small inner parts (no full decompression,
    so a zip bomb costs nothing).
    """
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = _read_part(archive, "mimetype").strip()
                return _ODF_MIMETYPES.get(mimetype)
            if "[Content_Types].xml" in names:
                content_types = _read_part(archive, "[Content_Types].xml")
                for kind, (main_part, main_type) in _OOXML_MAIN_PARTS.items():
                    if main_part in names and main_type in content_types:
                        return kind
            return None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
        return None
    finally:
        uploaded.seek(0)


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as part:
        return part.read(MAX_INNER_PART_BYTES)


def stored_file_response(file, *, name: str, content_type: str) -> FileResponse:
    """A stored upload (a FieldFile) streamed as a download, never shown in the browser.

    Guarantees: an attachment under the original ``name`` (``"data-dukung"`` when empty) with the
    stored content type; the browser may not sniff another type, and should it render the file
    anyway, a sandbox with no sources; not kept in shared caches; Http404 when the storage no
    longer has the file. The caller has checked permission.
    """
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("Berkas tidak ditemukan di penyimpanan.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name or "data-dukung",
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
