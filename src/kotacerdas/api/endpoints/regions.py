"""Regions: the official register, public."""

from __future__ import annotations

import django_filters
from rest_framework import serializers, viewsets

from kotacerdas.regions.models import Region, RegionKind

from ..permissions import ANYONE, Rules


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Region
        fields = ["code", "name", "kind", "parent", "latitude", "longitude"]


class RegionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=RegionKind.choices)
    parent = django_filters.CharFilter(field_name="parent__code", label="Province code")

    class Meta:
        model = Region
        fields = ["kind", "parent"]


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """Provinces, kabupaten and kota with their Kemendagri codes (``15.71`` Kota Jambi)."""

    queryset = Region.objects.select_related("parent")
    serializer_class = RegionSerializer
    lookup_field = "code"
    lookup_value_regex = r"\d{2}(?:\.\d{2})?"
    permission_classes = [Rules]
    rules_permissions = {"list": ANYONE, "retrieve": ANYONE}
    filterset_class = RegionFilter
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name"]
    ordering = ["code"]
