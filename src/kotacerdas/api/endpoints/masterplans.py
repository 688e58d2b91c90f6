"""Masterplans and their programmes (``kotacerdas.masterplans``).

The public sees every masterplan's public header and the public fields of published programmes;
admins, the region's operator and the region's assessors see everything of the region
(``masterplans.view_internal``: also KPIs with their yearly values and the documents' and
evidence's metadata); admins and the region's operator change programmes through
``masterplans.services.editing.save_programme`` (with the version read, so nothing is
overwritten silently), their yearly budgets (``set_budgets``) and KPIs (``save_kpi``).
"""

from __future__ import annotations

from django.db.models import F
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from kotacerdas.core.uploads import stored_file_response
from kotacerdas.masterplans import rules as masterplan_rules
from kotacerdas.masterplans.choices import AttachmentKind, KpiDirection, ProgrammeStatus
from kotacerdas.masterplans.models import Attachment, Kpi, Masterplan, Programme
from kotacerdas.masterplans.services import editing

from ..permissions import ANYONE, SIGNED_IN, Rules
from ..schema import stored_file_responses
from . import validated


class BudgetSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    planned = serializers.DecimalField(max_digits=20, decimal_places=2)
    realised = serializers.DecimalField(max_digits=20, decimal_places=2)


MONEY = {"max_digits": 20, "decimal_places": 0, "min_value": 0, "allow_null": True}  # whole rupiah
KPI_NUMBER = {"max_digits": 20, "decimal_places": 4}
KPI_CODE = r"[-a-zA-Z0-9_]+"


class BudgetRowInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    planned = serializers.DecimalField(**MONEY, required=False, default=None)
    realised = serializers.DecimalField(**MONEY, required=False, default=None)


class BudgetsInput(serializers.Serializer):
    """The years to set; a year with neither amount removes its budget. Years not listed stay."""

    budgets = BudgetRowInput(many=True, allow_empty=False, max_length=100)

    def validate_budgets(self, rows):
        years = [row["year"] for row in rows]
        if len(years) != len(set(years)):
            raise serializers.ValidationError(_("Setiap tahun hanya boleh disebut sekali."))
        return [editing.YearAmounts(r["year"], r["planned"], r["realised"]) for r in rows]


class BudgetsSerializer(serializers.Serializer):
    budgets = BudgetSerializer(many=True)
    warnings = serializers.ListField(child=serializers.CharField())


class KpiValueSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    target = serializers.DecimalField(**KPI_NUMBER, allow_null=True)
    realisation = serializers.DecimalField(**KPI_NUMBER, allow_null=True, required=False)


class KpiSerializer(serializers.ModelSerializer):
    """A KPI with its target and realisation per year (``achieved``: null while unknown)."""

    values = serializers.SerializerMethodField()

    class Meta:
        model = Kpi
        fields = ["id", "code", "name", "unit", "direction", "values"]

    @extend_schema_field(
        serializers.ListField(
            child=serializers.DictField(), help_text="year, target, realisation, achieved"
        )
    )
    def get_values(self, kpi: Kpi) -> list[dict]:
        return [
            {
                "year": value.year,
                "target": str(value.target),
                "realisation": None if value.realisation is None else str(value.realisation),
                "achieved": value.achieved,
            }
            for value in kpi.values.all()
        ]


class KpiInput(serializers.Serializer):
    """A KPI; ``values`` sets the listed years (no ``target``: the year's value is removed)."""

    code = serializers.RegexField(KPI_CODE, max_length=30)
    name = serializers.CharField(max_length=300)
    unit = serializers.CharField(max_length=50)
    direction = serializers.ChoiceField(choices=KpiDirection.choices, default=KpiDirection.UP)
    values = KpiValueSerializer(many=True, required=False, default=list, max_length=100)

    def validate_values(self, rows):
        years = [row["year"] for row in rows]
        if len(years) != len(set(years)):
            raise serializers.ValidationError(_("Setiap tahun hanya boleh disebut sekali."))
        return [
            editing.YearAmounts(row["year"], row["target"], row.get("realisation")) for row in rows
        ]


@extend_schema_field({"type": "string", "enum": list(AttachmentKind.values)})
class KindField(serializers.CharField):
    """``file`` or ``link`` (inline in the schema: the evidence's enum has the same values)."""


class AttachmentSerializer(serializers.ModelSerializer):
    """A masterplan document (``programme`` null) or a programme's evidence: its metadata."""

    programme = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    kind = KindField(read_only=True)
    replaces = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "masterplan",
            "programme",
            "kind",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "url",
            "description",
            "replaces",
            "superseded",
            "uploaded_at",
            "download",
        ]

    def get_download(self, item: Attachment) -> str | None:
        if item.kind != "file":
            return None
        return f"/api/v1/attachments/{item.pk}/file/"


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


ALL = OpenApiParameter("all", OpenApiTypes.BOOL, description="Include superseded ones")


def current_only(request, attachments):
    if request.query_params.get("all", "").lower() in ("1", "true"):
        return attachments
    return attachments.filter(superseded=False)


class MasterplanViewSet(viewsets.ReadOnlyModelViewSet):
    """Every region's masterplan header (public: title, period, legal basis, summary); its
    documents and evidence for those who may see the whole masterplan."""

    queryset = Masterplan.objects.select_related("region")
    serializer_class = MasterplanSerializer
    permission_classes = [Rules]
    rules_permissions = {
        "list": ANYONE,
        "retrieve": ANYONE,
        "attachments": "masterplans.view_internal",
    }
    filterset_fields = {"region__code": ["exact"], "status": ["exact"]}
    ordering_fields = ["region__code", "start_year"]
    ordering = ["region__code", "-start_year"]

    @extend_schema(responses=AttachmentSerializer(many=True), parameters=[ALL], filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def attachments(self, request, pk=None):
        """The masterplan's documents, then its programmes' evidence by programme code
        (metadata; files through ``attachments/{id}/file/``), current ones unless ``?all=true``."""
        masterplan = self.get_object()
        # Documents first, then evidence by programme code, the same on every database.
        items = masterplan.attachments.select_related("programme").order_by(
            F("programme__code").asc(nulls_first=True), "uploaded_at", "pk"
        )
        return Response(AttachmentSerializer(current_only(request, items), many=True).data)


class AttachmentViewSet(viewsets.GenericViewSet):
    """One masterplan document or evidence item and its file (never public)."""

    serializer_class = AttachmentSerializer
    permission_classes = [Rules]
    rules_permissions = {
        "retrieve": "masterplans.view_internal",
        "file": "masterplans.view_internal",
    }

    def get_queryset(self):
        return Attachment.objects.select_related("masterplan", "programme")

    def retrieve(self, request, pk=None):
        return Response(AttachmentSerializer(self.get_object()).data)

    @extend_schema(
        responses=stored_file_responses("The file, as an attachment, in the type it was stored.")
    )
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        """The stored file, as an attachment with its original name."""
        item = self.get_object()
        if item.kind != "file":
            raise NotFound(_("Lampiran ini sebuah tautan, bukan berkas."))
        return stored_file_response(
            item.file, name=item.original_name, content_type=item.content_type
        )


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
        "budgets": "masterplans.edit",
        "kpis": "masterplans.view_internal",
        "add_kpi": "masterplans.edit",
        "kpi": "masterplans.edit",
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

    @extend_schema(request=BudgetsInput, responses=BudgetsSerializer)
    @action(detail=True, methods=["put"], filter_backends=[])
    def budgets(self, request, pk=None):
        """Set yearly budgets, planned and realised in whole rupiah (``editing.set_budgets``):
        years inside the masterplan's period, nothing written if a row is wrong; ``warnings``
        names each year whose realisation exceeds its plan."""
        programme = self.get_object()
        rows = validated(BudgetsInput, request.data)["budgets"]
        warnings = editing.set_budgets(programme, rows, by=request.user)
        return Response(
            {
                "budgets": BudgetSerializer(programme.budgets.order_by("year"), many=True).data,
                "warnings": warnings,
            }
        )

    @extend_schema(methods=["get"], responses=KpiSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def kpis(self, request, pk=None):
        """The programme's KPIs with their target and realisation per year (not public)."""
        programme = self.get_object()
        kpis = programme.kpis.prefetch_related("values", "values__kpi")
        return Response(KpiSerializer(kpis, many=True).data)

    @extend_schema(methods=["post"], request=KpiInput, responses={201: KpiSerializer})
    @kpis.mapping.post
    def add_kpi(self, request, pk=None):
        """Add a KPI with its yearly values (``editing.save_kpi``)."""
        return self._save_kpi(request, self.get_object(), None, status.HTTP_201_CREATED)

    @extend_schema(request=KpiInput, responses=KpiSerializer)
    @action(
        detail=True,
        methods=["put"],
        url_path=f"kpis/(?P<kpi>{KPI_CODE})",
        filter_backends=[],
    )
    def kpi(self, request, pk=None, kpi=None):
        """Change a KPI (found by its code) and the listed years' values (``editing.save_kpi``)."""
        programme = self.get_object()
        found = get_object_or_404(Kpi, programme=programme, code=kpi)
        return self._save_kpi(request, programme, found, status.HTTP_200_OK)

    def _save_kpi(self, request, programme: Programme, kpi: Kpi | None, code: int):
        values = validated(KpiInput, request.data)
        rows = values.pop("values")
        saved = editing.save_kpi(programme, data=values, values=rows, kpi=kpi, by=request.user)
        saved = Kpi.objects.prefetch_related("values", "values__kpi").get(pk=saved.pk)
        return Response(KpiSerializer(saved).data, status=code)
