"""Submitting a self-assessment (completeness listed exactly) and returning it with a reason."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kotacerdas.core.errors import Locked, ServiceError
from kotacerdas.evaluations.models import (
    Answer,
    Cycle,
    CycleState,
    Evidence,
    Submission,
    SubmissionState,
)
from kotacerdas.evaluations.services import submissions
from kotacerdas.evaluations.services.submissions import Incomplete
from kotacerdas.instruments.models import Indicator
from tests.evaluations.cycle_setup import answer_everything, submission_of

pytestmark = pytest.mark.django_db


def test_submit_lists_every_missing_answer_and_required_evidence(submission, operator):
    with pytest.raises(Incomplete) as info:
        submissions.submit(submission, by=operator)
    assert info.value.message == "Penilaian mandiri belum dapat dikirim; 5 hal belum lengkap."
    assert info.value.details == [
        "GOV.SVC.01 «Sejauh mana Mal Pelayanan Publik melayani warga?»: belum dijawab.",
        "GOV.SVC.01 «Sejauh mana Mal Pelayanan Publik melayani warga?»: data dukung wajib belum diunggah.",
        "GOV.SVC.02 «Apakah ada Perda penyelenggaraan smart city?»: belum dijawab.",
        "ENV.WAS.01 «Persentase sampah yang terkelola»: belum dijawab.",
        "ENV.WAS.02 «Sampah yang dibuang ke TPA per hari»: belum dijawab.",
    ]
    submission.refresh_from_db()
    assert submission.state == SubmissionState.DRAFT
    assert submission.submitted_at is None


def test_replaced_evidence_does_not_count_but_its_replacement_does(submission, operator):
    answer_everything(submission, operator)
    Evidence.objects.update(superseded=True)
    assert submissions.missing_items(submission) == [
        "GOV.SVC.01 «Sejauh mana Mal Pelayanan Publik melayani warga?»: data dukung wajib belum diunggah."
    ]


def test_each_gap_names_its_indicator(submission):
    codes = dict(submission.cycle.instrument.indicators.values_list("pk", "code"))
    gaps = [gap for row in submissions.progress(submission) for gap in row.gaps]
    assert [codes[gap.indicator_id] for gap in gaps] == [
        "GOV.SVC.01",
        "GOV.SVC.01",
        "GOV.SVC.02",
        "ENV.WAS.01",
        "ENV.WAS.02",
    ]
    assert [gap.text for gap in gaps] == submissions.missing_items(submission)


def test_progress_per_dimension(submission, operator):
    answer_everything(submission, operator)
    Answer.objects.filter(indicator__code="ENV.WAS.02").delete()
    rows = {row.dimension.code: row for row in submissions.progress(submission)}
    assert (rows["GOV"].answered, rows["GOV"].total) == (2, 2)
    assert (rows["GOV"].evidence_present, rows["GOV"].evidence_needed) == (1, 1)
    assert rows["GOV"].complete
    assert (rows["ENV"].answered, rows["ENV"].total, rows["ENV"].percent) == (1, 2, 50)
    assert not rows["ENV"].complete


def test_progress_reads_the_whole_instrument_in_four_queries(
    submission, operator, django_assert_num_queries
):
    """The autosave recounts every dimension after each answer, so the count of queries must
    not grow with the instrument."""
    answer_everything(submission, operator)
    Answer.objects.filter(indicator__code="ENV.WAS.02").delete()
    Answer.objects.filter(indicator__code="GOV.SVC.02").update(not_applicable=True, value=None)
    submission = Submission.objects.select_related("cycle").get(pk=submission.pk)
    with django_assert_num_queries(4):
        rows = submissions.progress(submission)
    gaps = [gap for row in rows for gap in row.gaps]
    assert [gap.indicator_id for gap in gaps] == [Indicator.objects.get(code="ENV.WAS.02").pk]
    assert gaps[0].text.startswith("ENV.WAS.02 «") and gaps[0].text.endswith("belum dijawab.")


def test_gaps_name_the_question_in_the_readers_language(submission):
    from django.utils import translation

    with translation.override("en"):
        gaps = [gap.text for row in submissions.progress(submission) for gap in row.gaps]
    assert gaps[0] == (
        "GOV.SVC.01 “How far does the public service mall serve citizens?”: not answered yet."
    )
    gaps = [gap.text for row in submissions.progress(submission) for gap in row.gaps]
    assert gaps[0].startswith("GOV.SVC.01 «Sejauh mana Mal Pelayanan Publik")


def test_a_complete_submission_is_sent_and_then_read_only(submission, operator):
    answer_everything(submission, operator)
    sent = submissions.submit(submission, by=operator)
    assert sent.state == SubmissionState.SUBMITTED
    assert sent.submitted_by == operator and sent.submitted_at is not None
    with pytest.raises(Locked, match="sudah dikirim"):
        submissions.submit(sent, by=operator)


def test_only_the_regions_operator_submits(submission, admin_user, assessor):
    for user in (admin_user, assessor):
        with pytest.raises(PermissionDenied):
            submissions.submit(submission, by=user)


def test_an_admin_returns_a_submission_with_a_reason(submission, operator, admin_user):
    answer_everything(submission, operator)
    submissions.submit(submission, by=operator)
    with pytest.raises(ServiceError, match="Alasan pengembalian wajib diisi"):
        submissions.return_submission(submission, reason="  ", by=admin_user)
    with pytest.raises(PermissionDenied):
        submissions.return_submission(submission, reason="x", by=operator)
    returned = submissions.return_submission(
        submission, reason="Lampirkan SK Tim Pelaksana", by=admin_user
    )
    assert returned.state == SubmissionState.RETURNED
    assert returned.return_reason == "Lampirkan SK Tim Pelaksana"
    assert returned.returned_by == admin_user
    # The region may now edit and submit again.
    again = submissions.submit(returned, by=operator)
    assert again.state == SubmissionState.SUBMITTED


def test_only_a_submitted_self_assessment_in_open_or_review_can_be_returned(
    submission, admin_user, cycle
):
    with pytest.raises(Locked, match="Hanya penilaian mandiri yang sudah dikirim"):
        submissions.return_submission(submission, reason="x", by=admin_user)
    submission.state = SubmissionState.SUBMITTED
    submission.save()
    Cycle.objects.filter(pk=cycle.pk).update(state=CycleState.MODERATION)
    submission = submission_of(cycle, submission.region)
    with pytest.raises(Locked, match="tahap Moderasi"):
        submissions.return_submission(submission, reason="x", by=admin_user)


def test_visible_to_follows_the_view_rule(cycle, jambi, bandung, admin_user, operator, assessor):
    from tests.factories import assign

    assign(cycle, bandung, assessor)
    codes = lambda user: sorted(s.region.code for s in submissions.visible_to(user))  # noqa: E731
    assert codes(admin_user) == ["15.71", "32.73"]
    assert codes(operator) == ["15.71"]
    assert codes(assessor) == ["32.73"]


# --- Over HTTP ------------------------------------------------------------------------------------


def test_submit_over_http_lists_what_is_missing(client, operator, submission):
    client.force_login(operator)
    response = client.post(reverse("evaluations:submission_submit", args=[2022, "15.71"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="submit-missing"' in page
    assert "ENV.WAS.02 «Sampah yang dibuang ke TPA per hari»: belum dijawab." in page
    submission.refresh_from_db()
    assert submission.state == SubmissionState.DRAFT


def test_submit_over_http_then_the_form_is_read_only(client, operator, submission):
    answer_everything(submission, operator)
    client.force_login(operator)
    response = client.post(
        reverse("evaluations:submission_submit", args=[2022, "15.71"]), follow=True
    )
    page = response.content.decode()
    assert "Penilaian mandiri Kota Jambi terkirim." in page
    assert 'data-testid="lock-reason"' in page
    assert "hx-post" not in page
    assert "<fieldset disabled>" in page


def test_the_operator_sees_the_return_reason_and_can_edit_again(
    client, operator, admin_user, submission
):
    answer_everything(submission, operator)
    submissions.submit(submission, by=operator)
    client.force_login(admin_user)
    client.post(
        reverse("evaluations:submission_return", args=[2022, "15.71"]),
        {"reason": "Dokumen Perda tidak terbaca"},
    )
    client.force_login(operator)
    page = client.get(reverse("evaluations:submission_form", args=[2022, "15.71"])).content.decode()
    assert "Dokumen Perda tidak terbaca" in page
    assert 'data-testid="return-reason"' in page
    assert "hx-post" in page


def test_the_operators_list_shows_its_submissions(client, operator, submission):
    client.force_login(operator)
    page = client.get(reverse("evaluations:submission_list")).content.decode()
    assert "Kota Jambi" in page
    assert "0/4" in page
    assert "Kota Bandung" not in page
    # Something left to answer in an editable self-assessment: a link to just that.
    form = reverse("evaluations:submission_form", args=[2022, "15.71"])
    link = f'<a href="{form}?tampil=belum" data-testid="unanswered-{submission.pk}">'
    assert f"{link}isi yang belum</a>" in page
    answer_everything(submission, operator)
    page = client.get(reverse("evaluations:submission_list")).content.decode()
    assert "4/4" in page
    assert f'data-testid="unanswered-{submission.pk}"' not in page


# --- Only what is still missing -------------------------------------------------------------------


def form_page(client, user, query: str = "") -> str:
    client.force_login(user)
    url = reverse("evaluations:submission_form", args=[2022, "15.71"])
    return client.get(url + query).content.decode()


def test_the_form_offers_to_show_only_the_indicators_with_a_gap(client, operator, submission):
    answer_everything(submission, operator)
    Answer.objects.filter(indicator__code__in=["ENV.WAS.02", "GOV.SVC.02"]).delete()
    page = form_page(client, operator)
    link = page.split('data-testid="show-gaps"')[1].split("</a>")[0]
    assert "Tampilkan hanya yang belum lengkap (2 indikator)" in link
    assert 'data-testid="indicator-GOV.SVC.01"' in page

    page = form_page(client, operator, "?tampil=belum")
    shown = [code for code in CODES if f'data-testid="indicator-{code}"' in page]
    assert shown == ["GOV.SVC.02", "ENV.WAS.02"]
    assert "Hanya 2 indikator yang belum lengkap ditampilkan." in page
    assert 'data-testid="show-gaps"' not in page
    # Progress still counts the whole instrument.
    assert 'data-testid="progress-GOV">1/2' in page


def test_a_dimension_not_on_the_page_is_linked_by_its_own_page(client, operator, submission):
    answer_everything(submission, operator)
    Answer.objects.filter(indicator__code="ENV.WAS.02").delete()
    dimensions = dict(submission.cycle.instrument.dimensions.values_list("code", "pk"))
    form = reverse("evaluations:submission_form", args=[2022, "15.71"])
    page = form_page(client, operator, "?tampil=belum")
    assert f'href="{form}?dimensi=GOV"' in page  # complete: not on this page
    assert f'href="#dim-{dimensions["ENV"]}"' in page  # its gap is shown here
    assert f'id="dim-{dimensions["GOV"]}"' not in page


def test_one_dimension_at_a_time(client, operator, submission):
    page = form_page(client, operator, "?dimensi=ENV")
    shown = [code for code in CODES if f'data-testid="indicator-{code}"' in page]
    assert shown == ["ENV.WAS.01", "ENV.WAS.02"]
    form = reverse("evaluations:submission_form", args=[2022, "15.71"])
    assert f'<a href="{form}?dimensi=ENV" aria-current="page">ENV</a>' in page
    # Every gap is still listed; one of another dimension links to its dimension's page.
    gaps = page.split('data-testid="gaps"')[1].split("</details>")[0]
    assert "Masih 5 hal belum lengkap." in gaps
    pks = dict(submission.cycle.instrument.indicators.values_list("code", "pk"))
    assert f'href="{form}?dimensi=GOV#ind-{pks["GOV.SVC.02"]}"' in gaps
    assert f'href="#ind-{pks["ENV.WAS.02"]}"' in gaps
    # The gap filter counts within the dimension and keeps it.
    link = f'<a href="{form}?dimensi=ENV&amp;tampil=belum" data-testid="show-gaps">'
    assert f"{link}Tampilkan hanya yang belum lengkap (2 indikator)</a>" in page


def test_the_two_filters_combine(client, operator, submission):
    answer_everything(submission, operator)
    Answer.objects.filter(indicator__code__in=["ENV.WAS.02", "GOV.SVC.02"]).delete()
    page = form_page(client, operator, "?dimensi=ENV&tampil=belum")
    assert [code for code in CODES if f'data-testid="indicator-{code}"' in page] == ["ENV.WAS.02"]
    assert "Hanya 1 indikator yang belum lengkap ditampilkan." in page
    indicator = submission.cycle.instrument.indicators.get(code="ENV.WAS.02")
    Answer.objects.create(submission=submission, indicator=indicator, value=5)
    page = form_page(client, operator, "?dimensi=ENV&tampil=belum")
    assert "Dimensi ini sudah lengkap." in page


def test_an_unknown_dimension_shows_every_indicator(client, operator, submission):
    page = form_page(client, operator, "?dimensi=XYZ")
    assert [code for code in CODES if f'data-testid="indicator-{code}"' in page] == list(CODES)


def test_a_complete_self_assessment_filtered_says_so(client, operator, submission):
    answer_everything(submission, operator)
    assert 'data-testid="show-gaps"' not in form_page(client, operator)
    page = form_page(client, operator, "?tampil=belum")
    assert "Semua indikator sudah lengkap." in page
    assert not [code for code in CODES if f'data-testid="indicator-{code}"' in page]


def test_every_gap_links_to_its_indicator(client, operator, submission):
    pk = submission.cycle.instrument.indicators.get(code="ENV.WAS.02").pk
    item = (
        f'<a href="#ind-{pk}">ENV.WAS.02 «Sampah yang dibuang ke TPA per hari»: belum dijawab.</a>'
    )
    page = form_page(client, operator)
    assert item in page.split('data-testid="gaps"')[1].split("</details>")[0]
    assert "Masih 5 hal belum lengkap." in page
    response = client.post(reverse("evaluations:submission_submit", args=[2022, "15.71"]))
    assert item in response.content.decode().split('data-testid="submit-missing"')[1]


CODES = ("GOV.SVC.01", "GOV.SVC.02", "ENV.WAS.01", "ENV.WAS.02")
