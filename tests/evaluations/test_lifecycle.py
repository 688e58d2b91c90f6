"""The cycle's state machine: who moves it, each precondition named, what entering a state does."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from kotacerdas.accounts.roles import Role
from kotacerdas.evaluations.models import (
    Cycle,
    CycleState,
    Feedback,
    FinalValue,
    Score,
    SubmissionState,
)
from kotacerdas.evaluations.services import lifecycle
from kotacerdas.evaluations.services.lifecycle import TransitionRefused
from kotacerdas.instruments.models import AspectWeight, Element, Indicator, LevelDescriptor
from kotacerdas.results.services.compute import compute_results
from tests.conftest import make_user
from tests.evaluations.cycle_setup import answer_everything, open_cycle, submission_of
from tests.factories import assign, enrol, make_cycle

pytestmark = pytest.mark.django_db


def refused(cycle, to_state, by):
    with pytest.raises(TransitionRefused) as info:
        lifecycle.transition(cycle, to_state, by=by)
    return info.value


def test_opening_an_empty_draft_names_every_missing_precondition(admin_user):
    cycle = make_cycle(2022)
    problems = lifecycle.check(cycle, CycleState.OPEN)
    assert problems == [
        "Belum ada daerah yang didaftarkan pada siklus ini.",
        "Batas waktu penilaian mandiri belum diisi (Pengaturan siklus).",
    ]
    error = refused(cycle, CycleState.OPEN, admin_user)
    assert error.details == problems
    assert "belum dapat pindah ke tahap Penilaian mandiri" in error.message
    cycle.refresh_from_db()
    assert cycle.state == CycleState.DRAFT
    assert not cycle.instrument.is_frozen


def test_opening_names_instrument_problems_by_code(admin_user, jambi):
    cycle = make_cycle(2022)
    enrol(cycle, jambi)
    cycle.submission_deadline = timezone.now() + timedelta(days=30)
    cycle.save()
    instrument = cycle.instrument
    LevelDescriptor.objects.filter(indicator__code="GOV.SVC.01", level__in=[4, 5]).delete()
    AspectWeight.objects.filter(instrument=instrument, aspect="impact").delete()
    dimension = instrument.dimensions.get(code="GOV")
    Element.objects.create(dimension=dimension, code="GOV.POL", name="Kebijakan Publik", order=3)
    assert lifecycle.check(cycle, CycleState.OPEN) == [
        "Elemen GOV.POL belum memiliki indikator.",
        "Indikator GOV.SVC.01 belum memiliki deskripsi tingkat 4, 5.",
        "Aspek impact belum berbobot, padahal dipakai oleh ENV.WAS.01.",
    ]


def test_an_instrument_without_indicators_cannot_open(admin_user, jambi):
    cycle = make_cycle(2022)
    enrol(cycle, jambi)
    Indicator.objects.filter(instrument=cycle.instrument).delete()
    problems = lifecycle.check(cycle, CycleState.OPEN)
    assert "Instrumen «Instrumen uji test-2022» belum memiliki indikator." in problems


def test_a_deadline_in_the_past_keeps_the_cycle_closed(jambi):
    cycle = make_cycle(2022)
    enrol(cycle, jambi)
    cycle.submission_deadline = timezone.now() - timedelta(hours=1)
    cycle.save()
    assert lifecycle.check(cycle, CycleState.OPEN) == [
        "Batas waktu penilaian mandiri sudah lewat; atur batas yang baru."
    ]


def test_opening_freezes_the_instrument_and_records_who(admin_user, jambi):
    cycle = make_cycle(2022)
    enrol(cycle, jambi)
    cycle.submission_deadline = timezone.now() + timedelta(days=30)
    cycle.save()
    lifecycle.transition(cycle, CycleState.OPEN, by=admin_user)
    cycle.refresh_from_db()
    assert cycle.state == CycleState.OPEN
    assert cycle.instrument.is_frozen
    record = cycle.history.latest()
    assert record.history_user == admin_user
    assert record.state == CycleState.OPEN
    assert record.history_change_reason == "Draf → Penilaian mandiri"


def test_only_an_admin_moves_a_cycle(assessor, operator, jambi):
    cycle = make_cycle(2022)
    enrol(cycle, jambi)
    cycle.submission_deadline = timezone.now() + timedelta(days=30)
    cycle.save()
    for user in (assessor, operator):
        with pytest.raises(PermissionDenied):
            lifecycle.transition(cycle, CycleState.OPEN, by=user)
    cycle.refresh_from_db()
    assert cycle.state == CycleState.DRAFT


def test_states_cannot_be_skipped(admin_user, jambi):
    cycle = open_cycle(jambi)
    error = refused(cycle, CycleState.PUBLISHED, admin_user)
    assert error.details == [
        "Siklus pada tahap Penilaian mandiri tidak dapat pindah ke tahap Dipublikasikan."
    ]


def test_review_names_the_regions_short_of_assessors(admin_user, jambi, bandung):
    cycle = open_cycle(jambi, bandung)
    first = make_user("asesor.satu", Role.ASSESSOR)
    second = make_user("asesor.dua", Role.ASSESSOR)
    assign(cycle, bandung, first)
    assert lifecycle.check(cycle, CycleState.REVIEW) == [
        "Kota Jambi (15.71): 0 dari 2 asesor.",
        "Kota Bandung (32.73): 1 dari 2 asesor.",
    ]
    assign(cycle, jambi, first, second)
    assign(cycle, bandung, second)
    lifecycle.transition(cycle, CycleState.REVIEW, by=admin_user)
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.REVIEW


def test_min_assessors_is_a_cycle_setting(admin_user, jambi):
    cycle = open_cycle(jambi)
    cycle.min_assessors = 3
    cycle.save()
    assign(cycle, jambi, *(make_user(f"a{n}", Role.ASSESSOR) for n in range(2)))
    assert lifecycle.check(cycle, CycleState.REVIEW) == ["Kota Jambi (15.71): 2 dari 3 asesor."]


def _reviewed_cycle(jambi, operator, levels: tuple[int, int]):
    """A cycle in review where Kota Jambi submitted and two assessors scored every indicator;
    GOV.SVC.01 gets the two given levels, everything else agrees."""
    cycle = open_cycle(jambi)
    submission = submission_of(cycle, jambi)
    answer_everything(submission, operator)
    submission.state = SubmissionState.SUBMITTED
    submission.save()
    assessors = [make_user(f"asesor{n}", Role.ASSESSOR) for n in (1, 2)]
    assignments = assign(cycle, jambi, *assessors)
    for assignment, level in zip(assignments, levels, strict=True):
        for indicator in cycle.instrument.indicators.all():
            value = Decimal(level) if indicator.code == "GOV.SVC.01" else Decimal(1)
            Score.objects.create(assignment=assignment, indicator=indicator, value=value)
    Cycle.objects.filter(pk=cycle.pk).update(state=CycleState.REVIEW)
    return Cycle.objects.get(pk=cycle.pk)


def test_moderation_prepares_final_values_and_final_waits_for_disagreements(
    admin_user, jambi, operator, django_capture_on_commit_callbacks
):
    cycle = _reviewed_cycle(jambi, operator, levels=(1, 4))
    # The preparation is a background task, enqueued once the move commits (run here at once).
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.transition(cycle, CycleState.MODERATION, by=admin_user)
    finals = FinalValue.objects.filter(submission__cycle=cycle)
    assert sorted(finals.values_list("indicator__code", flat=True)) == [
        "ENV.WAS.01",
        "ENV.WAS.02",
        "GOV.SVC.02",
    ]
    problems = lifecycle.check(Cycle.objects.get(pk=cycle.pk), CycleState.FINAL)
    assert "Kota Jambi (15.71) · GOV.SVC.01: Penilaian asesor berbeda (1; 4)" in problems
    error = refused(cycle, CycleState.FINAL, admin_user)
    assert error.details == problems
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.MODERATION


def test_a_cycle_without_disagreement_goes_to_final_and_is_published(
    admin_user, jambi, operator, django_capture_on_commit_callbacks, mailoutbox
):
    operator.email = "operator@jambi.go.id"
    operator.save()
    cycle = _reviewed_cycle(jambi, operator, levels=(3, 3))
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.transition(cycle, CycleState.MODERATION, by=admin_user)
    Feedback.objects.create(
        submission=submission_of(cycle, jambi),
        weaknesses="Integrasi data belum berjalan",
        strengths="MPP melayani 200 jenis layanan",
        recommendations="Bangun satu data",
        settled_by=admin_user,
    )
    lifecycle.transition(cycle, CycleState.FINAL, by=admin_user)
    # Publication also needs the results computed (the results app's precondition).
    assert lifecycle.check(cycle, CycleState.PUBLISHED)
    compute_results(cycle, by=admin_user, samples=20)
    with django_capture_on_commit_callbacks(execute=True):
        published = lifecycle.transition(cycle, CycleState.PUBLISHED, by=admin_user)
    assert published.state == CycleState.PUBLISHED
    assert published.published_at is not None
    assert [message.to for message in mailoutbox] == [["operator@jambi.go.id"]]


def test_moderation_waits_for_returned_submissions(admin_user, jambi, bandung):
    cycle = open_cycle(jambi, bandung)
    submission = submission_of(cycle, bandung)
    submission.state = SubmissionState.RETURNED
    submission.save()
    Cycle.objects.filter(pk=cycle.pk).update(state=CycleState.REVIEW)
    cycle.refresh_from_db()
    assert lifecycle.check(cycle, CycleState.MODERATION) == [
        "Kota Bandung (32.73): penilaian mandiri masih dikembalikan untuk diperbaiki."
    ]


def test_final_can_step_back_to_moderation_only_with_a_reason(admin_user, jambi):
    cycle = make_cycle(2022, state=CycleState.FINAL)
    error = refused(cycle, CycleState.MODERATION, admin_user)
    assert error.details == ["Alasan wajib diisi untuk kembali ke tahap sebelumnya."]
    lifecycle.transition(
        cycle, CycleState.MODERATION, by=admin_user, reason="Nilai GOV.SVC.01 perlu ditinjau"
    )
    cycle.refresh_from_db()
    assert cycle.state == CycleState.MODERATION
    assert cycle.history.latest().history_change_reason == "Nilai GOV.SVC.01 perlu ditinjau"


@pytest.mark.parametrize(
    "target", [CycleState.FINAL, CycleState.MODERATION, CycleState.OPEN, CycleState.DRAFT]
)
def test_nothing_leaves_published_except_archived(admin_user, target):
    cycle = make_cycle(2022, state=CycleState.PUBLISHED)
    with pytest.raises(TransitionRefused):
        lifecycle.transition(cycle, target, by=admin_user, reason="coba")
    lifecycle.transition(cycle, CycleState.ARCHIVED, by=admin_user)
    assert Cycle.objects.get(pk=cycle.pk).state == CycleState.ARCHIVED
    assert lifecycle.targets(Cycle.objects.get(pk=cycle.pk)) == []


def test_other_apps_can_add_a_precondition(admin_user, monkeypatch):
    cycle = make_cycle(2022, state=CycleState.FINAL)
    checks = {**lifecycle.CHECKS, CycleState.PUBLISHED: [lambda c: ["Hasil belum dihitung."]]}
    monkeypatch.setattr(lifecycle, "CHECKS", checks)
    assert refused(cycle, CycleState.PUBLISHED, admin_user).details == ["Hasil belum dihitung."]


# --- Over HTTP ------------------------------------------------------------------------------------


def test_the_dashboard_shows_each_move_with_what_is_missing(client, admin_user, jambi):
    cycle = make_cycle(2022)
    enrol(cycle, jambi)
    client.force_login(admin_user)
    page = client.get(reverse("evaluations:cycle_detail", args=[2022])).content.decode()
    assert 'data-testid="transition-open"' in page
    assert "Batas waktu penilaian mandiri belum diisi" in page
    assert "Kota Jambi" in page
    assert "Keluarkan" in page


def test_a_refused_move_over_http_lists_the_reasons(client, admin_user, jambi):
    cycle = make_cycle(2022)
    client.force_login(admin_user)
    response = client.post(
        reverse("evaluations:cycle_transition", args=[2022]), {"to_state": "open"}, follow=True
    )
    page = response.content.decode()
    assert "belum dapat pindah ke tahap Penilaian mandiri" in page
    assert "Belum ada daerah yang didaftarkan" in page
    cycle.refresh_from_db()
    assert cycle.state == CycleState.DRAFT


def test_an_admin_opens_a_cycle_over_http(client, admin_user, jambi):
    cycle = make_cycle(2022)
    enrol(cycle, jambi)
    cycle.submission_deadline = timezone.now() + timedelta(days=3)
    cycle.save()
    client.force_login(admin_user)
    response = client.post(
        reverse("evaluations:cycle_transition", args=[2022]), {"to_state": "open"}, follow=True
    )
    assert "sekarang pada tahap Penilaian mandiri" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.state == CycleState.OPEN


def test_the_cycle_history_shows_state_changes(client, admin_user, jambi):
    cycle = make_cycle(2022)
    enrol(cycle, jambi)
    cycle.submission_deadline = timezone.now() + timedelta(days=3)
    cycle.save()
    lifecycle.transition(cycle, CycleState.OPEN, by=admin_user)
    client.force_login(admin_user)
    page = client.get(reverse("evaluations:cycle_history", args=[2022])).content.decode()
    assert "Draf → Penilaian mandiri" in page
    assert admin_user.display_name in page
    assert "Penilaian mandiri" in page
