"""The API's own pages: the OpenAPI schema, its documentation page, and "who am I"."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import ApiToken
from .permissions import SIGNED_IN, Rules


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema (JSON by default; ``?format=yaml`` for YAML)."""

    permission_classes = [AllowAny]
    renderer_classes = [
        OpenApiJsonRenderer,
        OpenApiJsonRenderer2,
        OpenApiYamlRenderer,
        OpenApiYamlRenderer2,
    ]


@require_GET
def docs(request):
    """Swagger UI from the sidecar package, started by a static script (strict CSP: no inline JS)."""
    context = {
        "schema_url": reverse("api:schema"),
        "version": settings.SPECTACULAR_SETTINGS["VERSION"],
    }
    return render(request, "api/docs.html", context)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()
    region = serializers.CharField(allow_null=True)
    authenticated_by = serializers.ChoiceField(choices=["session", "token"])
    token_scope = serializers.CharField(allow_null=True)


class MeView(APIView):
    """The account the request acts as, and how it is authenticated."""

    permission_classes = [Rules]
    rules_permissions = {"get": SIGNED_IN}

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        token = request.auth if isinstance(request.auth, ApiToken) else None
        data = {
            "username": user.username,
            "name": user.display_name,
            "role": user.role,
            "region": user.region.code if user.region_id else None,
            "authenticated_by": "token" if token else "session",
            "token_scope": token.scope if token else None,
        }
        return Response(MeSerializer(data).data)
