"""Administrative changes of regions: the changes loader (recode in place, idempotent, malformed
file refused whole), resolve_code, old codes in search, redirects, enrolment and the API, the
region's history on its page and the break note in the profile trend."""

import datetime
import html

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from kotacerdas.evaluations.models import Submission
from kotacerdas.evaluations.services import enrolment
from kotacerdas.evaluations.services.enrolment import EnrolmentFileRejected
from kotacerdas.regions.lineage import ChangesFileError, resolve_code
from kotacerdas.regions.models import ChangeKind, Region, RegionChange, RegionKind
from kotacerdas.regions.services import load_regions
from tests.factories import enrol, make_cycle
from tests.results.builders import INDICES, cohort, publish_cycle

pytestmark = pytest.mark.django_db

REGISTER_HEADER = "code,name,kind,parent_code\n"
CHANGES_HEADER = "code,kind,old_code,old_name,old_parent_code,origin_code,origin_name,effective_date,legal_basis\n"
BEFORE = (
    REGISTER_HEADER + "91,Papua,provinsi,\n"
    "91.01,Kabupaten Merauke,kabupaten,91\n"
    "91.71,Kota Jayapura,kota,91\n"
)
AFTER = (
    REGISTER_HEADER + "91,Papua,provinsi,\n"
    "91.71,Kota Jayapura,kota,91\n"
    "93,Papua Selatan,provinsi,\n"
    "93.01,Kabupaten Merauke,kabupaten,93\n"
)
LAW = "UU No. 14 Tahun 2022 tentang Pembentukan Provinsi Papua Selatan"
CHANGES = (
    CHANGES_HEADER + f"93,split,,,,91,Papua,2022-07-25,{LAW}\n"
    f"93.01,move,91.01,Kabupaten Merauke,91,,,2022-07-25,{LAW}\n"
)


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def renumbered(tmp_path):
    """A register loaded before 2022 (Merauke 91.01, with a 2019 submission), then the 2022
    register with its changes."""
    load_regions(write(tmp_path, "before.csv", BEFORE), centroids=None, changes=None)
    merauke = Region.objects.get(code="91.01")
    submission = enrol(make_cycle(2019), merauke)[0]
    report = load_regions(
        write(tmp_path, "after.csv", AFTER),
        centroids=None,
        changes=write(tmp_path, "changes.csv", CHANGES),
    )
    return {"merauke_pk": merauke.pk, "submission": submission, "report": report}


def test_a_recode_updates_the_row_in_place_and_keeps_its_history(renumbered):
    merauke = Region.objects.get(code="93.01")
    assert merauke.pk == renumbered["merauke_pk"]
    assert merauke.parent.code == "93"
    assert not Region.objects.filter(code="91.01").exists()
    assert Region.objects.count() == 4
    assert Submission.objects.get(pk=renumbered["submission"].pk).region_id == merauke.pk
    assert renumbered["report"].changes.recoded == 1
    change = merauke.changes.get()
    assert (change.kind, change.old_code, change.old_name, change.old_parent_code) == (
        ChangeKind.MOVE,
        "91.01",
        "Kabupaten Merauke",
        "91",
    )
    assert change.old_province_name == "Papua"
    split = RegionChange.objects.get(region__code="93")
    assert (split.kind, split.origin.code, split.effective_date) == (
        ChangeKind.SPLIT,
        "91",
        datetime.date(2022, 7, 25),
    )


def test_the_changes_loader_is_idempotent(renumbered, tmp_path):
    again = load_regions(
        write(tmp_path, "after.csv", AFTER),
        centroids=None,
        changes=write(tmp_path, "changes.csv", CHANGES),
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert (again.changes.recorded, again.changes.recoded, again.changes.unchanged) == (0, 0, 2)
    assert RegionChange.objects.count() == 2


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("93.01,moved,91.01,Kabupaten Merauke,91,,,2022-07-25,UU\n", "kind 'moved'"),
        ("93.01,move,,Kabupaten Merauke,91,,,2022-07-25,UU\n", "names its old_code"),
        ("93.01,move,91.01,Kabupaten Merauke,91,,,25-07-2022,UU\n", "not a date"),
        ("93,split,,,,,,2022-07-25,UU\n", "names its origin_code"),
        ("93.01,move,91.01,Kabupaten Merauke,91,,,2022-07-25,\n", "legal_basis is empty"),
        ("93.01,move,9101,Kabupaten Merauke,91,,,2022-07-25,UU\n", "not of the form"),
    ],
)
def test_a_malformed_changes_file_is_refused_whole_with_its_line(tmp_path, line, message):
    load_regions(write(tmp_path, "before.csv", BEFORE), centroids=None, changes=None)
    bad = write(tmp_path, "changes.csv", CHANGES + line)
    with pytest.raises(ChangesFileError, match=f"changes.csv, line 4: .*{message}"):
        load_regions(write(tmp_path, "after.csv", AFTER), centroids=None, changes=bad)
    assert sorted(Region.objects.values_list("code", flat=True)) == ["91", "91.01", "91.71"]
    assert not RegionChange.objects.exists()


def test_the_command_names_the_bad_line(tmp_path):
    bad = write(tmp_path, "changes.csv", CHANGES_HEADER + "93,split,,,,,,2022-07-25,UU\n")
    register = write(tmp_path, "after.csv", AFTER)
    with pytest.raises(CommandError, match="line 2"):
        call_command("load_regions", "--file", str(register), "--changes", str(bad))
    assert not Region.objects.exists()


def test_the_packaged_register_and_changes_load_together(db):
    report = load_regions()
    assert Region.objects.count() == 552
    assert RegionChange.objects.filter(kind=ChangeKind.SPLIT).count() == 4
    assert RegionChange.objects.filter(kind=ChangeKind.MOVE).count() == 26
    assert resolve_code("91.01").region.name == "Kabupaten Merauke"
    assert resolve_code("92.71").region.code == "96.71"
    assert resolve_code("91.71").region.name == "Kota Jayapura"
    assert not resolve_code("91.71").is_old
    assert RegionChange.objects.get(region__code="96").origin.name == "Papua Barat"
    assert report.changes.recorded == 30
    again = load_regions()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 552)
    assert (again.changes.recorded, again.changes.unchanged) == (0, 30)


def test_resolve_code(renumbered):
    merauke = Region.objects.get(code="93.01")
    old = resolve_code("91.01")
    assert old.region == merauke and old.is_old and old.change.old_code == "91.01"
    assert resolve_code(" 93.01 ").region == merauke and not resolve_code("93.01").is_old
    assert resolve_code("99.99") is None
    assert resolve_code("Merauke") is None
    assert resolve_code("91.01", on=datetime.date(2021, 1, 1)).region == merauke
    # A code reused later: today it is the new region's, on a date before the change Merauke's.
    reused = Region.objects.create(
        code="91.01", name="Kabupaten Baru", kind=RegionKind.KABUPATEN, parent_id=merauke.parent_id
    )
    assert resolve_code("91.01").region == reused
    assert resolve_code("91.01", on=datetime.date(2021, 1, 1)).region == merauke
    assert resolve_code("91.01", on=datetime.date(2023, 1, 1)).region == reused


def test_search_finds_an_old_code_with_a_note(client, renumbered):
    page = client.get(reverse("regions:list"), {"q": "91.01"}).content.decode()
    assert "Kabupaten Merauke" in page
    assert "kode lama 91.01" in page
    assert 'data-count="1"' in page
    plain = client.get(reverse("regions:list"), {"q": "Jayapura"}).content.decode()
    assert "kode lama" not in plain


def test_an_old_code_redirects_permanently(client, renumbered):
    response = client.get(reverse("regions:detail", args=["91.01"]))
    assert response.status_code == 301
    assert response["Location"] == reverse("regions:detail", args=["93.01"])
    assert client.get(reverse("regions:detail", args=["99.99"])).status_code == 404


def test_the_api_redirects_an_old_code(client, renumbered):
    response = client.get("/api/v1/regions/91.01/")
    assert response.status_code == 301
    assert response["Location"].endswith("/api/v1/regions/93.01/")
    assert client.get(response["Location"]).json()["name"] == "Kabupaten Merauke"
    assert client.get("/api/v1/regions/99.99/").status_code == 404


def test_the_region_page_lists_its_history(client, renumbered):
    page = html.unescape(client.get(reverse("regions:detail", args=["93.01"])).content.decode())
    assert "Riwayat wilayah" in page
    assert "91.01" in page and "Papua (91)" in page and LAW in page
    assert "Pindah provinsi" in page
    province = html.unescape(client.get(reverse("regions:detail", args=["93"])).content.decode())
    assert f"Provinsi ini dibentuk pada 2022 dari wilayah Papua ({LAW})." in province
    origin = html.unescape(client.get(reverse("regions:detail", args=["91"])).content.decode())
    assert "Wilayah daerah ini berubah pada 2022" in origin
    unchanged = client.get(reverse("regions:detail", args=["91.71"])).content.decode()
    assert "Riwayat wilayah" not in unchanged


def test_the_enrolment_csv_accepts_an_old_code_with_a_notice(admin_user, renumbered):
    cycle = make_cycle(2023)
    report = enrolment.enrol_csv(cycle, b"kode\n91.01\n91.71\n", by=admin_user)
    assert sorted(r.code for r in report.added) == ["91.71", "93.01"]
    assert report.notices == ["Baris 2: kode lama 91.01 kini Kabupaten Merauke (93.01)."]


def test_an_old_and_a_new_code_of_one_region_are_a_duplicate(admin_user, renumbered):
    with pytest.raises(EnrolmentFileRejected) as caught:
        enrolment.enrol_csv(make_cycle(2023), b"93.01\n91.01\n", by=admin_user)
    assert caught.value.details == ["Baris 2: kode 93.01 sudah ada di baris 1."]


def test_the_enrolment_page_shows_the_notice(client, admin_user, renumbered):
    from django.core.files.uploadedfile import SimpleUploadedFile

    make_cycle(2023)
    client.force_login(admin_user)
    response = client.post(
        reverse("evaluations:cycle_enrol_csv", args=[2023]),
        {"file": SimpleUploadedFile("kode.csv", b"91.01\n", content_type="text/csv")},
        follow=True,
    )
    assert "kode lama 91.01 kini Kabupaten Merauke (93.01)" in html.unescape(
        response.content.decode()
    )


def test_the_profile_trend_marks_cycles_before_a_territory_change(client):
    regions = {region.code: region for region in cohort()}
    formed = Region.objects.create(code="16", name="Provinsi Uji", kind=RegionKind.PROVINSI)
    RegionChange.objects.create(
        region=formed,
        kind=ChangeKind.SPLIT,
        origin=regions["15"],
        origin_code="15",
        origin_name="Jambi",
        effective_date=datetime.date(2021, 7, 1),
        legal_basis="UU uji",
    )
    publish_cycle(2020, {code: value - 10 for code, value in INDICES.items()})
    publish_cycle(2021, {code: value - 5 for code, value in INDICES.items()})
    publish_cycle(2022, INDICES)
    page = html.unescape(client.get(reverse("results:profile", args=[2022, "15"])).content.decode())
    assert page.count("wilayah berubah pada 2021") == 1
    city = client.get(reverse("results:profile", args=[2022, "15.71"])).content.decode()
    assert "wilayah berubah" not in city


def test_admins_read_the_changes_in_the_django_admin_and_nobody_edits_them(
    client, admin_user, renumbered
):
    client.force_login(admin_user)
    page = client.get("/admin/regions/regionchange/?q=91.01")
    assert page.status_code == 200
    assert "Kabupaten Merauke" in page.content.decode()
    assert client.get("/admin/regions/regionchange/add/").status_code == 403


def test_a_corrected_date_updates_the_change_instead_of_adding_one(renumbered, tmp_path):
    corrected = CHANGES.replace(
        "93.01,move,91.01,Kabupaten Merauke,91,,,2022-07-25",
        "93.01,move,91.01,Kabupaten Merauke,91,,,2022-11-09",
    )
    assert corrected != CHANGES
    report = load_regions(
        write(tmp_path, "after.csv", AFTER),
        centroids=None,
        changes=write(tmp_path, "corrected.csv", corrected),
    )
    assert report.changes.recorded == 1
    moves = RegionChange.objects.filter(region__code="93.01", kind=ChangeKind.MOVE)
    assert list(moves.values_list("effective_date", flat=True)) == [datetime.date(2022, 11, 9)]
