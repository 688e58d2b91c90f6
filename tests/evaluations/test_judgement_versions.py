"""Optimistic locking of the assessor's written judgement and the moderator's region feedback:
two windows (two clients) load the same version; the second save is refused, nothing is
overwritten, and the page shows the stored text beside the refused one."""

import pytest
from django.test import Client
from django.urls import reverse

from kotacerdas.accounts.roles import Role
from kotacerdas.core.errors import StaleVersion
from kotacerdas.evaluations.models import Assignment, CycleState, Feedback, SubmissionState
from kotacerdas.evaluations.services import feedback, scoring
from tests.conftest import make_user
from tests.factories import assign, enrol, make_cycle

pytestmark = pytest.mark.django_db
TEXTS = {"weaknesses": "", "strengths": "", "recommendations": "", "interview_notes": ""}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_version(response, form_name: str) -> str:
    return str(response.context[form_name]["version"].value())


@pytest.fixture
def assignment(jambi, assessor) -> Assignment:
    cycle = make_cycle(2022, CycleState.REVIEW)
    enrol(cycle, jambi)
    (assignment,) = assign(cycle, jambi, assessor)
    return assignment


def test_the_second_window_cannot_overwrite_the_judgement(assignment, assessor):
    url = reverse("evaluations:assessor_judgement", args=[2022, "15.71"])
    page = reverse("evaluations:assessor_workspace", args=[2022, "15.71"])
    laptop, tablet = signed_in(assessor), signed_in(assessor)
    loaded = [form_version(client.get(page), "judgement_form") for client in (laptop, tablet)]
    assert loaded == ["0", "0"]

    first = laptop.post(
        url, {**TEXTS, "weaknesses": "Forum smart city belum rutin", "version": loaded[0]}
    )
    assert first.status_code == 302
    second = tablet.post(url, {**TEXTS, "strengths": "Perda No. 1/2019", "version": loaded[1]})

    assert second.status_code == 409
    html = second.content.decode()
    assert "Catatan penilaian sudah diubah oleh" in html and assessor.display_name in html
    stored = html.split('data-testid="stored-judgement"')[1].split("</details>")[0]
    assert "Forum smart city belum rutin" in stored
    assert "Perda No. 1/2019" in html.split('id="judgement"')[1]  # the refused text is kept
    assignment.refresh_from_db()
    assert (assignment.weaknesses, assignment.strengths, assignment.version) == (
        "Forum smart city belum rutin",
        "",
        1,
    )
    # Having seen both, the tablet merges and saves on top of the version it was shown.
    assert form_version(second, "judgement_form") == "1"
    merged = tablet.post(
        url,
        {
            **TEXTS,
            "weaknesses": "Forum smart city belum rutin",
            "strengths": "Perda No. 1/2019",
            "version": "1",
        },
    )
    assert merged.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.strengths, assignment.version) == ("Perda No. 1/2019", 2)


def test_the_service_refuses_a_stale_judgement_and_names_who(assignment, assessor):
    scoring.save_judgement(assignment, **{**TEXTS, "weaknesses": "A"}, version=0, by=assessor)
    with pytest.raises(StaleVersion, match=assessor.display_name):
        scoring.save_judgement(assignment, **{**TEXTS, "weaknesses": "B"}, version=0, by=assessor)
    assignment.refresh_from_db()
    assert (assignment.weaknesses, assignment.version) == ("A", 1)
    assert assignment.history.filter(weaknesses="B").count() == 0


def test_an_unchanged_judgement_keeps_its_version(assignment, assessor):
    saved = scoring.save_judgement(
        assignment, **{**TEXTS, "weaknesses": "A"}, version=0, by=assessor
    )
    again = scoring.save_judgement(
        assignment, **{**TEXTS, "weaknesses": " A "}, version=1, by=assessor
    )
    assert saved.version == again.version == 1


def test_the_api_refuses_a_stale_judgement_with_a_problem(assignment, assessor):
    client = signed_in(assessor)
    url = f"/api/v1/assignments/{assignment.pk}/judgement/"
    assert client.get(url).json()["version"] == 0
    first = client.put(url, {"weaknesses": "A", "version": 0}, content_type="application/json")
    assert first.status_code == 200 and first.json()["version"] == 1
    stale = client.put(url, {"weaknesses": "B", "version": 0}, content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["type"] == "urn:kotacerdas:problem:stale-version"
    missing = client.put(url, {"weaknesses": "B"}, content_type="application/json")
    assert missing.status_code == 400
    assignment.refresh_from_db()
    assert assignment.weaknesses == "A"


@pytest.fixture
def in_moderation(jambi):
    cycle = make_cycle(2022, CycleState.MODERATION)
    (submission,) = enrol(cycle, jambi)
    submission.state = SubmissionState.SUBMITTED
    submission.save()
    return submission


def test_two_moderators_cannot_overwrite_each_others_feedback(in_moderation, admin_user):
    other_admin = make_user("admin.dua", Role.ADMIN, first_name="Admin Dua")
    url = reverse("evaluations:feedback_edit", args=[2022, "15.71"])
    first, second = signed_in(admin_user), signed_in(other_admin)
    assert [form_version(client.get(url), "form") for client in (first, second)] == ["0", "0"]
    lists = {"weaknesses": "a", "strengths": "b", "recommendations": "c"}

    assert (
        first.post(url, {**lists, "weaknesses": "Data belum terpadu", "version": "0"}).status_code
        == 302
    )
    refused = second.post(url, {**lists, "weaknesses": "SDM TIK kurang", "version": "0"})

    assert refused.status_code == 409
    html = refused.content.decode()
    assert "sudah diubah oleh" in html and admin_user.display_name in html
    stored = html.split('data-testid="stored-feedback"')[1].split("</details>")[0]
    assert "Data belum terpadu" in stored
    assert "SDM TIK kurang" in html  # the refused text stays in the form
    settled = Feedback.objects.get(submission=in_moderation)
    assert (settled.weaknesses, settled.version, settled.settled_by) == (
        "Data belum terpadu",
        1,
        admin_user,
    )
    assert form_version(refused, "form") == "1"


def test_the_feedback_service_refuses_a_version_that_does_not_exist(in_moderation, admin_user):
    lists = {"weaknesses": "a", "strengths": "b", "recommendations": "c"}
    with pytest.raises(StaleVersion, match="belum pernah ditetapkan"):
        feedback.settle_feedback(in_moderation, **lists, version=3, by=admin_user)
    assert not Feedback.objects.exists()
    saved = feedback.settle_feedback(in_moderation, **lists, version=0, by=admin_user)
    again = feedback.settle_feedback(in_moderation, **lists, version=1, by=admin_user)
    assert (saved.version, again.version) == (1, 2)
