"""Conflicts of interest and virtual sessions through the API."""

from datetime import UTC, datetime

from django.core import mail
from rest_framework.test import APIClient

from kotacerdas.evaluations.models import Assignment, ConflictOfInterest, Score, VirtualSession


def client_for(user):
    client = APIClient()
    client.force_login(user)
    return client


# --- Conflicts of interest ----------------------------------------------------------------------


def test_each_user_sees_the_conflicts_they_may(world):
    def listed(role):
        body = client_for(world.users[role]).get("/api/v1/conflicts/").json()
        return [(row["assessor"], row["region"], row["reason"]) for row in body["results"]]

    declared = [("w.assessor.unassigned", "32.73", "Bekas pegawai Pemkot")]
    assert listed("admin") == declared
    assert listed("assessor_unassigned") == declared
    assert listed("assessor_assigned") == []
    assert listed("operator_other") == []


def test_an_assessor_declares_a_conflict_and_loses_the_unscored_assignment(world):
    client = client_for(world.users["assessor_assigned"])
    response = client.post(
        "/api/v1/conflicts/", {"region": "15.71", "reason": "Saudara kandung di Bappeda"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["assessor"] == "w.assessor.assigned"
    assert response.json()["region_name"] == "Kota Jambi"
    assert response.json()["declared_at"]
    remaining = Assignment.objects.filter(assessor=world.users["assessor_assigned"])
    # Open (2023) and review (2022) assignments are withdrawn; moderation (2021) is past that.
    assert sorted(a.cycle.year for a in remaining) == [2021]
    world.session.refresh_from_db()
    assert list(world.session.assessors.all()) == []


def test_a_declaration_over_scored_work_is_refused_and_changes_nothing(world):
    Score.objects.create(
        assignment=world.review_assignment,
        indicator=world.review_cycle.instrument.indicators.get(code="GOV.SVC.01"),
        value=2,
    )
    client = client_for(world.users["assessor_assigned"])
    response = client.post("/api/v1/conflicts/", {"region": "15.71", "reason": "Keluarga"})
    assert response.status_code == 409
    assert "2022" in response.json()["detail"]
    assert not ConflictOfInterest.objects.filter(assessor=world.users["assessor_assigned"]).exists()
    assert Assignment.objects.filter(pk=world.review_assignment.pk).exists()


def test_an_assessor_may_not_declare_for_someone_else_and_a_reason_is_required(world):
    client = client_for(world.users["assessor_assigned"])
    other = client.post(
        "/api/v1/conflicts/",
        {"assessor": "w.assessor.second", "region": "15.71", "reason": "Keluarga"},
    )
    assert other.status_code == 403
    blank = client.post("/api/v1/conflicts/", {"region": "15.71", "reason": ""})
    assert blank.status_code == 400
    assert [error["field"] for error in blank.json()["errors"]] == ["reason"]
    assert ConflictOfInterest.objects.count() == 1


def test_an_admin_withdraws_a_conflict(world):
    client = client_for(world.users["admin"])
    assert client.delete(f"/api/v1/conflicts/{world.conflict.pk}/").status_code == 204
    assert not ConflictOfInterest.objects.exists()


# --- Virtual sessions ---------------------------------------------------------------------------


def test_each_user_lists_the_sessions_of_their_regions(world):
    def listed(role):
        body = client_for(world.users[role]).get("/api/v1/sessions/").json()
        return [(row["cycle"], row["region"]) for row in body["results"]]

    for role in ("admin", "assessor_assigned", "operator_own"):
        assert listed(role) == [(2023, "15.71")], role
    for role in ("assessor_unassigned", "operator_other"):
        assert listed(role) == [], role
    row = client_for(world.users["operator_own"]).get(f"/api/v1/sessions/{world.session.pk}/")
    body = row.json()
    assert body["starts_at"] == "2023-06-05T09:00:00+07:00"
    assert body["ends_at"] == "2023-06-05T10:30:00+07:00"
    assert body["assessors"] == ["w.assessor.assigned"]
    assert body["ics"] == f"/api/v1/sessions/{world.session.pk}/ics/"


def test_the_ics_file_is_the_sessions_calendar_event(world):
    response = client_for(world.users["assessor_assigned"]).get(
        f"/api/v1/sessions/{world.session.pk}/ics/"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == 'attachment; filename="sesi-15.71-2023.ics"'
    text = response.content.decode()
    assert f"UID:sesi-{world.session.pk}-2023-15.71@kotacerdas" in text
    assert "DTSTART;TZID=Asia/Jakarta:20230605T090000" in text
    assert "SEQUENCE:0" in text


def test_an_admin_schedules_a_session_and_the_parties_are_told(
    world, django_capture_on_commit_callbacks
):
    for role in ("operator_own", "assessor_assigned"):
        world.users[role].email = f"{role}@example.go.id"
        world.users[role].save()
    client = client_for(world.users["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/sessions/",
            {
                "cycle": 2022,
                "region": "15.71",
                "starts_at": "2022-08-01T09:00:00",  # no offset: WIB
                "duration_minutes": 60,
                "meeting_url": "https://zoom.example/j/2",
                "assessors": ["w.assessor.assigned"],
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["starts_at"] == "2022-08-01T09:00:00+07:00"
    session = VirtualSession.objects.get(pk=body["id"])
    assert session.starts_at == datetime(2022, 8, 1, 2, 0, tzinfo=UTC)
    assert session.scheduled_by == world.users["admin"]
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["assessor_assigned@example.go.id", "operator_own@example.go.id"]
    assert mail.outbox[0].attachments[0][0] == "sesi-15.71-2022.ics"


def test_rescheduling_increases_the_sequence(world):
    client = client_for(world.users["admin"])
    body = {
        "starts_at": "2023-06-06T13:00:00+07:00",
        "duration_minutes": 120,
        "location": "Kantor Wali Kota Jambi",
        "assessors": ["w.assessor.assigned"],
    }
    response = client.put(f"/api/v1/sessions/{world.session.pk}/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["sequence"] == 1
    assert response.json()["location"] == "Kantor Wali Kota Jambi"
    same = client.put(f"/api/v1/sessions/{world.session.pk}/", body, format="json")
    assert same.json()["sequence"] == 1  # nothing changed: the invitation stands


def test_a_session_with_an_assessor_from_outside_the_panel_is_refused(world):
    response = client_for(world.users["admin"]).put(
        f"/api/v1/sessions/{world.session.pk}/",
        {
            "starts_at": "2023-06-06T13:00:00+07:00",
            "duration_minutes": 60,
            "meeting_url": "https://zoom.example/j/1",
            "assessors": ["w.assessor.unassigned"],
        },
        format="json",
    )
    assert response.status_code == 409
    assert "w.assessor.unassigned" in response.json()["detail"]
    world.session.refresh_from_db()
    assert world.session.sequence == 0


def test_scheduling_in_moderation_is_locked(world):
    response = client_for(world.users["admin"]).post(
        "/api/v1/sessions/",
        {
            "cycle": 2021,
            "region": "15.71",
            "starts_at": "2021-09-01T09:00:00+07:00",
            "duration_minutes": 60,
            "location": "Kantor Wali Kota",
            "assessors": ["w.assessor.assigned"],
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["type"] == "urn:kotacerdas:problem:locked"


def test_a_new_session_names_its_cycle_and_region(world):
    response = client_for(world.users["admin"]).post(
        "/api/v1/sessions/",
        {
            "starts_at": "2022-08-01T09:00:00+07:00",
            "duration_minutes": 60,
            "location": "Kantor Wali Kota",
            "assessors": ["w.assessor.assigned"],
        },
        format="json",
    )
    assert response.status_code == 400
    assert sorted(error["field"] for error in response.json()["errors"]) == ["cycle", "region"]
    assert VirtualSession.objects.count() == 1
