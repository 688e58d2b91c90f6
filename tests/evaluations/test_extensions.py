"""One region's deadline extension: who may grant it and when, what it unlocks (and only for
that region), the countdown, the warning when the cycle moves on, the pages and the history."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from kotacerdas.core.errors import Locked
from kotacerdas.core.moments import wib
from kotacerdas.evaluations.models import Answer, Cycle, CycleState, Submission, SubmissionState
from kotacerdas.evaluations.services import (
    answers,
    evidence,
    extensions,
    history,
    lifecycle,
    locks,
    submissions,
)
from kotacerdas.evaluations.services.extensions import InvalidExtension
from tests.evaluations.cycle_setup import answer_everything, submission_of
from tests.factories import assign

pytestmark = pytest.mark.django_db

REASON = "Banjir melanda kantor Bappeda; server data dukung rusak."


@pytest.fixture
def other(cycle, bandung):
    return submission_of(cycle, bandung)


def deadline_passed(cycle, ago=timedelta(hours=1)):
    Cycle.objects.filter(pk=cycle.pk).update(submission_deadline=timezone.now() - ago)


def fresh(submission) -> Submission:
    return Submission.objects.select_related("cycle", "region").get(pk=submission.pk)


def save_level(submission, by, value="3"):
    return answers.save_answer(
        submission,
        submission.cycle.instrument.indicators.get(code="GOV.SVC.01"),
        value=Decimal(value),
        version=0,
        by=by,
    )


# --- The service --------------------------------------------------------------------------------


def test_an_admin_extends_one_region_and_the_history_records_who_and_why(
    submission, other, admin_user
):
    until = submission.cycle.submission_deadline + timedelta(days=5)
    extended = extensions.extend_deadline(submission, until, reason=REASON, by=admin_user)
    assert (extended.deadline_extended_to, extended.extension_reason) == (until, REASON)
    assert extended.extended_by == admin_user
    assert extended.extended_at is not None
    assert extensions.effective_deadline(fresh(submission)) == until
    assert extensions.effective_deadline(fresh(other)) == other.cycle.submission_deadline
    record = Submission.history.filter(id=submission.pk).latest("history_date")
    assert (record.history_user, record.history_change_reason) == (admin_user, REASON)
    assert record.deadline_extended_to == until


def test_the_submission_history_lists_the_extension_and_its_cancellation(submission, admin_user):
    until = submission.cycle.submission_deadline + timedelta(days=5)
    extensions.extend_deadline(submission, until, reason=REASON, by=admin_user)
    extensions.cancel_extension(submission, reason="Operator sudah kembali.", by=admin_user)
    cancelled, granted = history.submission_history(submission)[:2]
    assert granted.reason == REASON
    assert ("batas waktu diperpanjang sampai", "—", wib(until)) in [
        (c.label, c.old, c.new) for c in granted.changes
    ]
    assert cancelled.reason == "Operator sudah kembali."
    assert ("batas waktu diperpanjang sampai", wib(until), "—") in [
        (c.label, c.old, c.new) for c in cancelled.changes
    ]
    assert cancelled.who == admin_user.display_name


def test_an_extension_may_be_moved_again_each_change_in_the_history(submission, admin_user):
    first = submission.cycle.submission_deadline + timedelta(days=5)
    second = first + timedelta(days=3)
    extensions.extend_deadline(submission, first, reason=REASON, by=admin_user)
    extensions.extend_deadline(submission, second, reason="Banjir susulan.", by=admin_user)
    assert fresh(submission).deadline_extended_to == second
    reasons = list(
        Submission.history.filter(id=submission.pk)
        .order_by("history_date")
        .values_list("history_change_reason", flat=True)
    )
    assert reasons[-2:] == [REASON, "Banjir susulan."]


def test_only_an_admin_extends(submission, operator, assessor):
    until = submission.cycle.submission_deadline + timedelta(days=5)
    for user in (operator, assessor):
        with pytest.raises(PermissionDenied):
            extensions.extend_deadline(submission, until, reason=REASON, by=user)
        with pytest.raises(PermissionDenied):
            extensions.cancel_extension(submission, reason=REASON, by=user)
    assert fresh(submission).deadline_extended_to is None


@pytest.mark.parametrize(
    ("shift", "reason", "message"),
    [
        (timedelta(days=2), "  ", "Alasan perpanjangan wajib diisi"),
        (timedelta(0), REASON, "harus setelah batas waktu siklus"),
        (-timedelta(days=1), REASON, "harus setelah batas waktu siklus"),
    ],
)
def test_an_extension_must_be_later_than_the_cycle_deadline_and_give_a_reason(
    submission, admin_user, shift, reason, message
):
    until = submission.cycle.submission_deadline + shift
    with pytest.raises(InvalidExtension, match=message):
        extensions.extend_deadline(submission, until, reason=reason, by=admin_user)
    assert fresh(submission).deadline_extended_to is None


def test_an_extension_must_be_later_than_now(cycle, submission, admin_user):
    deadline_passed(cycle, ago=timedelta(days=3))
    with pytest.raises(InvalidExtension, match="harus setelah saat ini"):
        extensions.extend_deadline(
            fresh(submission), timezone.now() - timedelta(hours=1), reason=REASON, by=admin_user
        )


def test_an_extension_after_the_cycle_deadline_passed_reopens_the_region(
    cycle, submission, other, admin_user, operator
):
    deadline_passed(cycle)
    with pytest.raises(Locked):
        save_level(fresh(submission), operator)
    extensions.extend_deadline(
        fresh(submission), timezone.now() + timedelta(days=2), reason=REASON, by=admin_user
    )
    saved = save_level(fresh(submission), operator)
    assert saved.value == Decimal(3)
    assert locks.lock_reason(fresh(other)) != ""  # the other region stays locked


@pytest.mark.parametrize(
    ("cycle_state", "submission_state", "message"),
    [
        (CycleState.REVIEW, SubmissionState.DRAFT, "hanya dapat diperpanjang pada tahap"),
        (CycleState.OPEN, SubmissionState.SUBMITTED, "sudah mengirim penilaian mandiri"),
        (CycleState.OPEN, SubmissionState.RETURNED, "tidak terikat batas waktu"),
    ],
)
def test_an_extension_only_for_a_draft_of_an_open_cycle(
    submission, admin_user, cycle_state, submission_state, message
):
    Cycle.objects.filter(pk=submission.cycle_id).update(state=cycle_state)
    Submission.objects.filter(pk=submission.pk).update(state=submission_state)
    until = submission.cycle.submission_deadline + timedelta(days=5)
    with pytest.raises(Locked, match=message):
        extensions.extend_deadline(fresh(submission), until, reason=REASON, by=admin_user)
    assert extensions.refusal(fresh(submission)) != ""


def test_cancelling_needs_an_extension_and_a_reason(submission, admin_user):
    with pytest.raises(Locked, match="tidak mendapat perpanjangan"):
        extensions.cancel_extension(submission, reason=REASON, by=admin_user)
    until = submission.cycle.submission_deadline + timedelta(days=5)
    extensions.extend_deadline(submission, until, reason=REASON, by=admin_user)
    with pytest.raises(InvalidExtension, match="wajib diisi"):
        extensions.cancel_extension(submission, reason="", by=admin_user)
    assert fresh(submission).deadline_extended_to == until


def test_a_half_recorded_extension_is_refused_by_the_database(submission):
    with pytest.raises(IntegrityError):
        Submission.objects.filter(pk=submission.pk).update(
            deadline_extended_to=timezone.now() + timedelta(days=9)
        )


# --- What the extension unlocks ----------------------------------------------------------------


def test_the_operator_saves_until_the_extension_passes_and_not_after(
    cycle, submission, admin_user, operator
):
    deadline_passed(cycle, ago=timedelta(days=2))
    until = timezone.now() + timedelta(hours=1)
    extensions.extend_deadline(fresh(submission), until, reason=REASON, by=admin_user)
    locked = fresh(submission)
    assert locks.is_editable(locked, now=until - timedelta(minutes=1))
    assert not locks.is_editable(locked, now=until + timedelta(minutes=1))
    Submission.objects.filter(pk=submission.pk).update(
        deadline_extended_to=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(Locked, match=r"Perpanjangan batas waktu penilaian mandiri .* sudah lewat"):
        save_level(fresh(submission), operator)
    assert not Answer.objects.exists()


def test_the_operator_submits_under_an_extension(cycle, submission, admin_user, operator):
    deadline_passed(cycle)
    extensions.extend_deadline(
        fresh(submission), timezone.now() + timedelta(days=1), reason=REASON, by=admin_user
    )
    answer_everything(submission, operator)
    sent = submissions.submit(fresh(submission), by=operator)
    assert sent.state == SubmissionState.SUBMITTED


def test_a_later_cycle_deadline_overtakes_an_earlier_extension(cycle, submission, admin_user):
    until = cycle.submission_deadline + timedelta(days=1)
    extensions.extend_deadline(submission, until, reason=REASON, by=admin_user)
    later = until + timedelta(days=10)
    Cycle.objects.filter(pk=cycle.pk).update(submission_deadline=later)
    assert extensions.effective_deadline(fresh(submission)) == later
    assert not extensions.is_extended(fresh(submission))


def test_the_countdown_counts_to_the_extension(cycle, submission, other, admin_user):
    until = cycle.submission_deadline + timedelta(days=10)
    extensions.extend_deadline(submission, until, reason=REASON, by=admin_user)
    now = cycle.submission_deadline + timedelta(days=1)
    mine = submissions.deadline_of(fresh(submission), now=now)
    assert (mine.at, mine.passed, mine.extended) == (until, False, True)
    assert mine.days_left == (timezone.localdate(until) - timezone.localdate(now)).days
    theirs = submissions.deadline_of(fresh(other), now=now)
    assert (theirs.at, theirs.passed, theirs.extended) == (cycle.submission_deadline, True, False)


def test_evidence_validity_keeps_the_cycle_deadline_for_every_region(cycle, submission, admin_user):
    until = cycle.submission_deadline + timedelta(days=30)
    extensions.extend_deadline(submission, until, reason=REASON, by=admin_user)
    assert evidence.reference_date(fresh(submission).cycle) == timezone.localdate(
        cycle.submission_deadline
    )


# --- The cycle moving on ------------------------------------------------------------------------


def test_moving_to_review_warns_of_a_running_extension(cycle, submission, other, admin_user):
    deadline_passed(cycle)
    until = timezone.now() + timedelta(days=2)
    extensions.extend_deadline(fresh(submission), until, reason=REASON, by=admin_user)
    warnings = lifecycle.warnings(Cycle.objects.get(pk=cycle.pk), CycleState.REVIEW)
    running = [w for w in warnings if "perpanjangan" in w]
    assert running == [
        f"Kota Jambi (15.71) mendapat perpanjangan batas waktu sampai {wib(until)} dan belum "
        "mengirim; pindah tahap sekarang menguncinya lebih awal."
    ]


def test_a_region_under_a_running_extension_is_named_once(cycle, submission, other, admin_user):
    deadline_passed(cycle)
    extensions.extend_deadline(
        fresh(submission), timezone.now() + timedelta(days=2), reason=REASON, by=admin_user
    )
    warnings = lifecycle.warnings(Cycle.objects.get(pk=cycle.pk), CycleState.REVIEW)
    about_jambi = [w for w in warnings if "(15.71)" in w]
    assert len(about_jambi) == 1 and "perpanjangan" in about_jambi[0]
    # The other draft region has no extension: the never-submitted warning still names it.
    code = other.region.code
    assert [w for w in warnings if f"({code})" in w and "belum pernah mengirim" in w]


def test_no_warning_once_the_extension_passed_or_the_region_submitted(
    cycle, submission, admin_user, operator
):
    deadline_passed(cycle, ago=timedelta(days=2))
    extensions.extend_deadline(
        fresh(submission), timezone.now() + timedelta(days=1), reason=REASON, by=admin_user
    )
    answer_everything(submission, operator)
    submissions.submit(fresh(submission), by=operator)
    cycle = Cycle.objects.get(pk=cycle.pk)
    assert not [w for w in lifecycle.warnings(cycle, CycleState.REVIEW) if "perpanjangan" in w]
    Submission.objects.filter(pk=submission.pk).update(
        state=SubmissionState.DRAFT, deadline_extended_to=timezone.now() - timedelta(hours=1)
    )
    assert not [w for w in lifecycle.warnings(cycle, CycleState.REVIEW) if "perpanjangan" in w]


def test_the_warning_does_not_block_the_move(cycle, submission, admin_user, assessor):
    deadline_passed(cycle)
    extensions.extend_deadline(
        fresh(submission), timezone.now() + timedelta(days=2), reason=REASON, by=admin_user
    )
    Cycle.objects.filter(pk=cycle.pk).update(min_assessors=1)
    for enrolled in Submission.objects.filter(cycle=cycle).select_related("region"):
        assign(cycle, enrolled.region, assessor)
    moved = lifecycle.transition(Cycle.objects.get(pk=cycle.pk), CycleState.REVIEW, by=admin_user)
    assert moved.state == CycleState.REVIEW
    with pytest.raises(Locked):
        locks.ensure_editable(fresh(submission))


# --- Pages ------------------------------------------------------------------------------------


def extension_url(code="15.71"):
    return reverse("evaluations:submission_extension", args=[2022, code])


def test_the_cycle_page_offers_the_extension_for_drafts_and_shows_the_badge(
    client, cycle, submission, admin_user
):
    client.force_login(admin_user)
    page = client.get(reverse("evaluations:cycle_detail", args=[2022])).content.decode()
    assert 'data-testid="extend-15.71"' in page
    assert 'data-testid="extended-15.71"' not in page
    until = cycle.submission_deadline + timedelta(days=4)
    extensions.extend_deadline(submission, until, reason=REASON, by=admin_user)
    page = client.get(reverse("evaluations:cycle_detail", args=[2022])).content.decode()
    assert 'data-testid="extended-15.71"' in page
    assert wib(until, "short") in page


def test_an_admin_extends_through_the_form_in_wib(client, cycle, submission, admin_user):
    client.force_login(admin_user)
    assert client.get(extension_url()).status_code == 200
    local = timezone.localtime(cycle.submission_deadline + timedelta(days=3))
    response = client.post(
        extension_url(), {"until": local.strftime("%Y-%m-%dT%H:%M"), "reason": REASON}
    )
    assert response.status_code == 302
    stored = fresh(submission)
    assert stored.deadline_extended_to == local.replace(second=0, microsecond=0)
    assert stored.extension_reason == REASON


def test_the_form_says_why_an_extension_is_refused(client, cycle, submission, admin_user):
    client.force_login(admin_user)
    local = timezone.localtime(cycle.submission_deadline - timedelta(days=1))
    response = client.post(
        extension_url(), {"until": local.strftime("%Y-%m-%dT%H:%M"), "reason": REASON}
    )
    assert response.status_code == 200
    assert "harus setelah batas waktu siklus" in response.content.decode()
    assert fresh(submission).deadline_extended_to is None


def test_an_admin_cancels_through_the_form(client, cycle, submission, admin_user):
    until = cycle.submission_deadline + timedelta(days=3)
    extensions.extend_deadline(submission, until, reason=REASON, by=admin_user)
    client.force_login(admin_user)
    response = client.post(
        reverse("evaluations:submission_extension_cancel", args=[2022, "15.71"]),
        {"reason": "Tidak jadi"},
    )
    assert response.status_code == 302
    assert fresh(submission).deadline_extended_to is None


def test_operators_and_assessors_may_not_open_the_extension_form(
    client, submission, operator, assessor
):
    for user in (operator, assessor):
        client.force_login(user)
        assert client.get(extension_url()).status_code == 403


def test_the_operator_sees_the_extended_deadline_and_the_reason(
    client, cycle, submission, admin_user, operator
):
    deadline_passed(cycle)
    until = timezone.now() + timedelta(days=2)
    extensions.extend_deadline(fresh(submission), until, reason=REASON, by=admin_user)
    client.force_login(operator)
    page = client.get(reverse("evaluations:submission_form", args=[2022, "15.71"])).content
    page = page.decode()
    assert 'data-testid="deadline-extended"' in page
    assert wib(until) in page
    assert "Banjir melanda kantor Bappeda" in page
    assert 'data-testid="lock-reason"' not in page
    home = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="deadline-extended"' in home
    assert wib(until) in home
