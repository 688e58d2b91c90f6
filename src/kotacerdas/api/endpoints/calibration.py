"""The calibration rounds of a cycle for admins (``evaluations.services.calibration``): each
round with its report summary (per assessor and per case), as the web page
``/evaluasi/siklus/<tahun>/kalibrasi/<id>/laporan/`` shows it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from kotacerdas.evaluations.models import CalibrationRound
from kotacerdas.evaluations.services import calibration

from ..permissions import Rules
from .cycle_admin import CycleNested


class AssessorResultSerializer(serializers.Serializer):
    assessor = serializers.CharField(help_text="Username")
    name = serializers.CharField()
    scored = serializers.IntegerField()
    total = serializers.IntegerField()
    exact = serializers.FloatField(allow_null=True, help_text="Share of scored cases at the gold")
    within_one = serializers.FloatField(allow_null=True, help_text="Share within one level")
    mean_deviation = serializers.FloatField(
        allow_null=True, help_text="Mean of level − gold: positive lenient, negative strict"
    )
    mean_absolute = serializers.FloatField(allow_null=True)
    passed = serializers.BooleanField()

    @staticmethod
    def of(row: calibration.AssessorResult) -> dict:
        return {
            "assessor": row.assessor.username,
            "name": row.assessor.display_name,
            **{
                name: getattr(row, name)
                for name in [
                    "scored",
                    "total",
                    "exact",
                    "within_one",
                    "mean_deviation",
                    "mean_absolute",
                    "passed",
                ]
            },
        }


class CaseResultSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    indicator = serializers.CharField(help_text="Indicator code")
    gold_level = serializers.IntegerField(allow_null=True)
    distribution = serializers.ListField(
        child=serializers.IntegerField(), help_text="Assessors who gave level 0, 1, ..., 5"
    )
    scored = serializers.IntegerField()
    exact = serializers.FloatField(allow_null=True)
    within_one = serializers.FloatField(allow_null=True)
    unclear = serializers.BooleanField(
        help_text="Fewer than half of the assessors within one level: the rubric needs clarifying"
    )

    @staticmethod
    def of(row: calibration.CaseResult) -> dict:
        return {
            "order": row.case.order,
            "indicator": row.case.indicator.code,
            "gold_level": row.case.gold_level,
            "distribution": row.distribution,
            "scored": row.scored,
            "exact": row.exact,
            "within_one": row.within_one,
            "unclear": row.unclear,
        }


class RoundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    state = serializers.CharField(help_text="draft, open or closed")
    pass_threshold = serializers.DecimalField(max_digits=3, decimal_places=2)
    opened_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    cases = serializers.IntegerField()
    passed = serializers.IntegerField(help_text="Assessors who passed")
    unclear = serializers.IntegerField(help_text="Cases whose rubric needs clarifying")
    alpha = serializers.FloatField(
        allow_null=True, help_text="Krippendorff's ordinal alpha, the gold as one more rater"
    )
    assessors = AssessorResultSerializer(many=True)
    case_results = CaseResultSerializer(many=True)


class CalibrationViewSet(CycleNested, viewsets.GenericViewSet):
    """The cycle's calibration rounds with their reports (admins)."""

    serializer_class = RoundSerializer
    permission_classes = [Rules]
    rules_permissions = {"list": "evaluations.manage_calibration"}
    filter_backends: list = []
    pagination_class = None

    def get_queryset(self):
        return CalibrationRound.objects.none()  # rounds are read in list()

    @extend_schema(responses=RoundSerializer(many=True))
    def list(self, request, *args, **kwargs):
        """Every round of the cycle, newest first, with ``calibration.report``'s figures."""
        cycle = self.get_cycle()
        rounds = cycle.calibration_rounds.order_by("-created_at", "-pk")
        data = []
        for item in rounds:
            report = calibration.report(item)
            data.append(
                {
                    "id": item.pk,
                    "title": item.title,
                    "state": item.state,
                    "pass_threshold": item.pass_threshold,
                    "opened_at": item.opened_at,
                    "closed_at": item.closed_at,
                    "cases": len(report.cases),
                    "passed": report.passed,
                    "unclear": report.unclear,
                    "alpha": report.alpha,
                    "assessors": [AssessorResultSerializer.of(a) for a in report.assessors],
                    "case_results": [CaseResultSerializer.of(c) for c in report.cases],
                }
            )
        return Response(RoundSerializer(data, many=True).data)
