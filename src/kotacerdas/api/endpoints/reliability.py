"""The reliability report across cycles for admins (``results.services.reliability``): alpha per
cycle and dimension, per indicator lineage across years, assessor severity across cycles and
within a cycle, as the web page ``/hasil/kelola/keandalan/`` shows them."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from kotacerdas.evaluations.models import Cycle
from kotacerdas.results.services import reliability

from ..permissions import Rules


def _years(mapping: dict) -> dict[str, object]:
    """JSON object keys are strings: ``{2022: x}`` → ``{"2022": x}``."""
    return {str(year): value for year, value in sorted(mapping.items())}


class ReliabilityCycleSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    state = serializers.CharField()
    alpha = serializers.FloatField(allow_null=True, help_text="Overall alpha (the tree's root)")
    dimensions = serializers.DictField(
        child=serializers.FloatField(allow_null=True), help_text="Dimension code → alpha"
    )
    assessors = serializers.IntegerField()
    scores = serializers.IntegerField()

    @staticmethod
    def of(row: reliability.CycleRow) -> dict:
        return {
            "year": row.year,
            "state": row.state,
            "alpha": row.overall,
            "dimensions": row.dimensions,
            "assessors": row.assessors,
            "scores": row.scores,
        }


class ReliabilityLevelSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    description = serializers.CharField()


class ReliabilityIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The code in the latest year")
    question = serializers.CharField()
    type = serializers.CharField()
    codes = serializers.DictField(child=serializers.CharField(), help_text="Year → code")
    alpha = serializers.DictField(
        child=serializers.FloatField(allow_null=True), help_text="Year → alpha"
    )
    latest_year = serializers.IntegerField(allow_null=True)
    latest = serializers.FloatField(allow_null=True, help_text="The latest alpha")
    change = serializers.FloatField(allow_null=True, help_text="Latest alpha − the one before")
    flagged = serializers.BooleanField(help_text="Rubric to revise")
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="low, drop, calibration"
    )
    levels = ReliabilityLevelSerializer(many=True, help_text="Level descriptors of the latest year")

    @staticmethod
    def of(row: reliability.IndicatorRow) -> dict:
        return {
            "code": row.code,
            "question": row.question,
            "type": row.type,
            "codes": _years(row.codes),
            "alpha": _years(row.alpha),
            "latest_year": row.latest_year,
            "latest": row.latest,
            "change": row.change,
            "flagged": row.flagged,
            "reasons": row.reasons,
            "levels": [{"level": level, "description": text} for level, text in row.levels],
        }


class ReliabilityYearSeveritySerializer(serializers.Serializer):
    severity = serializers.FloatField(allow_null=True, help_text="In rubric levels")
    answers = serializers.IntegerField(help_text="Answers compared with other assessors")
    scores = serializers.IntegerField()


class ReliabilityAssessorSerializer(serializers.Serializer):
    assessor = serializers.CharField(help_text="Username")
    name = serializers.CharField()
    years = serializers.DictField(
        child=ReliabilityYearSeveritySerializer(), help_text="Year → severity"
    )
    latest = serializers.FloatField(allow_null=True)
    change = serializers.FloatField(allow_null=True)
    flagged = serializers.BooleanField(help_text="Drift across cycles")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="change, severe")

    @staticmethod
    def of(row: reliability.AssessorRow) -> dict:
        return {
            "assessor": row.username,
            "name": row.name,
            "years": {
                str(year): {"severity": y.severity, "answers": y.answers, "scores": y.scores}
                for year, y in sorted(row.years.items())
            },
            "latest": row.latest,
            "change": row.change,
            "flagged": row.flagged,
            "reasons": row.reasons,
        }


class ReliabilityHalfSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    assessor = serializers.CharField(help_text="Username")
    name = serializers.CharField()
    first = serializers.FloatField(allow_null=True, help_text="Severity, first half (levels)")
    second = serializers.FloatField(allow_null=True, help_text="Severity, second half (levels)")
    change = serializers.FloatField(allow_null=True)
    first_answers = serializers.IntegerField()
    second_answers = serializers.IntegerField()
    start = serializers.DateTimeField(allow_null=True)
    middle = serializers.DateTimeField(allow_null=True, help_text="First time of the second half")
    end = serializers.DateTimeField(allow_null=True)
    measurable = serializers.BooleanField()
    flagged = serializers.BooleanField(help_text="Drift within the cycle")

    @staticmethod
    def of(row: reliability.HalfRow) -> dict:
        return {
            "year": row.year,
            "assessor": row.username,
            "name": row.name,
            "first": row.first,
            "second": row.second,
            "change": row.change,
            "first_answers": row.first_answers,
            "second_answers": row.second_answers,
            "start": row.start,
            "middle": row.middle,
            "end": row.end,
            "measurable": row.measurable,
            "flagged": row.flagged,
        }


class ReliabilitySerializer(serializers.Serializer):
    thresholds = serializers.DictField(child=serializers.FloatField())
    years = serializers.ListField(child=serializers.IntegerField())
    dimensions = serializers.DictField(child=serializers.CharField(), help_text="Code → name")
    cycles = ReliabilityCycleSerializer(many=True)
    indicators = ReliabilityIndicatorSerializer(many=True)
    assessors = ReliabilityAssessorSerializer(many=True)
    within_cycle = ReliabilityHalfSerializer(many=True)


class ReliabilityViewSet(viewsets.GenericViewSet):
    """The reliability report (admins)."""

    serializer_class = ReliabilitySerializer
    permission_classes = [Rules]
    rules_permissions = {"retrieve": "results.view_reliability"}
    filter_backends: list = []
    pagination_class = None

    def get_queryset(self):
        return Cycle.objects.none()  # the report comes from reliability.report

    @extend_schema(operation_id="reliability_retrieve", responses=ReliabilitySerializer)
    def retrieve(self, request, *args, **kwargs):
        """Every cycle with assessor scores: agreement per cycle and per indicator lineage,
        assessor severity across cycles and within each cycle, worst first, with the flags and
        thresholds of the web page."""
        found = reliability.report()
        data = {
            "thresholds": reliability.thresholds(),
            "years": found.years,
            "dimensions": dict(found.dimensions),
            "cycles": [ReliabilityCycleSerializer.of(row) for row in found.cycles],
            "indicators": [ReliabilityIndicatorSerializer.of(row) for row in found.indicators],
            "assessors": [ReliabilityAssessorSerializer.of(row) for row in found.assessors],
            "within_cycle": [ReliabilityHalfSerializer.of(row) for row in found.halves],
        }
        return Response(ReliabilitySerializer(data).data)
