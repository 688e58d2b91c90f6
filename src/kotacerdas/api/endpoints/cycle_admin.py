"""The admin's work on a cycle: enrolling regions, and each region's panel of assessors.

``cycles/{year}/enrolment/`` lists, enrols (a JSON list of region codes: any unknown code is a
400 problem naming each one, and nothing is written) and withdraws regions
(``evaluations.services.enrolment``); ``cycles/{year}/panels/`` shows every enrolled region's
assessors and completes the panels automatically (``evaluations.services.assignments``). All of
it is ``evaluations.manage_cycle`` (admins), asked of the cycle, as on the web pages.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kotacerdas.evaluations.models import Cycle, Submission
from kotacerdas.evaluations.services import assignments, enrolment
from kotacerdas.regions.lineage import resolve_code
from kotacerdas.regions.models import Region, RegionKind

from ..permissions import Rules
from . import query_param, validated
from .evaluations import AssignmentSerializer, SubmissionSerializer
from .regions import RegionSerializer

MAX_CODES = 1000
YEAR = OpenApiParameter("year", int, OpenApiParameter.PATH, description="The cycle's year")
REGION_CODE = r"\d{2}(?:\.\d{2})?"


class CycleNested:
    """A viewset under ``cycles/{year}/``: the cycle (404 if unknown) is the object the `rules`
    permission of list-like actions is asked about."""

    def get_cycle(self) -> Cycle:
        if not hasattr(self, "_cycle"):
            self._cycle = get_object_or_404(
                Cycle.objects.select_related("instrument"), year=self.kwargs["year"]
            )
        return self._cycle

    def get_permission_object(self) -> Cycle:
        return self.get_cycle()


# --- Enrolment ----------------------------------------------------------------------------------


class RegionBrief(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class EnrolInput(serializers.Serializer):
    """The region codes to enrol (``15.71``); codes already enrolled are reported, not errors."""

    regions = serializers.ListField(
        child=serializers.CharField(max_length=10),
        min_length=1,
        max_length=MAX_CODES,
        help_text="Kemendagri codes, e.g. 15.71",
    )

    def validate_regions(self, codes: list[str]) -> list[tuple[str, Region]]:
        """(code as given, its region) for every code, or one error per unknown code (pointer
        ``#/regions/<index>``). An old code retired by a change in the register (91.01, now
        Kabupaten Merauke 93.01) stands for its current region (``regions.lineage``)."""
        known = {region.code: region for region in Region.objects.filter(code__in=set(codes))}
        found, unknown = [], {}
        for index, code in enumerate(codes):
            resolution = None if code in known else resolve_code(code)
            region = known.get(code) or (resolution.region if resolution else None)
            if region is None:
                unknown[index] = [
                    _("Kode %(code)s tidak ada dalam daftar daerah.") % {"code": code[:20]}
                ]
            else:
                found.append((code, region))
        if unknown:
            raise serializers.ValidationError(unknown)
        return found


class OldCode(serializers.Serializer):
    given = serializers.CharField(help_text="The old code as sent, e.g. 91.01.")
    code = serializers.CharField(help_text="The region's current code, e.g. 93.01.")
    name = serializers.CharField()


class EnrolmentReportSerializer(serializers.Serializer):
    added = RegionBrief(many=True, help_text="Enrolled now.")
    already = RegionBrief(many=True, help_text="Were enrolled before; left as they were.")
    old_codes = OldCode(
        many=True, help_text="Old codes in the request, read as the region's current code."
    )

    @staticmethod
    def of(report: enrolment.EnrolmentReport, given: list[tuple[str, Region]]) -> dict:
        def brief(regions):
            return [{"code": region.code, "name": region.name} for region in regions]

        return {
            "added": brief(report.added),
            "already": brief(report.already),
            "old_codes": [
                {"given": code, "code": region.code, "name": region.name}
                for code, region in given
                if code != region.code
            ],
        }


@extend_schema_view(
    list=extend_schema(parameters=[YEAR]),
    create=extend_schema(
        parameters=[YEAR], request=EnrolInput, responses={200: EnrolmentReportSerializer}
    ),
    destroy=extend_schema(parameters=[YEAR], responses={204: None}),
    candidates=extend_schema(
        parameters=[
            YEAR,
            OpenApiParameter("q", str, description="Name or code contains"),
            OpenApiParameter("kind", str, enum=RegionKind.values),
            OpenApiParameter("province", str, description="Two-digit province code"),
        ],
        responses=RegionSerializer(many=True),
    ),
)
class EnrolmentViewSet(CycleNested, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The regions enrolled in a cycle (their self-assessments); enrol more while the cycle is a
    draft or open, withdraw one while it is a draft and the region has not answered."""

    serializer_class = SubmissionSerializer
    permission_classes = [Rules]
    rules_permissions = {
        "list": "evaluations.manage_cycle",
        "candidates": "evaluations.manage_cycle",
        "create": "evaluations.manage_cycle",
        "destroy": "evaluations.manage_cycle",
    }
    lookup_field = "region__code"
    lookup_url_kwarg = "code"
    lookup_value_regex = REGION_CODE
    filterset_fields = {"state": ["exact"], "region__kind": ["exact"]}
    search_fields = ["region__name", "region__code"]
    ordering_fields = ["region__code", "enrolled_at", "submitted_at"]
    ordering = ["region__code"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no year
            return Submission.objects.none()
        return Submission.objects.filter(cycle=self.get_cycle()).select_related("cycle", "region")

    def create(self, request, *args, **kwargs):
        """Enrol the listed regions (``enrolment.enrol``): all in one transaction; an unknown
        code refuses the whole list (400, one error per code) before anything is written; an old
        code enrols its current region and is named in ``old_codes``."""
        cycle = self.get_cycle()
        given = validated(EnrolInput, request.data)["regions"]
        regions = list({region.pk: region for _code, region in given}.values())
        report = enrolment.enrol(cycle, regions, by=request.user)
        return Response(EnrolmentReportSerializer(EnrolmentReportSerializer.of(report, given)).data)

    def destroy(self, request, *args, **kwargs):
        """Withdraw the region from the cycle (``enrolment.unenrol``: a draft cycle only, and
        only before the region answered anything)."""
        enrolment.unenrol(self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=False, methods=["get"], filter_backends=[])
    def candidates(self, request, *args, **kwargs):
        """Regions not enrolled yet (``enrolment.candidates``), by code."""
        found = enrolment.candidates(
            self.get_cycle(),
            query=query_param(request, "q"),
            kind=query_param(request, "kind", 20),
            province=query_param(request, "province", 2),
        )
        page = self.paginate_queryset(found)
        return self.get_paginated_response(RegionSerializer(page, many=True).data)


# --- Panels of assessors ------------------------------------------------------------------------


class PanelAssessorSerializer(serializers.Serializer):
    assignment = serializers.IntegerField()
    assessor = serializers.CharField()
    name = serializers.CharField()
    completed_at = serializers.DateTimeField(allow_null=True)


class CandidateSerializer(serializers.Serializer):
    assessor = serializers.CharField()
    name = serializers.CharField()
    load = serializers.IntegerField(help_text="Regions already assigned in this cycle.")


class PanelSerializer(serializers.Serializer):
    """One enrolled region: its assessors, who could still join (least loaded first) and who
    declared a conflict of interest with it."""

    submission = serializers.IntegerField()
    region = serializers.CharField()
    region_name = serializers.CharField()
    assessors = PanelAssessorSerializer(many=True)
    missing = serializers.IntegerField(help_text="Places short of the cycle's minimum.")
    candidates = CandidateSerializer(many=True)
    conflicted = serializers.ListField(child=serializers.CharField())

    @staticmethod
    def of(row: assignments.PanelRow) -> dict:
        return {
            "submission": row.submission.pk,
            "region": row.submission.region.code,
            "region_name": row.submission.region.name,
            "assessors": [
                {
                    "assignment": item.pk,
                    "assessor": item.assessor.username,
                    "name": item.assessor.display_name,
                    "completed_at": item.completed_at,
                }
                for item in row.assignments
            ],
            "missing": row.missing,
            "candidates": [
                {"assessor": user.username, "name": user.display_name, "load": load}
                for user, load in row.candidates
            ],
            "conflicted": [user.username for user in row.conflicted],
        }


class ShortSerializer(serializers.Serializer):
    region = serializers.CharField()
    region_name = serializers.CharField()
    missing = serializers.IntegerField()


class AutoAssignSerializer(serializers.Serializer):
    created = AssignmentSerializer(many=True)
    short = ShortSerializer(many=True, help_text="Regions still short of assessors.")

    @staticmethod
    def of(report: assignments.AutoAssignReport) -> dict:
        return {
            "created": report.created,
            "short": [
                {"region": region.code, "region_name": region.name, "missing": missing}
                for region, missing in report.short.items()
            ],
        }


@extend_schema_view(
    list=extend_schema(
        parameters=[
            YEAR,
            OpenApiParameter("province", str, description="Two-digit province code"),
        ],
        responses=PanelSerializer(many=True),
    ),
    auto_assign=extend_schema(parameters=[YEAR], request=None, responses=AutoAssignSerializer),
)
class PanelViewSet(CycleNested, viewsets.GenericViewSet):
    """Each enrolled region's panel of assessors (the web assignment page), and the balanced
    automatic assignment. One assignment is made with ``POST /assignments/`` and withdrawn with
    ``DELETE /assignments/{id}/``."""

    serializer_class = PanelSerializer
    permission_classes = [Rules]
    rules_permissions = {
        "list": "evaluations.manage_cycle",
        "auto_assign": "evaluations.manage_cycle",
    }
    filter_backends: list = []

    def get_queryset(self):
        return Submission.objects.none()  # rows come from assignments.panels

    def list(self, request, *args, **kwargs):
        """Regions by code (``assignments.panels``), paginated."""
        rows = assignments.panels(self.get_cycle(), province=query_param(request, "province", 2))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(
            PanelSerializer([PanelSerializer.of(row) for row in page], many=True).data
        )

    @action(detail=False, methods=["post"], url_path="auto-assign")
    def auto_assign(self, request, *args, **kwargs):
        """Complete every region's panel up to the cycle's minimum, least loaded assessor first
        (``assignments.auto_assign``); regions that stay short are listed in ``short``."""
        report = assignments.auto_assign(self.get_cycle(), by=request.user)
        return Response(AutoAssignSerializer(AutoAssignSerializer.of(report)).data)


__all__ = ["EnrolmentViewSet", "PanelViewSet"]
