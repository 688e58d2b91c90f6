"""When the public sees a region's survey figures: once the cycle's results are published, and
then never the comments. The region's operator, its assessors and admins see both at any time
(``rules.py``)."""

from __future__ import annotations

from kotacerdas.evaluations.models import Cycle
from kotacerdas.regions.models import Region
from kotacerdas.results.services import published

from ..models import SurveyWindow
from .aggregates import RegionSurvey, region_survey


def is_public(cycle: Cycle) -> bool:
    """Whether the survey figures of ``cycle`` are public: its results are published."""
    return published.current_snapshot(cycle) is not None


def for_reader(user, window: SurveyWindow, region: Region) -> RegionSurvey | None:
    """The region's figures as ``user`` may see them: with comments for the region's parties
    (``surveys.view_results``), without for anyone else once the cycle is published, and None
    (nothing at all) before that."""
    target = RegionSurvey(window=window, region=region)
    if user.has_perm("surveys.view_results", target):
        return region_survey(window, region, with_comments=True)
    if is_public(window.cycle):
        return region_survey(window, region, with_comments=False)
    return None


def public_region_survey(year: int, region: Region) -> RegionSurvey | None:
    """The public figures (no comments) of ``region`` in the survey of ``year``, or None when
    there is no survey or the cycle is not published."""
    window = SurveyWindow.objects.select_related("cycle").filter(cycle__year=year).first()
    if window is None or not is_public(window.cycle):
        return None
    return region_survey(window, region, with_comments=False)
