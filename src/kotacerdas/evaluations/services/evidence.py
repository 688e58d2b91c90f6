"""Evidence ("data dukung") of a region's self-assessment: files and links.

Files go through ``kotacerdas.core.uploads`` (size, type by content, safe name, SHA-256) and are
stored with Django's storage API; they are read back only through the download view, which checks
permission. Nothing is ever deleted: replacing evidence adds a new row that ``replaces`` the old
one, and the old one is marked ``superseded`` and stays in the history.

Evidence may carry a validity date (``valid_until``: an SK, certificate or MoU expires);
``expired_since`` alone decides whether an item has expired for its cycle, and the pages only show
what it decides.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.errors import ServiceError
from kotacerdas.core.uploads import validate_upload
from kotacerdas.instruments.models import Indicator

from ..models import Cycle, Evidence, EvidenceKindStored, Submission
from . import links
from .locks import ensure_editable, hold_editable

MAX_URL_LENGTH = 1000
MAX_DESCRIPTION = 500
_url_validator = URLValidator(schemes=["http", "https"])
EARLIEST_VALID_UNTIL = datetime.date(2000, 1, 1)


class InvalidEvidence(ServiceError):
    """Evidence that cannot be accepted (a bad link, an indicator of another instrument, ...)."""


def clean_url(url: str) -> str:
    """The link stripped, or InvalidEvidence unless it is an http(s) URL of at most 1000 chars."""
    url = (url or "").strip()
    if len(url) > MAX_URL_LENGTH:
        raise InvalidEvidence(
            _("Tautan paling panjang %(max)d karakter.") % {"max": MAX_URL_LENGTH}
        )
    try:
        _url_validator(url)
    except ValidationError as exc:
        raise InvalidEvidence(
            _("«%(url)s» bukan tautan http:// atau https:// yang sah.") % {"url": url[:80]}
        ) from exc
    return url


def clean_valid_until(value) -> datetime.date | None:
    """The validity date, or None when not given; InvalidEvidence unless it is a date
    (``datetime.date`` or ISO ``YYYY-MM-DD``) on or after 1 January 2000."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise InvalidEvidence(_("Berlaku sampai: isi tanggal yang sah (TTTT-BB-HH)."))
    if value < EARLIEST_VALID_UNTIL:
        raise InvalidEvidence(_("Berlaku sampai: tanggal tidak boleh sebelum 1 Januari 2000."))
    return value


def reference_date(cycle: Cycle) -> datetime.date:
    """The day evidence of ``cycle`` must still be valid on: the local date of the cycle's
    self-assessment deadline, or today when the cycle has no deadline. The same day for every
    region: a region's extension (``extensions``) gives it more time to answer, not a later
    day its documents must be valid on (docs/decisions.md)."""
    if cycle.submission_deadline is not None:
        return timezone.localdate(cycle.submission_deadline)
    return timezone.localdate()


def expired_since(evidence: Evidence, cycle: Cycle) -> datetime.date | None:
    """The date ``evidence`` expired on when it was no longer valid on the cycle's reference day
    (``reference_date``: the self-assessment deadline, or today without one), else None.

    The one rule for "expired": an item with a ``valid_until`` before the reference day (an item
    valid until the deadline day itself is still valid). Items without a date never expire.
    """
    if evidence.valid_until is None:
        return None
    if evidence.valid_until < reference_date(cycle):
        return evidence.valid_until
    return None


def mark_expired(items: Iterable[Evidence], cycle: Cycle) -> None:
    """Give each item ``expired_since`` (``expired_since(item, cycle)``) for the pages to show."""
    for item in items:
        item.expired_since = expired_since(item, cycle)


def expired_counts(submissions: Iterable[Submission]) -> dict[int, int]:
    """Per submission id, how many of its current (not superseded) evidence items have expired
    (``expired_since``); submissions without any are left out. One query."""
    by_id = {s.pk: s for s in submissions}
    counts: dict[int, int] = {}
    dated = Evidence.objects.filter(
        submission_id__in=by_id, superseded=False, valid_until__isnull=False
    ).select_related("submission__cycle")
    for item in dated:
        if expired_since(item, item.submission.cycle) is not None:
            counts[item.submission_id] = counts.get(item.submission_id, 0) + 1
    return counts


def add_file(
    submission: Submission,
    indicator: Indicator | None,
    uploaded: File,
    *,
    description: str = "",
    valid_until=None,
    by,
) -> Evidence:
    """Store an uploaded file as evidence for ``indicator`` (None: general evidence).

    Guarantees: as ``_check`` and ``clean_valid_until``; the file passes ``validate_upload``
    (else UploadRejected naming the file and reason) and is stored under
    ``evidence/<year>/<region>/<random>-<name>`` with its size, content type and SHA-256; if
    anything fails after storing, the stored file is removed again and no row is written.
    """
    _check(submission, indicator, by)
    valid_until = clean_valid_until(valid_until)
    checked = validate_upload(uploaded)
    return _store(
        submission,
        indicator,
        by=by,
        description=description,
        fields={
            "kind": EvidenceKindStored.FILE,
            "original_name": checked.name,
            "content_type": checked.content_type,
            "size": checked.size,
            "sha256": checked.sha256,
            "valid_until": valid_until,
        },
        upload=(checked.stored_name, uploaded),
    )


def add_link(
    submission: Submission,
    indicator: Indicator | None,
    url: str,
    *,
    description: str = "",
    valid_until=None,
    by,
) -> Evidence:
    """Record a link (http or https) as evidence; guarantees as ``_check``, ``clean_url`` and
    ``clean_valid_until``. When link checking is on, a check is enqueued (``links.begin``)."""
    _check(submission, indicator, by)
    url = clean_url(url)
    valid_until = clean_valid_until(valid_until)
    return _store(
        submission,
        indicator,
        by=by,
        description=description,
        fields={"kind": EvidenceKindStored.LINK, "url": url, "valid_until": valid_until},
        then=links.begin,
    )


def replace(
    evidence: Evidence,
    *,
    uploaded: File | None = None,
    url: str = "",
    description: str = "",
    valid_until=None,
    by,
) -> Evidence:
    """Replace evidence by a new file or link and return the new Evidence.

    Guarantees: exactly one of ``uploaded`` and ``url``; as ``add_file``/``add_link``; the new
    item has the validity date given (none given: none, a new document has its own); a new link
    is checked as in ``add_link``; the old
    evidence is kept, marked ``superseded`` and linked from the new one (``replaces``); evidence
    that was already replaced is refused (someone else replaced it first: reload).
    """
    if (uploaded is None) == (not url):
        raise InvalidEvidence(_("Pilih satu: unggah berkas pengganti atau isi tautan pengganti."))
    submission = evidence.submission
    _check(submission, evidence.indicator, by)
    valid_until = clean_valid_until(valid_until)
    if uploaded is not None:
        checked = validate_upload(uploaded)
        fields = {
            "kind": EvidenceKindStored.FILE,
            "original_name": checked.name,
            "content_type": checked.content_type,
            "size": checked.size,
            "sha256": checked.sha256,
        }
        upload = (checked.stored_name, uploaded)
    else:
        fields = {"kind": EvidenceKindStored.LINK, "url": clean_url(url)}
        upload = None
    fields["valid_until"] = valid_until
    return _store(
        submission,
        evidence.indicator,
        by=by,
        description=description or evidence.description,
        fields=fields,
        upload=upload,
        replaces=evidence,
        then=links.begin,
    )


def _check(submission: Submission, indicator: Indicator | None, by) -> None:
    """``by`` may edit the submission (else PermissionDenied) and the indicator belongs to the
    cycle's instrument (else InvalidEvidence). The lock is checked again under the row lock."""
    if not by.has_perm("evaluations.edit_submission", submission):
        raise PermissionDenied(_("Anda tidak dapat mengubah data dukung daerah ini."))
    if indicator is not None and indicator.instrument_id != submission.cycle.instrument_id:
        raise InvalidEvidence(
            _("Indikator %(code)s bukan bagian dari instrumen siklus ini.")
            % {"code": indicator.code}
        )
    ensure_editable(submission)


def _store(
    submission: Submission,
    indicator: Indicator | None,
    *,
    by,
    description: str,
    fields: dict,
    upload: tuple[str, File] | None = None,
    replaces: Evidence | None = None,
    then=None,
) -> Evidence:
    description = " ".join((description or "").split())
    if len(description) > MAX_DESCRIPTION:
        raise InvalidEvidence(
            _("Keterangan paling panjang %(max)d karakter.") % {"max": MAX_DESCRIPTION}
        )
    stored_name = ""
    try:
        with transaction.atomic():
            locked = hold_editable(submission)
            evidence = Evidence(
                submission=locked,
                indicator=indicator,
                description=description,
                uploaded_by=by,
                **fields,
            )
            if replaces is not None:
                old = Evidence.objects.select_for_update().get(pk=replaces.pk)
                if old.superseded:
                    raise InvalidEvidence(
                        _("Data dukung «%(name)s» sudah diganti; muat ulang halaman.")
                        % {"name": old}
                    )
                old.superseded = True
                old._history_user = by
                old._change_reason = _("Diganti")
                old.save(update_fields=["superseded"])
                evidence.replaces = old
            if upload is not None:
                name, content = upload
                evidence.file.save(name, content, save=False)
                stored_name = evidence.file.name
            evidence._history_user = by
            evidence.save()
            if then is not None:
                then(evidence, by=by)
    except BaseException:
        if stored_name:
            evidence.file.storage.delete(stored_name)
        raise
    return evidence
