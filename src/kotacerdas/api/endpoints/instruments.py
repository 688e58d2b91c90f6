"""Instruments: the questions of each cycle, read by everyone signed in, exported as YAML or XLSX
through ``kotacerdas.instruments.services.editing`` (the same files the admin imports)."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from kotacerdas.instruments.models import Instrument
from kotacerdas.instruments.services import editing, tree

from ..permissions import Rules

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORTS = {"yaml": ("application/yaml", "yaml"), "xlsx": (XLSX, "xlsx")}


class InstrumentSerializer(serializers.ModelSerializer):
    cycle = serializers.SerializerMethodField()

    class Meta:
        model = Instrument
        fields = ["code", "name", "name_en", "description", "frozen_at", "created_at", "cycle"]

    def get_cycle(self, instrument: Instrument) -> int | None:
        cycle = getattr(instrument, "cycle", None)
        return cycle.year if cycle is not None else None


class InstrumentViewSet(viewsets.ReadOnlyModelViewSet):
    """Every instrument; one instrument as its whole tree (aspects, dimensions, elements,
    indicators with their level descriptors)."""

    queryset = Instrument.objects.select_related("cycle")
    serializer_class = InstrumentSerializer
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    permission_classes = [Rules]
    rules_permissions = {
        "list": "instruments.view_instrument",
        "retrieve": "instruments.view_instrument",
        "export": "instruments.view_instrument",
    }
    search_fields = ["code", "name"]
    ordering_fields = ["code", "created_at"]
    ordering = ["-created_at"]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def retrieve(self, request, *args, **kwargs):
        """The instrument's tree, as in its YAML export."""
        return Response(tree.instrument_tree(self.get_object()))

    @extend_schema(
        parameters=[OpenApiParameter("as", str, enum=list(EXPORTS), default="yaml")],
        responses={
            (200, "application/yaml"): OpenApiResponse(OpenApiTypes.STR),
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY),
        },
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def export(self, request, code=None):
        """The instrument as a file that the instrument import reads back unchanged."""
        instrument = self.get_object()
        kind = request.query_params.get("as", "yaml")
        if kind not in EXPORTS:
            raise ValidationError({"as": [f"One of: {', '.join(EXPORTS)}."]})
        content = (
            editing.export_yaml(instrument).encode("utf-8")
            if kind == "yaml"
            else editing.export_xlsx(instrument)
        )
        content_type, extension = EXPORTS[kind]
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{instrument.code}.{extension}"'
        return response
