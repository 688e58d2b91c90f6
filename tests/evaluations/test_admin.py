"""The Django admin of the evaluation is read-only: changes go through the services."""

import pytest
from django.urls import reverse

from tests.evaluations.cycle_setup import add_pdf, open_cycle, submission_of

pytestmark = pytest.mark.django_db

MODELS = [
    "cycle",
    "submission",
    "answer",
    "evidence",
    "linkcheck",
    "assignment",
    "conflictofinterest",
    "score",
    "virtualsession",
    "finalvalue",
    "feedback",
]


@pytest.mark.parametrize("model", MODELS)
def test_admins_browse_every_evaluation_model_but_cannot_add(client, admin_user, model):
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:evaluations_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:evaluations_{model}_add")).status_code == 403


def test_a_cycle_is_read_only_and_has_its_history(client, admin_user, jambi):
    cycle = open_cycle(jambi)
    client.force_login(admin_user)
    page = client.get(reverse("admin:evaluations_cycle_change", args=[cycle.pk])).content.decode()
    assert 'name="state"' not in page
    assert (
        client.post(
            reverse("admin:evaluations_cycle_change", args=[cycle.pk]), {"state": "published"}
        ).status_code
        == 403
    )
    history = reverse("admin:evaluations_cycle_history", args=[cycle.pk])
    assert client.get(history).status_code == 200


def test_evidence_in_the_admin_links_to_the_checked_download(client, admin_user, jambi):
    cycle = open_cycle(jambi)
    submission = submission_of(cycle, jambi)
    evidence = add_pdf(submission, cycle.instrument.indicators.get(code="GOV.SVC.01"))
    client.force_login(admin_user)
    page = client.get(
        reverse("admin:evaluations_evidence_change", args=[evidence.pk])
    ).content.decode()
    assert reverse("evaluations:evidence_download", args=[evidence.pk]) in page
    assert "/media/" not in page


def test_other_roles_do_not_reach_the_evaluation_admin(client, operator):
    client.force_login(operator)
    response = client.get(reverse("admin:evaluations_submission_changelist"))
    assert response.status_code == 302
