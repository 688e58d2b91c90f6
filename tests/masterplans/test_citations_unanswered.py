"""Citing a masterplan programme for an indicator that is not answered yet: the answers service
creates the empty answer (version 0) under the same locks, and the open page still saves."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from kotacerdas.core.errors import Locked
from kotacerdas.evaluations.models import Answer, CycleState, SubmissionState
from kotacerdas.evaluations.services import answers, submissions
from kotacerdas.masterplans.models import ProgrammeCitation
from kotacerdas.masterplans.services import citations
from kotacerdas.masterplans.services.citations import CitationRefused
from tests.evaluations.cycle_setup import open_cycle, submission_of
from tests.factories import assign

from .builders import make_masterplan, make_programme


@pytest.fixture
def submission(jambi):
    return submission_of(open_cycle(jambi), jambi)


@pytest.fixture
def perda(submission):
    return submission.cycle.instrument.indicators.get(code="GOV.SVC.02")


def test_citing_creates_the_empty_answer_at_version_zero(submission, perda, programmes, operator):
    citation = citations.cite_for_indicator(submission, perda, programmes[0], by=operator)
    answer = Answer.objects.get(submission=submission, indicator=perda)
    assert citation.answer == answer
    assert (answer.version, answer.value, answer.not_applicable, answer.justification) == (
        0,
        None,
        False,
        "",
    )
    assert not answer.is_answered
    assert answer.history.get().history_user == operator
    gov = submissions.progress(submission)[0]
    assert gov.answered == 0
    assert any(line.startswith("GOV.SVC.02") for line in gov.missing)


def test_the_page_loaded_before_the_citation_still_saves(submission, perda, programmes, operator):
    citations.cite_for_indicator(submission, perda, programmes[0], by=operator)
    saved = answers.save_answer(
        submission,
        perda,
        value=Decimal(1),
        justification="Perda No. 1/2019",
        version=0,
        by=operator,
    )
    assert saved.version == 1 and saved.value == 1
    assert list(saved.programme_citations.values_list("programme__code", flat=True)) == ["GOV-01"]


def test_an_existing_answer_is_reused_untouched(submission, perda, programmes, operator):
    answer = answers.save_answer(submission, perda, value=Decimal(1), version=0, by=operator)
    citations.cite_for_indicator(submission, perda, programmes[1], by=operator)
    answer.refresh_from_db()
    assert (answer.version, answer.value) == (1, 1)
    assert Answer.objects.filter(submission=submission).count() == 1


def test_a_refused_citation_leaves_no_empty_answer(
    submission, perda, bandung, operator, other_operator
):
    foreign = make_programme(make_masterplan(bandung), "GOV-01")
    with pytest.raises(CitationRefused):
        citations.cite_for_indicator(submission, perda, foreign, by=operator)
    own = make_programme(make_masterplan(submission.region, 2023, 2027), "GOV-02")
    with pytest.raises(PermissionDenied):
        citations.cite_for_indicator(submission, perda, own, by=other_operator)
    assert not Answer.objects.exists()
    assert not ProgrammeCitation.objects.exists()


def test_locked_like_the_answers(submission, perda, programmes, operator):
    submission.state = SubmissionState.SUBMITTED
    submission.submitted_at = timezone.now()
    submission.save()
    with pytest.raises(Locked):
        citations.cite_for_indicator(submission, perda, programmes[0], by=operator)
    submission.state = SubmissionState.DRAFT
    submission.save()
    submission.cycle.state = CycleState.REVIEW
    submission.cycle.save()
    with pytest.raises(Locked):
        citations.cite_for_indicator(submission, perda, programmes[0], by=operator)
    assert not Answer.objects.exists()


def test_the_form_offers_citing_for_unanswered_indicators_over_htmx(
    client, submission, perda, programmes, operator
):
    client.force_login(operator)
    form = reverse("evaluations:submission_form", args=[2022, "15.71"])
    page = client.get(form).content.decode()
    box = page.split('data-testid="citations-GOV.SVC.02"')[1].split("</div>")[0]
    cite_url = reverse("masterplans:cite_indicator", args=[2022, "15.71", "GOV.SVC.02"])
    assert f'hx-post="{cite_url}"' in box
    assert "GOV-01 Mal Pelayanan Publik" in box
    assert "belum dijawab" in box

    response = client.post(
        cite_url, {"programme": programmes[0].pk}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    answer = Answer.objects.get(submission=submission, indicator=perda)
    assert f'id="programme-citations-{answer.pk}"' in html
    assert reverse("masterplans:uncite", args=[answer.pk]) in html and "Lepas" in html

    # The autosave of the page loaded before (version 0) is accepted.
    response = client.post(
        reverse("evaluations:answer_save", args=[2022, "15.71", "GOV.SVC.02"]),
        {"value": "1", "justification": "", "version": "0"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    answer.refresh_from_db()
    assert (answer.version, answer.value) == (1, 1)


def test_the_assessor_sees_an_unanswered_indicators_box_read_only(
    client, submission, perda, programmes, operator, assessor
):
    cycle = submission.cycle
    citations.cite_for_indicator(submission, perda, programmes[0], by=operator)
    cycle.state = CycleState.REVIEW
    cycle.save()
    assign(cycle, submission.region, assessor)
    client.force_login(assessor)
    page = client.get(reverse("evaluations:assessor_workspace", args=[2022, "15.71"]))
    html = page.content.decode()
    box = html.split('data-testid="citations-GOV.SVC.02"')[1].split("</div>")[0]
    assert "GOV-01 Mal Pelayanan Publik" in box
    assert "Lepas" not in box and "Kutip" not in box
    empty = html.split('data-testid="citations-GOV.SVC.01"')[1].split("</div>")[0]
    assert "Belum ada program yang dikutip." in empty


def test_without_javascript_the_operator_returns_to_the_form(
    client, submission, perda, programmes, operator
):
    client.force_login(operator)
    form = reverse("evaluations:submission_form", args=[2022, "15.71"])
    response = client.post(
        reverse("masterplans:cite_indicator", args=[2022, "15.71", "GOV.SVC.02"]),
        {"programme": programmes[0].pk},
        headers={"Referer": f"http://testserver{form}"},
    )
    assert response.status_code == 302 and response["Location"].endswith(form)
    assert ProgrammeCitation.objects.filter(answer__indicator=perda).count() == 1


def test_an_unknown_indicator_is_a_404(client, submission, operator):
    client.force_login(operator)
    response = client.post(
        reverse("masterplans:cite_indicator", args=[2022, "15.71", "NOPE.01"]), {"programme": 1}
    )
    assert response.status_code == 404
