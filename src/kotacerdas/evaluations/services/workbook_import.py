"""Uploading a filled offline workbook (``workbook``): check all of it, preview, apply.

1. ``stash``: the upload passes the same safety checks as the other XLSX importers
   (``core.workbooks``: size, XLSX by content, zip bomb), then ``read_workbook`` checks the whole
   file: the signed token (this region and cycle, not edited), each dimension sheet's columns,
   each row's indicator code, value (type and range as the autosave checks them), "not
   applicable" (only where allowed, and then no value), justification length and links (as the
   evidence links service checks them). Any problem refuses the file with every problem named by
   sheet, cell and column, and nothing is kept. A clean file is kept in the storage for the
   preview, under a random token, for the uploading user only.
2. ``plan``: what would change, per indicator: a three-way comparison of the answer as
   downloaded (the token's fingerprint), as in the file and as stored now. A row left as
   downloaded changes nothing; a row changed in the file changes the answer; a row changed in the
   file *and* online since the download (another version) is a conflict, applied only when the
   operator picks it. Links are added, never removed (evidence is never deleted).
3. ``apply``: under the submission's row lock, the plan is computed again and must be the one the
   operator saw (its fingerprint), else nothing is written; then every change goes through
   ``answers.save_answer`` (the autosave's service: same permission, locks, validation, versions
   and history) and ``evidence.add_link``, in one transaction.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from kotacerdas.core.errors import ServiceError, StaleVersion
from kotacerdas.core.uploads import UploadRejected
from kotacerdas.core.workbooks import checked_xlsx_bytes

from ..models import Answer, Submission
from . import answers as answer_service
from . import evidence as evidence_service
from .locks import ensure_editable, hold_editable
from .workbook import canonical_text, current_links, links_fingerprint
from .workbook_read import Content, Parsed, Row, WorkbookRejected, read_workbook

__all__ = [
    "Applied",
    "Change",
    "Plan",
    "WorkbookRejected",
    "apply",
    "discard",
    "load",
    "plan",
    "preview",
    "read_workbook",
    "stash",
]

STASH_MAX_AGE = datetime.timedelta(days=1)
STASH_ROOT = "lembar-kerja"  # uploads kept between preview and apply (``stash``)
TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")


@dataclass
class Change:
    """What applying the file does to one indicator."""

    row: Row
    stored: Content
    version: int
    answer_changed: bool
    new_links: list[str]
    conflict: bool
    changed_by: str = ""
    changed_at: datetime.datetime | None = None

    @property
    def code(self) -> str:
        return self.row.indicator.code


@dataclass
class Plan:
    """Every change the file would make, the conflicts among them, and what stays."""

    changes: list[Change]
    unchanged: int
    created_at: datetime.datetime
    fingerprint: str = ""
    conflicts: list[Change] = field(default_factory=list)


@dataclass
class Applied:
    answers: int = 0
    links: int = 0
    skipped: list[str] = field(default_factory=list)


# --- The plan -------------------------------------------------------------------------------


def _stored(answer: Answer | None) -> Content:
    if answer is None:
        return Content(None, False, "")
    return Content(answer.value, answer.not_applicable, canonical_text(answer.justification))


def plan(submission: Submission, parsed: Parsed) -> Plan:
    """What applying ``parsed`` to ``submission`` would do now (module docstring, step 2)."""
    stored = {
        answer.indicator.code: answer
        for answer in submission.answers.select_related("indicator", "updated_by")
    }
    links_by_id = current_links(submission)
    changes: list[Change] = []
    unchanged = 0
    for code, row in parsed.rows.items():
        answer = stored.get(code)
        now = _stored(answer)
        version = answer.version if answer else 0
        base = parsed.base.get(code)
        base_version, base_answer, base_links = (base[0], base[1], base[2]) if base else (0, "", "")
        mine_changed = row.content.fingerprint != base_answer
        answer_changed = mine_changed and row.content.fingerprint != now.fingerprint
        online_links = links_by_id.get(row.indicator.pk, [])
        new_links = []
        if links_fingerprint(row.links) != base_links:
            new_links = [url for url in row.links if url not in online_links]
        if not answer_changed and not new_links:
            unchanged += 1
            continue
        conflict = answer_changed and version != base_version
        changes.append(
            Change(
                row=row,
                stored=now,
                version=version,
                answer_changed=answer_changed,
                new_links=new_links,
                conflict=conflict,
                changed_by=answer.updated_by.display_name if answer and answer.updated_by else "",
                changed_at=answer.updated_at if answer else None,
            )
        )
    digest = hashlib.sha256()
    for change in changes:
        digest.update(
            f"{change.code}|{change.version}|{change.row.content.fingerprint}|"
            f"{change.answer_changed}|{','.join(change.new_links)}\n".encode()
        )
    return Plan(
        changes=changes,
        unchanged=unchanged,
        created_at=parsed.created_at,
        fingerprint=digest.hexdigest()[:24],
        conflicts=[change for change in changes if change.conflict],
    )


# --- Keeping the upload between preview and apply ------------------------------------------


def _folder(submission: Submission) -> str:
    return f"{STASH_ROOT}/{submission.cycle.year}/{submission.region.code}"


def _stash_name(submission: Submission, token: str, by) -> str:
    return f"{_folder(submission)}/{by.pk}-{token}.xlsx"


def _ensure_may_edit(submission: Submission, by) -> None:
    if not by.has_perm("evaluations.edit_submission", submission):
        raise PermissionDenied(_("Anda tidak dapat mengubah penilaian mandiri daerah ini."))


def stash(submission: Submission, uploaded: File, *, by) -> str:
    """Check an uploaded workbook completely and keep it for the preview; return its token.

    Guarantees: ``by`` may edit the submission (else PermissionDenied) and the self-assessment
    is editable now (else Locked); the file passes ``checked_xlsx_bytes`` and ``read_workbook``
    (else WorkbookRejected naming every problem, and nothing is kept); ``by``'s earlier uploads
    for this submission are removed. Answers are not touched.
    """
    _ensure_may_edit(submission, by)
    ensure_editable(submission)
    try:
        data = checked_xlsx_bytes(uploaded)
    except UploadRejected as rejected:
        raise WorkbookRejected(rejected.message) from rejected
    read_workbook(submission, data)
    discard(submission, by=by)
    token = secrets.token_urlsafe(16)
    default_storage.save(_stash_name(submission, token, by), ContentFile(data))
    return token


def load(submission: Submission, token: str, *, by) -> bytes:
    """The bytes ``by`` uploaded under ``token`` for ``submission``; ServiceError when there is no
    such upload (another user's, applied already, or older than a day)."""
    _ensure_may_edit(submission, by)
    name = _stash_name(submission, token, by) if TOKEN.match(token or "") else ""
    if not name or not default_storage.exists(name):
        raise ServiceError(_("Unggahan lembar kerja ini tidak ada lagi; unggah kembali."))
    modified = default_storage.get_modified_time(name)
    if modified < datetime.datetime.now(tz=modified.tzinfo) - STASH_MAX_AGE:
        default_storage.delete(name)
        raise ServiceError(_("Unggahan lembar kerja ini sudah kedaluwarsa; unggah kembali."))
    with default_storage.open(name, "rb") as stored:
        return stored.read()


def discard(submission: Submission, *, by) -> None:
    """Remove ``by``'s kept uploads for ``submission``."""
    folder = _folder(submission)
    for name in _listing(folder)[1]:
        if name.startswith(f"{by.pk}-"):
            default_storage.delete(f"{folder}/{name}")


def sweep() -> int:
    """Delete every kept upload older than ``STASH_MAX_AGE`` (workbooks uploaded for a preview
    and never applied nor uploaded again), for every cycle and region; return how many.

    Guarantees: only files under the uploads' own folder (``STASH_ROOT``) are touched, never
    evidence; an upload younger than a day stays, so a preview open now can still be applied.
    Safe to run at any time and on several hosts (a file already gone is skipped)."""
    oldest = datetime.datetime.now(tz=datetime.UTC) - STASH_MAX_AGE
    deleted = 0
    for path in _kept_uploads():
        try:
            if default_storage.get_modified_time(path) < oldest:
                default_storage.delete(path)
                deleted += 1
        except FileNotFoundError:
            continue
    return deleted


def _kept_uploads():
    """The path of every kept upload: ``STASH_ROOT/<year>/<region>/<user>-<token>.xlsx``."""
    for year in _listing(STASH_ROOT)[0]:
        for region in _listing(f"{STASH_ROOT}/{year}")[0]:
            folder = f"{STASH_ROOT}/{year}/{region}"
            yield from (f"{folder}/{name}" for name in _listing(folder)[1])


def _listing(folder: str) -> tuple[list[str], list[str]]:
    """The folder's subfolders and files in the storage; both empty when it does not exist."""
    try:
        return default_storage.listdir(folder)
    except FileNotFoundError:
        return [], []


def preview(submission: Submission, token: str, *, by) -> Plan:
    """The plan of ``by``'s kept upload (``load``), checked again against the answers now."""
    return plan(submission, read_workbook(submission, load(submission, token, by=by)))


def apply(submission: Submission, token: str, *, expected: str, take: set[str], by) -> Applied:
    """Apply ``by``'s kept upload: all of it or nothing.

    Guarantees: under the submission's row lock (``hold_editable``: else Locked), the plan is
    computed again and must have the fingerprint ``expected`` that the preview showed (else
    StaleVersion: something changed since the preview; nothing written). Every change that is
    not a conflict is applied; a conflict only when its indicator code is in ``take``. Answers go
    through ``answers.save_answer`` with the stored version (history names ``by``, with the
    reason "Impor lembar kerja XLSX"), new links through ``evidence.add_link``. The kept upload
    is removed afterwards.
    """
    data = load(submission, token, by=by)
    result = Applied()
    with transaction.atomic():
        locked = hold_editable(submission)
        current = plan(locked, read_workbook(locked, data))
        if current.fingerprint != expected:
            raise StaleVersion(
                _(
                    "Penilaian mandiri berubah sejak pratinjau dibuat; periksa pratinjau yang "
                    "baru sebelum menerapkan. Belum ada yang disimpan."
                )
            )
        for change in current.changes:
            if change.conflict and change.code not in take:
                result.skipped.append(change.code)
                continue
            row = change.row
            if change.answer_changed:
                answer_service.save_answer(
                    locked,
                    row.indicator,
                    value=row.content.value,
                    not_applicable=row.content.not_applicable,
                    justification=row.content.justification,
                    version=change.version,
                    by=by,
                    reason=_("Impor lembar kerja XLSX"),
                )
                result.answers += 1
            for url in change.new_links:
                evidence_service.add_link(locked, row.indicator, url, by=by)
                result.links += 1
    discard(submission, by=by)
    return result
