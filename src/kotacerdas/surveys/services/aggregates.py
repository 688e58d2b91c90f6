"""What the responses say, per programme and per region, with their uncertainty.

For each group of responses: how many (n), the share who know the programme and the share who
used it (each with a 95 % Wilson score interval), the mean rating with a 95 % t interval, and the
distribution of ratings 1–5. A figure resting on fewer than ``SURVEY_MIN_RESPONSES`` answers is
not given (``sufficient`` is False and the value None): the pages say "belum cukup tanggapan".
The survey is self-selected: these figures describe who answered, not the population
(docs/surveys.md), and they never enter the index.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from scipy import stats

from kotacerdas.masterplans.models import Programme
from kotacerdas.regions.models import Region

from ..models import SurveyResponse, SurveyWindow
from . import programmes

CONFIDENCE = 0.95
RATINGS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Share:
    """A proportion of ``n`` answers with its interval; value and bounds None when suppressed."""

    count: int
    n: int
    value: float | None
    low: float | None
    high: float | None

    @property
    def sufficient(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Mean:
    """A mean of ``n`` ratings with its interval; None values when suppressed."""

    n: int
    value: float | None
    low: float | None
    high: float | None

    @property
    def sufficient(self) -> bool:
        return self.value is not None


@dataclass
class Aggregate:
    """The figures of one group of responses (a programme, or all of a region's)."""

    n: int
    knows: Share
    used: Share
    rating: Mean
    distribution: list[dict[str, int | float]] | None
    programme_id: int | None = None
    code: str = ""
    name: str = ""
    dimension: str = ""
    comments: list[dict] = field(default_factory=list)

    @property
    def sufficient(self) -> bool:
        return self.knows.sufficient


def minimum() -> int:
    """The smallest number of answers a figure may rest on (``SURVEY_MIN_RESPONSES``)."""
    return settings.SURVEY_MIN_RESPONSES


def wilson_interval(count: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The Wilson score interval of ``count`` successes in ``n`` trials (n > 0): centre
    (p + z²/2n) / (1 + z²/n), half-width z·√(p(1−p)/n + z²/4n²) / (1 + z²/n), z the normal
    quantile. Unlike p ± z·√(p(1−p)/n) it stays inside [0, 1] and is sound for small n."""
    if n <= 0:
        raise ValueError("n must be positive")
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    p = count / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def t_interval(
    values: Sequence[float], confidence: float = CONFIDENCE
) -> tuple[float, float, float]:
    """(mean, low, high): the mean of ``values`` (at least two) ± t(n−1)·s/√n, with s the
    sample standard deviation and t the Student quantile for ``confidence``."""
    n = len(values)
    if n < 2:
        raise ValueError("at least two values are needed")
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = stats.t.ppf(1 - (1 - confidence) / 2, n - 1) * sd / math.sqrt(n)
    return mean, mean - half, mean + half


def share(count: int, n: int, least: int) -> Share:
    """A Share, suppressed when ``n`` is below ``least``."""
    if n < least:
        return Share(count, n, None, None, None)
    low, high = wilson_interval(count, n)
    return Share(count, n, count / n, low, high)


def mean_rating(ratings: Sequence[int], least: int) -> Mean:
    """A Mean of ``ratings``, suppressed when there are fewer than ``least`` (and at least 2)."""
    if len(ratings) < max(least, 2):
        return Mean(len(ratings), None, None, None)
    value, low, high = t_interval(ratings)
    return Mean(len(ratings), value, max(1.0, low), min(5.0, high))


def summarise(rows: Iterable[tuple[bool, bool, int | None]], least: int | None = None) -> Aggregate:
    """The Aggregate of (knows, used, rating) rows. Shares count every response; the mean and
    the distribution count the responses with a rating. Below ``least`` (default
    ``SURVEY_MIN_RESPONSES``) answers a figure is suppressed."""
    least = minimum() if least is None else least
    rows = list(rows)
    n = len(rows)
    ratings = [rating for _k, _u, rating in rows if rating is not None]
    distribution = None
    if ratings and len(ratings) >= least:
        distribution = [
            {
                "rating": value,
                "count": ratings.count(value),
                "share": ratings.count(value) / len(ratings),
            }
            for value in RATINGS
        ]
    return Aggregate(
        n=n,
        knows=share(sum(1 for knows, _u, _r in rows if knows), n, least),
        used=share(sum(1 for _k, used, _r in rows if used), n, least),
        rating=mean_rating(ratings, least),
        distribution=distribution,
    )


@dataclass
class RegionSurvey:
    """A region's survey in one window: the object of the permission ``surveys.view_results``
    (it carries ``cycle_id`` and ``region_id``) and everything its pages show."""

    window: SurveyWindow
    region: Region
    overall: Aggregate | None = None
    programmes: list[Aggregate] = field(default_factory=list)

    @property
    def cycle_id(self) -> int:
        return self.window.cycle_id

    @property
    def region_id(self) -> int:
        return self.region.pk

    @property
    def year(self) -> int:
        return self.window.cycle.year


def region_survey(window: SurveyWindow, region: Region, *, with_comments: bool) -> RegionSurvey:
    """The region's figures in ``window``: one Aggregate per quick win of the cycle's year (its
    published quick wins, and any other programme that has responses) and one over all of them.
    Comments (newest first, with the programme) only ``with_comments``: never for the public."""
    rows = list(
        SurveyResponse.objects.filter(window=window, region=region)
        .order_by("-created_at", "-pk")
        .values_list("programme_id", "knows", "used", "rating", "comment", "created_at")
    )
    by_programme: dict[int, list] = {}
    for row in rows:
        by_programme.setdefault(row[0], []).append(row)
    listed = programmes.quick_wins(region, window.cycle.year)
    known = {p.pk for p in listed}
    # A programme no longer a published quick win keeps the responses it received.
    extra = list(Programme.objects.filter(pk__in=set(by_programme) - known).order_by("code"))
    aggregates = []
    for programme in [*listed, *extra]:
        found = by_programme.get(programme.pk, [])
        aggregate = summarise((knows, used, rating) for _p, knows, used, rating, _c, _t in found)
        aggregate.programme_id = programme.pk
        aggregate.code = programme.code
        aggregate.name = programme.name
        aggregate.dimension = programme.dimension
        if with_comments:
            aggregate.comments = [
                {"comment": comment, "created_at": created}
                for _p, _k, _u, _r, comment, created in found
                if comment
            ]
        aggregates.append(aggregate)
    overall = summarise((knows, used, rating) for _p, knows, used, rating, _c, _t in rows)
    return RegionSurvey(window=window, region=region, overall=overall, programmes=aggregates)


def regions_with_responses(window: SurveyWindow):
    """The regions that have responses in ``window``, by code (a queryset, to paginate)."""
    answered = SurveyResponse.objects.filter(window=window).values("region_id")
    return Region.objects.filter(pk__in=answered).order_by("code")


def window_summary(
    window: SurveyWindow, regions: Iterable[Region] | None = None
) -> list[RegionSurvey]:
    """Every region with responses in ``window`` (or those of ``regions`` that have some), by
    code, with its figures per programme (the programmes that have responses) and overall; no
    comments. One query for all the responses read."""
    rows = SurveyResponse.objects.filter(window=window)
    if regions is not None:
        rows = rows.filter(region__in=[region.pk for region in regions])
    rows = (
        rows.select_related("region", "programme")
        .order_by("region__code", "programme__code")
        .only(
            "knows",
            "used",
            "rating",
            "region__code",
            "region__name",
            "programme__code",
            "programme__name",
            "programme__dimension",
        )
    )
    regions: dict[int, tuple[Region, dict[int, list]]] = {}
    programmes_of: dict[int, Programme] = {}
    for row in rows:
        _region, grouped = regions.setdefault(row.region_id, (row.region, {}))
        grouped.setdefault(row.programme_id, []).append((row.knows, row.used, row.rating))
        programmes_of[row.programme_id] = row.programme
    out = []
    for region, grouped in regions.values():
        aggregates = []
        for programme_id, found in grouped.items():
            programme = programmes_of[programme_id]
            aggregate = summarise(found)
            aggregate.programme_id = programme_id
            aggregate.code, aggregate.name = programme.code, programme.name
            aggregate.dimension = programme.dimension
            aggregates.append(aggregate)
        overall = summarise(item for found in grouped.values() for item in found)
        out.append(
            RegionSurvey(window=window, region=region, overall=overall, programmes=aggregates)
        )
    return out
