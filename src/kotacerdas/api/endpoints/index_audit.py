"""The statistical audit of one cycle's index for admins (``results.services.index_audit``):
every indicator's statistics, correlations, weights and flags, the aggregates' correlations,
Cronbach's alpha and the redundant pairs, as the web page ``/hasil/kelola/audit/`` shows them."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from kotacerdas.evaluations.models import Cycle
from kotacerdas.index.audit import INDICATOR_COLUMNS
from kotacerdas.results.services import index_audit

from ..permissions import Rules

# The statistics the API gives per indicator: the library's, but type and units (given apart).
STAT_COLUMNS = tuple(name for name in INDICATOR_COLUMNS if name not in {"type", "units"})


class AuditFlagSerializer(serializers.Serializer):
    flag = serializers.CharField(
        help_text="ceiling, floor, outlier, constant, sparse, negative, weak, redundant"
    )
    value = serializers.FloatField(help_text="The statistic that raised the flag")
    other = serializers.CharField(allow_blank=True, help_text="The partner of a redundant pair")
    explanation = serializers.CharField(help_text="What it means and what to do")

    @staticmethod
    def of(flag: index_audit.Flag) -> dict:
        return {
            "flag": flag.code,
            "value": flag.value,
            "other": flag.other,
            "explanation": flag.text,
        }


class AuditIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    question = serializers.CharField(allow_blank=True)
    type = serializers.CharField()
    parent = serializers.CharField()
    answered = serializers.IntegerField()
    not_applicable = serializers.FloatField(help_text="Share of the regions (0–1)")
    missing = serializers.FloatField(help_text="Share of the regions, applicable but unanswered")
    mean = serializers.FloatField(allow_null=True)
    sd = serializers.FloatField(allow_null=True, help_text="Sample standard deviation")
    min = serializers.FloatField(allow_null=True)
    max = serializers.FloatField(allow_null=True)
    skew = serializers.FloatField(allow_null=True, help_text="Bias-corrected (as COINr)")
    kurtosis = serializers.FloatField(allow_null=True, help_text="Excess, bias-corrected")
    distinct = serializers.IntegerField()
    ceiling = serializers.FloatField(allow_null=True, help_text="Share at the best end")
    floor = serializers.FloatField(allow_null=True, help_text="Share at the worst end")
    pearson_parent = serializers.FloatField(allow_null=True)
    spearman_parent = serializers.FloatField(allow_null=True)
    pearson_index = serializers.FloatField(allow_null=True)
    spearman_index = serializers.FloatField(allow_null=True)
    nominal_weight = serializers.FloatField(help_text="Share among its siblings")
    effective_weight = serializers.FloatField(help_text="Share of the index")
    correlation_share = serializers.FloatField(allow_null=True, help_text="r² / Σ r² (index)")
    flags = AuditFlagSerializer(many=True)

    @staticmethod
    def of(row: index_audit.IndicatorRow) -> dict:
        stats = row.stats
        return {
            "code": row.code,
            "question": row.question,
            "type": row.type,
            "parent": row.parent,
            **{name: stats[name] for name in STAT_COLUMNS},
            "pearson_parent": row.pearson_parent,
            "spearman_parent": row.spearman_parent,
            "pearson_index": row.pearson_index,
            "spearman_index": row.spearman_index,
            "nominal_weight": row.nominal,
            "effective_weight": row.effective,
            "correlation_share": row.correlation_share,
            "flags": [AuditFlagSerializer.of(flag) for flag in row.flags],
        }


class AuditNodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    parent = serializers.CharField()
    level = serializers.IntegerField(help_text="Depth below the index")
    pearson_parent = serializers.FloatField(allow_null=True)
    spearman_parent = serializers.FloatField(allow_null=True)
    pearson_index = serializers.FloatField(allow_null=True)
    spearman_index = serializers.FloatField(allow_null=True)
    flags = AuditFlagSerializer(many=True)

    @staticmethod
    def of(row: index_audit.NodeRow) -> dict:
        return {
            "code": row.code,
            "name": row.name,
            "parent": row.parent,
            "level": row.level,
            "pearson_parent": row.pearson_parent,
            "spearman_parent": row.spearman_parent,
            "pearson_index": row.pearson_index,
            "spearman_index": row.spearman_index,
            "flags": [AuditFlagSerializer.of(flag) for flag in row.flags],
        }


class AuditAlphaSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    children = serializers.IntegerField()
    units = serializers.IntegerField(help_text="Regions with every child scored")
    alpha = serializers.FloatField(allow_null=True, help_text="Cronbach's alpha")


class AuditPairSerializer(serializers.Serializer):
    parent = serializers.CharField()
    a = serializers.CharField()
    b = serializers.CharField()
    pearson = serializers.FloatField(allow_null=True)
    spearman = serializers.FloatField(allow_null=True)


class AuditSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    version = serializers.IntegerField(help_text="The audited results snapshot")
    tree = serializers.CharField(help_text="dimensions or aspects: the index's aggregation tree")
    units = serializers.IntegerField(help_text="Regions")
    thresholds = serializers.DictField(child=serializers.FloatField())
    indicators = AuditIndicatorSerializer(many=True, help_text="Flagged first")
    nodes = AuditNodeSerializer(many=True)
    alpha = AuditAlphaSerializer(many=True)
    redundant_pairs = AuditPairSerializer(many=True)


class AuditViewSet(viewsets.GenericViewSet):
    """The statistical audit of a cycle's index (admins)."""

    serializer_class = AuditSerializer
    permission_classes = [Rules]
    rules_permissions = {"retrieve": "results.view_index_audit"}
    filter_backends: list = []
    pagination_class = None

    def get_queryset(self):
        return Cycle.objects.all()

    @extend_schema(operation_id="cycle_audit_retrieve", responses=AuditSerializer)
    def retrieve(self, request, year: int, *args, **kwargs):
        """The audit of the cycle's latest computed results (404 when none were computed)."""
        cycle = get_object_or_404(Cycle, year=year)
        found = index_audit.audit_cycle(cycle)
        if found is None:
            raise Http404(_("Siklus ini belum memiliki hasil yang dihitung."))
        data = {
            "year": cycle.year,
            "version": found.snapshot.version,
            "tree": found.tree,
            "units": found.units,
            "thresholds": index_audit.thresholds(),
            "indicators": [AuditIndicatorSerializer.of(row) for row in found.indicators],
            "nodes": [AuditNodeSerializer.of(row) for row in found.nodes],
            "alpha": [vars(row) for row in found.alpha],
            "redundant_pairs": [vars(row) for row in found.pairs],
        }
        return Response(AuditSerializer(data).data)
