"""The reliability report across cycles: figures on a small built dataset equal hand-computed
ones and the ``krippendorff`` package's, the flags, the page, the workbook, the API, and who
may see them (admins only).

The dataset: cycles 2022 (published) and 2023 (review), six regions, assessors A, B and C. Only
GOV.SVC.01 (level) and ENV.WAS.01 (percent) are scored. In 2022 all three agree everywhere. In
2023 C scores GOV.SVC.01 two levels below A and B on every region (ENV.WAS.01 still agreed) and
saves all of ENV.WAS.01 first, then all of GOV.SVC.01; A and B save region by region.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import krippendorff
import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from kotacerdas.accounts.roles import Role
from kotacerdas.evaluations.models import (
    Assignment,
    CalibrationCase,
    CalibrationRound,
    CalibrationScore,
    CalibrationState,
    Cycle,
    CycleState,
    Score,
)
from kotacerdas.instruments.models import Crosswalk, CrosswalkEntry, CrosswalkKind, Indicator
from kotacerdas.regions.models import Region
from kotacerdas.results.services import reliability
from tests.conftest import make_user
from tests.factories import make_instrument

from .builders import cohort_and_more

pytestmark = pytest.mark.django_db

REGIONS = ["15", "15.05", "15.61", "15.71", "32.04", "32.73"]  # sorted, as the engine's units
LEVELS = [2, 3, 4, 5, 2, 3]  # A's and B's GOV.SVC.01 per region
PERCENTS = [10, 30, 50, 70, 90, 40]  # everyone's ENV.WAS.01 per region
START = datetime(2023, 9, 1, 8, 0, tzinfo=UTC)


def _score(assignment, indicator, value, when: datetime) -> None:
    score = Score.objects.create(assignment=assignment, indicator=indicator, value=Decimal(value))
    Score.objects.filter(pk=score.pk).update(updated_at=when)  # auto_now on save


def _cycle(year: int, state: str, assessors, *, c_shift: int, rename: str = "") -> Cycle:
    instrument = make_instrument(f"rel-{year}")
    if rename:
        Indicator.objects.filter(instrument=instrument, code="ENV.WAS.01").update(code=rename)
    cycle = Cycle.objects.create(
        year=year, name=f"Evaluasi {year}", instrument=instrument, state=state
    )
    level = instrument.indicators.get(code="GOV.SVC.01")
    percent = instrument.indicators.get(code=rename or "ENV.WAS.01")
    begin = START.replace(year=year)
    for position, code in enumerate(REGIONS):
        region = Region.objects.get(code=code)
        for who in assessors:
            assignment = Assignment.objects.create(cycle=cycle, region=region, assessor=who)
            if who.username == "asesor.c":
                # C: every percent first (day 1), then every level (day 5)
                _score(assignment, percent, PERCENTS[position], begin + timedelta(hours=position))
                _score(
                    assignment,
                    level,
                    LEVELS[position] - c_shift,
                    begin + timedelta(days=4, hours=position),
                )
            else:
                when = begin + timedelta(days=position)
                _score(assignment, level, LEVELS[position], when)
                _score(assignment, percent, PERCENTS[position], when + timedelta(minutes=5))
    return cycle


@pytest.fixture
def assessors(db):
    return [
        make_user(f"asesor.{name.lower()}", Role.ASSESSOR, first_name=f"Asesor {name}")
        for name in ("A", "B", "C")
    ]


@pytest.fixture
def two_cycles(assessors):
    cohort_and_more(1)  # the cohort's five regions and 15.61
    _cycle(2022, CycleState.PUBLISHED, assessors, c_shift=0)
    _cycle(2023, CycleState.REVIEW, assessors, c_shift=2)
    return assessors


def _ordinal_2023() -> float:
    """The package's ordinal alpha of GOV.SVC.01 in 2023 (coders × units)."""
    shifted = [value - 2 for value in LEVELS]
    data = np.array([LEVELS, LEVELS, shifted], dtype=float)
    return float(
        krippendorff.alpha(
            reliability_data=data, level_of_measurement="ordinal", value_domain=range(6)
        )
    )


# -- figures -----------------------------------------------------------------------------------


def test_it_gives_every_scored_cycle_its_alpha_assessors_and_scores(two_cycles):
    found = reliability.report()

    assert found.years == [2022, 2023]
    first, second = found.cycles
    assert (first.year, first.assessors, first.scores) == (2022, 3, 36)
    assert (second.year, second.assessors, second.scores) == (2023, 3, 36)
    # 2022: every answer agreed, so nothing is unexplained: alpha 1 overall and per dimension.
    assert first.overall == pytest.approx(1.0)
    assert first.dimensions == {"GOV": pytest.approx(1.0), "ENV": pytest.approx(1.0)}
    # 2023: the dimension ENV still agrees; GOV (one ordinal indicator) is that indicator's alpha.
    assert second.dimensions["ENV"] == pytest.approx(1.0)
    assert second.dimensions["GOV"] == pytest.approx(_ordinal_2023(), abs=1e-9)
    # Overall: interval alpha over the 12 (region, indicator) answers on the 0-100 scale.
    pooled = np.array(
        [
            [20 * v for v in LEVELS] + PERCENTS,
            [20 * v for v in LEVELS] + PERCENTS,
            [20 * (v - 2) for v in LEVELS] + PERCENTS,
        ],
        dtype=float,
    )
    expected = krippendorff.alpha(reliability_data=pooled, level_of_measurement="interval")
    assert second.overall == pytest.approx(expected, abs=1e-9)
    # By hand: within each GOV answer, values x, x, x-40: sum of squared deviations 2*(40/3)^2
    # + (80/3)^2 = 3200/3, times m/(m-1) = 3/2 gives 1600 per unit, 9600 over six units. All 36
    # values: mean 46.667 - ..., S computed below. alpha = 1 - (n-1) * 9600 / (n S).
    values = pooled.flatten()
    total = float(((values - values.mean()) ** 2).sum())
    assert second.overall == pytest.approx(1 - 35 * 9600 / (36 * total), abs=1e-12)


def test_it_follows_each_indicator_across_years_and_flags_the_rubric_whose_alpha_fell(
    two_cycles,
):
    found = reliability.report()
    rows = {row.code: row for row in found.indicators}

    level = rows["GOV.SVC.01"]
    assert level.alpha[2022] == pytest.approx(1.0)
    assert level.alpha[2023] == pytest.approx(_ordinal_2023(), abs=1e-9)
    assert level.alpha[2023] < reliability.ALPHA_MINIMUM
    assert level.change == pytest.approx(level.alpha[2023] - 1.0)
    assert level.reasons == [reliability.LOW, reliability.DROP]
    assert level.levels[0][1].startswith("Belum ada")
    assert [number for number, _text in level.levels] == [0, 1, 2, 3, 4, 5]

    percent = rows["ENV.WAS.01"]
    assert percent.alpha == {2022: pytest.approx(1.0), 2023: pytest.approx(1.0)}
    assert not percent.flagged
    # Unscored indicators have no alpha and come last; the flagged one comes first.
    assert rows["GOV.SVC.02"].alpha == {2022: None, 2023: None}
    assert found.indicators[0].code == "GOV.SVC.01"
    assert [row.code for row in found.indicators[-2:]] == ["ENV.WAS.02", "GOV.SVC.02"]


def test_it_gives_severity_in_levels_per_year_and_flags_the_assessor_who_drifted(two_cycles):
    found = reliability.report()
    rows = {row.username: row for row in found.assessors}

    # 2022: everyone equal, severity 0 on 12 compared answers.
    for row in rows.values():
        assert row.years[2022].severity == pytest.approx(0.0)
        assert (row.years[2022].answers, row.years[2022].scores) == (12, 12)
    # 2023 by hand: on GOV.SVC.01 the answer's mean is x - 2/3 level, so A and B deviate by
    # +2/3 level and C by -4/3; on ENV.WAS.01 nobody deviates. Mean over 12 answers.
    assert rows["asesor.a"].years[2023].severity == pytest.approx(1 / 3)
    assert rows["asesor.b"].years[2023].severity == pytest.approx(1 / 3)
    assert rows["asesor.c"].years[2023].severity == pytest.approx(-2 / 3)
    assert rows["asesor.c"].reasons == [
        reliability.CHANGE
    ]  # |change| 0.667 >= 0.5, |latest| < 0.75
    assert rows["asesor.c"].change == pytest.approx(-2 / 3)
    assert not rows["asesor.a"].flagged and not rows["asesor.b"].flagged
    assert found.assessors[0].username == "asesor.c"
    assert rows["asesor.c"].name == "Asesor C"


def test_it_flags_the_assessor_whose_severity_moved_between_the_halves_of_a_cycle(two_cycles):
    found = reliability.report()
    halves = {(row.year, row.username): row for row in found.halves}

    # C saved every percent (deviation 0) before every level (-4/3 level).
    drifted = halves[(2023, "asesor.c")]
    assert (drifted.first, drifted.second) == (pytest.approx(0.0), pytest.approx(-4 / 3))
    assert (drifted.first_answers, drifted.second_answers) == (6, 6)
    assert drifted.start == START.replace(year=2023)
    assert drifted.middle == START.replace(year=2023) + timedelta(days=4)
    assert drifted.flagged
    # A saved region by region: both halves +1/3.
    steady = halves[(2023, "asesor.a")]
    assert steady.change == pytest.approx(0.0) and not steady.flagged
    assert not halves[(2022, "asesor.c")].flagged  # 2022: no deviation at all
    assert found.halves[0] is drifted
    assert found.flagged_halves == 1


def test_scores_saved_at_one_instant_cannot_show_drift(two_cycles):
    Score.objects.filter(assignment__cycle__year=2023).update(updated_at=START)

    row = {(r.year, r.username): r for r in reliability.report().halves}[(2023, "asesor.c")]

    assert not row.measurable and not row.flagged


def test_a_renamed_indicator_keeps_its_lineage_through_the_crosswalk(assessors):
    cohort_and_more(1)
    old = _cycle(2022, CycleState.PUBLISHED, assessors, c_shift=0)
    new = _cycle(2023, CycleState.REVIEW, assessors, c_shift=2, rename="ENV.WAS.09")
    walk = Crosswalk.objects.create(source=old.instrument, target=new.instrument)
    for code in ("GOV.SVC.01", "GOV.SVC.02", "ENV.WAS.02"):
        CrosswalkEntry.objects.create(
            crosswalk=walk, kind=CrosswalkKind.SAME, source_code=code, target_code=code
        )
    CrosswalkEntry.objects.create(
        crosswalk=walk,
        kind=CrosswalkKind.RENAMED,
        source_code="ENV.WAS.01",
        target_code="ENV.WAS.09",
    )

    rows = {row.code: row for row in reliability.report().indicators}

    assert "ENV.WAS.01" not in rows
    assert rows["ENV.WAS.09"].codes == {2022: "ENV.WAS.01", 2023: "ENV.WAS.09"}
    assert rows["ENV.WAS.09"].alpha == {2022: pytest.approx(1.0), 2023: pytest.approx(1.0)}
    assert rows["ENV.WAS.09"].renamed


def test_without_a_crosswalk_a_changed_code_starts_a_new_lineage(assessors):
    cohort_and_more(1)
    _cycle(2022, CycleState.PUBLISHED, assessors, c_shift=0)
    _cycle(2023, CycleState.REVIEW, assessors, c_shift=2, rename="ENV.WAS.09")

    rows = {row.code: row for row in reliability.report().indicators}

    assert rows["ENV.WAS.01"].codes == {2022: "ENV.WAS.01"}
    assert rows["ENV.WAS.09"].codes == {2023: "ENV.WAS.09"}


def test_the_report_is_empty_without_scores(db):
    found = reliability.report()

    assert (found.years, found.cycles, found.indicators, found.halves) == ([], [], [], [])


def test_the_number_of_queries_does_not_grow_with_the_scores(two_cycles):
    with CaptureQueriesContext(connection) as small:
        reliability.report()
    for number in range(2, 8):
        Region.objects.create(
            code=f"15.{80 + number}",
            name=f"Kab {number}",
            kind="kabupaten",
            parent=Region.objects.get(code="15"),
        )
    cycle = Cycle.objects.get(year=2023)
    level = cycle.instrument.indicators.get(code="GOV.SVC.01")
    for region in Region.objects.filter(code__startswith="15.8"):
        for who in two_cycles:
            assignment = Assignment.objects.create(cycle=cycle, region=region, assessor=who)
            _score(assignment, level, 3, START)
    with CaptureQueriesContext(connection) as large:
        reliability.report()

    assert len(large) == len(small)


# -- page, workbook, API -----------------------------------------------------------------------


def test_the_admin_page_shows_the_four_parts_worst_first_with_flags(client, admin_user, two_cycles):
    client.force_login(admin_user)

    response = client.get(reverse("results:reliability"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-count="indicators">1<' in html
    assert 'data-count="assessors">1<' in html
    assert 'data-count="halves">1<' in html
    # Cycle table: 2022 overall alpha 1,000.
    assert (
        '<tr data-year="2022"><th scope="row">2022</th><td>Dipublikasikan</td><td class="numeric" data-alpha="overall">1,000</td>'
        in html
    )
    # The flagged indicator first, with its reasons and its level descriptors.
    indicators = html[html.index('data-testid="indicator-table"') :]
    assert indicators.index('data-indicator="GOV.SVC.01" data-flagged="1"') < indicators.index(
        'data-indicator="ENV.WAS.01"'
    )
    assert "rubrik perlu ditinjau" in indicators
    assert 'data-testid="levels-GOV.SVC.01"' in indicators
    assert "alpha turun 0,1 atau lebih" in indicators
    # C's severity row, flagged, with -0,67 in 2023.
    assessors = html[html.index('data-testid="assessor-table"') :]
    assert 'data-assessor="asesor.c" data-flagged="1"' in assessors
    assert "−0,67" in assessors
    assert 'data-half="2023-asesor.c" data-flagged="1"' in html
    # Two charts, each with its table alternative.
    assert html.count('class="chart-table"') == 2
    assert 'id="chart-reliability-alpha"' in html and 'id="chart-reliability-severity"' in html


def test_the_admin_home_and_the_cycle_pages_link_to_the_report(client, admin_user, two_cycles):
    client.force_login(admin_user)
    url = reverse("results:reliability")

    for page in (
        reverse("core:home"),
        reverse("results:manage"),
        reverse("results:dashboard", args=[2023]),
        reverse("results:integrity", args=[2023]),
    ):
        assert f'href="{url}' in client.get(page).content.decode(), page


def test_the_workbook_holds_the_four_tables(client, admin_user, two_cycles):
    client.force_login(admin_user)

    response = client.get(reverse("results:reliability_xlsx"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="keandalan-penilaian-')
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Per siklus", "Per indikator", "Per asesor", "Dalam siklus"]
    cycles = list(book["Per siklus"].values)
    assert cycles[0][:5] == ("Tahun", "Tahap", "Alpha keseluruhan", "Asesor", "Nilai")
    assert cycles[1][:5] == (2022, "Dipublikasikan", 1.0, 3, 36)
    indicators = list(book["Per indikator"].values)
    assert indicators[0][4:] == ("2022", "2023", "Perubahan terakhir")
    assert indicators[1][0] == "GOV.SVC.01" and indicators[1][2] == "ya"
    assert indicators[1][5] == round(_ordinal_2023(), 3)
    assessors = {row[0]: row for row in list(book["Per asesor"].values)[1:]}
    assert assessors["asesor.c"][2] == "ya"
    assert assessors["asesor.c"][4:] == (0.0, -0.667, 12, 12)
    halves = list(book["Dalam siklus"].values)
    assert halves[1][:7] == (2023, "asesor.c", "Asesor C", "ya", 0.0, -1.333, -1.333)


def test_the_api_returns_the_same_report_to_admins(admin_user, two_cycles):
    api = APIClient()
    api.force_authenticate(admin_user)

    response = api.get("/api/v1/reliability/")

    assert response.status_code == 200
    data = response.json()
    assert data["years"] == [2022, 2023]
    assert data["cycles"][0] == {
        "year": 2022,
        "state": "published",
        "alpha": pytest.approx(1.0),
        "dimensions": {"GOV": pytest.approx(1.0), "ENV": pytest.approx(1.0)},
        "assessors": 3,
        "scores": 36,
    }
    first = data["indicators"][0]
    assert (first["code"], first["flagged"], first["reasons"]) == (
        "GOV.SVC.01",
        True,
        ["low", "drop"],
    )
    assert first["alpha"]["2023"] == pytest.approx(_ordinal_2023(), abs=1e-9)
    assert len(first["levels"]) == 6
    drifted = data["assessors"][0]
    assert drifted["assessor"] == "asesor.c" and drifted["reasons"] == ["change"]
    assert drifted["years"]["2023"]["severity"] == pytest.approx(-2 / 3)
    assert data["within_cycle"][0]["assessor"] == "asesor.c" and data["within_cycle"][0]["flagged"]
    assert data["thresholds"]["alpha_minimum"] == 0.667


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.ASSESSOR])
def test_operators_and_assessors_are_refused(client, role, two_cycles):
    jambi = Region.objects.get(code="15.71")
    user = make_user(f"someone.{role}", role, region=jambi if role == Role.OPERATOR else None)
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)

    assert client.get(reverse("results:reliability")).status_code == 403
    assert client.get(reverse("results:reliability_xlsx")).status_code == 403
    assert api.get("/api/v1/reliability/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, two_cycles):
    response = client.get(reverse("results:reliability"))

    assert response.status_code == 302 and "/akun/" in response["Location"]


@pytest.mark.parametrize(
    ("alpha", "overall", "reasons"),
    [
        # The cycle agrees (0.80): an indicator below 0.667 is its rubric's matter.
        ({2022: 0.82, 2023: 0.60}, {2022: 0.80, 2023: 0.80}, [reliability.LOW, reliability.DROP]),
        # The whole cycle fell with one strict assessor (0.80 -> 0.50): an indicator falling
        # with it is the assessors' matter (their severity), not its rubric's.
        ({2022: 0.82, 2023: 0.52}, {2022: 0.80, 2023: 0.50}, []),
        # ... but one falling much further than its cycle is still named.
        ({2022: 0.82, 2023: 0.30}, {2022: 0.80, 2023: 0.50}, [reliability.LOW, reliability.DROP]),
        # A first measurement has no fall; a low alpha in an agreeing cycle is named.
        ({2023: 0.60}, {2023: 0.80}, [reliability.LOW]),
    ],
)
def test_a_rubric_is_flagged_against_its_own_cycle(alpha, overall, reasons):
    row = reliability.IndicatorRow("GOV.SVC.01", "", "level", {}, alpha)
    reliability._flag_indicator(row, overall)
    assert row.reasons == reasons


def _calibration_round(cycle, state, levels, assessors, gold=3):
    """A calibration round of ``cycle`` with one GOV.SVC.01 case scored ``levels`` (in the
    order of ``assessors``) against the gold level ``gold``."""
    calibration_round = CalibrationRound.objects.create(cycle=cycle, title="Kalibrasi", state=state)
    case = CalibrationCase.objects.create(
        round=calibration_round,
        indicator=cycle.instrument.indicators.get(code="GOV.SVC.01"),
        situation="Perda smart city sudah ditetapkan; rencana induk belum.",
        gold_level=gold,
    )
    for who, level in zip(assessors, levels, strict=True):
        CalibrationScore.objects.create(case=case, assessor=who, level=level)
    return calibration_round


def test_a_case_most_assessors_misread_in_a_closed_round_flags_its_rubric(two_cycles):
    assessors = two_cycles
    upcoming = Cycle.objects.create(
        year=2024, name="Evaluasi 2024", instrument=make_instrument("rel-2024")
    )
    # Read alike (every assessor within one level of the gold): nothing to add.
    _calibration_round(upcoming, CalibrationState.CLOSED, [3, 3, 4], assessors)
    # Misread by two of three, but the round is still open: not a finding yet.
    _calibration_round(upcoming, CalibrationState.OPEN, [1, 1, 3], assessors)
    rows = {row.code: row for row in reliability.report().indicators}
    assert rows["GOV.SVC.01"].reasons == [reliability.LOW, reliability.DROP]

    # Closed and misread: held before 2024's scoring, it counts for the lineage's latest code.
    _calibration_round(upcoming, CalibrationState.CLOSED, [1, 1, 3], assessors)
    rows = {row.code: row for row in reliability.report().indicators}
    assert rows["GOV.SVC.01"].reasons == [
        reliability.LOW,
        reliability.DROP,
        reliability.CALIBRATION,
    ]
    assert not rows["ENV.WAS.01"].flagged
