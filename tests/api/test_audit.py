"""The region's feedback and the audit trail through the API: the same content as the web pages,
for the same people."""

import pytest
from rest_framework.test import APIClient

from kotacerdas.evaluations.models import Assignment, CycleState, Feedback


def client_for(user):
    client = APIClient()
    client.force_login(user)
    return client


def feedback_url(world):
    return f"/api/v1/submissions/{world.own_moderation.pk}/feedback/"


@pytest.fixture
def judged(world):
    """The two assessors of the moderation cycle wrote their items (one overlaps)."""
    first, second = Assignment.objects.filter(cycle=world.moderation_cycle).order_by(
        "assessor__username"
    )
    first.weaknesses, first.strengths = "Data dukung kurang\nPerda belum ada", "MPP terpadu"
    first.recommendations = "Susun Perda"
    first.save()
    second.weaknesses, second.strengths = "data dukung  kurang", "Command center"
    second.recommendations = "Latih ASN"
    second.save()
    return world


# --- Feedback -----------------------------------------------------------------------------------


def test_before_settling_the_feedback_is_the_union_of_the_assessors_items(judged):
    body = client_for(judged.users["admin"]).get(feedback_url(judged)).json()
    assert body["settled"] is False and body["version"] == 0 and body["settled_by"] is None
    assert body["weaknesses"] == "Data dukung kurang\nPerda belum ada"
    assert body["strengths"] == "MPP terpadu\nCommand center"
    assert body["recommendations"] == "Susun Perda\nLatih ASN"
    assert [(row["assessor"], row["strengths"]) for row in body["assessors"]] == [
        ("w.assessor.assigned", "MPP terpadu"),
        ("w.assessor.second", "Command center"),
    ]


def test_the_moderator_settles_the_feedback_and_a_stale_save_overwrites_nothing(judged):
    client = client_for(judged.users["admin"])
    text = {
        "weaknesses": "- Data dukung kurang\n\n- Perda belum ada",
        "strengths": "MPP terpadu",
        "recommendations": "Susun Perda",
    }
    saved = client.put(feedback_url(judged), {**text, "version": 0}, format="json")
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert body["settled"] is True and body["version"] == 1
    assert body["settled_by"] == "w.admin"
    assert body["weaknesses"] == "Data dukung kurang\nPerda belum ada"  # bullets removed
    stale = client.put(
        feedback_url(judged), {**text, "strengths": "Lain", "version": 0}, format="json"
    )
    assert stale.status_code == 409
    assert stale.json()["type"] == "urn:kotacerdas:problem:stale-version"
    assert "w.admin" in stale.json()["detail"]
    assert Feedback.objects.get(submission=judged.own_moderation).strengths == "MPP terpadu"


def test_feedback_with_an_empty_list_is_refused_with_the_lists_named(judged):
    response = client_for(judged.users["admin"]).put(
        feedback_url(judged),
        {"weaknesses": "", "strengths": "MPP", "recommendations": " ", "version": 0},
        format="json",
    )
    assert response.status_code == 409
    details = response.json()["details"]
    assert len(details) == 2
    assert any("elemahan" in detail for detail in details)
    assert not Feedback.objects.exists()


def test_feedback_outside_moderation_is_locked(judged):
    judged.moderation_cycle.state = CycleState.PUBLISHED
    judged.moderation_cycle.save()
    response = client_for(judged.users["admin"]).put(
        feedback_url(judged),
        {"weaknesses": "a", "strengths": "b", "recommendations": "c", "version": 0},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["type"] == "urn:kotacerdas:problem:locked"


# --- History ------------------------------------------------------------------------------------


def test_the_indicator_history_shows_who_changed_the_answer_from_what_to_what(world):
    operator = client_for(world.users["operator_own"])
    answer_url = f"/api/v1/submissions/{world.own_open.pk}/answers/GOV.SVC.01/"
    operator.put(answer_url, {"value": "2", "version": 0}, format="json")
    operator.put(answer_url, {"value": "3", "version": 1}, format="json")
    entries = operator.get(f"/api/v1/submissions/{world.own_open.pk}/history/GOV.SVC.01/").json()
    answers = [entry for entry in entries if entry["subject"] == "Jawaban"]
    assert [entry["action"] for entry in answers] == ["diubah", "dibuat"]
    assert answers[0]["who"] == "w.operator.own"
    assert answers[0]["changes"] == [{"label": "nilai", "old": "2", "new": "3"}]
    subjects = {entry["subject"] for entry in entries}
    assert "Data dukung «perda.pdf»" in subjects


def test_the_operator_never_sees_the_assessors_scores_in_the_history(world):
    url = f"/api/v1/submissions/{world.own_moderation.pk}/history/GOV.SVC.01/"

    def subjects(role):
        return {entry["subject"] for entry in client_for(world.users[role]).get(url).json()}

    assert "Nilai asesor w.assessor.assigned" in subjects("admin")
    assert "Nilai asesor w.assessor.second" in subjects("admin")
    assert not any(subject.startswith("Nilai") for subject in subjects("operator_own"))


def test_the_submission_history_records_a_return_with_its_reason(world):
    admin = client_for(world.users["admin"])
    admin.post(
        f"/api/v1/submissions/{world.own_review.pk}/return/",
        {"reason": "Data dukung Perda belum terbaca."},
        format="json",
    )
    entries = client_for(world.users["operator_own"]).get(
        f"/api/v1/submissions/{world.own_review.pk}/history/"
    )
    assert entries.status_code == 200
    latest = entries.json()[0]
    assert latest["who"] == "w.admin"
    changed = {change["label"]: change["new"] for change in latest["changes"]}
    assert changed["alasan pengembalian"] == "Data dukung Perda belum terbaca."


def test_the_cycle_history_lists_its_changes(world):
    world.moderation_cycle.state = CycleState.FINAL
    world.moderation_cycle.save()
    entries = client_for(world.users["admin"]).get("/api/v1/cycles/2021/history/").json()
    assert [entry["action"] for entry in entries] == ["diubah", "dibuat"]
    assert entries[0]["subject"] == "Siklus"
    assert {"label": "tahap", "old": "Moderasi", "new": "Final"} in entries[0]["changes"]
