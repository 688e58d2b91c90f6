"""The cycle's dashboard: the ways into the cycle's other pages, and warnings that never block."""

import pytest
from django.urls import reverse

from kotacerdas.accounts.roles import Role
from kotacerdas.evaluations.models import Cycle, CycleState, SubmissionState
from kotacerdas.evaluations.services import lifecycle
from tests.conftest import make_user
from tests.evaluations.cycle_setup import open_cycle, submission_of
from tests.factories import assign, make_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_for_review(jambi, bandung):
    """An open cycle, both regions with two assessors; Bandung submitted, Jambi never did."""
    cycle = open_cycle(jambi, bandung)
    first = make_user("asesor.satu", Role.ASSESSOR)
    second = make_user("asesor.dua", Role.ASSESSOR)
    assign(cycle, jambi, first, second)
    assign(cycle, bandung, first, second)
    sent = submission_of(cycle, bandung)
    sent.state = SubmissionState.SUBMITTED
    sent.save()
    return cycle


def test_moving_to_review_warns_of_regions_that_never_submitted_without_blocking(
    client, admin_user, ready_for_review
):
    assert lifecycle.check(ready_for_review, CycleState.REVIEW) == []
    assert lifecycle.warnings(ready_for_review, CycleState.REVIEW) == [
        "Kota Jambi (15.71) belum pernah mengirim penilaian mandiri; isiannya akan terkunci dan "
        "daerah ini tidak ikut dimoderasi dan diperingkat."
    ]
    client.force_login(admin_user)
    page = client.get(reverse("evaluations:cycle_detail", args=[2022])).content.decode()
    move = page.split('data-testid="transition-review"')[1].split("</article>")[0]
    assert "Semua prasyarat terpenuhi." in move
    assert "disabled" not in move.split("</form>")[0]
    warnings = move.split('data-testid="warnings-review"')[1]
    assert "Kota Jambi (15.71) belum pernah mengirim" in warnings
    assert "Kota Bandung" not in warnings

    client.post(reverse("evaluations:cycle_transition", args=[2022]), {"to_state": "review"})
    assert Cycle.objects.get(pk=ready_for_review.pk).state == CycleState.REVIEW


def test_a_returned_submission_is_not_warned_of(ready_for_review, jambi):
    submission = submission_of(ready_for_review, jambi)
    submission.state = SubmissionState.RETURNED
    submission.save()
    assert lifecycle.warnings(ready_for_review, CycleState.REVIEW) == []


def test_no_warnings_for_moves_that_have_none_or_cannot_happen(ready_for_review):
    assert lifecycle.warnings(ready_for_review, CycleState.MODERATION) == []
    ready_for_review.state = CycleState.FINAL
    assert lifecycle.warnings(ready_for_review, CycleState.MODERATION) == []  # a step back


def test_the_dashboard_links_to_assignments_sessions_moderation_and_results(client, admin_user):
    make_cycle(2022, CycleState.REVIEW)
    client.force_login(admin_user)
    page = client.get(reverse("evaluations:cycle_detail", args=[2022])).content.decode()
    links = page.split('data-testid="cycle-links"')[1].split("</p>")[0]
    assert reverse("evaluations:assignment_panel", args=[2022]) in links
    assert reverse("evaluations:session_list") + "?siklus=2022" in links
    assert reverse("evaluations:moderation_queue", args=[2022]) in links
    assert reverse("results:dashboard", args=[2022]) in links
