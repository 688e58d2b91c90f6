"""The operations view of a cycle for admins (``evaluations.services.operations``): completion by
province with the national total, stalled self-assessments and the assessors' queues, as the
web page ``/evaluasi/siklus/<tahun>/operasional/`` shows them."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from kotacerdas.evaluations.models import Submission
from kotacerdas.evaluations.services import operations

from ..permissions import Rules
from .cycle_admin import CycleNested


class ProgressSerializer(serializers.Serializer):
    """Self-assessments of a province (or, without ``code`` and ``name``, of the country)."""

    code = serializers.CharField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    enrolled = serializers.IntegerField()
    submitted = serializers.IntegerField()
    draft = serializers.IntegerField()
    returned = serializers.IntegerField()
    not_started = serializers.IntegerField(help_text="Drafts with no answer at all")
    answered = serializers.IntegerField(help_text="Indicator answers given")
    possible = serializers.IntegerField(help_text="Enrolled regions × the instrument's indicators")
    submitted_percent = serializers.IntegerField()
    answered_percent = serializers.IntegerField()

    @staticmethod
    def of(row: operations.ProvinceRow) -> dict:
        province = row.province
        return {
            "code": province.code if province else None,
            "name": province.name if province else None,
            **{
                name: getattr(row, name)
                for name in [
                    "enrolled",
                    "submitted",
                    "draft",
                    "returned",
                    "not_started",
                    "answered",
                    "possible",
                    "submitted_percent",
                    "answered_percent",
                ]
            },
        }


class StalledSerializer(serializers.Serializer):
    submission = serializers.IntegerField()
    region = serializers.CharField(help_text="Region code")
    name = serializers.CharField()
    state = serializers.CharField()
    answered = serializers.IntegerField()
    last_change = serializers.DateTimeField(allow_null=True, help_text="None: nothing entered")
    idle_days = serializers.IntegerField(allow_null=True)

    @staticmethod
    def of(row: operations.StalledRow) -> dict:
        submission = row.submission
        return {
            "submission": submission.pk,
            "region": submission.region.code,
            "name": submission.region.name,
            "state": submission.state,
            "answered": row.answered,
            "last_change": row.last_change,
            "idle_days": row.idle_days,
        }


class QueueSerializer(serializers.Serializer):
    assessor = serializers.CharField(help_text="Username")
    name = serializers.CharField()
    assigned = serializers.IntegerField()
    completed = serializers.IntegerField()
    waiting = serializers.IntegerField(help_text="Submitted regions not yet marked complete")
    scored = serializers.IntegerField()
    to_score = serializers.IntegerField()
    scored_percent = serializers.IntegerField()
    overdue = serializers.BooleanField()
    regions = serializers.ListField(child=serializers.CharField(), help_text="Waiting regions")

    @staticmethod
    def of(row: operations.AssessorRow) -> dict:
        return {
            "assessor": row.assessor.username,
            "name": row.assessor.display_name,
            "assigned": row.assigned,
            "completed": row.completed,
            "waiting": row.waiting,
            "scored": row.scored,
            "to_score": row.to_score,
            "scored_percent": row.scored_percent,
            "overdue": row.overdue,
            "regions": row.regions,
        }


class OperationsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    state = serializers.CharField()
    as_of = serializers.DateTimeField()
    indicators = serializers.IntegerField()
    national = ProgressSerializer()
    provinces = ProgressSerializer(many=True)
    stalled = StalledSerializer(many=True)
    assessors = QueueSerializer(many=True)


class OperationsViewSet(CycleNested, viewsets.GenericViewSet):
    """The cycle's operations view (admins)."""

    serializer_class = OperationsSerializer
    permission_classes = [Rules]
    rules_permissions = {"list": "evaluations.manage_cycle"}
    filter_backends: list = []
    pagination_class = None

    def get_queryset(self):
        return Submission.objects.none()  # the view comes from operations.overview

    @extend_schema(responses=OperationsSerializer)
    def list(self, request, *args, **kwargs):
        """Completion by province, stalled self-assessments and the assessors' queues, as of
        now (``operations.overview``)."""
        cycle = self.get_cycle()
        view = operations.overview(cycle)
        data = {
            "year": cycle.year,
            "state": cycle.state,
            "as_of": view.now,
            "indicators": view.indicators,
            "national": ProgressSerializer.of(view.national),
            "provinces": [ProgressSerializer.of(row) for row in view.provinces],
            "stalled": [StalledSerializer.of(row) for row in view.stalled],
            "assessors": [QueueSerializer.of(row) for row in view.assessors],
        }
        return Response(OperationsSerializer(data).data)
