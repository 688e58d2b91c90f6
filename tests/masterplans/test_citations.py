"""Programmes cited as evidence for an answer: the operator cites while the self-assessment is
editable; assessors assigned to the region see the citations."""

import pytest
from django.core.exceptions import PermissionDenied
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from kotacerdas.core.errors import Locked
from kotacerdas.evaluations.models import Answer, CycleState, SubmissionState
from kotacerdas.masterplans.models import ProgrammeCitation
from kotacerdas.masterplans.services import citations
from kotacerdas.masterplans.services.citations import CitationRefused
from tests.factories import assign, enrol, make_cycle

from .builders import make_masterplan, make_programme


@pytest.fixture
def answer(jambi):
    cycle = make_cycle(2022, state=CycleState.OPEN)
    submission = enrol(cycle, jambi)[0]
    indicator = cycle.instrument.indicators.get(code="GOV.SVC.01")
    return Answer.objects.create(submission=submission, indicator=indicator)


def test_operator_cites_and_uncites_with_history(answer, programmes, operator):
    mpp = programmes[0]
    citations.cite(answer, mpp, by=operator)
    assert list(citations.cited(answer).values_list("programme__code", flat=True)) == ["GOV-01"]
    assert mpp not in citations.citable(answer)
    with pytest.raises(CitationRefused):
        citations.cite(answer, mpp, by=operator)
    citations.uncite(answer, mpp, by=operator)
    assert not ProgrammeCitation.objects.exists()
    assert [h.history_type for h in ProgrammeCitation.history.order_by("history_date")] == [
        "+",
        "-",
    ]
    assert ProgrammeCitation.history.first().history_user == operator


def test_only_own_region_programmes_and_only_the_operator(
    answer, bandung, operator, other_operator, admin_user
):
    foreign = make_programme(make_masterplan(bandung), "GOV-01")
    with pytest.raises(CitationRefused):
        citations.cite(answer, foreign, by=operator)
    own = make_programme(make_masterplan(answer.submission.region, 2023, 2027), "GOV-02")
    for user in (other_operator, admin_user):
        with pytest.raises(PermissionDenied):
            citations.cite(answer, own, by=user)


@pytest.mark.parametrize(
    ("cycle_state", "submission_state"),
    [
        (CycleState.OPEN, SubmissionState.SUBMITTED),
        (CycleState.REVIEW, SubmissionState.DRAFT),
        (CycleState.PUBLISHED, SubmissionState.RETURNED),
    ],
)
def test_locked_like_the_answers(answer, programmes, operator, cycle_state, submission_state):
    submission = answer.submission
    submission.cycle.state = cycle_state
    submission.cycle.save()
    submission.state = submission_state
    submission.submitted_at = timezone.now()
    submission.save()
    with pytest.raises(Locked):
        citations.cite(answer, programmes[0], by=operator)
    assert not citations.can_edit(answer, operator)


def test_partial_for_operator_and_assigned_assessor(client, answer, programmes, operator, assessor):
    url = reverse("masterplans:citations", args=[answer.pk])
    client.force_login(operator)
    response = client.post(
        reverse("masterplans:cite", args=[answer.pk]),
        {"programme": programmes[1].pk},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert "BRA-01 Wisata Danau Sipin" in page and "Lepas" in page
    assert client.get(url).status_code == 200
    client.force_login(assessor)
    assert client.get(url).status_code == 404  # not assigned: may not know the answer
    assign(answer.submission.cycle, answer.submission.region, assessor)
    page = client.get(url).content.decode()
    assert "Wisata Danau Sipin" in page
    assert "Lepas" not in page and "Kutip" not in page
    response = client.post(
        reverse("masterplans:uncite", args=[answer.pk]), {"programme": programmes[1].pk}
    )
    assert response.status_code == 403


def test_template_tag_renders_the_box(answer, programmes, operator):
    request = RequestFactory().get("/")
    request.user = operator
    html = Template("{% load masterplans %}{% programme_citations answer %}").render(
        Context({"answer": answer, "request": request})
    )
    assert f'id="programme-citations-{answer.pk}"' in html
    assert "GOV-01 Mal Pelayanan Publik" in html  # offered for citing
    assert "ENV-01" in html  # unpublished programmes of the own region may be cited too


def test_box_is_on_the_self_assessment_and_the_assessor_workspace(
    client, answer, programmes, operator, assessor
):
    citations.cite(answer, programmes[0], by=operator)
    cycle, region = answer.submission.cycle, answer.submission.region
    box = f'id="programme-citations-{answer.pk}"'
    client.force_login(operator)
    page = client.get(
        reverse("evaluations:submission_form", args=[cycle.year, region.code])
    ).content.decode()
    assert box in page and "GOV-01 Mal Pelayanan Publik" in page and "Lepas" in page
    assign(cycle, region, assessor)
    client.force_login(assessor)
    response = client.get(reverse("evaluations:assessor_workspace", args=[cycle.year, region.code]))
    page = response.content.decode()
    assert box in page and "GOV-01 Mal Pelayanan Publik" in page and "Lepas" not in page


def test_without_javascript_the_operator_returns_to_the_page(client, answer, programmes, operator):
    client.force_login(operator)
    page = reverse("evaluations:submission_form", args=[answer.submission.cycle.year, "15.71"])
    response = client.post(
        reverse("masterplans:cite", args=[answer.pk]),
        {"programme": programmes[0].pk},
        headers={"Referer": f"http://testserver{page}"},
    )
    assert response.status_code == 302 and response["Location"].endswith(page)
    assert ProgrammeCitation.objects.filter(answer=answer).count() == 1
    response = client.post(
        reverse("masterplans:cite", args=[answer.pk]),
        {"programme": programmes[0].pk},
        headers={"Referer": "https://elsewhere.example/"},
    )
    assert response.status_code == 200  # a foreign referer is never followed
    assert "sudah dikutip" in response.content.decode()
