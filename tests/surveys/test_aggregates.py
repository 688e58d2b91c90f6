"""The survey's figures against values computed by hand: the Wilson interval of a share, the
t interval of the mean rating, the distribution, and the suppression below the minimum."""

import pytest

from kotacerdas.evaluations.models import CycleState
from kotacerdas.surveys.services import aggregates
from tests.factories import make_cycle

from .builders import add_responses, make_quick_wins, open_window

RATINGS = [5, 4, 4, 3, 5, 2, 4, 5, 3, 4]


def test_wilson_interval_of_seven_in_ten():
    # p = 0.7, z = 1.959964, z² = 3.841459: centre 0.892073 / 1.384146 = 0.644490,
    # half-width 1.959964 · √(0.021 + 0.0096036) / 1.384146 = 0.247713.
    low, high = aggregates.wilson_interval(7, 10)
    assert low == pytest.approx(0.396777, abs=1e-5)
    assert high == pytest.approx(0.892203, abs=1e-5)


def test_wilson_interval_stays_inside_zero_and_one():
    low, high = aggregates.wilson_interval(10, 10)
    assert high == pytest.approx(1.0)
    assert low == pytest.approx(0.722467, abs=1e-5)  # 10 / (10 + z²)


def test_t_interval_of_ten_ratings():
    # mean 39 / 10 = 3.9; squared deviations sum to 8.9, s = √(8.9 / 9) = 0.994429;
    # t(0.975, 9) = 2.262157; half-width 2.262157 · 0.994429 / √10 = 0.711371.
    mean, low, high = aggregates.t_interval(RATINGS)
    assert mean == pytest.approx(3.9)
    assert low == pytest.approx(3.188629, abs=1e-5)
    assert high == pytest.approx(4.611371, abs=1e-5)


def test_summarise_counts_shares_mean_and_distribution():
    rows = [(True, True, r) for r in RATINGS[:7]] + [(True, False, None), (False, False, None)]
    rows += [(False, True, RATINGS[7])]
    found = aggregates.summarise(rows, least=5)
    assert found.n == 10
    assert (found.knows.count, found.knows.value) == (8, 0.8)
    assert (found.used.count, found.used.value) == (8, 0.8)
    # The rated responses: the first seven ratings and the eighth.
    rated = RATINGS[:8]
    assert found.rating.n == 8
    assert found.rating.value == pytest.approx(sum(rated) / 8)
    assert [item["count"] for item in found.distribution] == [0, 1, 1, 3, 3]
    assert found.distribution[4]["share"] == pytest.approx(3 / 8)


def test_figures_below_the_minimum_are_suppressed(settings):
    settings.SURVEY_MIN_RESPONSES = 10
    found = aggregates.summarise([(True, True, 4)] * 9)
    assert found.n == 9
    assert not found.sufficient
    assert found.knows.value is None and found.knows.low is None
    assert found.rating.value is None
    assert found.distribution is None
    enough = aggregates.summarise([(True, True, 4)] * 10)
    assert enough.sufficient and enough.knows.value == 1.0


def test_region_survey_per_programme_and_overall(jambi, settings):
    settings.SURVEY_MIN_RESPONSES = 3
    cycle = make_cycle(2030, CycleState.REVIEW)
    mpp, sipin, library = make_quick_wins(jambi, 2030)
    window = open_window(cycle)
    add_responses(window, mpp, [(True, True, 5), (True, True, 3), (False, False, None)])
    add_responses(window, sipin, [(True, False, None)], comment="Rahasia warga")
    survey = aggregates.region_survey(window, jambi, with_comments=True)
    by_name = {row.name: row for row in survey.programmes}
    assert list(by_name) == [mpp.name, sipin.name, library.name]  # framework order GOV, BRA, SOC
    assert by_name[mpp.name].knows.value == pytest.approx(2 / 3)
    assert by_name[mpp.name].rating.n == 2 and by_name[mpp.name].rating.value is None  # 2 < 3
    assert not by_name[sipin.name].sufficient
    assert by_name[sipin.name].comments[0]["comment"] == "Rahasia warga"
    assert by_name[library.name].n == 0
    assert survey.overall.n == 4
    assert survey.overall.used.value == pytest.approx(2 / 4)
    public = aggregates.region_survey(window, jambi, with_comments=False)
    assert all(row.comments == [] for row in public.programmes)
