"""Backup and restore of a whole installation: the database, every stored file, and checksums.

An archive is one ZIP file:

- ``manifest.json``: format and version, when and from which database it was made, and for every
  other member its SHA-256 and size;
- ``database.jsonl``: Django's ``dumpdata`` in JSON Lines with natural foreign keys (content types
  and permissions by name), so the same archive restores into SQLite or PostgreSQL;
- ``files/<name>``: every file in the default storage (evidence, masterplan attachments, ...),
  under its storage name.

``restore`` verifies every checksum, and that the archive holds exactly what the manifest lists,
before it writes anything; it then loads the data into an empty, migrated database and the files
into an empty storage, in one transaction (files written before a failure are removed again).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone

FORMAT = "kotacerdas-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATABASE = "database.jsonl"
FILES_PREFIX = "files/"
CHUNK = 1024 * 1024

# Derived or transient data that migrate recreates or that must not travel between installations.
EXCLUDED_MODELS = ("contenttypes", "auth.permission", "sessions.session")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why (and which member)."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    files: int
    bytes: int
    objects: int
    missing: tuple[str, ...]


@dataclass(frozen=True)
class RestoreReport:
    files: int
    objects: int


# --- Backup -------------------------------------------------------------------------------------


def _sha256_of(stream, chunk: int = CHUNK) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while block := stream.read(chunk):
        digest.update(block)
        size += len(block)
    return digest.hexdigest(), size


def storage_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in ``storage``, walking its folders."""
    directories, files = storage.listdir(folder)
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for directory in sorted(directories):
        yield from storage_names(storage, f"{folder}/{directory}" if folder else directory)


def referenced_names() -> set[str]:
    """Every file name that a FileField of any model refers to."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                values = model._default_manager.exclude(**{field.name: ""}).values_list(
                    field.name, flat=True
                )
                names.update(value for value in values.iterator() if value)
    return names


def make_backup(
    path: Path, *, storage: Storage | None = None, log: Callable = print
) -> BackupReport:
    """Write one archive of the database and every stored file to ``path``.

    Guarantees: the archive is complete or absent (written to a temporary name, then renamed);
    the manifest lists the SHA-256 and size of every member. Files that the database refers to
    but the storage lacks are listed in the manifest (``missing``) and reported, not invented.
    """
    storage = storage or default_storage
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists; choose a new file name.")
    path.parent.mkdir(parents=True, exist_ok=True)
    entries: dict[str, dict] = {}
    partial = path.with_name(path.name + ".partial")
    objects = 0
    try:
        with zipfile.ZipFile(
            partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True
        ) as archive:
            with tempfile.TemporaryDirectory() as scratch:
                dump = Path(scratch) / DATABASE
                call_command(
                    "dumpdata",
                    format="jsonl",
                    natural_foreign=True,
                    exclude=list(EXCLUDED_MODELS),
                    output=str(dump),
                    verbosity=0,
                )
                with dump.open("rb") as handle:
                    objects = sum(1 for line in handle if line.strip())
                    handle.seek(0)
                    sha, size = _sha256_of(handle)
                archive.write(dump, DATABASE)
                entries[DATABASE] = {"sha256": sha, "size": size}
            log(f"database: {objects} objects")
            names = list(storage_names(storage))
            for name in names:
                member = FILES_PREFIX + name
                digest = hashlib.sha256()
                size = 0
                with (
                    storage.open(name, "rb") as source,
                    archive.open(member, "w", force_zip64=True) as target,
                ):
                    while block := source.read(CHUNK):
                        digest.update(block)
                        size += len(block)
                        target.write(block)
                entries[member] = {"sha256": digest.hexdigest(), "size": size}
            log(f"files: {len(names)}")
            missing = sorted(referenced_names() - set(names))
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": timezone.now().isoformat(),
                "django": django.get_version(),
                "database_vendor": connection.vendor,
                "objects": objects,
                "members": entries,
                "missing": missing,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True))
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    total = sum(entry["size"] for key, entry in entries.items() if key.startswith(FILES_PREFIX))
    return BackupReport(path, len(entries) - 1, total, objects, tuple(missing))


# --- Restore ------------------------------------------------------------------------------------


def _safe_storage_name(member: str) -> str:
    name = member[len(FILES_PREFIX) :]
    parts = PurePosixPath(name).parts
    if (
        not name
        or name.startswith("/")
        or "\\" in name
        or "\x00" in name
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise BackupError(f"The archive member {member!r} is not a safe file name; refused.")
    return name


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError(
            f"The archive has no {MANIFEST}: it is not a Kota Cerdas backup."
        ) from None
    except ValueError as error:
        raise BackupError(f"{MANIFEST} is not valid JSON ({error}).") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(
            f"{MANIFEST} names format {manifest.get('format')!r} version "
            f"{manifest.get('version')!r}; this program restores {FORMAT!r} version {VERSION}."
        )
    return manifest


def verify_archive(path: Path) -> dict:
    """Check the archive without writing anything; return its manifest.

    Refuses (BackupError naming the member) an unreadable ZIP, a missing or foreign manifest, a
    member that the manifest does not list or that is absent, a size or SHA-256 that differs, and
    an unsafe file name (absolute, ``..``, backslash, NUL).
    """
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"{path} is not a readable backup archive ({error}).") from None
    with archive:
        manifest = read_manifest(archive)
        members = manifest.get("members") or {}
        present = {info.filename for info in archive.infolist() if not info.is_dir()} - {MANIFEST}
        if DATABASE not in members:
            raise BackupError(f"The manifest lists no {DATABASE}.")
        for extra in sorted(present - set(members)):
            raise BackupError(f"The archive holds {extra!r}, which the manifest does not list.")
        for absent in sorted(set(members) - present):
            raise BackupError(f"The manifest lists {absent!r}, which the archive lacks.")
        for member, expected in sorted(members.items()):
            if member != DATABASE:
                if not member.startswith(FILES_PREFIX):
                    raise BackupError(f"Unexpected member {member!r} in the manifest.")
                _safe_storage_name(member)
            try:
                with archive.open(member) as stream:
                    sha, size = _sha256_of(stream)
            except (zipfile.BadZipFile, OSError, EOFError) as error:
                raise BackupError(
                    f"{member}: cannot be read ({error}); the archive is damaged."
                ) from None
            if size != expected.get("size") or sha != expected.get("sha256"):
                raise BackupError(
                    f"{member}: checksum mismatch (expected SHA-256 {expected.get('sha256')}, "
                    f"found {sha}); the archive is damaged. Nothing was restored."
                )
    return manifest


def _non_empty_models(dump_labels: set[str]) -> list[str]:
    busy = []
    for label in sorted(dump_labels):
        model = apps.get_model(label)
        if model._default_manager.exists():
            busy.append(label)
    return busy


def _labels_in_dump(path: Path) -> set[str]:
    labels = set()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                labels.add(json.loads(line)["model"])
    return labels


def restore_backup(
    path: Path, *, storage: Storage | None = None, log: Callable = print
) -> RestoreReport:
    """Restore an archive made by :func:`make_backup` into an empty database and storage.

    Guarantees: every checksum is verified first (``verify_archive``); the database must be
    migrated and hold no rows of any model in the archive, and the storage no file of the same
    name, else BackupError and nothing is written. Data and files are restored together: if
    anything fails, the transaction is rolled back and the files written so far are deleted.
    Once restored, the cache is cleared (its entries were computed from another database).
    """
    storage = storage or default_storage
    path = Path(path)
    manifest = verify_archive(path)
    log(f"archive verified: {len(manifest['members'])} members, checksums match")
    file_members = sorted(m for m in manifest["members"] if m.startswith(FILES_PREFIX))
    written: list[str] = []
    with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory() as scratch:
        dump = Path(scratch) / DATABASE
        with archive.open(DATABASE) as source, dump.open("wb") as target:
            while block := source.read(CHUNK):
                target.write(block)
        try:
            labels = {apps.get_model(label)._meta.label for label in _labels_in_dump(dump)}
        except LookupError as error:
            raise BackupError(
                f"{DATABASE} names a model this installation lacks ({error})."
            ) from None
        busy = _non_empty_models(labels)
        if busy:
            raise BackupError(
                "The database is not empty (it holds rows of "
                + ", ".join(busy[:8])
                + (", ..." if len(busy) > 8 else "")
                + "). Restore needs a new, migrated, empty database."
            )
        clashes = [m for m in file_members if storage.exists(_safe_storage_name(m))]
        if clashes:
            raise BackupError(
                f"The storage already holds {_safe_storage_name(clashes[0])!r}"
                f"{f' and {len(clashes) - 1} more' if len(clashes) > 1 else ''}; "
                "restore needs an empty storage."
            )
        try:
            with transaction.atomic():
                call_command("loaddata", str(dump), format="jsonl", verbosity=0)
                for member in file_members:
                    name = _safe_storage_name(member)
                    with archive.open(member) as source:
                        saved = storage.save(name, File(source, name=name))
                    written.append(saved)
                    if saved != name:
                        raise BackupError(f"The storage saved {name!r} as {saved!r}; refused.")
        except BaseException:
            for name in written:
                storage.delete(name)
            raise
    # What the cache holds was computed from another database: a snapshot's audit, a published
    # page or a region's fingerprint under a key that a restored row may now reuse.
    cache.clear()
    log(f"restored {manifest.get('objects')} objects and {len(written)} files; cache cleared")
    return RestoreReport(files=len(written), objects=manifest.get("objects", 0))
