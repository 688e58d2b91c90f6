"""The evaluation demo data: idempotent, labelled synthetic, Kota Jambi's facts, and the same
invariants as data entered through the services."""

from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from kotacerdas.accounts import demo as accounts_demo
from kotacerdas.core.demo import DEMO_STEPS
from kotacerdas.evaluations import demo
from kotacerdas.evaluations.models import (
    Answer,
    Assignment,
    ConflictOfInterest,
    Cycle,
    CycleState,
    Evidence,
    FinalValue,
    Score,
    Submission,
    SubmissionState,
    VirtualSession,
)
from kotacerdas.evaluations.services import assignments, moderation
from kotacerdas.evaluations.services.answers import validate_value
from kotacerdas.regions.models import RegionKind

MODELS = (Submission, Answer, Evidence, Assignment, Score, VirtualSession, FinalValue)


@pytest.fixture
def demo_world(db):
    call_command("load_regions", verbosity=0)
    accounts_demo.load()


def snapshot():
    return {
        "answers": sorted(
            Answer.objects.values_list(
                "submission__region__code",
                "indicator__code",
                "value",
                "not_applicable",
                "justification",
            )
        ),
        "scores": sorted(
            Score.objects.values_list(
                "assignment__assessor__username",
                "assignment__region__code",
                "indicator__code",
                "value",
                "note",
            )
        ),
        "submissions": sorted(
            Submission.objects.values_list("region__code", "state", "submitted_at")
        ),
        "evidence": sorted(
            Evidence.objects.values_list("submission__region__code", "file", "sha256")
        ),
        "sessions": sorted(
            VirtualSession.objects.values_list("region__code", "starts_at", "sequence")
        ),
        "counts": {
            model.__name__: (model.objects.count(), model.history.count()) for model in MODELS
        },
    }


def test_the_demo_step_follows_the_accounts_step():
    assert DEMO_STEPS.index("kotacerdas.evaluations.demo.load") > DEMO_STEPS.index(
        "kotacerdas.accounts.demo.load"
    )


def test_loading_twice_gives_the_same_data(demo_world):
    """Loading the demo takes seconds, so one test loads it (twice) and runs every check."""
    demo.load()
    first = snapshot()
    demo.load()
    assert snapshot() == first
    check_the_cohort()
    check_kota_jambi_carries_its_real_facts()
    check_everything_is_labelled_synthetic()
    check_evidence_files_are_small_valid_pdfs()
    check_the_demo_keeps_the_invariants_of_the_services()
    check_both_assessors_scored_with_some_disagreements()
    check_scores_are_dated_through_the_review_period()


def check_the_cohort():
    cycle = Cycle.objects.get(year=2022)
    assert cycle.state == CycleState.REVIEW
    assert cycle.submissions.count() >= 21
    kinds = set(cycle.submissions.values_list("region__kind", flat=True))
    assert kinds == {RegionKind.PROVINSI, RegionKind.KABUPATEN, RegionKind.KOTA}
    provinces = {code[:2] for code in cycle.submissions.values_list("region__code", flat=True)}
    assert len(provinces) >= 8
    states = set(cycle.submissions.values_list("state", flat=True))
    assert states == {SubmissionState.DRAFT, SubmissionState.SUBMITTED, SubmissionState.RETURNED}


def check_kota_jambi_carries_its_real_facts():
    jambi = Submission.objects.get(cycle__year=2022, region__code="15.71")
    assert jambi.state == SubmissionState.SUBMITTED
    texts = " ".join(jambi.answers.values_list("justification", flat=True))
    for fact in (
        "Perda Kota Jambi Nomor 1 Tahun 2019",
        "sejak 2018",
        "Mal Pelayanan Publik",
        "Danau Sipin",
        "perpustakaan komunitas",
        "Pakar Kasih",
        "Kampung Bantar",
        "gas metana di TPA Talang Gulo",
    ):
        assert fact in texts, fact
    session = VirtualSession.objects.get(cycle__year=2022, region__code="15.71")
    assert session.starts_at == datetime(2022, 10, 3, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert {u.username for u in session.assessors.all()} == {"asesor1", "asesor2"}
    assert jambi.answers.exclude(updated_by__username="operator.jambi").count() == 0


def check_everything_is_labelled_synthetic():
    assert not Answer.objects.exclude(justification__startswith="[Data sintetis]").exists()
    assert not Evidence.objects.exclude(description__startswith="[Data sintetis]").exists()
    assert "[Data sintetis]" in Cycle.objects.get(year=2022).name
    for assignment in Assignment.objects.exclude(weaknesses=""):
        assert assignment.weaknesses.startswith("[Data sintetis]")


def check_evidence_files_are_small_valid_pdfs():
    evidence = Evidence.objects.filter(
        submission__region__code="15.71", indicator__code="GOV.POL.01"
    ).get()
    with evidence.file.open("rb") as stored:
        content = stored.read()
    assert len(content) < 2000 and evidence.size == len(content)
    text = PdfReader(BytesIO(content)).pages[0].extract_text()
    assert "DATA SINTETIS" in text and "Kota Jambi" in text and "GOV.POL.01" in text


def check_the_demo_keeps_the_invariants_of_the_services():
    cycle = Cycle.objects.get(year=2022)
    assert assignments.assessors_short(cycle) == {}
    conflicts = set(ConflictOfInterest.objects.values_list("assessor_id", "region_id"))
    assert conflicts, "the demo shows one declared conflict"
    assert not any(
        (a.assessor_id, a.region_id) in conflicts for a in Assignment.objects.filter(cycle=cycle)
    )
    for record in list(Answer.objects.select_related("indicator")) + list(
        Score.objects.select_related("indicator")
    ):
        validate_value(record.indicator, record.value, record.not_applicable)
    assert not Score.objects.filter(
        assignment__region__submissions__state=SubmissionState.DRAFT
    ).exists()
    assert cycle.instrument.is_frozen


def check_both_assessors_scored_with_some_disagreements():
    cycle = Cycle.objects.get(year=2022)
    by_pair = {}
    for username, code, indicator, value in Score.objects.filter(
        indicator__type="level", value__isnull=False
    ).values_list(
        "assignment__assessor__username", "assignment__region__code", "indicator__code", "value"
    ):
        by_pair.setdefault((code, indicator), {})[username] = value
    gaps = [abs(v["asesor1"] - v["asesor2"]) for v in by_pair.values() if len(v) == 2]
    assert len(gaps) > 300
    assert sum(1 for gap in gaps if gap >= cycle.disagreement_levels) >= 5
    unfinished = Assignment.objects.filter(
        cycle=cycle, completed_at__isnull=True, assessor__username="asesor2"
    )
    assert unfinished.exists(), "the review is still under way"


def check_scores_are_dated_through_the_review_period():
    """Saved region by region from 2 September, so an assessor's scores span weeks (the
    reliability report's halves) and each region's panel saved an hour apart."""
    times = Score.objects.filter(assignment__cycle__year=2022).values_list(
        "assignment__assessor__username", "updated_at"
    )
    by_assessor = {}
    for username, when in times:
        by_assessor.setdefault(username, []).append(timezone.localtime(when))
    for username in ("asesor1", "asesor2"):
        dates = by_assessor[username]
        assert min(dates).date() == date(2022, 9, 2)
        assert max(dates) - min(dates) >= timedelta(days=40)
        assert max(dates).date() <= date(2022, 10, 31)  # the review deadline
    assert min(by_assessor["asesor2"]) - min(by_assessor["asesor1"]) == timedelta(hours=1)


def test_a_published_cycle_can_be_built_for_the_results(demo_world):
    report = demo.build_demo_cycle(
        2021,
        state=CycleState.PUBLISHED,
        regions=["15.71", "32.73", "35.78"],
        seed=2021,
    )
    cycle = report.cycle
    assert cycle.state == CycleState.PUBLISHED and cycle.published_at is not None
    assert moderation.unresolved(cycle) == []
    indicators = cycle.instrument.indicators.count()
    assert FinalValue.objects.filter(submission__cycle=cycle).count() == 3 * indicators
    assert FinalValue.objects.filter(submission__cycle=cycle, method="moderated").exists()
    with pytest.raises(ValueError, match="returned"):
        demo.build_demo_cycle(
            2020, state=CycleState.FINAL, regions=["15.71"], seed=1, returned=["15.71"]
        )


def test_minimal_pdf_escapes_text():
    content = demo.minimal_pdf(["(kurung) \\ garis – pisah"])
    text = PdfReader(BytesIO(content)).pages[0].extract_text()
    assert "(kurung) \\ garis - pisah" in text


def test_a_cycle_in_moderation_keeps_its_queue_open(demo_world):
    cycle = demo.build_demo_cycle(
        2020, state=CycleState.MODERATION, regions=["15.71", "32.73", "35.78", "51.71"], seed=7
    ).cycle
    assert cycle.state == CycleState.MODERATION
    assert moderation.queue(cycle), "some assessors disagree"
    assert FinalValue.objects.filter(submission__cycle=cycle, method="mean").exists()
    assert not FinalValue.objects.filter(submission__cycle=cycle, method="moderated").exists()
