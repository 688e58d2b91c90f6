"""Pages whose query count must not grow with the size of what they show: the self-assessment
form and the assessor workspace (indicators), the moderation queue (queued items), the ranking
(regions) and the profile (published years). Each test renders the same page for a small and a
larger world and asserts the same number of queries."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kotacerdas.accounts.roles import Role
from kotacerdas.core.taxonomy import Aspect
from kotacerdas.evaluations.models import (
    Answer,
    CycleState,
    Score,
    SubmissionState,
)
from kotacerdas.instruments.models import Element, Indicator, IndicatorType, LevelDescriptor
from kotacerdas.masterplans.models import ProgrammeCitation
from tests.conftest import make_user
from tests.evaluations.cycle_setup import add_pdf, open_cycle, submission_of
from tests.factories import LEVEL_TEXT, assign, enrol, make_cycle, make_instrument
from tests.masterplans.builders import make_masterplan, make_programme
from tests.results.builders import (
    INDICES,
    cohort,
    cohort_and_more,
    make_stored_snapshot,
    publish_cycle,
)
from tests.results.conftest import _fresh_cache  # noqa: F401  (autouse: an empty cache)

pytestmark = pytest.mark.django_db


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_level_indicators(instrument, n: int) -> None:
    """``n`` more level indicators (with their six descriptors) in every element."""
    for element in Element.objects.filter(dimension__instrument=instrument):
        for number in range(n):
            indicator = Indicator.objects.create(
                instrument=instrument,
                element=element,
                code=f"{element.code}.X{number:02d}",
                order=10 + number,
                question=f"Pertanyaan tambahan {number} untuk {element.name}",
                type=IndicatorType.LEVEL,
                aspect=Aspect.OUTPUT,
                evidence_required=True,
            )
            LevelDescriptor.objects.bulk_create(
                LevelDescriptor(indicator=indicator, level=level, description=text)
                for level, text in enumerate(LEVEL_TEXT)
            )


def answered_cycle(year: int, region, extra: int, operator):
    """An open cycle whose instrument has 4 + 2 × ``extra`` indicators, every one answered,
    with a PDF and a cited programme."""
    instrument = make_instrument(f"q-{year}")
    add_level_indicators(instrument, extra)
    cycle = open_cycle(region, year=year)
    cycle.instrument, old = instrument, cycle.instrument
    cycle.save()
    old.delete()
    submission = submission_of(cycle, region)
    masterplan = region.masterplans.first() or make_masterplan(region)
    programme = masterplan.programmes.first() or make_programme(masterplan, "GOV-01")
    for indicator in instrument.indicators.all():
        value = 1 if indicator.type in (IndicatorType.LEVEL, IndicatorType.YESNO) else 50
        answer = Answer.objects.create(
            submission=submission, indicator=indicator, value=Decimal(value), updated_by=operator
        )
        add_pdf(submission, indicator, operator)
        ProgrammeCitation.objects.create(answer=answer, programme=programme, cited_by=operator)
    return cycle


def test_self_assessment_form_queries_do_not_grow_with_indicators(client, jambi, operator):
    small = answered_cycle(2022, jambi, 0, operator)
    large = answered_cycle(2023, jambi, 10, operator)
    assert large.instrument.indicators.count() == 24
    client.force_login(operator)
    counts = [
        count_queries(client, reverse("evaluations:submission_form", args=[c.year, "15.71"]))
        for c in (small, large)
    ]
    assert counts[0] == counts[1], counts
    page = client.get(reverse("evaluations:submission_form", args=[2023, "15.71"]))
    assert page.content.decode().count("GOV-01 Program GOV-01</a>") == 24


def test_assessor_workspace_queries_do_not_grow_with_indicators(client, jambi, operator):
    assessor = make_user("asesor.q", Role.ASSESSOR)
    cycles = []
    for year, extra in ((2022, 0), (2023, 10)):
        cycle = answered_cycle(year, jambi, extra, operator)
        cycle.state = CycleState.REVIEW
        cycle.save()
        (assignment,) = assign(cycle, jambi, assessor)
        for indicator in cycle.instrument.indicators.all():
            Score.objects.create(
                assignment=assignment, indicator=indicator, value=Decimal(1), note="Catatan"
            )
        cycles.append(cycle)
    client.force_login(assessor)
    counts = [
        count_queries(client, reverse("evaluations:assessor_workspace", args=[c.year, "15.71"]))
        for c in cycles
    ]
    assert counts[0] == counts[1], counts


def moderation_cycle(year: int, regions, extra: int):
    """A cycle in moderation where two assessors disagree on every indicator of every region."""
    instrument = make_instrument(f"m-{year}")
    add_level_indicators(instrument, extra)
    cycle = make_cycle(year, CycleState.MODERATION, instrument)
    first = make_user(f"asesor.{year}.a", Role.ASSESSOR)
    second = make_user(f"asesor.{year}.b", Role.ASSESSOR)
    for submission in enrol(cycle, *regions):
        submission.state = SubmissionState.SUBMITTED
        submission.save()
        Answer.objects.bulk_create(
            Answer(submission=submission, indicator=indicator, value=Decimal(2))
            for indicator in instrument.indicators.filter(type=IndicatorType.LEVEL)
        )
        for assignment, value in zip(
            assign(cycle, submission.region, first, second), (0, 5), strict=True
        ):
            Score.objects.bulk_create(
                Score(assignment=assignment, indicator=indicator, value=Decimal(value))
                for indicator in instrument.indicators.filter(type=IndicatorType.LEVEL)
            )
    return cycle


def test_moderation_queue_queries_do_not_grow_with_items(client, admin_user, jambi, bandung):
    moderation_cycle(2022, [jambi], 0)
    moderation_cycle(2023, [jambi, bandung], 10)
    client.force_login(admin_user)
    counts = [
        count_queries(client, reverse("evaluations:moderation_queue", args=[year]))
        for year in (2022, 2023)
    ]
    assert counts[0] == counts[1], counts
    page = client.get(reverse("evaluations:moderation_queue", args=[2023])).content.decode()
    assert "48 indikator menunggu keputusan" in page


def test_ranking_queries_do_not_grow_with_regions(client):
    cohort()
    publish_cycle(2021, {"15.71": 60.0, "32.73": 70.0})
    publish_cycle(2022, cohort_and_more(20))
    counts = []
    for year in (2021, 2022):
        cache.clear()  # each page on a cold cache (the region data's fingerprint included)
        counts.append(count_queries(client, reverse("results:ranking", args=[year])))
    assert counts[0] == counts[1], counts


def test_profile_queries_do_not_grow_with_published_years(client):
    cohort()
    publish_cycle(2018, INDICES)
    first = count_queries(client, reverse("results:profile", args=[2018, "15.71"]))
    for year in (2019, 2020, 2021, 2022):
        publish_cycle(year, INDICES)
    cache.clear()
    later = count_queries(client, reverse("results:profile", args=[2022, "15.71"]))
    assert first == later, (first, later)


def test_republished_profile_trend_reads_the_current_version(client):
    cohort()
    first = publish_cycle(2021, INDICES)
    make_stored_snapshot(first.cycle, {**INDICES, "15.71": 90.0}, version=2)
    first.cycle.published_at = timezone.now()
    publish_cycle(2022, INDICES)
    html = client.get(reverse("results:profile", args=[2022, "15.71"])).content.decode()
    assert "4,50" in html  # 90 on the 0–5 scale: the 2021 point of the trend is version 2
