"""Masterplans and their programmes (``kotacerdas.masterplans``).

The public sees every masterplan's public header and the public fields of published programmes;
admins, the region's operator and the region's assessors see everything of the region
(``masterplans.view_internal``); admins and the region's operator change programmes through
``masterplans.services.editing.save_programme`` (with the version read, so nothing is
overwritten silently).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from kotacerdas.masterplans import rules as masterplan_rules
from kotacerdas.masterplans.choices import ProgrammeStatus
from kotacerdas.masterplans.models import Masterplan, Programme
from kotacerdas.masterplans.services import editing

from ..permissions import ANYONE, SIGNED_IN, Rules
from . import validated


class BudgetSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    planned = serializers.DecimalField(max_digits=20, decimal_places=2)
    realised = serializers.DecimalField(max_digits=20, decimal_places=2)


class ProgrammeSerializer(serializers.ModelSerializer):
    """A programme: the public fields for everyone; ``internal`` only for those who may see the
    whole masterplan of the region (else null)."""

    region = serializers.CharField(source="masterplan.region.code", read_only=True)
    masterplan = serializers.IntegerField(source="masterplan_id", read_only=True)
    quick_win_years = serializers.SerializerMethodField()
    budgets = serializers.SerializerMethodField()
    internal = serializers.SerializerMethodField()

    class Meta:
        model = Programme
        fields = [
            "id",
            "region",
            "masterplan",
            "code",
            "name",
            "description",
            "dimension",
            "element",
            "kind",
            "agency",
            "start_year",
            "end_year",
            "status",
            "quick_win_years",
            "budgets",
            "internal",
        ]

    def get_quick_win_years(self, programme: Programme) -> list[int]:
        return sorted(quick_win.year for quick_win in programme.quick_wins.all())

    @extend_schema_field(BudgetSerializer(many=True))
    def get_budgets(self, programme: Programme) -> list[dict]:
        return BudgetSerializer(programme.budgets.all(), many=True).data

    @extend_schema_field(
        serializers.DictField(allow_null=True, help_text="published, version, internal_notes")
    )
    def get_internal(self, programme: Programme) -> dict | None:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.has_perm("masterplans.view_internal", programme):
            return None
        return {
            "published": programme.published,
            "version": programme.version,
            "internal_notes": programme.internal_notes,
        }


class ProgrammeInput(serializers.Serializer):
    """The fields of a programme; on a change, send the ``version`` you read."""

    masterplan = serializers.IntegerField(required=False, help_text="Required to create.")
    code = serializers.CharField(max_length=30)
    name = serializers.CharField(max_length=300)
    description = serializers.CharField(allow_blank=True, default="")
    dimension = serializers.CharField(max_length=3)
    element = serializers.CharField(max_length=7)
    kind = serializers.CharField(max_length=15, help_text="regulation, infrastructure, ...")
    agency = serializers.CharField(max_length=200)
    start_year = serializers.IntegerField(min_value=2000, max_value=2100)
    end_year = serializers.IntegerField(min_value=2000, max_value=2100)
    status = serializers.ChoiceField(
        choices=ProgrammeStatus.choices, default=ProgrammeStatus.PLANNED
    )
    published = serializers.BooleanField(default=False)
    internal_notes = serializers.CharField(allow_blank=True, default="")
    quick_win_years = serializers.ListField(
        child=serializers.IntegerField(min_value=2000, max_value=2100), required=False
    )
    version = serializers.IntegerField(required=False, min_value=1)


class MasterplanSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Masterplan
        fields = ["id", "region", "region_name", *masterplan_rules.PUBLIC_MASTERPLAN_FIELDS]


class MasterplanViewSet(viewsets.ReadOnlyModelViewSet):
    """Every region's masterplan header (public: title, period, legal basis, summary)."""

    queryset = Masterplan.objects.select_related("region")
    serializer_class = MasterplanSerializer
    permission_classes = [Rules]
    rules_permissions = {"list": ANYONE, "retrieve": ANYONE}
    filterset_fields = {"region__code": ["exact"], "status": ["exact"]}
    ordering_fields = ["region__code", "start_year"]
    ordering = ["region__code", "-start_year"]


class ProgrammeViewSet(viewsets.ModelViewSet):
    """Masterplan programmes: the published ones for everyone, the whole region's for those who
    may see it; created and changed by admins and the region's operator."""

    serializer_class = ProgrammeSerializer
    permission_classes = [Rules]
    public_objects = True  # published programmes: masterplans.view_programme allows anyone
    http_method_names = ["get", "post", "put", "head", "options"]
    rules_permissions = {
        "list": ANYONE,
        "retrieve": "masterplans.view_programme",
        # The masterplan comes in the body: the service checks masterplans.edit on it.
        "create": SIGNED_IN,
        "update": "masterplans.edit",
    }
    filterset_fields = {
        "masterplan__region__code": ["exact"],
        "dimension": ["exact"],
        "kind": ["exact"],
        "status": ["exact"],
        "quick_wins__year": ["exact"],
    }
    search_fields = ["name", "agency", "code"]
    ordering_fields = ["code", "start_year", "masterplan__region__code"]
    ordering = ["masterplan__region__code", "dimension", "code"]

    def get_queryset(self):
        programmes = Programme.objects.select_related("masterplan__region").prefetch_related(
            "quick_wins", "budgets"
        )
        return masterplan_rules.visible_programmes(self.request.user, programmes).distinct()

    def _save(self, request, programme: Programme | None):
        values = validated(ProgrammeInput, request.data)
        if programme is None:
            if "masterplan" not in values:
                raise serializers.ValidationError({"masterplan": ["Required to create."]})
            masterplan = get_object_or_404(Masterplan, pk=values.pop("masterplan"))
        else:
            masterplan = programme.masterplan
            values.pop("masterplan", None)
        saved = editing.save_programme(
            masterplan,
            data={k: v for k, v in values.items() if k in editing.PROGRAMME_FIELDS},
            quick_win_years=values.get("quick_win_years"),
            programme=programme,
            version=values.get("version"),
            by=request.user,
        )
        saved = self.get_queryset().get(pk=saved.pk)
        return ProgrammeSerializer(saved, context={"request": request}).data

    @extend_schema(request=ProgrammeInput, responses={201: ProgrammeSerializer})
    def create(self, request, *args, **kwargs):
        """Add a programme to a masterplan (``masterplans.services.editing.save_programme``)."""
        return Response(self._save(request, None), status=status.HTTP_201_CREATED)

    @extend_schema(request=ProgrammeInput, responses=ProgrammeSerializer)
    def update(self, request, *args, **kwargs):
        """Change a programme; send the ``version`` you read (a newer one is a 409 problem)."""
        return Response(self._save(request, self.get_object()))
