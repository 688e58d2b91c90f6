"""The audit trail: who changed an answer, its evidence, scores and final value; the cycle's."""

from decimal import Decimal

import pytest
from django.urls import reverse

from kotacerdas.accounts.roles import Role
from kotacerdas.evaluations.models import FinalMethod, FinalValue, Score
from kotacerdas.evaluations.services import answers, cycles, history, submissions
from kotacerdas.evaluations.services import evidence as evidence_service
from kotacerdas.instruments.models import Indicator
from tests import samples
from tests.conftest import make_user
from tests.evaluations.cycle_setup import answer_everything, open_cycle, submission_of
from tests.factories import assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(jambi):
    return open_cycle(jambi)


@pytest.fixture
def submission(cycle, jambi):
    return submission_of(cycle, jambi)


@pytest.fixture
def mpp(cycle):
    return Indicator.objects.get(instrument=cycle.instrument, code="GOV.SVC.01")


@pytest.fixture
def operator(jambi):
    return make_user("op.jambi", Role.OPERATOR, region=jambi, first_name="Rina")


def edit_answer_and_evidence(submission, mpp, operator):
    answers.save_answer(
        submission, mpp, value=Decimal(2), justification="Rintisan", version=0, by=operator
    )
    answers.save_answer(
        submission, mpp, value=Decimal(4), justification="Terintegrasi", version=1, by=operator
    )
    old = evidence_service.add_file(
        submission, mpp, samples.upload("v1.pdf", samples.pdf_bytes()), by=operator
    )
    evidence_service.replace(old, url="https://jambikota.go.id/mpp", by=operator)


def test_the_answer_history_has_who_when_old_and_new(submission, mpp, operator, admin_user):
    edit_answer_and_evidence(submission, mpp, operator)
    entries = history.indicator_history(submission, mpp, user=operator)
    answer_entries = [e for e in entries if e.subject == "Jawaban"]
    assert [e.action for e in answer_entries] == ["diubah", "dibuat"]
    changed, created = answer_entries
    assert changed.who == "Rina"
    assert [(c.label, c.old, c.new) for c in changed.changes] == [
        ("nilai", "2", "4"),
        ("penjelasan", "Rintisan", "Terintegrasi"),
    ]
    assert [(c.label, c.old, c.new) for c in created.changes] == [
        ("nilai", "—", "2"),
        ("penjelasan", "—", "Rintisan"),
    ]


def test_the_evidence_history_keeps_the_replaced_file(submission, mpp, operator):
    edit_answer_and_evidence(submission, mpp, operator)
    entries = history.indicator_history(submission, mpp, user=operator)
    subjects = [(e.subject, e.action) for e in entries if e.subject.startswith("Data dukung")]
    assert ("Data dukung «v1.pdf»", "dibuat") in subjects
    assert ("Data dukung «https://jambikota.go.id/mpp»", "dibuat") in subjects
    replaced = next(
        e for e in entries if e.subject == "Data dukung «v1.pdf»" and e.action == "diubah"
    )
    assert [(c.label, c.old, c.new) for c in replaced.changes] == [("sudah diganti", "tidak", "ya")]
    assert replaced.reason == "Diganti"


def test_admins_also_see_scores_and_the_final_value(
    submission, mpp, operator, admin_user, cycle, jambi
):
    answer_everything(submission, operator)
    assessor = make_user("asesor.satu", Role.ASSESSOR, first_name="Budi")
    (assignment,) = assign(cycle, jambi, assessor)
    score = Score(assignment=assignment, indicator=mpp, value=Decimal(3), note="Cukup")
    score._history_user = assessor
    score.save()
    final = FinalValue(
        submission=submission,
        indicator=mpp,
        value=Decimal(3),
        method=FinalMethod.MODERATED,
        reason="Bukti MPP lengkap",
        decided_by=admin_user,
    )
    final._history_user = admin_user
    final.save()
    admin_subjects = {
        e.subject for e in history.indicator_history(submission, mpp, user=admin_user)
    }
    assert {"Nilai asesor Budi", "Nilai akhir", "Jawaban"} <= admin_subjects
    operator_subjects = {
        e.subject for e in history.indicator_history(submission, mpp, user=operator)
    }
    assert "Nilai asesor Budi" not in operator_subjects
    assert "Nilai akhir" not in operator_subjects
    final_entry = next(
        e
        for e in history.indicator_history(submission, mpp, user=admin_user)
        if e.subject == "Nilai akhir"
    )
    assert ("cara", "—", "Diputuskan moderator") in [
        (c.label, c.old, c.new) for c in final_entry.changes
    ]
    assert final_entry.who == admin_user.display_name


def test_the_submission_history_records_submit_and_return_with_reason(
    submission, operator, admin_user
):
    answer_everything(submission, operator)
    submissions.submit(submission, by=operator)
    submissions.return_submission(submission, reason="SK kurang", by=admin_user)
    entries = history.submission_history(submission)
    returned, submitted = entries[0], entries[1]
    assert returned.reason == "SK kurang"
    assert ("status", "Dikirim", "Dikembalikan") in [
        (c.label, c.old, c.new) for c in returned.changes
    ]
    assert submitted.who == "Rina"


def test_the_cycle_history_names_settings_changes(cycle, admin_user):
    cycles.update_settings(cycle, {"min_assessors": 3}, by=admin_user)
    (latest, *_rest) = history.cycle_history(cycle)
    assert [(c.label, c.old, c.new) for c in latest.changes] == [
        ("asesor minimal per daerah", "2", "3")
    ]


# --- Over HTTP ------------------------------------------------------------------------------------


def history_url(code="GOV.SVC.01"):
    return reverse("evaluations:indicator_history", args=[2022, "15.71", code])


def test_the_operator_reads_the_history_of_its_own_answers(client, submission, mpp, operator):
    edit_answer_and_evidence(submission, mpp, operator)
    client.force_login(operator)
    page = client.get(history_url()).content.decode()
    assert "Riwayat GOV.SVC.01" in page
    assert "Terintegrasi" in page and "Rintisan" in page
    assert "v1.pdf" in page
    assert f"<p>{mpp.question}</p>" in page


def test_the_history_names_the_question_in_the_readers_language(
    client, submission, mpp, operator, settings
):
    client.force_login(operator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(history_url()).content.decode()
    assert f"<p>{mpp.question_en}</p>" in page and mpp.question not in page


@pytest.mark.parametrize(("role", "status"), [("assessor", 403), ("operator_other", 404)])
def test_others_cannot_read_the_history(client, submission, bandung, role, status, cycle, jambi):
    users = {
        "assessor": make_user("asesor.x", Role.ASSESSOR),
        "operator_other": make_user("op.bandung", Role.OPERATOR, region=bandung),
    }
    assign(cycle, jambi, users["assessor"])
    client.force_login(users[role])
    assert client.get(history_url()).status_code == status
