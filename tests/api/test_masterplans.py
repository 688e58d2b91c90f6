"""Masterplan programmes through the API: public fields for everyone, the rest for the region."""

from rest_framework.test import APIClient

from kotacerdas.masterplans.models import Programme


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def programme_body(**changes):
    return {
        "code": "sipin",
        "name": "Wisata Danau Sipin",
        "dimension": "BRA",
        "element": "BRA.TOU",
        "kind": "infrastructure",
        "agency": "Dinas Pariwisata",
        "start_year": 2019,
        "end_year": 2022,
        "version": 1,
        **changes,
    }


def test_the_public_sees_published_programmes_without_internal_fields(world):
    body = client_for().get("/api/v1/programmes/").json()
    assert [row["code"] for row in body["results"]] == ["mpp"]
    row = body["results"][0]
    assert row["internal"] is None
    assert row["quick_win_years"] == [2022]
    assert row["budgets"] == [
        {"year": 2022, "planned": "1500000000.00", "realised": "1200000000.00"}
    ]


def test_the_regions_operator_sees_everything_of_the_region(world):
    body = client_for(world.users["operator_own"]).get("/api/v1/programmes/").json()
    rows = {row["code"]: row for row in body["results"]}
    assert set(rows) == {"mpp", "sipin"}
    assert rows["sipin"]["internal"] == {
        "published": False,
        "version": 1,
        "internal_notes": "Rahasia",
    }
    other = client_for(world.users["operator_other"]).get("/api/v1/programmes/").json()
    assert [row["internal"] for row in other["results"]] == [None]


def test_filter_by_region_and_quick_win_year(world):
    body = (
        client_for()
        .get("/api/v1/programmes/", {"masterplan__region__code": "15.71", "quick_wins__year": 2022})
        .json()
    )
    assert [row["name"] for row in body["results"]] == ["Mal Pelayanan Publik"]


def test_changing_a_programme_needs_the_version_read(world):
    client = client_for(world.users["operator_own"])
    url = f"/api/v1/programmes/{world.unpublished_programme.pk}/"
    ok = client.put(url, programme_body(quick_win_years=[2021]), format="json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["element"] == "BRA.TOU"
    assert ok.json()["quick_win_years"] == [2021]
    assert ok.json()["internal"]["version"] == 2
    stale = client.put(url, programme_body(name="Ditimpa"), format="json")
    assert stale.status_code == 409
    assert stale.json()["type"] == "urn:kotacerdas:problem:stale-version"
    assert Programme.objects.get(pk=world.unpublished_programme.pk).name == "Wisata Danau Sipin"


def test_a_programme_outside_the_period_is_a_field_error(world):
    client = client_for(world.users["operator_own"])
    url = f"/api/v1/programmes/{world.unpublished_programme.pk}/"
    response = client.put(url, programme_body(element="GOV.SVC"), format="json")
    assert response.status_code == 400
    fields = [error["field"] for error in response.json()["errors"]]
    assert "element" in fields
    response = client.put(url, programme_body(end_year=2030), format="json")
    assert response.status_code == 400
    assert "end_year" in [error["field"] for error in response.json()["errors"]]


def test_an_operator_cannot_add_a_programme_to_another_regions_masterplan(world):
    client = client_for(world.users["operator_other"])
    response = client.post(
        "/api/v1/programmes/",
        {**programme_body(code="x"), "masterplan": world.masterplan.pk},
        format="json",
    )
    assert response.status_code == 403
    assert not Programme.objects.filter(code="x").exists()
