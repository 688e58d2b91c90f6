"""Documents of a masterplan and evidence of its programmes: files and links.

The same rules as the evaluation's evidence: files go through ``kotacerdas.core.uploads``
(size, type by content against the allow-list, safe name, SHA-256) and are stored with Django's
storage API; they are read back only through the download view, which checks permission (no
public media URL). Nothing is deleted: replacing adds a new row that ``replaces`` the old one,
which is marked ``superseded`` and stays downloadable from the history.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from kotacerdas.core.errors import ServiceError
from kotacerdas.core.uploads import validate_upload

from ..choices import AttachmentKind
from ..models import Attachment, Masterplan, Programme
from .editing import ensure_can_edit

MAX_URL_LENGTH = 1000
MAX_DESCRIPTION = 500


class InvalidAttachment(ServiceError):
    """A link or description that cannot be accepted, or a replacement that came too late."""


def checked_url(url: str) -> str:
    """The stripped link, or InvalidAttachment unless it is http(s) and at most 1000 chars."""
    url = (url or "").strip()
    try:
        if len(url) > MAX_URL_LENGTH:
            raise ValidationError("too long")
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise InvalidAttachment(
            _(
                "«%(url)s» bukan tautan http:// atau https:// yang sah (paling panjang %(max)d "
                "karakter)."
            )
            % {"url": url[:80], "max": MAX_URL_LENGTH}
        ) from exc
    return url


def add(
    masterplan: Masterplan,
    *,
    programme: Programme | None = None,
    uploaded: File | None = None,
    url: str = "",
    description: str = "",
    by,
) -> Attachment:
    """Attach a file (``uploaded``) or a link (``url``), exactly one, to the masterplan (as a
    document) or to one of its programmes (as evidence).

    Guarantees: the permission; the file passes ``validate_upload`` (else UploadRejected naming
    the file and the reason) and is stored under ``masterplans/<region>/<id>/<random>-<name>``
    with its size, type and SHA-256; if the row cannot be written the stored file is removed.
    """
    ensure_can_edit(by, masterplan)
    if programme is not None and programme.masterplan_id != masterplan.pk:
        raise InvalidAttachment(_("Program ini bukan bagian dari masterplan tersebut."))
    return _store(masterplan, programme, uploaded, url, description, by=by)


def replace(
    attachment: Attachment,
    *,
    uploaded: File | None = None,
    url: str = "",
    description: str = "",
    by,
) -> Attachment:
    """Replace an attachment by a new file or link and return the new one; the old one is kept,
    marked ``superseded`` and linked from the new one. One already replaced is refused."""
    ensure_can_edit(by, attachment)
    return _store(
        attachment.masterplan,
        attachment.programme,
        uploaded,
        url,
        description or attachment.description,
        by=by,
        replaces=attachment,
    )


def _store(
    masterplan: Masterplan,
    programme: Programme | None,
    uploaded: File | None,
    url: str,
    description: str,
    *,
    by,
    replaces: Attachment | None = None,
) -> Attachment:
    if (uploaded is None) == (not (url or "").strip()):
        raise InvalidAttachment(_("Pilih satu: unggah berkas atau isi tautan."))
    description = " ".join((description or "").split())
    if len(description) > MAX_DESCRIPTION:
        raise InvalidAttachment(
            _("Keterangan paling panjang %(max)d karakter.") % {"max": MAX_DESCRIPTION}
        )
    attachment = Attachment(
        masterplan=masterplan, programme=programme, description=description, uploaded_by=by
    )
    if uploaded is not None:
        checked = validate_upload(uploaded)
        attachment.kind = AttachmentKind.FILE
        attachment.original_name = checked.name
        attachment.content_type = checked.content_type
        attachment.size = checked.size
        attachment.sha256 = checked.sha256
    else:
        attachment.kind = AttachmentKind.LINK
        attachment.url = checked_url(url)
    stored = ""
    try:
        with transaction.atomic():
            if replaces is not None:
                old = Attachment.objects.select_for_update().get(pk=replaces.pk)
                if old.superseded:
                    raise InvalidAttachment(
                        _("Lampiran «%(name)s» sudah diganti; muat ulang halaman.") % {"name": old}
                    )
                old.superseded = True
                old._history_user = by
                old._change_reason = _("Diganti")
                old.save(update_fields=["superseded"])
                attachment.replaces = old
            if uploaded is not None:
                attachment.file.save(checked.stored_name, uploaded, save=False)
                stored = attachment.file.name
            attachment._history_user = by
            attachment.save()
    except BaseException:
        if stored:
            attachment.file.storage.delete(stored)
        raise
    return attachment
