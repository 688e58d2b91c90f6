"""Acceptance: a whole evaluation cycle over HTTP, as its users would walk it.

The admin creates the cycle from the default instrument and enrols two regions; their operators
answer every indicator, upload evidence and submit; the admin assigns two assessors, schedules
the interview and opens review; both assessors score (disagreeing on one indicator of Kota
Jambi) and write their judgement; moderation settles the disagreement and the feedback; the
cycle goes to final, its results are computed and it is published. After that every write is
refused and nothing changes.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kotacerdas.accounts.roles import Role
from kotacerdas.evaluations.models import (
    Answer,
    Assignment,
    Cycle,
    CycleState,
    Evidence,
    Feedback,
    FinalMethod,
    FinalValue,
    Score,
    Submission,
    SubmissionState,
    VirtualSession,
)
from kotacerdas.instruments.models import Indicator, IndicatorType
from tests import samples
from tests.conftest import make_user

YEAR = 2023
HTMX = {"HX-Request": "true"}
DISPUTED = "GOV.SVC.01"


@pytest.fixture
def people(jambi, bandung, admin_user):
    return {
        "admin": admin_user,
        "jambi": make_user("operator.jambi", Role.OPERATOR, region=jambi),
        "bandung": make_user("operator.bandung", Role.OPERATOR, region=bandung),
        "asesor1": make_user("asesor1", Role.ASSESSOR, first_name="Asesor", last_name="Satu"),
        "asesor2": make_user("asesor2", Role.ASSESSOR, first_name="Asesor", last_name="Dua"),
    }


def as_user(client, user):
    client.force_login(user)
    return client


def plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


def answer_value(indicator: Indicator) -> Decimal:
    """A valid answer of the indicator's type (numbers: the middle of the goalposts)."""
    if indicator.type == IndicatorType.LEVEL:
        return Decimal(3)
    if indicator.type == IndicatorType.YESNO:
        return Decimal(1)
    if indicator.type == IndicatorType.PERCENT:
        return Decimal("72.5")
    return (indicator.goal_min + indicator.goal_max) / 2


def transition(client, to_state: str, reason: str = ""):
    return client.post(
        reverse("evaluations:cycle_transition", args=[YEAR]),
        {"to_state": to_state, "reason": reason},
        follow=True,
    )


def snapshot() -> dict:
    """Everything a write after publication could touch."""
    return {
        "answers": sorted(
            Answer.objects.values_list("submission_id", "indicator_id", "value", "version")
        ),
        "evidence": sorted(Evidence.objects.values_list("pk", "superseded")),
        "scores": sorted(Score.objects.values_list("pk", "value", "note", "version")),
        "finals": sorted(FinalValue.objects.values_list("pk", "value", "method", "version")),
        "feedback": sorted(Feedback.objects.values_list("pk", "weaknesses", "strengths")),
        "submissions": sorted(Submission.objects.values_list("pk", "state")),
        "assignments": sorted(Assignment.objects.values_list("pk", "weaknesses")),
        "sessions": sorted(VirtualSession.objects.values_list("pk", "starts_at", "sequence")),
        "cycle": Cycle.objects.get(year=YEAR).state,
    }


def test_a_whole_cycle_over_http(client, people, django_capture_on_commit_callbacks):
    admin = people["admin"]

    # --- draft: create from the default instrument, set the deadline, enrol, open ----------------
    as_user(client, admin)
    response = client.post(reverse("evaluations:cycle_create"), {"year": YEAR, "name": ""})
    assert response.status_code == 302
    cycle = Cycle.objects.get(year=YEAR)
    assert cycle.instrument.code == f"kc-{YEAR}"
    indicators = list(cycle.instrument.indicators.select_related("element__dimension"))
    assert len(indicators) >= 54  # six dimensions × three elements × at least three indicators
    deadline = timezone.localtime(timezone.now() + timedelta(days=14))
    response = client.post(
        reverse("evaluations:cycle_settings", args=[YEAR]),
        {
            "name": f"Evaluasi Smart City {YEAR}",
            "submission_deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
            "aggregate_along": "aspects",
            "aggregation": "arithmetic",
            "missing_policy": "zero",
            "final_rule": "mean",
            "display_scale": "5",
            "predicate_bands": "Memuaskan: 4.2\nSangat Baik: 3.5\nBaik: 2.6\nCukup: 1.8\nKurang: 0",
            "disagreement_levels": "2",
            "disagreement_points": "20",
            "min_assessors": "2",
        },
    )
    assert response.status_code == 302
    client.post(reverse("evaluations:cycle_enrol", args=[YEAR]), {"regions": ["15.71", "32.73"]})
    assert set(cycle.submissions.values_list("region__code", flat=True)) == {"15.71", "32.73"}
    page = transition(client, CycleState.OPEN).content.decode()
    cycle.refresh_from_db()
    assert cycle.state == CycleState.OPEN, page
    assert cycle.instrument.is_frozen

    # --- open: each operator answers everything, uploads evidence and submits ------------------
    for operator, code in ((people["jambi"], "15.71"), (people["bandung"], "32.73")):
        as_user(client, operator)
        for indicator in indicators:
            response = client.post(
                reverse("evaluations:answer_save", args=[YEAR, code, indicator.code]),
                {
                    "value": plain(answer_value(indicator)),
                    "justification": f"Penjelasan {indicator.code}",
                    "version": "0",
                },
                headers=HTMX,
            )
            assert response.status_code == 200, (indicator.code, response.content)
            if indicator.evidence_required:
                upload = SimpleUploadedFile(
                    f"bukti-{indicator.code}.pdf",
                    samples.pdf_bytes(),
                    content_type="application/pdf",
                )
                client.post(
                    reverse("evaluations:evidence_upload", args=[YEAR, code, indicator.code]),
                    {"file": upload, "description": "Laporan"},
                )
        client.post(reverse("evaluations:submission_submit", args=[YEAR, code]))
        submission = Submission.objects.get(cycle=cycle, region__code=code)
        assert submission.state == SubmissionState.SUBMITTED, code
    required = sum(1 for i in indicators if i.evidence_required)
    assert Evidence.objects.filter(submission__cycle=cycle).count() == 2 * required

    # --- the admin assigns two assessors, schedules the interview and opens review --------------
    as_user(client, admin)
    page = transition(client, CycleState.REVIEW).content.decode()
    assert "0 dari 2 asesor" in page  # refused: nobody assigned yet
    for code in ("15.71", "32.73"):
        for username in ("asesor1", "asesor2"):
            client.post(
                reverse("evaluations:assignment_add", args=[YEAR]),
                {"region": code, "assessor": people[username].pk},
            )
    assert Assignment.objects.filter(cycle=cycle).count() == 4
    response = client.post(
        reverse("evaluations:session_schedule", args=[YEAR, "15.71"]),
        {
            "date": (deadline + timedelta(days=10)).strftime("%Y-%m-%d"),
            "time": "09:00",
            "duration_minutes": "90",
            "meeting_url": "https://meet.example.org/jambi",
            "assessors": [people["asesor1"].pk, people["asesor2"].pk],
        },
    )
    assert response.status_code == 302
    transition(client, CycleState.REVIEW)
    cycle.refresh_from_db()
    assert cycle.state == CycleState.REVIEW

    # --- review: both assessors score both regions; one disagreement ---------------------------
    for username in ("asesor1", "asesor2"):
        as_user(client, people[username])
        home = client.get(reverse("evaluations:assessor_home")).content.decode()
        assert "Kota Jambi" in home and "Kota Bandung" in home
        for code in ("15.71", "32.73"):
            workspace = client.get(reverse("evaluations:assessor_workspace", args=[YEAR, code]))
            assert "Penjelasan GOV.SVC.01" in workspace.content.decode()
            for indicator in indicators:
                value = answer_value(indicator)
                if code == "15.71" and indicator.code == DISPUTED:
                    value = Decimal(2 if username == "asesor1" else 4)
                response = client.post(
                    reverse("evaluations:score_save", args=[YEAR, code, indicator.code]),
                    {"value": plain(value), "note": "Sesuai data dukung", "version": "0"},
                    headers=HTMX,
                )
                assert response.status_code == 200, (indicator.code, response.content)
            client.post(
                reverse("evaluations:assessor_judgement", args=[YEAR, code]),
                {
                    "weaknesses": f"Forum smart city belum rutin ({username})",
                    "strengths": "Perda smart city sudah ada",
                    "recommendations": "Ukur dampak quick win",
                    "interview_notes": "Wawancara daring",
                    "version": "0",
                },
            )
            client.post(reverse("evaluations:assessor_complete", args=[YEAR, code]))
    assert Score.objects.filter(assignment__cycle=cycle).count() == 4 * len(indicators)
    assert not Assignment.objects.filter(cycle=cycle, completed_at__isnull=True).exists()

    # --- moderation: the disagreement is queued and settled, feedback settled ------------------
    as_user(client, admin)
    # The move enqueues the preparation once it commits; the tests' task backend runs it at once.
    with django_capture_on_commit_callbacks(execute=True):
        transition(client, CycleState.MODERATION)
    cycle.refresh_from_db()
    assert cycle.state == CycleState.MODERATION
    queue = client.get(reverse("evaluations:moderation_queue", args=[YEAR])).content.decode()
    assert f'data-testid="queue-15.71-{DISPUTED}"' in queue
    assert queue.count('class="queue-item') == 1
    page = transition(client, CycleState.FINAL).content.decode()
    assert f"Kota Jambi (15.71) · {DISPUTED}" in page  # refused, the item is named
    response = client.post(
        reverse("evaluations:moderation_settle", args=[YEAR, "15.71", DISPUTED]),
        {"value": "3", "reason": "Wawancara menguatkan tingkat 3", "version": "0"},
        headers=HTMX,
    )
    assert response.status_code == 200
    for code in ("15.71", "32.73"):
        url = reverse("evaluations:feedback_edit", args=[YEAR, code])
        form = client.get(url).context["form"]
        response = client.post(url, {name: form.initial[name] for name in form.fields})
        assert response.status_code == 302
    jambi = Submission.objects.get(cycle=cycle, region__code="15.71")
    assert "(asesor1)" in jambi.feedback.weaknesses and "(asesor2)" in jambi.feedback.weaknesses
    disputed = FinalValue.objects.get(submission=jambi, indicator__code=DISPUTED)
    assert (disputed.value, disputed.method) == (Decimal(3), FinalMethod.MODERATED)
    assert FinalValue.objects.filter(submission__cycle=cycle).count() == 2 * len(indicators)

    # --- final, results, published --------------------------------------------------------------
    transition(client, CycleState.FINAL)
    cycle.refresh_from_db()
    assert cycle.state == CycleState.FINAL
    # The results are computed in the background; the immediate backend runs it on commit.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("results:compute", args=[YEAR]), {"samples": "100"})
    page = transition(client, CycleState.PUBLISHED).content.decode()
    cycle.refresh_from_db()
    assert cycle.state == CycleState.PUBLISHED, page
    assert cycle.published_at is not None

    # --- after publication every write is refused and nothing changes ---------------------------
    before = snapshot()
    level = DISPUTED
    as_user(client, people["jambi"])
    response = client.post(
        reverse("evaluations:answer_save", args=[YEAR, "15.71", level]),
        {"value": "5", "justification": "diubah", "version": "1"},
        headers=HTMX,
    )
    assert response.status_code == 423
    upload = SimpleUploadedFile("baru.pdf", samples.pdf_bytes(), content_type="application/pdf")
    client.post(
        reverse("evaluations:evidence_upload", args=[YEAR, "15.71", level]), {"file": upload}
    )
    client.post(reverse("evaluations:submission_submit", args=[YEAR, "15.71"]))
    as_user(client, people["asesor1"])
    response = client.post(
        reverse("evaluations:score_save", args=[YEAR, "15.71", level]),
        {"value": "5", "version": "1"},
        headers=HTMX,
    )
    assert response.status_code == 423
    client.post(
        reverse("evaluations:assessor_judgement", args=[YEAR, "15.71"]),
        {
            "weaknesses": "diubah",
            "strengths": "",
            "recommendations": "",
            "interview_notes": "",
            "version": "1",
        },
    )
    as_user(client, admin)
    response = client.post(
        reverse("evaluations:moderation_settle", args=[YEAR, "15.71", level]),
        {"value": "5", "reason": "diubah", "version": "1"},
        headers=HTMX,
    )
    assert response.status_code == 423
    client.post(
        reverse("evaluations:feedback_edit", args=[YEAR, "15.71"]),
        {
            "weaknesses": "diubah",
            "strengths": "diubah",
            "recommendations": "diubah",
            "version": "1",
        },
    )
    for state in (CycleState.FINAL, CycleState.MODERATION, CycleState.REVIEW):
        transition(client, state, reason="coba kembali")
    client.post(
        reverse("evaluations:assignment_add", args=[YEAR]),
        {"region": "32.73", "assessor": make_user("asesor3", Role.ASSESSOR).pk},
    )
    client.post(
        reverse("evaluations:session_schedule", args=[YEAR, "15.71"]),
        {
            "date": "2030-01-01",
            "time": "10:00",
            "duration_minutes": "60",
            "meeting_url": "https://meet.example.org/lain",
            "assessors": [people["asesor1"].pk],
        },
    )
    assert snapshot() == before
