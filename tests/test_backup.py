"""`kotacerdas backup` / `kotacerdas restore`: a cycle with evidence survives the round trip,
byte for byte, and a damaged or unsafe archive is refused before anything is written."""

import hashlib
import json
import shutil
import zipfile
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from kotacerdas.accounts.models import User
from kotacerdas.accounts.roles import Role
from kotacerdas.api.backup import BackupError, restore_backup, verify_archive
from kotacerdas.evaluations.models import Answer, Cycle, CycleState, Evidence, Submission
from kotacerdas.regions.models import Region, RegionKind
from tests.conftest import make_user
from tests.factories import enrol, make_cycle

pytestmark = pytest.mark.slow

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x01\x02" * 5000


def quiet():
    return open("/dev/null", "w")


def build_world():
    """Two regions, an operator, a cycle in review with answers and three evidence files (one of
    them superseded), returned with the SHA-256 of every stored file."""
    province = Region.objects.create(code="15", name="Jambi", kind=RegionKind.PROVINSI)
    kota = Region.objects.create(
        code="15.71", name="Kota Jambi", kind=RegionKind.KOTA, parent=province
    )
    operator = make_user("operator.backup", Role.OPERATOR, region=kota)
    make_user("asesor.backup", Role.ASSESSOR)
    cycle = make_cycle(2022, state=CycleState.REVIEW)
    (submission,) = enrol(cycle, kota)
    level = cycle.instrument.indicators.get(code="GOV.SVC.01")
    Answer.objects.create(
        submission=submission, indicator=level, value=Decimal(3), updated_by=operator
    )
    hashes = {}
    first = None
    for name, content in [("perda.pdf", PDF), ("foto mpp.png", PNG), ("perda v2.pdf", PDF + b"v2")]:
        evidence = Evidence(
            submission=submission,
            indicator=level,
            kind="file",
            original_name=name,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=operator,
            replaces=first if name == "perda v2.pdf" else None,
        )
        evidence.file.save(name, ContentFile(content), save=False)
        evidence.save()
        hashes[evidence.file.name] = evidence.sha256
        if first is None:
            first = evidence
    first.superseded = True
    first.save()
    return hashes


def stored_sha256(name):
    with default_storage.open(name, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def wipe(settings):
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.mark.django_db(transaction=True)
def test_round_trip_keeps_every_record_and_every_evidence_byte(tmp_path, settings):
    hashes = build_world()
    archive = tmp_path / "backup.zip"
    call_command("backup", str(archive), stdout=quiet())

    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
    assert {f"files/{name}" for name in hashes} <= set(manifest["members"])
    assert manifest["missing"] == []

    wipe(settings)
    assert not Evidence.objects.exists() and not User.objects.exists()
    cache.set("kc:computed-from-the-wiped-database", 1)

    call_command("restore", str(archive), stdout=quiet())
    assert cache.get("kc:computed-from-the-wiped-database") is None

    cycle = Cycle.objects.get(year=2022)
    assert cycle.state == CycleState.REVIEW
    submission = Submission.objects.get(cycle=cycle, region__code="15.71")
    assert submission.answers.get(indicator__code="GOV.SVC.01").value == Decimal(3)
    assert User.objects.get(username="operator.backup").check_password(
        "correct horse battery staple"
    )
    restored = Evidence.objects.filter(submission=submission)
    assert restored.count() == 3
    assert restored.filter(superseded=True).count() == 1
    assert restored.get(original_name="perda v2.pdf").replaces.original_name == "perda.pdf"
    for evidence in restored:
        assert evidence.sha256 == hashes[evidence.file.name]
        assert stored_sha256(evidence.file.name) == evidence.sha256
    # History survived too (who changed what, when).
    assert Evidence.history.filter(original_name="perda.pdf").count() == 2
    # New rows after a restore get fresh primary keys (sequences were reset on PostgreSQL).
    new_region = Region.objects.create(code="32", name="Jawa Barat", kind=RegionKind.PROVINSI)
    assert new_region.pk > Region.objects.get(code="15.71").pk


@pytest.mark.django_db(transaction=True)
def test_a_damaged_archive_is_refused_before_anything_is_written(tmp_path, settings):
    build_world()
    archive = tmp_path / "backup.zip"
    call_command("backup", str(archive), stdout=quiet())
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("perda.pdf"):
                data = data[:-3] + b"XYZ"
            target.writestr(info, data)
    wipe(settings)

    with pytest.raises(CommandError, match="checksum mismatch") as error:
        call_command("restore", str(damaged), stdout=quiet())
    assert "perda.pdf" in str(error.value)
    assert not User.objects.exists()
    assert not Region.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    build_world()
    archive = tmp_path / "backup.zip"
    call_command("backup", str(archive), stdout=quiet())
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), stdout=quiet())
    assert Evidence.objects.count() == 3


@pytest.mark.django_db
def test_unsafe_or_unlisted_members_are_refused(tmp_path):
    def archive_with(members, manifest_members):
        path = tmp_path / "crafted.zip"
        path.unlink(missing_ok=True)
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in members.items():
                archive.writestr(name, data)
            archive.writestr(
                "manifest.json",
                json.dumps(
                    {"format": "kotacerdas-backup", "version": 1, "members": manifest_members}
                ),
            )
        return path

    def entry(data):
        return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}

    db = b'{"model": "regions.region", "pk": 1, "fields": {}}\n'
    traversal = archive_with(
        {"database.jsonl": db, "files/../../etc/passwd": b"x"},
        {"database.jsonl": entry(db), "files/../../etc/passwd": entry(b"x")},
    )
    with pytest.raises(BackupError, match="not a safe file name"):
        verify_archive(traversal)

    unlisted = archive_with(
        {"database.jsonl": db, "files/extra.pdf": b"x"}, {"database.jsonl": entry(db)}
    )
    with pytest.raises(BackupError, match="does not list"):
        restore_backup(unlisted)

    not_a_zip = tmp_path / "not.zip"
    not_a_zip.write_bytes(b"plain text")
    with pytest.raises(BackupError, match="not a readable backup archive"):
        verify_archive(not_a_zip)


@pytest.mark.django_db
def test_backup_does_not_overwrite_an_existing_file(tmp_path):
    existing = tmp_path / "backup.zip"
    existing.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(existing), stdout=quiet())
    assert existing.read_bytes() == b"keep me"
