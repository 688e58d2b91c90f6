"""Enrolment, assignments, panels and auto-assignment through the API: the services' results and
refusals, for admins only."""

import datetime

from rest_framework.test import APIClient

from kotacerdas.api import tokens
from kotacerdas.evaluations.models import Assignment, CycleState, Score, Submission
from kotacerdas.regions.models import ChangeKind, RegionChange
from tests.factories import make_cycle


def client_for(user):
    client = APIClient()
    client.force_login(user)
    return client


def codes(rows):
    return [row["code"] for row in rows]


# --- Enrolment ----------------------------------------------------------------------------------


def test_an_admin_enrols_regions_from_a_list_of_codes_and_sees_them_listed(world):
    make_cycle(2024)
    client = client_for(world.users["admin"])
    response = client.post(
        "/api/v1/cycles/2024/enrolment/", {"regions": ["32.73", "15.71", "32.73"]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "added": [
            {"code": "15.71", "name": "Kota Jambi"},
            {"code": "32.73", "name": "Kota Bandung"},
        ],
        "already": [],
        "old_codes": [],
    }
    again = client.post("/api/v1/cycles/2024/enrolment/", {"regions": ["15.71"]}, format="json")
    assert again.json() == {
        "added": [],
        "already": [{"code": "15.71", "name": "Kota Jambi"}],
        "old_codes": [],
    }
    listed = client.get("/api/v1/cycles/2024/enrolment/").json()
    assert listed["count"] == 2
    assert [(row["region"], row["state"], row["cycle"]) for row in listed["results"]] == [
        ("15.71", "draft", 2024),
        ("32.73", "draft", 2024),
    ]
    assert (
        Submission.objects.get(cycle__year=2024, region__code="15.71").enrolled_by
        == (world.users["admin"])
    )


def test_unknown_codes_are_each_named_and_nothing_is_enrolled(world):
    make_cycle(2024)
    client = client_for(world.users["admin"])
    response = client.post(
        "/api/v1/cycles/2024/enrolment/",
        {"regions": ["15.71", "99.99", "kota jambi"]},
        format="json",
    )
    assert response.status_code == 400
    problem = response.json()
    assert problem["type"] == "urn:kotacerdas:problem:validation"
    assert [(e["pointer"], e["detail"]) for e in problem["errors"]] == [
        ("#/regions/1", "Kode 99.99 tidak ada dalam daftar daerah."),
        ("#/regions/2", "Kode kota jambi tidak ada dalam daftar daerah."),
    ]
    assert not Submission.objects.filter(cycle__year=2024).exists()


def test_an_old_code_enrols_the_region_it_became_and_is_named(world):
    RegionChange.objects.create(
        region=world.other_region,
        kind=ChangeKind.RECODE,
        old_code="32.99",
        old_name="Kota Bandung",
        effective_date=datetime.date(2021, 1, 1),
        legal_basis="Kepmendagri uji",
    )
    make_cycle(2024)
    client = client_for(world.users["admin"])
    response = client.post(
        "/api/v1/cycles/2024/enrolment/", {"regions": ["32.99", "32.73"]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "added": [{"code": "32.73", "name": "Kota Bandung"}],
        "already": [],
        "old_codes": [{"given": "32.99", "code": "32.73", "name": "Kota Bandung"}],
    }
    assert Submission.objects.filter(cycle__year=2024).count() == 1


def test_enrolment_after_the_self_assessment_stage_is_locked(world):
    response = client_for(world.users["admin"]).post(
        "/api/v1/cycles/2022/enrolment/", {"regions": ["15.71"]}, format="json"
    )
    assert response.status_code == 409
    problem = response.json()
    assert problem["type"] == "urn:kotacerdas:problem:locked"
    assert "Draf atau Penilaian mandiri" in problem["detail"]


def test_candidates_are_the_regions_not_enrolled_yet(world):
    cycle = make_cycle(2024)
    Submission.objects.create(cycle=cycle, region=world.own_region)
    client = client_for(world.users["admin"])
    body = client.get("/api/v1/cycles/2024/enrolment/candidates/").json()
    assert codes(body["results"]) == ["15", "32", "32.73"]
    kota = client.get("/api/v1/cycles/2024/enrolment/candidates/", {"kind": "kota"}).json()
    assert codes(kota["results"]) == ["32.73"]
    named = client.get("/api/v1/cycles/2024/enrolment/candidates/", {"q": "bandung"}).json()
    assert codes(named["results"]) == ["32.73"]


def test_a_region_is_withdrawn_from_a_draft_cycle_only(world):
    cycle = make_cycle(2024)
    Submission.objects.create(cycle=cycle, region=world.own_region)
    client = client_for(world.users["admin"])
    assert client.delete("/api/v1/cycles/2024/enrolment/15.71/").status_code == 204
    assert not Submission.objects.filter(cycle=cycle).exists()
    assert client.delete("/api/v1/cycles/2024/enrolment/15.71/").status_code == 404

    locked = client.delete("/api/v1/cycles/2023/enrolment/15.71/")
    assert locked.status_code == 409
    assert locked.json()["type"] == "urn:kotacerdas:problem:locked"
    assert Submission.objects.filter(pk=world.own_open.pk).exists()


def test_a_read_token_cannot_enrol_and_a_write_token_can(world):
    make_cycle(2024)
    admin = world.users["admin"]
    _token, read = tokens.issue_token(admin, name="baca", scope="read")
    _token, write = tokens.issue_token(admin, name="tulis", scope="write")
    url, body = "/api/v1/cycles/2024/enrolment/", {"regions": ["15.71"]}
    refused = APIClient().post(url, body, format="json", HTTP_AUTHORIZATION=f"Bearer {read}")
    assert refused.status_code == 403
    assert refused.json()["type"] == "urn:kotacerdas:problem:token-scope"
    assert not Submission.objects.filter(cycle__year=2024).exists()
    done = APIClient().post(url, body, format="json", HTTP_AUTHORIZATION=f"Bearer {write}")
    assert done.status_code == 200
    assert codes(done.json()["added"]) == ["15.71"]


# --- Assignments --------------------------------------------------------------------------------


def test_an_admin_assigns_an_assessor_once(world):
    client = client_for(world.users["admin"])
    body = {"cycle": 2022, "region": "32.73", "assessor": "w.assessor.second"}
    response = client.post("/api/v1/assignments/", body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["cycle"], created["region"], created["assessor"]) == (
        2022,
        "32.73",
        "w.assessor.second",
    )
    assert created["submission"] == world.other_review.pk
    again = client.post("/api/v1/assignments/", body, format="json")
    assert again.json()["id"] == created["id"]
    assert Assignment.objects.filter(cycle__year=2022, region__code="32.73").count() == 1


def test_an_assignment_against_a_declared_conflict_is_refused_with_its_reason(world):
    response = client_for(world.users["admin"]).post(
        "/api/v1/assignments/",
        {"cycle": 2022, "region": "32.73", "assessor": "w.assessor.unassigned"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["type"] == "urn:kotacerdas:problem:refused"
    assert "Bekas pegawai Pemkot" in response.json()["detail"]
    assert not Assignment.objects.filter(assessor=world.users["assessor_unassigned"]).exists()


def test_an_unknown_assessor_is_a_field_error(world):
    response = client_for(world.users["admin"]).post(
        "/api/v1/assignments/",
        {"cycle": 2022, "region": "32.73", "assessor": "nobody"},
        format="json",
    )
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["assessor"]


def test_an_assignment_with_scores_is_not_withdrawn(world):
    assignment = world.review_assignment
    Score.objects.create(
        assignment=assignment,
        indicator=world.review_cycle.instrument.indicators.get(code="GOV.SVC.01"),
        value=3,
    )
    client = client_for(world.users["admin"])
    response = client.delete(f"/api/v1/assignments/{assignment.pk}/")
    assert response.status_code == 409
    assert "1 nilai" in response.json()["detail"]
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_withdrawing_an_assignment_without_scores_removes_it(world):
    client = client_for(world.users["admin"])
    pk = world.review_assignment.pk
    assert client.delete(f"/api/v1/assignments/{pk}/").status_code == 204
    assert not Assignment.objects.filter(pk=pk).exists()
    assessor = client_for(world.users["assessor_assigned"])
    assert assessor.get(f"/api/v1/assignments/{pk}/").status_code == 404


def test_assignments_filter_by_assessor(world):
    client = client_for(world.users["admin"])
    body = client.get("/api/v1/assignments/", {"assessor__username": "w.assessor.second"}).json()
    assert [(row["cycle"], row["region"]) for row in body["results"]] == [(2021, "15.71")]


def test_panels_show_each_regions_assessors_candidates_and_conflicts(world):
    body = client_for(world.users["admin"]).get("/api/v1/cycles/2022/panels/").json()
    rows = {row["region"]: row for row in body["results"]}
    assert set(rows) == {"15.71", "32.73"}
    jambi, bandung = rows["15.71"], rows["32.73"]
    assert [a["assessor"] for a in jambi["assessors"]] == ["w.assessor.assigned"]
    assert jambi["missing"] == 1
    assert "w.assessor.assigned" not in [c["assessor"] for c in jambi["candidates"]]
    assert bandung["assessors"] == [] and bandung["missing"] == 2
    assert bandung["conflicted"] == ["w.assessor.unassigned"]
    assert "w.assessor.unassigned" not in [c["assessor"] for c in bandung["candidates"]]
    loads = {c["assessor"]: c["load"] for c in bandung["candidates"]}
    assert loads == {"w.assessor.assigned": 1, "w.assessor.second": 0}


def test_auto_assign_completes_the_panels_around_conflicts_and_reports_the_rest(world):
    response = client_for(world.users["admin"]).post("/api/v1/cycles/2022/panels/auto-assign/")
    assert response.status_code == 200, response.content
    body = response.json()
    made = sorted((row["region"], row["assessor"]) for row in body["created"])
    # Bandung: two eligible assessors (w.assessor.unassigned declared a conflict with it).
    assert made == [
        ("15.71", "w.assessor.second"),
        ("32.73", "w.assessor.assigned"),
        ("32.73", "w.assessor.second"),
    ]
    assert body["short"] == []
    panels = Assignment.objects.filter(cycle__year=2022, region__code="32.73")
    assert world.users["assessor_unassigned"] not in [a.assessor for a in panels]


def test_auto_assign_in_moderation_is_locked(world):
    world.review_cycle.state = CycleState.MODERATION
    world.review_cycle.save()
    response = client_for(world.users["admin"]).post("/api/v1/cycles/2022/panels/auto-assign/")
    assert response.status_code == 409
    assert response.json()["type"] == "urn:kotacerdas:problem:locked"
