"""The production services of docs/deploy.md, exercised for real: evidence in an S3-compatible
store (django-storages against moto's in-process S3) and the shared Redis cache (the server on
127.0.0.1:6379 that every development and CI machine runs).

Both take their configuration from ``kotacerdas.settings`` itself, read in a child process with
the production environment variables (``EVIDENCE_STORAGE=s3``, ``CACHE_URL=redis://...``), so what
is tested is what a deployment gets.
"""

import hashlib
import json
import os
import subprocess
import sys
import uuid

import boto3
import pytest
import redis
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from moto import mock_aws

from kotacerdas.evaluations.models import Evidence
from kotacerdas.results.services import cache as results_cache
from tests import samples
from tests.evaluations.cycle_setup import open_cycle, submission_of
from tests.results.builders import INDICES, cohort, make_stored_snapshot, publish_cycle

BUCKET = "kotacerdas-evidence"
REGION = "ap-southeast-3"  # Jakarta
REDIS_URL = "redis://127.0.0.1:6379/15"


def settings_from_environment(name: str, **environment: str):
    """``kotacerdas.settings.<name>`` as a process started with ``environment`` computes it."""
    code = f"import json, kotacerdas.settings as s; print(json.dumps(s.{name}))"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kotacerdas.settings", **environment}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


# --- Evidence in an S3-compatible store --------------------------------------------------------


@pytest.fixture(scope="module")
def s3_storage_settings():
    storages = settings_from_environment(
        "STORAGES",
        EVIDENCE_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_REGION_NAME=REGION,
        AWS_ACCESS_KEY_ID="kotacerdas-test",
        AWS_SECRET_ACCESS_KEY="kotacerdas-test-secret",
    )
    return storages["default"]


@pytest.fixture
def bucket(settings, s3_storage_settings, monkeypatch):
    """An empty private bucket in moto's S3, and the evidence storage pointing at it."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "kotacerdas-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "kotacerdas-test-secret")
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        settings.STORAGES = {**settings.STORAGES, "default": s3_storage_settings}
        yield client


def objects(client) -> dict[str, bytes]:
    listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {
        item["Key"]: client.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read()
        for item in listed
    }


def test_the_settings_make_a_private_s3_storage(s3_storage_settings):
    assert s3_storage_settings["BACKEND"] == "storages.backends.s3.S3Storage"
    options = s3_storage_settings["OPTIONS"]
    assert options["bucket_name"] == BUCKET
    assert options["default_acl"] == "private"
    assert options["file_overwrite"] is False


@pytest.mark.django_db
def test_evidence_uploaded_over_http_lands_in_the_bucket_and_streams_back(
    bucket, client, operator, jambi, bandung
):
    submission_of(open_cycle(jambi, bandung), jambi)
    content = samples.pdf_bytes()
    client.force_login(operator)
    response = client.post(
        reverse("evaluations:evidence_upload", args=[2022, "15.71", "GOV.SVC.01"]),
        {"file": samples.upload("Perda 1-2019.pdf", content), "description": "Perda"},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    stored = objects(bucket)
    assert stored == {evidence.file.name: content}
    assert evidence.file.name.startswith("evidence/2022/15.71/")
    acl = bucket.get_object_acl(Bucket=BUCKET, Key=evidence.file.name)
    assert not [g for g in acl["Grants"] if "AllUsers" in g["Grantee"].get("URI", "")]

    download = client.get(reverse("evaluations:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_the_same_name_twice_never_overwrites_an_object(bucket, operator, jambi, bandung):
    from kotacerdas.evaluations.services import evidence as service
    from kotacerdas.instruments.models import Indicator

    submission = submission_of(open_cycle(jambi, bandung), jambi)
    indicator = Indicator.objects.get(instrument=submission.cycle.instrument, code="GOV.SVC.01")
    first = service.add_file(
        submission, indicator, samples.upload("laporan.pdf", samples.pdf_bytes()), by=operator
    )
    second = service.add_file(
        submission,
        indicator,
        samples.upload("laporan.pdf", samples.pdf_bytes("Laporan MPP versi 2")),
        by=operator,
    )
    assert first.file.name != second.file.name
    stored = objects(bucket)
    assert hashlib.sha256(stored[first.file.name]).hexdigest() == first.sha256
    assert hashlib.sha256(stored[second.file.name]).hexdigest() == second.sha256


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_through_the_bucket(bucket, tmp_path):
    from tests.test_backup import build_world, quiet

    hashes = build_world()
    archive = tmp_path / "backup.zip"
    call_command("backup", str(archive), stdout=quiet())

    call_command("flush", interactive=False, verbosity=0)
    for key in objects(bucket):
        bucket.delete_object(Bucket=BUCKET, Key=key)
    assert objects(bucket) == {}

    call_command("restore", str(archive), stdout=quiet())
    stored = objects(bucket)
    assert set(stored) == set(hashes)
    for name, digest in hashes.items():
        assert hashlib.sha256(stored[name]).hexdigest() == digest
        assert Evidence.objects.get(file=name).sha256 == digest
    assert default_storage.exists(next(iter(hashes)))


# --- The shared Redis cache -------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_cache_settings():
    caches = settings_from_environment("CACHES", CACHE_URL=REDIS_URL)
    return caches["default"]


@pytest.fixture
def shared_cache(settings, redis_cache_settings):
    """Django's cache on the Redis server, under a key prefix of this test only (parallel test
    processes share the server); the test's keys are deleted afterwards."""
    prefix = f"kc-test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {**redis_cache_settings, "KEY_PREFIX": prefix}}
    server = redis.Redis.from_url(REDIS_URL)
    yield server, prefix
    keys = list(server.scan_iter(f"{prefix}:*"))
    if keys:
        server.delete(*keys)


def test_the_settings_use_djangos_redis_backend(redis_cache_settings):
    assert redis_cache_settings["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis_cache_settings["LOCATION"].startswith("redis://127.0.0.1:6379")


def main_content(response) -> str:
    """The page's ``<main>``: what the cache holds (the layout around it is per request)."""
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


@pytest.mark.django_db
def test_published_pages_are_shared_through_redis_until_a_new_version(shared_cache, client):
    server, prefix = shared_cache
    cohort()
    published = publish_cycle(2022, INDICES)
    ranking = reverse("results:ranking", args=[2022])
    first = client.get(ranking)
    assert first.status_code == 200
    stored = [key.decode() for key in server.scan_iter(f"{prefix}:*")]
    assert any(f"kc:results:{published.pk}:v1:" in key for key in stored)
    assert any("kc:results:current:2022" in key for key in stored)

    # Another application process (a fresh connection) serves the page from Redis alone.
    from unittest import mock

    from django.core.cache import caches

    caches["default"].close()
    with mock.patch(
        "kotacerdas.results.services.ranking.ranking", side_effect=AssertionError("not cached")
    ):
        again = client.get(ranking)
    assert again.status_code == 200
    assert main_content(again) == main_content(first)

    # A corrected version: publishing forgets the shared pointer, and every process sees it.
    make_stored_snapshot(published.cycle, {**INDICES, "15.71": 90.0}, version=2)
    results_cache.forget_current(2022)
    assert not list(server.scan_iter(f"{prefix}:*kc:results:current:2022"))
    corrected = main_content(client.get(ranking))
    assert corrected != main_content(first)
    assert "4,50" in corrected and "4,50" not in main_content(first)
    assert cache.get(results_cache.key(published, "ranking", "x")) is None


@pytest.mark.django_db
def test_anonymous_api_throttling_counts_in_redis(shared_cache, settings, jambi):
    from rest_framework.test import APIClient

    server, prefix = shared_cache
    settings.KOTACERDAS_API_ANON_RATE = "3/minute"
    api = APIClient()
    assert [api.get("/api/v1/regions/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert any(b"throttle" in key for key in server.scan_iter(f"{prefix}:*"))
    # A second client process shares the count: it is throttled at once.
    assert APIClient().get("/api/v1/regions/").status_code == 429
