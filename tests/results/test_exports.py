"""CSV, XLSX and JSON exports of published results, per cycle and per region, and caching."""

import csv
import io
import json
from unittest import mock

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kotacerdas.results.services import cache as results_cache
from kotacerdas.results.services import exports

from .builders import INDICES, cohort, make_stored_snapshot, publish_cycle


def test_the_csv_holds_every_level_of_the_tree(client, published):
    response = client.get(reverse("results:export", args=[2022, "csv"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="hasil-2022-v1.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    jambi = [row for row in rows if row["region_code"] == "15.71"]
    levels = {row["level"] for row in jambi}
    assert levels == {"index", "aspect", "dimension", "element", "indicator"}
    index = next(row for row in jambi if row["level"] == "index")
    assert float(index["display"]) == pytest.approx(3.31)
    assert index["rank"] == "2" and index["predicate"] == "Baik"
    assert index["rank_low"] == "1" and index["rank_high"] == "3"
    assert len([row for row in jambi if row["level"] == "dimension"]) == 6
    assert len([row for row in jambi if row["level"] == "indicator"]) == 12
    assert {row["region_code"] for row in rows} == set(INDICES)


def test_the_region_csv_has_only_that_region(client, published):
    response = client.get(reverse("results:region_export", args=[2022, "15.71", "csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["region_code"] for row in rows} == {"15.71"}
    assert 'filename="hasil-2022-15.71-v1.csv"' in response["Content-Disposition"]


def test_the_xlsx_has_a_frozen_sheet_per_level_with_indonesian_formats(client, published):
    response = client.get(reverse("results:export", args=[2022, "xlsx"]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Indeks",
        "Aspek",
        "Dimensi",
        "Elemen",
        "Indikator (skor 0–100)",
        "Nilai akhir",
        "Tentang",
    ]
    index = workbook["Indeks"]
    assert index.freeze_panes == "C2"
    assert [cell.value for cell in index[1]][:6] == [
        "Peringkat",
        "Kode",
        "Daerah",
        "Jenis",
        "Provinsi",
        "Indeks (0–5)",
    ]
    second = list(index[3])
    assert second[2].value == "Kota Jambi"
    assert second[5].value == pytest.approx(3.31)
    assert second[5].number_format == "[$-421]#,##0.00"
    assert second[4].value == "Jambi"
    dimensions = workbook["Dimensi"]
    assert dimensions.freeze_panes == "C2"
    assert [cell.value for cell in dimensions[1]][4] == "GOV Smart Governance"
    assert dimensions.max_row == 6  # header + five regions
    about = {row[0].value: row[1].value for row in workbook["Tentang"].iter_rows()}
    assert about["Sidik SHA-256 masukan"] == "f" * 64


def test_the_json_has_the_snapshot_and_every_region(client, published):
    data = json.loads(client.get(reverse("results:export", args=[2022, "json"])).content)
    assert data["snapshot"]["year"] == 2022
    assert data["snapshot"]["fingerprint"] == "f" * 64
    assert [row["region"]["code"] for row in data["results"]] == [
        "32.73",
        "15.71",
        "15",
        "32.04",
        "15.05",
    ]
    jambi = data["results"][1]
    assert jambi["display"] == 3.31
    assert jambi["rank"]["interval"] == [1, 3]
    assert [d["code"] for d in jambi["dimensions"]] == ["GOV", "BRA", "ECO", "LIV", "SOC", "ENV"]
    assert jambi["feedback"]["strengths"] == ["Kekuatan Kota Jambi: Mal Pelayanan Publik"]
    assert "notes" not in jambi  # assessors' notes are never public


def test_an_unknown_format_or_region_is_404(client, published):
    assert client.get(reverse("results:export", args=[2022, "pdf"])).status_code == 404
    assert (
        client.get(reverse("results:region_export", args=[2022, "99.99", "csv"])).status_code == 404
    )


def test_exports_of_an_unpublished_cycle_are_404(client, db):
    cohort()
    publish_cycle(2022, INDICES, published=False)
    for fmt in exports.FORMATS:
        assert client.get(reverse("results:export", args=[2022, fmt])).status_code == 404


def test_published_pages_and_exports_are_cached_until_republished(client, published):
    url = reverse("results:export", args=[2022, "json"])
    first = client.get(url).content
    with mock.patch.object(exports, "export", side_effect=AssertionError("not cached")):
        assert client.get(url).content == first
    ranking = reverse("results:ranking", args=[2022])
    client.get(ranking)
    with mock.patch(
        "kotacerdas.results.services.ranking.ranking", side_effect=AssertionError("not cached")
    ):
        assert client.get(ranking).status_code == 200
    # An admin republishes: a new version with new numbers is served at once.
    make_stored_snapshot(published.cycle, {**INDICES, "15.71": 90.0}, version=2)
    results_cache.forget_current(2022)  # what publishing does once it commits
    data = json.loads(client.get(url).content)
    assert data["snapshot"]["version"] == 2
    assert next(r for r in data["results"] if r["region"]["code"] == "15.71")["display"] == 4.5


def test_a_draft_snapshot_is_never_cached(published):
    draft = make_stored_snapshot(published.cycle, INDICES, version=2, published=False)
    with pytest.raises(ValueError, match="only published"):
        results_cache.cached(draft, "export", ("json",), lambda: b"draft")
