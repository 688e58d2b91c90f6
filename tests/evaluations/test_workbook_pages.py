"""The offline workbook's pages: the button on the self-assessment page, download, upload with
every problem listed, the preview with its conflicts, apply."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from kotacerdas.accounts.roles import Role
from kotacerdas.evaluations.models import Answer
from kotacerdas.evaluations.services import answers
from tests.conftest import make_user
from tests.evaluations.test_workbook import ANSWER, download, fill, indicator, upload

pytestmark = pytest.mark.django_db


def url(name: str, submission, **extra) -> str:
    kwargs = {"year": submission.cycle.year, "code": submission.region.code, **extra}
    return reverse(f"evaluations:{name}", kwargs=kwargs)


def test_the_self_assessment_page_offers_the_workbook_to_the_regions_operator_only(
    client, submission, operator, assessor
):
    client.force_login(operator)
    page = client.get(url("submission_form", submission)).content.decode()
    assert "Unduh lembar kerja (XLSX)" in page
    assert url("workbook_download", submission) in page
    assert url("workbook_upload", submission) in page
    client.force_login(assessor)
    assert client.get(url("workbook_download", submission)).status_code == 404


def test_download_is_an_xlsx_attachment(client, submission, operator):
    client.force_login(operator)
    response = client.get(url("workbook_download", submission))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        f'filename="penilaian-mandiri-{submission.cycle.year}-15.71.xlsx"'
        in response["Content-Disposition"]
    )
    assert response.content[:2] == b"PK"


def test_a_wrong_workbook_is_listed_problem_by_problem_and_nothing_is_saved(
    client, submission, operator
):
    data = fill(
        download(submission, operator), {"GOV.SVC.01": {ANSWER: 9}, "ENV.WAS.01": {ANSWER: -1}}
    )
    client.force_login(operator)
    response = client.post(url("workbook_upload", submission), {"file": upload(data)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Lembar kerja ditolak; tidak ada yang disimpan. 2 masalah:" in page
    assert "GOV!G2 (Jawaban)" in page and "ENV!G2 (Jawaban)" in page
    assert not Answer.objects.filter(submission=submission).exists()


def test_upload_preview_and_apply_with_a_chosen_conflict(client, submission, operator):
    colleague = make_user("operator.kedua", Role.OPERATOR, region=submission.region)
    data = download(submission, operator)
    answers.save_answer(
        submission, indicator(submission, "GOV.SVC.01"), value=Decimal(2), version=0, by=colleague
    )
    filled = fill(data, {"GOV.SVC.01": {ANSWER: 4}, "ENV.WAS.01": {ANSWER: 55}})
    client.force_login(operator)
    response = client.post(url("workbook_upload", submission), {"file": upload(filled)})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    page = preview.content.decode()
    assert 'data-testid="conflict-GOV.SVC.01"' in page
    assert 'data-testid="change-ENV.WAS.01"' in page
    assert "1 perubahan, 1 konflik, 2 indikator tidak berubah." in page
    assert 'name="take" value="GOV.SVC.01"' in page
    plan = preview.context["plan"].fingerprint
    apply_url = response["Location"] + "terapkan/"
    applied = client.post(apply_url, {"plan": plan, "take": ["GOV.SVC.01"]}, follow=True)
    assert "Lembar kerja diterapkan: 2 jawaban diubah, 0 tautan ditambahkan." in (
        applied.content.decode()
    )
    values = dict(
        Answer.objects.filter(submission=submission).values_list("indicator__code", "value")
    )
    assert values == {"GOV.SVC.01": Decimal(4), "ENV.WAS.01": Decimal(55)}
    # The kept upload is gone once applied.
    again = client.get(response["Location"])
    assert again.status_code == 302 and again["Location"] == url("workbook_upload", submission)


def test_apply_with_an_outdated_preview_goes_back_to_the_new_preview(client, submission, operator):
    filled = fill(download(submission, operator), {"ENV.WAS.01": {ANSWER: 55}})
    client.force_login(operator)
    preview_url = client.post(url("workbook_upload", submission), {"file": upload(filled)})[
        "Location"
    ]
    response = client.post(preview_url + "terapkan/", {"plan": "0" * 24})
    assert response.status_code == 302 and response["Location"] == preview_url
    assert not Answer.objects.filter(submission=submission).exists()
