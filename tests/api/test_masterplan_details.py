"""Masterplan details through the API: yearly budgets, KPIs with their yearly values, and the
documents' and evidence's metadata (never public)."""

from django.core.files.base import ContentFile
from rest_framework.test import APIClient

from kotacerdas.masterplans.models import Attachment, Budget, Kpi

from .world import PDF


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def budgets_url(world):
    return f"/api/v1/programmes/{world.published_programme.pk}/budgets/"


def kpis_url(world):
    return f"/api/v1/programmes/{world.published_programme.pk}/kpis/"


# --- Budgets ------------------------------------------------------------------------------------


def test_the_operator_sets_yearly_budgets_and_hears_of_an_overrun(world):
    client = client_for(world.users["operator_own"])
    response = client.put(
        budgets_url(world),
        {
            "budgets": [
                {"year": 2021, "planned": "900000000", "realised": "950000000"},
                {"year": 2022, "planned": None, "realised": None},
            ]
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["budgets"] == [
        {"year": 2021, "planned": "900000000.00", "realised": "950000000.00"}
    ]
    assert body["warnings"] == ["Tahun 2021: realisasi melebihi rencana anggaran."]
    public = client_for().get(f"/api/v1/programmes/{world.published_programme.pk}/").json()
    assert [row["year"] for row in public["budgets"]] == [2021]


def test_a_budget_outside_the_period_writes_nothing(world):
    response = client_for(world.users["operator_own"]).put(
        budgets_url(world),
        {
            "budgets": [
                {"year": 2021, "planned": "1", "realised": "0"},
                {"year": 2030, "planned": "1", "realised": "0"},
            ]
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["type"] == "urn:kotacerdas:problem:validation"
    assert list(Budget.objects.values_list("year", flat=True)) == [2022]


def test_fractions_of_a_rupiah_are_a_field_error(world):
    response = client_for(world.users["admin"]).put(
        budgets_url(world), {"budgets": [{"year": 2021, "planned": "10.5"}]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "#/budgets/0/planned"


# --- KPIs ---------------------------------------------------------------------------------------


def test_the_regions_parties_read_kpis_with_their_yearly_values_and_the_public_does_not(world):
    body = client_for(world.users["assessor_assigned"]).get(kpis_url(world)).json()
    assert body == [
        {
            "id": world.kpi.pk,
            "code": "jenis-layanan",
            "name": "Jenis layanan",
            "unit": "jenis",
            "direction": "up",
            "values": [
                {"year": 2022, "target": "200.0000", "realisation": "250.0000", "achieved": True}
            ],
        }
    ]
    assert client_for().get(kpis_url(world)).status_code == 401
    assert client_for(world.users["operator_other"]).get(kpis_url(world)).status_code == 403


def test_a_kpi_is_added_and_changed_year_by_year(world):
    client = client_for(world.users["operator_own"])
    created = client.post(
        kpis_url(world),
        {
            "code": "pengunjung",
            "name": "Pengunjung per hari",
            "unit": "orang",
            "direction": "up",
            "values": [{"year": 2021, "target": "400"}, {"year": 2022, "target": "500"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert [(v["year"], v["target"], v["achieved"]) for v in created.json()["values"]] == [
        (2021, "400.0000", None),
        (2022, "500.0000", None),
    ]
    changed = client.put(
        kpis_url(world) + "pengunjung/",
        {
            "code": "pengunjung",
            "name": "Pengunjung per hari",
            "unit": "orang",
            "direction": "down",
            "values": [
                {"year": 2021, "target": None},
                {"year": 2022, "target": "500", "realisation": "450"},
            ],
        },
        format="json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["direction"] == "down"
    assert [(v["year"], v["achieved"]) for v in changed.json()["values"]] == [(2022, True)]


def test_a_realisation_without_a_target_and_a_taken_code_are_refused(world):
    client = client_for(world.users["operator_own"])
    orphan = client.post(
        kpis_url(world),
        {
            "code": "baru",
            "name": "Baru",
            "unit": "unit",
            "values": [{"year": 2021, "target": None, "realisation": "5"}],
        },
        format="json",
    )
    assert orphan.status_code == 400
    assert "realisasi tanpa target" in orphan.json()["errors"][0]["detail"]
    assert not Kpi.objects.filter(code="baru").exists()
    taken = client.post(
        kpis_url(world),
        {"code": "jenis-layanan", "name": "Lagi", "unit": "jenis"},
        format="json",
    )
    assert taken.status_code == 400
    assert [error["field"] for error in taken.json()["errors"]] == ["code"]


def test_an_assessor_reads_but_does_not_change_kpis(world):
    response = client_for(world.users["assessor_assigned"]).put(
        kpis_url(world) + "jenis-layanan/",
        {"code": "jenis-layanan", "name": "Ditimpa", "unit": "jenis"},
        format="json",
    )
    assert response.status_code == 403
    world.kpi.refresh_from_db()
    assert world.kpi.name == "Jenis layanan"


# --- Documents and evidence ---------------------------------------------------------------------


def test_documents_and_evidence_are_listed_for_the_region_and_files_download(world):
    evidence = Attachment(
        masterplan=world.masterplan,
        programme=world.published_programme,
        kind="file",
        original_name="foto-mpp.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    evidence.file.save("foto-mpp.pdf", ContentFile(PDF), save=False)
    evidence.save()
    client = client_for(world.users["operator_own"])
    rows = client.get(f"/api/v1/masterplans/{world.masterplan.pk}/attachments/").json()
    assert [(row["programme"], row["kind"], row["download"]) for row in rows] == [
        (None, "link", None),
        ("mpp", "file", f"/api/v1/attachments/{evidence.pk}/file/"),
    ]
    download = client.get(rows[1]["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert client_for(world.users["operator_other"]).get(rows[1]["download"]).status_code == 403
    assert client_for().get(f"/api/v1/attachments/{evidence.pk}/").status_code == 401


def test_a_year_listed_twice_is_a_field_error_and_nothing_is_written(world):
    response = client_for(world.users["operator_own"]).put(
        budgets_url(world),
        {
            "budgets": [
                {"year": 2021, "planned": "1", "realised": "0"},
                {"year": 2021, "planned": "2", "realised": "0"},
            ]
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "budgets",
            "pointer": "#/budgets",
            "detail": "Setiap tahun hanya boleh disebut sekali.",
        }
    ]
    assert list(Budget.objects.values_list("year", flat=True)) == [2022]
