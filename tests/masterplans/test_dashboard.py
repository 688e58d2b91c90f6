"""Every dashboard figure equals a sum computed by hand from the fixture's programmes.

Kota Jambi (fixture ``programmes``):
- GOV-01 infrastructure, done, published: 2021 1.000.000.000 / 950.000.000, 2022 500.000.000 /
  600.000.000 (overrun), quick win 2022, KPI K1 2021 10→12 (achieved), 2022 20→15 (not).
- BRA-01 cooperation, in progress, published: 2022 250.000.000 / 100.000.000, quick win 2022.
- ENV-01 infrastructure, cancelled, NOT published: 2020 300.000.000 / 0, KPI K1 2020 target 5.
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from kotacerdas.masterplans.models import Programme
from kotacerdas.masterplans.services import dashboard

from .builders import make_masterplan, make_programme

M = 1_000_000


def rows(money_rows):
    return {row.key: (row.planned, row.realised) for row in money_rows}


def test_region_dashboard_over_all_programmes(masterplan, programmes):
    figures = dashboard.region_dashboard(
        masterplan.programmes.all(), masterplan.years, with_kpis=True
    )
    assert rows(figures.by_year) == {
        "2018": (0, 0),
        "2019": (0, 0),
        "2020": (300 * M, 0),
        "2021": (1000 * M, 950 * M),
        "2022": (500 * M + 250 * M, 600 * M + 100 * M),
    }
    assert (figures.total.planned, figures.total.realised) == (2050 * M, 1650 * M)
    assert figures.total.percent == Decimal(1650) * 100 / Decimal(2050)
    by_dimension = rows(figures.by_dimension)
    assert by_dimension["GOV"] == (1500 * M, 1550 * M)
    assert by_dimension["BRA"] == (250 * M, 100 * M)
    assert by_dimension["ENV"] == (300 * M, 0)
    assert by_dimension["ECO"] == by_dimension["LIV"] == by_dimension["SOC"] == (0, 0)
    by_kind = rows(figures.by_kind)
    assert by_kind["infrastructure"] == (1000 * M + 500 * M + 300 * M, 950 * M + 600 * M)
    assert by_kind["cooperation"] == (250 * M, 100 * M)
    assert by_kind["regulation"] == by_kind["application"] == by_kind["ict_hr"] == (0, 0)
    assert sum(p for p, _r in by_kind.values()) == figures.total.planned
    assert [row.overrun for row in figures.by_year] == [False, False, False, False, False]
    assert figures.by_dimension[0].overrun  # GOV: 1.550 realised over 1.500 planned


def test_completion_counts_done_over_not_cancelled(masterplan, programmes):
    figures = dashboard.region_dashboard(
        masterplan.programmes.all(), masterplan.years, with_kpis=True
    )
    completion = {row.key: (row.done, row.counted, row.cancelled) for row in figures.completion}
    assert completion["GOV"] == (1, 1, 0)
    assert completion["BRA"] == (0, 1, 0)
    assert completion["ENV"] == (0, 0, 1)
    gov = figures.completion[0]
    assert gov.percent == 100
    assert figures.completion[5].percent is None  # ENV: nothing left to count


def test_ministry_style_completion_nine_of_ten(jambi):
    masterplan = make_masterplan(jambi)
    for number in range(10):
        status = "done" if number < 9 else "stalled"
        make_programme(masterplan, f"LIV-{number}", element="LIV.HEA", status=status)
    figures = dashboard.completion(masterplan.programmes.all())
    living = next(row for row in figures if row.key == "LIV")
    assert (living.done, living.counted, living.percent) == (9, 10, 90)


def test_quick_wins_and_kpi_attainment(masterplan, programmes):
    figures = dashboard.region_dashboard(
        masterplan.programmes.all(), masterplan.years, with_kpis=True
    )
    assert list(figures.quick_wins) == [2022]
    assert [entry.code for entry in figures.quick_wins[2022]] == ["GOV-01", "BRA-01"]
    kpis = {row.year: (row.with_target, row.reported, row.achieved) for row in figures.kpi_years}
    assert kpis == {
        2018: (0, 0, 0),
        2019: (0, 0, 0),
        2020: (1, 0, 0),
        2021: (1, 1, 1),
        2022: (1, 1, 0),
    }


def test_public_region_dashboard_counts_only_published(masterplan, programmes):
    published = masterplan.programmes.filter(published=True)
    figures = dashboard.region_dashboard(published, masterplan.years, with_kpis=False)
    assert (figures.total.planned, figures.total.realised) == (1750 * M, 1650 * M)
    assert rows(figures.by_year)["2020"] == (0, 0)
    assert figures.kpi_years is None
    assert figures.programme_count == 2


def test_region_dashboard_page_shows_the_figures(client, masterplan, programmes, operator):
    response = client.get(reverse("masterplans:dashboard", args=[masterplan.pk]))
    page = response.content.decode()
    assert 'data-planned="1750000000"' in page  # public total
    assert "Rp 1.750.000.000" in page
    assert "94,3%" in page  # realised 1.650 of 1.750 million, the percent sign joined
    assert "Capaian indikator" not in page
    client.force_login(operator)
    page = client.get(reverse("masterplans:dashboard", args=[masterplan.pk])).content.decode()
    assert 'data-planned="2050000000"' in page
    assert "Rp 2.050.000.000" in page
    assert "Capaian indikator" in page
    assert "1 dari 1 program" in page


@pytest.fixture
def bandung_programmes(bandung):
    masterplan = make_masterplan(bandung, 2020, 2024)
    make_programme(
        masterplan,
        "LIV-01",
        element="LIV.HEA",
        status="done",
        budgets={2022: (400 * M, 400 * M)},
        quick_wins=(2022,),
    )
    make_programme(masterplan, "GOV-01", element="GOV.SVC")
    return masterplan


def test_national_dashboard_across_regions(programmes, bandung_programmes):
    figures = dashboard.national_dashboard(Programme.objects.all())
    assert (figures.regions, figures.programmes) == (2, 5)
    coverage = {row.key: (row.regions, row.programmes) for row in figures.dimension_coverage}
    assert coverage == {
        "GOV": (2, 2),
        "BRA": (1, 1),
        "ECO": (0, 0),
        "LIV": (1, 1),
        "SOC": (0, 0),
        "ENV": (1, 1),
    }
    kinds = {row.key: (row.regions, row.programmes) for row in figures.kind_coverage}
    assert kinds["infrastructure"] == (1, 2)
    assert kinds["application"] == (1, 2)
    assert kinds["cooperation"] == (1, 1)
    assert figures.matrix["GOV"] == {
        "regulation": 0,
        "infrastructure": 1,
        "application": 1,
        "ict_hr": 0,
        "cooperation": 0,
    }
    assert figures.quick_wins["GOV"] == {2022: 1}
    assert figures.quick_wins["LIV"] == {2022: 1}
    assert figures.quick_wins["BRA"] == {2022: 1}
    assert rows(figures.budget_by_year) == {
        "2020": (300 * M, 0),
        "2021": (1000 * M, 950 * M),
        "2022": (750 * M + 400 * M, 700 * M + 400 * M),
    }
    assert (figures.total.planned, figures.total.realised) == (2450 * M, 2050 * M)


def test_national_page_public_sees_published_only(
    client, programmes, bandung_programmes, admin_user
):
    page = client.get(reverse("masterplans:national")).content.decode()
    assert 'data-testid="national-programmes">4<' in page
    assert "<p>program masterplan</p>" in page  # a caption that reads well for any count
    assert 'data-planned="2150000000"' in page  # 1.750 (Jambi published) + 400 (Bandung)
    client.force_login(admin_user)
    page = client.get(reverse("masterplans:national")).content.decode()
    assert 'data-testid="national-programmes">5<' in page
    assert 'data-planned="2450000000"' in page


def test_national_page_names_programme_kinds_in_the_readers_language(client, programmes):
    page = client.get(reverse("masterplans:national")).content.decode()
    assert ">Infrastruktur</th>" in page and ">Kerja sama antarlembaga</th>" in page
    client.cookies["django_language"] = "en"
    page = client.get(reverse("masterplans:national")).content.decode()
    assert ">Infrastructure</th>" in page and ">Inter-agency cooperation</th>" in page
    assert "Infrastruktur" not in page


def test_region_dashboard_budget_by_kind_in_the_active_language(programmes):
    with translation.override("en"):
        figures = dashboard.region_dashboard(
            Programme.objects.all(), [2020, 2021, 2022], with_kpis=False
        )
    labels = {row.key: row.label for row in figures.by_kind}
    assert labels["infrastructure"] == "Infrastructure"
