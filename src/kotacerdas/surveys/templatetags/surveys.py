"""Template tags that show the survey on other apps' pages: the public figures on a region's
published profile, and the link to a region's figures in the operator's and assessor's pages."""

from __future__ import annotations

from django import template

from kotacerdas.core.numbers import localised
from kotacerdas.regions.models import Region

from ..models import SurveyWindow
from ..services import programmes, visibility
from ..services import window as windows
from ..services.aggregates import minimum

register = template.Library()


@register.inclusion_tag("surveys/partials/profile_section.html")
def survey_profile(year: int, code: str) -> dict:
    """The public survey figures of the region ``code`` for ``year`` (only once the cycle is
    published; never comments) and links to the surveys open now that ask about it."""
    region = Region.objects.filter(code=code).first()
    if region is None:
        return {"survey": None, "open": []}
    open_now = [
        window
        for window in windows.open_windows()
        if programmes.quick_wins(region, window.cycle.year)
    ]
    return {
        "survey": visibility.public_region_survey(year, region),
        "open": open_now,
        "region": region,
        "year": year,
        "minimum": minimum(),
    }


@register.inclusion_tag("surveys/partials/link.html", takes_context=True)
def survey_link(context, cycle, region) -> dict:
    """A link to the region's survey figures of ``cycle`` when the cycle has a survey and the
    reader may see them (``surveys.view_results``)."""
    from ..services.aggregates import RegionSurvey

    window = SurveyWindow.objects.filter(cycle=cycle).select_related("cycle").first()
    user = context["request"].user
    if window is None or not user.has_perm("surveys.view_results", RegionSurvey(window, region)):
        return {"window": None}
    count = window.responses.filter(region=region).count()
    return {"window": window, "region": region, "count": count}


@register.filter
def share_percent(value) -> str:
    """A share 0–1 as a whole percentage, rounded (0.99999 reads 100%)."""
    if value is None:
        return "—"
    return f"{localised(100 * float(value), 0)}%"


@register.filter
def mean_value(value) -> str:
    """A mean rating with two decimals, rounded (3.1886 reads 3,19)."""
    if value is None:
        return "—"
    return localised(value, 2)
