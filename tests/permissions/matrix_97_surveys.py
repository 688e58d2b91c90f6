"""The citizen survey: the public list, form and thank-you page (everyone, no login) and a
region's figures with comments (the region's operator, its assessor in the cycle, admins).
Cycle 2041 is in review with an open survey window and Kota Jambi's published quick win."""

from datetime import timedelta

from django.utils import timezone

from kotacerdas.evaluations.models import CycleState
from kotacerdas.masterplans.models import Masterplan, Programme, QuickWin
from kotacerdas.surveys.models import SurveyWindow
from tests.factories import assign, enrol, make_cycle, make_instrument

from .framework import EVERYONE, REGION_PARTIES, Case

YEAR = 2041


def build(world):
    own = world.own_region
    cycle = make_cycle(YEAR, CycleState.REVIEW, make_instrument("matrix-surveys"))
    enrol(cycle, own, world.other_region)
    assign(cycle, own, world.users["assessor_assigned"])
    now = timezone.now()
    SurveyWindow.objects.create(
        cycle=cycle, starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=7)
    )
    masterplan = Masterplan.objects.create(
        region=own, title="Masterplan survei", start_year=2039, end_year=2043
    )
    programme = Programme.objects.create(
        masterplan=masterplan,
        code="mpp-survei",
        name="Mal Pelayanan Publik",
        dimension="GOV",
        element="GOV.SVC",
        kind="application",
        agency="DPMPTSP",
        start_year=2041,
        end_year=2041,
        published=True,
    )
    QuickWin.objects.create(programme=programme, year=YEAR)
    world.objects["survey_programme"] = programme


def _region(w):
    return {"year": YEAR, "code": w.own_region.code}


def _answer(w):
    prefix = f"p{w.survey_programme.pk}"
    return {f"{prefix}-knows": "ya", f"{prefix}-used": "ya", f"{prefix}-rating": "4"}


CASES = [
    Case("surveys:home", EVERYONE),
    Case("surveys:region", EVERYONE, kwargs=_region),
    Case("surveys:region", EVERYONE, method="post", kwargs=_region, data=_answer),
    Case("surveys:thanks", EVERYONE, kwargs=_region),
    Case("surveys:results", REGION_PARTIES, kwargs=_region),
]
