"""The open-data package of a published version: descriptor, files, and an exact rebuild."""

import csv
import hashlib
import io
import json
import subprocess
import sys
import zipfile
from unittest import mock

import pytest
from django.urls import reverse

from kotacerdas.accounts.roles import Role
from kotacerdas.evaluations.models import CycleState, FinalMethod, FinalValue
from kotacerdas.evaluations.services import lifecycle
from kotacerdas.results.services import compute, opendata
from tests.conftest import make_user

from .builders import make_evaluated_cycle

FILES = {
    "datapackage.json",
    "README.md",
    "results.csv",
    "indicators.csv",
    "tree.csv",
    "breakdown_tree.csv",
    "values.csv",
    "groups.csv",
    "config.json",
}


@pytest.fixture
def released(db, django_capture_on_commit_callbacks):
    """Cycle 2022 computed and published; Kota Jambi has one answer not applicable and one
    settled by a moderator, so the package must carry both kinds of value."""
    admin = make_user("admin.opendata", Role.ADMIN)
    cycle = make_evaluated_cycle(2022)
    finals = FinalValue.objects.filter(submission__cycle=cycle, submission__region__code="15.71")
    finals.filter(indicator__code="GOV.02").update(value=None, not_applicable=True)
    finals.filter(indicator__code="ENV.01").update(
        value=2, method=FinalMethod.MODERATED, reason="Bukti tidak lengkap"
    )
    compute.compute_results(cycle, by=admin, samples=50)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.transition(cycle, CycleState.PUBLISHED, by=admin)
    return cycle


def download(client) -> zipfile.ZipFile:
    response = client.get(reverse("results:data_package", args=[2022]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="paket-data-2022-v1.zip"' in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))


def test_the_package_holds_every_file_with_its_checksum_and_schema(client, released):
    archive = download(client)
    assert set(archive.namelist()) == FILES
    descriptor = json.loads(archive.read("datapackage.json"))
    assert descriptor["profile"] == "data-package"
    assert descriptor["name"] == "kotacerdas-2022-v1"
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert descriptor["kotacerdas"]["fingerprint"] == released.result_snapshots.get().fingerprint
    resources = {resource["path"]: resource for resource in descriptor["resources"]}
    assert set(resources) == FILES - {"datapackage.json", "README.md"}
    for name, resource in resources.items():
        content = archive.read(name)
        assert resource["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()
        assert resource["bytes"] == len(content)
        if name.endswith(".csv"):
            header = next(csv.reader(io.StringIO(content.decode("utf-8"))))
            assert [field["name"] for field in resource["schema"]["fields"]] == header, name
            assert all(field["description"] for field in resource["schema"]["fields"])
    values: dict[tuple[str, str], dict[str, str]] = {}
    for row in rows(archive, "values.csv"):
        values.setdefault((row["unit"], row["indicator"]), {})[row["assessor"]] = row["value"]
    assert len(values) == 5 * 12
    assert values[("15.71", "GOV.02")] == {"final": "NA"}
    assert values[("15.71", "ENV.01")] == {"final": "2.0"}  # the moderator's decision alone
    # Elsewhere both assessors' scores, without their names, which the engine combines.
    assert set(values[("15.71", "GOV.01")]) == {"A1", "A2"}
    assert "asesor" not in archive.read("values.csv").decode()
    groups = {row["unit"]: row for row in rows(archive, "groups.csv")}
    assert groups["15.71"] == {"unit": "15.71", "province": "15", "kind": "kota"}
    assert groups["15"]["province"] == ""


def test_rebuilding_from_the_package_gives_every_published_score(client, released, tmp_path):
    """What a reader does: unzip, run the index engine's command line, compare with results.csv."""
    archive = download(client)
    archive.extractall(tmp_path)
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "kotacerdas.index",
            "build",
            "--tree",
            "tree.csv",
            "--values",
            "values.csv",
            "--config",
            "config.json",
            "--groups",
            "groups.csv",
            "--details",
            "--out",
            "rebuilt.csv",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    assert f"fingerprint {descriptor['kotacerdas']['rebuild_fingerprint']}" in completed.stdout
    assert descriptor["kotacerdas"]["rebuild_fingerprint"] in (tmp_path / "README.md").read_text()
    with open(tmp_path / "rebuilt.csv", encoding="utf-8") as handle:
        rebuilt = {(row["unit"], row["node"]): row for row in csv.DictReader(handle)}
    published = rows(archive, "results.csv")
    checked = 0
    for row in published:
        node = "INDEX" if row["level"] == "index" else row["code"]
        found = rebuilt.get((row["region_code"], node))
        if found is None:  # the other breakdown (dimensions, elements) is not the index tree
            assert row["level"] in {"dimension", "element"}, row
            continue
        if row["score"] == "":
            assert found["score"] == "", (row["region_code"], node)
            continue
        assert float(found["score"]) == pytest.approx(float(row["score"]), abs=1e-9)
        checked += 1
        if row["level"] == "index":
            assert (found["rank"], found["predicate"]) == (row["rank"], row["predicate"])
    assert checked == 5 * (1 + 5 + 12) - 1  # index, aspects, indicators; one answer is NA


def test_the_package_of_an_unpublished_cycle_is_404(client, db):
    make_evaluated_cycle(2022)
    assert client.get(reverse("results:data_package", args=[2022])).status_code == 404


def test_the_package_is_the_same_bytes_each_time_and_cached(client, released):
    first = client.get(reverse("results:data_package", args=[2022])).content
    snapshot = released.result_snapshots.get()
    assert opendata.package(snapshot) == first  # no timestamps inside: reproducible
    with mock.patch.object(opendata, "package", side_effect=AssertionError("not cached")):
        assert client.get(reverse("results:data_package", args=[2022])).content == first


def test_the_methodology_page_and_the_cycle_links_offer_the_package(client, released):
    page = client.get(reverse("results:methodology", args=[2022])).content.decode()
    url = reverse("results:data_package", args=[2022])
    assert 'data-testid="data-package"' in page and page.count(url) == 2  # text and navigation
    assert "python -m kotacerdas.index build" in page


def test_a_version_stored_without_the_assessors_values_says_it_cannot_be_rebuilt(released):
    """Versions computed before the assessors' values were stored hold combined levels (3.5),
    which the engine refuses to read back: the package says so instead of a false promise."""
    snapshot = released.result_snapshots.get()
    for result in snapshot.regions.all():
        result.values = [
            {key: item for key, item in value.items() if key != "assessor_values"}
            for value in result.values
        ]
        result.save(update_fields=["values"])
    archive = zipfile.ZipFile(io.BytesIO(opendata.package(snapshot)))
    assert json.loads(archive.read("datapackage.json"))["kotacerdas"]["rebuild_fingerprint"] is None
    readme = archive.read("README.md").decode()
    assert "tidak dapat dibaca ulang" in readme and "kotacerdas.index build" not in readme
