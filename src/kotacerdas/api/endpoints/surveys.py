"""The citizen survey's figures as open data (``kotacerdas.surveys``), read-only.

``/surveys/{year}/`` gives every region's figures once the cycle's results are published (a 404
before, whatever the caller), paginated like every list. ``/surveys/{year}/{code}/`` gives one region's: public once the
cycle is published, and at any time to the region's operator, its assessors in that cycle and
admins (``surveys.view_results``), as on the web pages. Comments are never in the API.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from kotacerdas.evaluations.models import Cycle
from kotacerdas.regions.models import Region
from kotacerdas.surveys.models import SurveyWindow
from kotacerdas.surveys.services import aggregates, visibility
from kotacerdas.surveys.services import window as windows
from kotacerdas.surveys.services.aggregates import RegionSurvey

from ..pagination import PageNumberPagination
from ..permissions import ANYONE, Rules


class ShareSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    n = serializers.IntegerField()
    value = serializers.FloatField(
        allow_null=True, help_text="null: fewer answers than the minimum"
    )
    low = serializers.FloatField(allow_null=True, help_text="95% Wilson interval")
    high = serializers.FloatField(allow_null=True)


class MeanSerializer(serializers.Serializer):
    n = serializers.IntegerField(help_text="ratings given")
    value = serializers.FloatField(
        allow_null=True, help_text="null: fewer ratings than the minimum"
    )
    low = serializers.FloatField(allow_null=True, help_text="95% t interval")
    high = serializers.FloatField(allow_null=True)


class RatingCountSerializer(serializers.Serializer):
    rating = serializers.IntegerField()
    count = serializers.IntegerField()
    share = serializers.FloatField()


class AggregateSerializer(serializers.Serializer):
    n = serializers.IntegerField(help_text="responses")
    knows = ShareSerializer()
    used = ShareSerializer()
    rating = MeanSerializer()
    distribution = RatingCountSerializer(many=True, allow_null=True)


class ProgrammeAggregateSerializer(AggregateSerializer):
    code = serializers.CharField()
    name = serializers.CharField()
    dimension = serializers.CharField()


class RegionRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class RegionSurveySerializer(serializers.Serializer):
    year = serializers.IntegerField()
    region = RegionRefSerializer()
    overall = AggregateSerializer()
    programmes = ProgrammeAggregateSerializer(many=True)


class YearSurveySerializer(serializers.Serializer):
    """One page of a year's survey figures: the window and the minimum, and the regions with
    responses by code, paginated as every list (``count``, ``next``, ``previous``,
    ``results``)."""

    count = serializers.IntegerField(help_text="regions with responses, on all pages")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    year = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    minimum_responses = serializers.IntegerField()
    results = RegionSurveySerializer(many=True)


def _region_data(survey: RegionSurvey) -> dict:
    return {
        "year": survey.year,
        "region": survey.region,
        "overall": survey.overall,
        "programmes": survey.programmes,
    }


def _window(year) -> SurveyWindow:
    window = windows.window_for_year(int(year))
    if window is None:
        raise Http404(_("Tidak ada survei warga untuk tahun ini."))
    return window


class SurveyViewSet(viewsets.GenericViewSet):
    """The citizen survey's figures (never its comments)."""

    queryset = Cycle.objects.none()  # rows come from kotacerdas.surveys.services
    filter_backends: list = []
    pagination_class = None
    permission_classes = [Rules]
    # Who sees what is decided per object below (visibility.for_reader), as in the web pages.
    rules_permissions = {"year": ANYONE, "region": ANYONE}

    @extend_schema(
        operation_id="surveys_year",
        parameters=[
            OpenApiParameter("year", int, OpenApiParameter.PATH),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int, description="At most 500; default 50."),
        ],
        responses=YearSurveySerializer,
    )
    def year(self, request, year=None):
        """Every region's survey figures of a published cycle, by region code, a page at a
        time."""
        window = _window(year)
        if not visibility.is_public(window.cycle):
            raise Http404(_("Hasil evaluasi tahun ini belum dipublikasikan."))
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(aggregates.regions_with_responses(window), request, self)
        data = {
            "count": paginator.page.paginator.count,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "year": window.cycle.year,
            "starts_at": window.starts_at,
            "ends_at": window.ends_at,
            "minimum_responses": aggregates.minimum(),
            "results": [_region_data(s) for s in aggregates.window_summary(window, page)],
        }
        return Response(YearSurveySerializer(data).data)

    @extend_schema(
        operation_id="surveys_region",
        parameters=[
            OpenApiParameter("year", int, OpenApiParameter.PATH),
            OpenApiParameter("code", str, OpenApiParameter.PATH),
        ],
        responses=RegionSurveySerializer,
    )
    def region(self, request, year=None, code=None):
        """One region's survey figures per quick win and overall."""
        window = _window(year)
        region = get_object_or_404(Region, code=code)
        if not (
            visibility.is_public(window.cycle)
            or request.user.has_perm("surveys.view_results", RegionSurvey(window, region))
        ):
            raise Http404(_("Hasil survei ini belum dipublikasikan."))
        survey = aggregates.region_survey(window, region, with_comments=False)
        return Response(RegionSurveySerializer(_region_data(survey)).data)


__all__ = ["SurveyViewSet"]
