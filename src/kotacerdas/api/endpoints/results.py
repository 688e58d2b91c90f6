"""Published results: open data for everyone, only for published cycles (``results.services``).

``/results/`` lists the published cycles; ``/results/{year}/`` the ranked regions as JSON
(paginated, filterable) or, with ``?format=csv`` or ``Accept: text/csv``, the whole cycle as the
CSV of ``results.services.exports`` (every level of the tree); ``/results/{year}/{region}/`` one
region, with the assessors' notes per indicator for the region's operator and admins
(``results.view_region_notes``). A cycle that is not published is a 404, whatever the caller.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from kotacerdas.evaluations.models import Cycle
from kotacerdas.regions.models import Region, RegionKind
from kotacerdas.results.models import RegionResult
from kotacerdas.results.services import exports, published

from ..pagination import PageNumberPagination
from ..permissions import ANYONE, Rules
from ..problems import JSONRenderer, ProblemAwareRenderer


class CSVRenderer(ProblemAwareRenderer):
    """The CSV export as produced by the results service (bytes, UTF-8)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render_ok(self, data, accepted_media_type=None, renderer_context=None):
        return data


class PublishedCycleSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    name = serializers.CharField()
    snapshot_version = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    released_at = serializers.DateTimeField()
    regions = serializers.IntegerField()
    display_scale = serializers.IntegerField()
    data_package = serializers.URLField(
        help_text="The version's open-data package (zip): results and the index's inputs."
    )


RESULT_SCHEMA = {
    "type": "object",
    "description": "One region's published result (results.services.published.serialise).",
    "properties": {
        "year": {"type": "integer"},
        "snapshot_version": {"type": "integer"},
        "region": {"type": "object"},
        "index": {"type": "number"},
        "display": {"type": "number"},
        "display_scale": {"type": "integer"},
        "predicate": {"type": "string"},
        "rank": {"type": "object"},
        "aspects": {"type": "array", "items": {"type": "object"}},
        "dimensions": {"type": "array", "items": {"type": "object"}},
        "elements": {"type": "array", "items": {"type": "object"}},
        "indicators": {"type": "array", "items": {"type": "object"}},
        "next_band": {
            "type": "object",
            "description": "The road to the next predicate band (results.services.nextband): "
            "predicate, band (null at the top), index, target, gap, reachable, best and the "
            "steps, each with code, question, from, to, the descriptor of the level to reach, "
            "gain and the index after it (display scale). Empty for older versions.",
        },
        "notes": {"type": "object", "description": "Only for the region's operator and admins."},
    },
    "required": ["year", "region", "index", "display", "rank"],
}
RESULT_PAGE_SCHEMA = {
    "type": "object",
    "properties": {
        "count": {"type": "integer"},
        "next": {"type": "string", "nullable": True},
        "previous": {"type": "string", "nullable": True},
        "results": {"type": "array", "items": RESULT_SCHEMA},
    },
    "required": ["count", "results"],
}


def published_cycle(year: str) -> Cycle:
    """The cycle of ``year`` if its results are public; 404 otherwise (even if it exists)."""
    cycle = Cycle.objects.filter(year=year).first()
    if cycle is None or published.current_snapshot(cycle) is None:
        raise Http404(_("Hasil evaluasi tahun ini belum dipublikasikan."))
    return cycle


class ResultViewSet(viewsets.GenericViewSet):
    """Published results (open data)."""

    queryset = RegionResult.objects.none()  # rows come from results.services.published
    filter_backends: list = []
    pagination_class = None  # the list of cycles is short; the ranking paginates itself
    permission_classes = [Rules]
    rules_permissions = {"list": ANYONE, "ranking": ANYONE, "region": ANYONE}
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(responses=PublishedCycleSerializer(many=True))
    def list(self, request):
        """The cycles whose results are published, newest first."""
        rows = []
        for cycle in published.published_cycles():
            snapshot = published.current_snapshot(cycle)
            rows.append(
                {
                    "year": cycle.year,
                    "name": cycle.name,
                    "snapshot_version": snapshot.version,
                    "published_at": snapshot.published_at,
                    "released_at": snapshot.released_at,
                    "regions": snapshot.regions.count(),
                    "display_scale": snapshot.scale,
                    "data_package": request.build_absolute_uri(
                        reverse("results:data_package", args=[cycle.year])
                    ),
                }
            )
        return Response(PublishedCycleSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="results_ranking",
        parameters=[
            OpenApiParameter("province", str, description="Province code, e.g. 15"),
            OpenApiParameter("kind", str, enum=[*RegionKind.values]),
            OpenApiParameter("format", str, enum=["json", "csv"], description="csv: every row"),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={
            (200, "application/json"): OpenApiResponse(RESULT_PAGE_SCHEMA),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
        },
    )
    def ranking(self, request, year=None):
        """The ranked regions of a published cycle."""
        cycle = published_cycle(year)
        if request.accepted_renderer.format == "csv":
            snapshot = published.current_snapshot(cycle)
            response = Response(exports.export(snapshot, "csv"))
            response["Content-Disposition"] = (
                f'attachment; filename="{exports.filename(snapshot, "csv")}"'
            )
            return response
        rows = published.results_for(cycle)
        province = request.query_params.get("province", "")
        kind = request.query_params.get("kind", "")
        if province:
            rows = rows.filter(region__code__startswith=f"{province}.") | rows.filter(
                region__code=province
            )
        if kind:
            rows = rows.filter(region__kind=kind)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows.order_by("rank", "region__code"), request, self)
        return paginator.get_paginated_response([published.serialise(r) for r in page])

    @extend_schema(operation_id="results_region", responses={200: OpenApiResponse(RESULT_SCHEMA)})
    def region(self, request, year=None, code=None):
        """One region's published result."""
        cycle = published_cycle(year)
        region = get_object_or_404(Region, code=code)
        result = published.results_for(cycle, region).first()
        if result is None:
            raise Http404(_("Daerah ini tidak ada dalam hasil siklus ini."))
        notes = request.user.has_perm("results.view_region_notes", region)
        return Response(published.serialise(result, include_notes=notes))
