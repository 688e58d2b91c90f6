"""An assessor's scores: validation by type, optimistic locking, locks by cycle state."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from kotacerdas.accounts.roles import Role
from kotacerdas.core.errors import Locked, ServiceError, StaleVersion
from kotacerdas.evaluations.models import CycleState, Score
from kotacerdas.evaluations.services import scoring
from tests.conftest import make_user
from tests.factories import assign, enrol, make_cycle


@pytest.fixture
def cycle(jambi):
    cycle = make_cycle(state=CycleState.REVIEW)
    enrol(cycle, jambi)
    return cycle


@pytest.fixture
def assignment(cycle, jambi, assessor):
    return assign(cycle, jambi, assessor)[0]


def indicator(cycle, code):
    return cycle.instrument.indicators.get(code=code)


def save(assignment, code, value, *, version=0, by=None, **extra):
    return scoring.save_score(
        assignment,
        indicator(assignment.cycle, code),
        value=None if value is None else Decimal(value),
        version=version,
        by=by or assignment.assessor,
        **extra,
    )


def test_it_saves_a_score_with_a_note_and_bumps_the_version(assignment):
    score = save(
        assignment, "GOV.SVC.01", "3", note="MPP melayani 12 instansi", evidence_missing=True
    )
    assert (score.value, score.version, score.evidence_missing) == (Decimal(3), 1, True)
    score = save(assignment, "GOV.SVC.01", "4", version=1, note="Setelah wawancara")
    assert (score.value, score.version, score.note) == (Decimal(4), 2, "Setelah wawancara")
    # An identical save writes nothing new.
    assert save(assignment, "GOV.SVC.01", "4", version=2, note="Setelah wawancara").version == 2
    assert score.history.count() == 2


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("GOV.SVC.01", "6", "antara 0 dan 5"),
        ("GOV.SVC.01", "2.5", "bilangan bulat"),
        ("GOV.SVC.02", "2", "bilangan bulat 0–1|antara 0 dan 1"),
        ("ENV.WAS.01", "100.5", "antara 0 dan 100"),
        ("ENV.WAS.01", "-1", "antara 0 dan 100"),
    ],
)
def test_values_must_fit_the_indicator_type(assignment, code, value, message):
    with pytest.raises(ServiceError, match=message):
        save(assignment, code, value)
    assert not Score.objects.exists()


def test_numbers_and_percentages_take_decimals(assignment):
    assert save(assignment, "ENV.WAS.01", "72.5").value == Decimal("72.5")
    assert save(assignment, "ENV.WAS.02", "431.25").value == Decimal("431.25")


def test_not_applicable_only_where_allowed(assignment):
    with pytest.raises(ServiceError, match="tidak berlaku"):
        save(assignment, "GOV.SVC.01", None, not_applicable=True)
    score = save(assignment, "GOV.SVC.02", None, not_applicable=True)
    assert score.not_applicable and score.value is None


def test_a_stale_save_is_refused_and_nothing_is_lost(assignment):
    save(assignment, "GOV.SVC.01", "3", note="jendela pertama")
    save(assignment, "GOV.SVC.01", "4", version=1, note="jendela kedua")
    with pytest.raises(StaleVersion, match=r"GOV.SVC.01.*tidak disimpan"):
        save(assignment, "GOV.SVC.01", "1", version=1, note="jendela pertama lagi")
    score = Score.objects.get()
    assert (score.value, score.note, score.version) == (Decimal(4), "jendela kedua", 2)
    # A "first" save when a score already exists is stale too.
    with pytest.raises(StaleVersion):
        save(assignment, "GOV.SVC.01", "2", version=0)


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (CycleState.OPEN, "dimulai saat siklus masuk tahap Penilaian asesor"),
        (CycleState.MODERATION, "Moderasi siklus .* sudah dimulai"),
        (CycleState.FINAL, "Moderasi siklus .* sudah dimulai"),
        (CycleState.PUBLISHED, "tidak ada lagi yang dapat diubah"),
        (CycleState.ARCHIVED, "tidak ada lagi yang dapat diubah"),
    ],
)
def test_scores_are_locked_outside_review(assignment, state, message):
    save(assignment, "GOV.SVC.01", "3")
    assignment.cycle.state = state
    assignment.cycle.save()
    with pytest.raises(Locked, match=message):
        save(assignment, "GOV.SVC.01", "5", version=1)
    with pytest.raises(Locked):
        scoring.save_judgement(
            assignment,
            weaknesses="x",
            strengths="",
            recommendations="",
            interview_notes="",
            version=0,
            by=assignment.assessor,
        )
    assert Score.objects.get().value == Decimal(3)


def test_only_the_assigned_assessor_scores(assignment, admin_user, operator):
    stranger = make_user("asesor.lain", Role.ASSESSOR)
    for user in (stranger, admin_user, operator):
        with pytest.raises(PermissionDenied):
            save(assignment, "GOV.SVC.01", "3", by=user)
    assert not Score.objects.exists()


def test_an_indicator_of_another_instrument_is_refused(assignment):
    other = make_cycle(year=2021)
    with pytest.raises(ServiceError, match="bukan bagian"):
        scoring.save_score(
            assignment,
            other.instrument.indicators.first(),
            value=Decimal(1),
            version=0,
            by=assignment.assessor,
        )


def test_judgement_and_interview_notes_are_kept_with_the_assignment(assignment):
    saved = scoring.save_judgement(
        assignment,
        weaknesses="- Belum ada forum smart city rutin\n\nAnggaran TIK kecil ",
        strengths="Perda Kota Jambi No. 1 Tahun 2019",
        recommendations="Bentuk Dewan Smart City",
        interview_notes="Sesi 3 Oktober 2022, dihadiri Sekda.",
        version=0,
        by=assignment.assessor,
    )
    assert scoring.items(saved.weaknesses) == [
        "Belum ada forum smart city rutin",
        "Anggaran TIK kecil",
    ]
    assert saved.interview_notes == "Sesi 3 Oktober 2022, dihadiri Sekda."


def test_progress_and_mark_complete(assignment):
    assert scoring.progress(assignment).done == 0
    save(assignment, "GOV.SVC.01", "3")
    save(assignment, "GOV.SVC.02", None, not_applicable=True)
    with pytest.raises(ServiceError) as refused:
        scoring.mark_complete(assignment, by=assignment.assessor)
    assert refused.value.details == ["ENV.WAS.01", "ENV.WAS.02"]
    save(assignment, "ENV.WAS.01", "80")
    save(assignment, "ENV.WAS.02", "120")
    progress = scoring.progress(assignment)
    assert (progress.done, progress.total, progress.percent) == (4, 4, 100)
    done = scoring.mark_complete(assignment, by=assignment.assessor)
    assert done.completed_at is not None
    by_dimension = {d.code: p.done for d, p in scoring.dimension_progress(assignment)}
    assert by_dimension == {"GOV": 2, "ENV": 2}
    # Emptying a score makes the review incomplete again.
    save(assignment, "ENV.WAS.02", None, version=1)
    done.refresh_from_db()
    assert done.completed_at is None


@pytest.mark.parametrize(
    ("code", "value", "expected"),
    [
        ("GOV.SVC.01", "3", "60"),
        ("GOV.SVC.02", "1", "100"),
        ("ENV.WAS.01", "72.5", "72.5"),
        ("ENV.WAS.02", "250", "75"),  # lower is better, goalposts 0–1000
        ("ENV.WAS.02", "1500", "0"),  # clamped
    ],
)
def test_normalise_follows_the_index_method(cycle, code, value, expected):
    assert scoring.normalise(indicator(cycle, code), Decimal(value)) == Decimal(expected)


# --- The workspace over HTTP -----------------------------------------------------------------


@pytest.fixture
def region_answered(cycle, jambi, operator):
    """Kota Jambi's answer to the level indicator, with a justification and a PDF."""
    from django.core.files.base import ContentFile

    from kotacerdas.evaluations.models import Answer, Evidence, Submission

    submission = Submission.objects.get(cycle=cycle, region=jambi)
    level = indicator(cycle, "GOV.SVC.01")
    Answer.objects.create(
        submission=submission,
        indicator=level,
        value=4,
        justification="MPP Kota Jambi melayani 12 instansi sejak 2022.",
    )
    return Evidence.objects.create(
        submission=submission,
        indicator=level,
        kind="file",
        file=ContentFile(b"%PDF-1.4 test", name="sk-mpp.pdf"),
        original_name="SK MPP.pdf",
        size=13,
    )


def workspace_url(cycle, code="15.71", dimension=""):
    from django.urls import reverse

    url = reverse("evaluations:assessor_workspace", args=[cycle.year, code])
    return f"{url}?dimensi={dimension}" if dimension else url


def score_url(cycle, code):
    from django.urls import reverse

    return reverse("evaluations:score_save", args=[cycle.year, "15.71", code])


HTMX = {"HX-Request": "true"}


def test_the_workspace_shows_the_answer_evidence_and_rubric_beside_the_score(
    client, assignment, region_answered
):
    save(assignment, "GOV.SVC.01", "3", note="Belum terintegrasi")
    client.force_login(assignment.assessor)
    page = client.get(workspace_url(assignment.cycle)).content.decode()
    assert "MPP Kota Jambi melayani 12 instansi sejak 2022." in page
    assert f"/evaluasi/data-dukung/{region_answered.pk}/unduh/" in page
    assert "SK MPP.pdf" in page
    # The region's level with its descriptor, and the rubric as the assessor's choices.
    assert "Terintegrasi lintas perangkat daerah dan terukur" in page
    assert 'name="value" value="3" checked' in page
    assert "Belum terintegrasi" in page
    assert 'data-testid="progress-total">1/4' in page
    # Only the chosen dimension's indicators are listed.
    assert "ENV.WAS.01" not in page
    assert (
        "ENV.WAS.01"
        in client.get(workspace_url(assignment.cycle, dimension="ENV")).content.decode()
    )


def test_an_htmx_save_answers_with_the_new_version_and_progress(client, assignment):
    client.force_login(assignment.assessor)
    response = client.post(
        score_url(assignment.cycle, "ENV.WAS.01"),
        {"value": "72,5", "note": "Data DLH 2021", "version": "0"},
        headers=HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "tersimpan" in body
    assert 'id="score-version-' in body and 'value="1"' in body
    assert 'data-testid="progress-total" hx-swap-oob="true">1/4' in body
    assert Score.objects.get().value == Decimal("72.5")


def test_a_stale_htmx_save_is_refused_with_a_message(client, assignment):
    save(assignment, "GOV.SVC.01", "4", note="dari jendela lain")
    client.force_login(assignment.assessor)
    response = client.post(
        score_url(assignment.cycle, "GOV.SVC.01"), {"value": "1", "version": "0"}, headers=HTMX
    )
    assert response.status_code == 409
    assert "tidak disimpan" in response.content.decode()
    assert Score.objects.get().note == "dari jendela lain"


def test_a_locked_or_invalid_save_says_why(client, assignment):
    client.force_login(assignment.assessor)
    response = client.post(
        score_url(assignment.cycle, "GOV.SVC.01"), {"value": "9", "version": "0"}, headers=HTMX
    )
    assert response.status_code == 422
    assert "antara 0 dan 5" in response.content.decode()
    assignment.cycle.state = CycleState.MODERATION
    assignment.cycle.save()
    response = client.post(
        score_url(assignment.cycle, "GOV.SVC.01"), {"value": "3", "version": "0"}, headers=HTMX
    )
    assert response.status_code == 423
    assert "Moderasi" in response.content.decode()
    page = client.get(workspace_url(assignment.cycle)).content.decode()
    assert 'data-testid="lock-reason"' in page
    assert not Score.objects.exists()


def test_an_unassigned_assessor_gets_nothing(client, assignment, region_answered):
    from django.urls import reverse

    stranger = make_user("asesor.lain", Role.ASSESSOR)
    client.force_login(stranger)
    year = assignment.cycle.year
    assert client.get(workspace_url(assignment.cycle)).status_code == 404
    assert (
        client.post(
            score_url(assignment.cycle, "GOV.SVC.01"), {"value": "3", "version": "0"}
        ).status_code
        == 404
    )
    for name in ("evaluations:assessor_judgement", "evaluations:assessor_complete"):
        assert (
            client.post(reverse(name, args=[year, "15.71"]), {"weaknesses": "x"}).status_code == 404
        )
    assert "Kota Jambi" not in client.get(reverse("evaluations:assessor_home")).content.decode()
    assert not Score.objects.exists()


def test_judgement_and_complete_over_http(client, assignment):
    from django.urls import reverse

    client.force_login(assignment.assessor)
    year = assignment.cycle.year
    response = client.post(
        reverse("evaluations:assessor_judgement", args=[year, "15.71"]),
        {
            "weaknesses": "Forum smart city belum rutin",
            "strengths": "Perda No. 1 Tahun 2019",
            "recommendations": "Bentuk Dewan Smart City",
            "interview_notes": "Wawancara dengan Kepala Diskominfo",
            "version": "0",
        },
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.strengths == "Perda No. 1 Tahun 2019"
    response = client.post(
        reverse("evaluations:assessor_complete", args=[year, "15.71"]), follow=True
    )
    assert "Masih ada 4 indikator yang belum dinilai" in response.content.decode()
    home = client.get(reverse("evaluations:assessor_home")).content.decode()
    assert "Kota Jambi" in home and "0/4" in home


# --- Only what is left to score -------------------------------------------------------------------


def shown_codes(page: str) -> list[str]:
    codes = ("GOV.SVC.01", "GOV.SVC.02", "ENV.WAS.01", "ENV.WAS.02")
    return [code for code in codes if f"<strong>{code}</strong>" in page]


def test_the_workspace_shows_only_what_is_left_to_score(client, assignment):
    save(assignment, "GOV.SVC.01", "3")
    client.force_login(assignment.assessor)
    url = workspace_url(assignment.cycle, dimension="GOV")
    page = client.get(url).content.decode()
    assert shown_codes(page) == ["GOV.SVC.01", "GOV.SVC.02"]
    link = f'<a href="{url}&amp;tampil=belum" data-testid="show-open">'
    assert f"{link}Tampilkan hanya yang belum Anda nilai (1 indikator)</a>" in page

    page = client.get(url + "&tampil=belum").content.decode()
    assert shown_codes(page) == ["GOV.SVC.02"]
    assert "Hanya 1 indikator dimensi ini yang belum Anda nilai ditampilkan." in page
    # Another dimension's tab keeps the filter.
    environment = workspace_url(assignment.cycle, dimension="ENV")
    assert f'href="{environment}&amp;tampil=belum"' in page

    save(assignment, "GOV.SVC.02", "1")
    page = client.get(url + "&tampil=belum").content.decode()
    assert shown_codes(page) == []
    assert "Semua indikator dimensi ini sudah Anda nilai." in page


def test_an_early_mark_complete_leads_to_what_is_left(client, assignment):
    from django.urls import reverse

    save(assignment, "GOV.SVC.01", "3")
    save(assignment, "GOV.SVC.02", "1")
    save(assignment, "ENV.WAS.01", "50")
    client.force_login(assignment.assessor)
    complete = reverse("evaluations:assessor_complete", args=[assignment.cycle.year, "15.71"])
    response = client.post(complete)
    assert response.url == workspace_url(assignment.cycle, dimension="ENV") + "&tampil=belum"
    page = client.get(response.url).content.decode()
    assert "Masih ada 1 indikator yang belum dinilai. ENV.WAS.02" in page
    assert shown_codes(page) == ["ENV.WAS.02"]
