"""Filing an appeal: a region's operator writes items (indicator, reason, new evidence) into its
draft appeal while the window is open, then submits it once.

Rules enforced here (the views only call these):
- only the region's own operator (``appeals.file_appeal``), only for a region whose
  self-assessment was submitted and which has a provisional result;
- only while the cycle's window is open: the deadline is checked inside the transaction that
  writes, so a save one second late is refused and nothing is written;
- one appeal per region and cycle; its items are editable until it is submitted; after that
  nothing of it changes except the ministry's decisions, and nothing of it is ever deleted;
- evidence files pass the same checks as self-assessment evidence (``core.uploads``), links the
  same URL rule.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.errors import Locked, ServiceError
from kotacerdas.core.moments import wib
from kotacerdas.core.uploads import validate_upload
from kotacerdas.evaluations.models import Cycle, Submission, SubmissionState
from kotacerdas.evaluations.services.evidence import MAX_DESCRIPTION, clean_url
from kotacerdas.instruments.models import Indicator
from kotacerdas.regions.models import Region
from kotacerdas.results.models import RegionResult
from kotacerdas.results.services import published
from kotacerdas.results.services.publication import latest

from ..choices import AppealState, EvidenceKind, ItemCategory
from ..models import Appeal, AppealEvidence, AppealItem, AppealWindow

MAX_REASON = 5_000


class AppealRefused(ServiceError):
    """Filing that is not allowed (bad input, a closed window, a submitted appeal)."""


def provisional(cycle: Cycle, region: Region) -> RegionResult | None:
    """The region's result in the cycle's latest snapshot (the provisional result before
    publication), or None."""
    snapshot = latest(cycle)
    if snapshot is None:
        return None
    return snapshot.regions.select_related("snapshot").filter(region=region).first()


def shown_result(cycle: Cycle, region: Region, *, preview: bool = False) -> RegionResult | None:
    """The result a region's appeal page shows.

    Before publication: the provisional result (``provisional``), which the region appeals
    against during the reply window. Once the cycle is published: only the version the public
    may read (``published.current_snapshot``, the release decision), so a publication or a
    correction under embargo reaches no region before its release; ``preview`` (admins) shows
    the newest published version early, as on the results pages.
    """
    if cycle.state in published.PUBLIC_STATES:
        snapshot = published.current_snapshot(cycle, preview=preview)
        if snapshot is None:
            return None
        return snapshot.regions.select_related("snapshot").filter(region=region).first()
    return provisional(cycle, region)


def ensure_window_open(cycle: Cycle) -> AppealWindow:
    """The cycle's window, or Locked when there is none or its deadline has passed."""
    window = AppealWindow.objects.filter(cycle_id=cycle.pk).first()
    if window is None:
        raise Locked(_("Masa sanggah siklus %(cycle)s belum dibuka.") % {"cycle": cycle})
    if not window.is_open():
        raise Locked(
            _(
                "Masa sanggah siklus %(cycle)s sudah ditutup pada %(when)s; sanggahan tidak dapat diubah atau diajukan lagi."
            )
            % {"cycle": cycle, "when": wib(window.ends_at)}
        )
    return window


def _ensure_may_file(cycle: Cycle, region: Region, by) -> None:
    if not by.has_perm("appeals.file_appeal", region):
        raise PermissionDenied(_("Hanya operator daerah ini yang dapat mengajukan sanggahan."))
    submitted = Submission.objects.filter(
        cycle=cycle, region=region, state=SubmissionState.SUBMITTED
    ).exists()
    if not submitted or provisional(cycle, region) is None:
        raise AppealRefused(
            _(
                "%(region)s tidak memiliki hasil sementara pada siklus %(cycle)s; tidak ada yang dapat disanggah."
            )
            % {"region": region.name, "cycle": cycle}
        )


def _hold_draft(appeal: Appeal) -> Appeal:
    """Lock the appeal row and check it is still a draft and the window open (inside a
    transaction)."""
    locked = Appeal.objects.select_for_update().select_related("cycle", "region").get(pk=appeal.pk)
    ensure_window_open(locked.cycle)
    if locked.state != AppealState.DRAFT:
        raise Locked(
            _("Sanggahan %(region)s sudah diajukan pada %(when)s dan tidak dapat diubah.")
            % {"region": locked.region.name, "when": wib(locked.submitted_at)}
        )
    return locked


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise AppealRefused(_("Alasan sanggahan wajib diisi."))
    if len(reason) > MAX_REASON:
        raise AppealRefused(_("Alasan paling panjang %(max)d karakter.") % {"max": MAX_REASON})
    return reason


def save_item(
    cycle: Cycle,
    region: Region,
    indicator: Indicator,
    *,
    reason: str,
    category: str = ItemCategory.OTHER,
    by,
) -> AppealItem:
    """Add the indicator to the region's appeal (starting the appeal if needed) or change its
    reason, and return the item.

    Guarantees: as the module says (own operator, submitted region with a provisional result,
    window open, appeal still a draft; else PermissionDenied / AppealRefused / Locked); the
    indicator belongs to the cycle's instrument and the reason is given (at most 5,000
    characters), else AppealRefused and nothing is written.
    """
    _ensure_may_file(cycle, region, by)
    reason = _clean_reason(reason)
    if category not in ItemCategory.values:
        raise AppealRefused(_("Pilih jenis alasan dari daftar."))
    if indicator.instrument_id != cycle.instrument_id:
        raise AppealRefused(
            _("Indikator %(code)s bukan bagian dari instrumen siklus ini.")
            % {"code": indicator.code}
        )
    with transaction.atomic():
        Cycle.objects.select_for_update(no_key=True).get(pk=cycle.pk)
        ensure_window_open(cycle)
        appeal = Appeal.objects.filter(cycle=cycle, region=region).first()
        if appeal is None:
            appeal = Appeal(cycle=cycle, region=region, created_by=by)
            appeal._history_user = by
            appeal.save()
        appeal = _hold_draft(appeal)
        item = AppealItem.objects.filter(appeal=appeal, indicator=indicator).first()
        if item is None:
            item = AppealItem(appeal=appeal, indicator=indicator)
        item.reason = reason
        item.category = category
        item._history_user = by
        item.save()
    return item


def remove_item(item: AppealItem, *, by) -> None:
    """Take an item out of a draft appeal.

    Guarantees: own operator, window open, appeal a draft (else PermissionDenied / Locked); an
    item that already holds evidence is refused (AppealRefused): evidence is never deleted.
    """
    if not by.has_perm("appeals.file_appeal", item):
        raise PermissionDenied(_("Hanya operator daerah ini yang dapat mengubah sanggahan."))
    with transaction.atomic():
        _hold_draft(item.appeal)
        if item.evidence.exists():
            raise AppealRefused(
                _(
                    "Butir %(code)s sudah berisi data dukung dan tidak dapat dihapus; ubah alasannya bila perlu."
                )
                % {"code": item.indicator.code}
            )
        item._history_user = by
        item.delete()


def add_file(item: AppealItem, uploaded: File, *, description: str = "", by) -> AppealEvidence:
    """Store an uploaded file as new evidence for the item.

    Guarantees: own operator, window open, appeal a draft; the file passes ``validate_upload``
    (size, type by content, extension agreeing with it; else UploadRejected naming the file);
    stored under ``appeals/<year>/<region>/`` with its size, type and SHA-256; if anything fails
    after storing, the stored file is removed again and no row is written.
    """
    _ensure_may_add(item, by)
    checked = validate_upload(uploaded)
    return _store(
        item,
        by=by,
        description=description,
        fields={
            "kind": EvidenceKind.FILE,
            "original_name": checked.name,
            "content_type": checked.content_type,
            "size": checked.size,
            "sha256": checked.sha256,
        },
        upload=(checked.stored_name, uploaded),
    )


def add_link(item: AppealItem, url: str, *, description: str = "", by) -> AppealEvidence:
    """Record an http(s) link as new evidence for the item (same rules as ``add_file``)."""
    _ensure_may_add(item, by)
    try:
        url = clean_url(url)
    except ServiceError as error:
        raise AppealRefused(error.message) from error
    return _store(
        item, by=by, description=description, fields={"kind": EvidenceKind.LINK, "url": url}
    )


def _ensure_may_add(item: AppealItem, by) -> None:
    if not by.has_perm("appeals.file_appeal", item):
        raise PermissionDenied(_("Hanya operator daerah ini yang dapat mengubah sanggahan."))
    ensure_window_open(item.appeal.cycle)


def _store(
    item: AppealItem, *, by, description: str, fields: dict, upload: tuple[str, File] | None = None
) -> AppealEvidence:
    description = " ".join((description or "").split())
    if len(description) > MAX_DESCRIPTION:
        raise AppealRefused(
            _("Keterangan paling panjang %(max)d karakter.") % {"max": MAX_DESCRIPTION}
        )
    stored_name = ""
    evidence = AppealEvidence(item=item, description=description, uploaded_by=by, **fields)
    try:
        with transaction.atomic():
            _hold_draft(item.appeal)
            if upload is not None:
                name, content = upload
                evidence.file.save(name, content, save=False)
                stored_name = evidence.file.name
            evidence._history_user = by
            evidence.save()
    except BaseException:
        if stored_name:
            evidence.file.storage.delete(stored_name)
        raise
    return evidence


def submit(appeal: Appeal, *, by) -> Appeal:
    """Submit the region's appeal to the ministry, once, and return it.

    Guarantees: own operator, window open, appeal a draft (else PermissionDenied / Locked); it
    has at least one item and every item a reason (else AppealRefused listing them); it records
    the snapshot the region saw, who and when; the region's operators and the admins are told
    by email after the commit. From then on the appeal is read-only to the region.
    """
    if not by.has_perm("appeals.file_appeal", appeal):
        raise PermissionDenied(_("Hanya operator daerah ini yang dapat mengajukan sanggahan."))
    with transaction.atomic():
        locked = _hold_draft(appeal)
        items = list(locked.items.select_related("indicator"))
        if not items:
            raise AppealRefused(
                _("Tambahkan sedikitnya satu indikator yang disanggah sebelum mengajukan.")
            )
        missing = [item.indicator.code for item in items if not item.reason.strip()]
        if missing:
            raise AppealRefused(
                _("Alasan belum diisi untuk: %(codes)s.") % {"codes": ", ".join(missing)}
            )
        locked.state = AppealState.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.submitted_by = by
        locked.snapshot = latest(locked.cycle)
        locked._history_user = by
        locked.save()
        from . import notifications

        notifications.appeal_submitted(locked)
    return locked
