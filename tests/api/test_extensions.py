"""A region's deadline extension over the API: admins grant, move and cancel it; everyone who
sees the self-assessment reads the extension and the deadline that applies; refusals are
problems that say why."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from kotacerdas.evaluations.models import Cycle, Submission


@pytest.fixture
def world(world):
    """tests/api/conftest.py's world with the open cycle's deadline three days away."""
    deadline = timezone.now() + timedelta(days=3)
    Cycle.objects.filter(pk=world.open_cycle.pk).update(submission_deadline=deadline)
    world.objects["deadline"] = deadline
    return world


def client_for(user):
    client = APIClient()
    client.force_login(user)
    return client


def url(world, suffix=""):
    return f"/api/v1/submissions/{world.own_open.pk}/extension/{suffix}"


def test_an_admin_extends_a_region_and_its_parties_read_the_effective_deadline(world):
    until = world.deadline + timedelta(days=7)
    response = client_for(world.users["admin"]).post(
        url(world), {"until": until.isoformat(), "reason": "Banjir di Jambi."}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["extension_reason"] == "Banjir di Jambi."
    assert Submission.objects.get(pk=world.own_open.pk).deadline_extended_to == until
    for role in ("operator_own", "assessor_assigned"):
        seen = client_for(world.users[role]).get(f"/api/v1/submissions/{world.own_open.pk}/")
        read = seen.json()
        assert read["deadline_extended_to"] == read["effective_deadline"]
        assert read["deadline_extended_to"] is not None
    other = client_for(world.users["admin"]).get(f"/api/v1/submissions/{world.other_open.pk}/")
    assert other.json()["deadline_extended_to"] is None
    assert other.json()["effective_deadline"] is not None
    assert other.json()["effective_deadline"] != seen.json()["effective_deadline"]


def test_a_refused_extension_is_a_problem_that_says_why(world):
    client = client_for(world.users["admin"])
    early = world.deadline - timedelta(days=1)
    response = client.post(url(world), {"until": early.isoformat(), "reason": "x"}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "harus setelah batas waktu siklus" in response.json()["detail"]
    missing = client.post(url(world), {"until": early.isoformat()}, format="json")
    assert missing.status_code == 400
    assert [e["field"] for e in missing.json()["errors"]] == ["reason"]


def test_an_admin_cancels_an_extension(world):
    client = client_for(world.users["admin"])
    until = world.deadline + timedelta(days=7)
    client.post(url(world), {"until": until.isoformat(), "reason": "Banjir."}, format="json")
    response = client.post(url(world, "cancel/"), {"reason": "Sudah pulih."}, format="json")
    assert response.status_code == 200
    assert response.json()["deadline_extended_to"] is None
    again = client.post(url(world, "cancel/"), {"reason": "Sudah pulih."}, format="json")
    assert again.status_code == 409
    assert "tidak mendapat perpanjangan" in again.json()["detail"]


def test_the_regions_operator_may_not_extend_its_own_deadline(world):
    until = world.deadline + timedelta(days=7)
    response = client_for(world.users["operator_own"]).post(
        url(world), {"until": until.isoformat(), "reason": "Kami butuh waktu."}, format="json"
    )
    assert response.status_code == 403
    assert Submission.objects.get(pk=world.own_open.pk).deadline_extended_to is None
