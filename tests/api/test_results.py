"""Published results as open data: JSON and CSV, published cycles only, notes only for the
region and admins."""

import csv
import io

import pytest
from rest_framework.test import APIClient


def test_only_published_cycles_are_listed(world, api):
    body = api.get("/api/v1/results/").json()
    assert [(row["year"], row["regions"]) for row in body] == [(2020, 2)]
    assert body[0]["data_package"] == "http://testserver/hasil/2020/unduh/paket-data.zip"


def test_the_ranking_as_json_is_paginated_and_filterable(world, api):
    body = api.get("/api/v1/results/2020/").json()
    assert body["count"] == 2
    assert [(row["region"]["code"], row["rank"]["national"]) for row in body["results"]] == [
        ("32.73", 1),
        ("15.71", 2),
    ]
    assert "notes" not in body["results"][0]
    # Node names come with their English twin (the snapshot stores both since 2026-12-08).
    governance = body["results"][0]["dimensions"][0]
    assert (governance["name"], governance["name_en"]) == ("Smart Governance", "Smart Governance")
    element = body["results"][0]["elements"][0]
    assert (element["name"], element["name_en"]) == ("Layanan Publik", "Public service")
    jambi = api.get("/api/v1/results/2020/", {"province": "15"}).json()
    assert [row["region"]["name"] for row in jambi["results"]] == ["Kota Jambi"]
    page = api.get("/api/v1/results/2020/", {"page_size": 1, "page": 2}).json()
    assert [row["region"]["code"] for row in page["results"]] == ["15.71"]


def test_the_ranking_as_csv_is_the_whole_export(world, api):
    for response in (
        api.get("/api/v1/results/2020/", {"format": "csv"}),
        api.get("/api/v1/results/2020/", HTTP_ACCEPT="text/csv"),
    ):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "hasil-2020" in response["Content-Disposition"]
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        index_rows = [row for row in rows if row["level"] == "index"]
        assert [(row["region_code"], row["rank"]) for row in index_rows] == [
            ("32.73", "1"),
            ("15.71", "2"),
        ]


def test_an_unpublished_cycle_is_a_404_even_for_admins(world):
    client = APIClient()
    client.force_login(world.users["admin"])
    for url in ("/api/v1/results/2022/", "/api/v1/results/2022/15.71/", "/api/v1/results/2099/"):
        response = client.get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    csv_error = client.get("/api/v1/results/2022/", {"format": "csv"})
    assert csv_error.status_code == 404
    assert csv_error["Content-Type"] == "application/problem+json"


def test_notes_only_for_the_regions_operator_and_admins(world):
    def result_as(role):
        client = APIClient()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        return client.get("/api/v1/results/2020/15.71/").json()

    assert "notes" in result_as("operator_own")
    assert "notes" in result_as("admin")
    for role in ("anonymous", "operator_other", "assessor_assigned"):
        assert "notes" not in result_as(role), role
    assert result_as("anonymous")["display"] == pytest.approx(62.5 * 5 / 100, abs=0.01)
