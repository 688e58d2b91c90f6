"""Builders for the survey tests: a region's published quick wins, a survey window, responses."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kotacerdas.masterplans.models import Masterplan, Programme, QuickWin
from kotacerdas.surveys.models import SurveyResponse, SurveyWindow

NAMES = ("Mal Pelayanan Publik", "Wisata Danau Sipin", "Perpustakaan komunitas")
DIMENSIONS = (("GOV", "GOV.SVC"), ("BRA", "BRA.TOU"), ("SOC", "SOC.LEA"))


def make_quick_wins(region, year: int, names=NAMES, *, published: bool = True) -> list[Programme]:
    """A masterplan of ``region`` around ``year`` with one programme per name, each a quick win
    of ``year`` (published or not)."""
    masterplan, _ = Masterplan.objects.get_or_create(
        region=region,
        start_year=year - 2,
        defaults={"end_year": year + 2, "title": f"Masterplan {region.name}", "status": "adopted"},
    )
    found = []
    first = masterplan.programmes.count()
    for number, name in enumerate(names, first):
        dimension, element = DIMENSIONS[number % len(DIMENSIONS)]
        programme = Programme.objects.create(
            masterplan=masterplan,
            code=f"qw-{region.code.replace('.', '')}-{number}",
            name=name,
            dimension=dimension,
            element=element,
            kind="application",
            agency="Diskominfo",
            start_year=year,
            end_year=year,
            status="in_progress",
            published=published,
        )
        QuickWin.objects.create(programme=programme, year=year)
        found.append(programme)
    return found


def open_window(cycle, *, days_before: int = 1, days_after: int = 7) -> SurveyWindow:
    now = timezone.now()
    return SurveyWindow.objects.create(
        cycle=cycle,
        starts_at=now - timedelta(days=days_before),
        ends_at=now + timedelta(days=days_after),
    )


def add_responses(window, programme, rows, *, comment: str = "") -> list[SurveyResponse]:
    """One response per (knows, used, rating) row, with ``comment`` on the first."""
    region = programme.masterplan.region
    return SurveyResponse.objects.bulk_create(
        SurveyResponse(
            window=window,
            region=region,
            programme=programme,
            knows=knows,
            used=used,
            rating=rating,
            comment=comment if number == 0 else "",
            fingerprint=f"{number:064x}",
        )
        for number, (knows, used, rating) in enumerate(rows)
    )
