"""Regions: the official register, public."""

from __future__ import annotations

import django_filters
from django.http import HttpResponsePermanentRedirect
from rest_framework import serializers, viewsets

from kotacerdas.regions.lineage import resolve_code
from kotacerdas.regions.models import Region, RegionKind
from kotacerdas.regions.sizes import SizeClass

from ..permissions import ANYONE, Rules


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    size_class = serializers.ChoiceField(
        choices=SizeClass.choices,
        allow_null=True,
        read_only=True,
        help_text="Size class by population (kabupaten/kota only; null for a province or "
        "without population): kecil < 100,000, sedang < 500,000, besar < 1,000,000, "
        "metropolitan otherwise.",
    )

    class Meta:
        model = Region
        fields = [
            "code",
            "name",
            "kind",
            "parent",
            "latitude",
            "longitude",
            "population",
            "area_km2",
            "population_year",
            "size_class",
        ]
        read_only_fields = ["population", "area_km2", "population_year"]


class RegionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=RegionKind.choices)
    parent = django_filters.CharFilter(field_name="parent__code", label="Province code")

    class Meta:
        model = Region
        fields = ["kind", "parent"]


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """Provinces, kabupaten and kota with their Kemendagri codes (``15.71`` Kota Jambi).

    Retrieving an old code (retired by an administrative change, e.g. ``91.01``, Kabupaten
    Merauke before 2022) answers 301 with ``Location`` at the current code (``93.01``); an
    unknown code is 404."""

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

    def retrieve(self, request, *args, **kwargs):
        code = kwargs.get(self.lookup_field, "")
        if not Region.objects.filter(code=code).exists():
            found = resolve_code(code)
            if found is not None and found.is_old:
                location = request.path.replace(f"/{code}/", f"/{found.region.code}/", 1)
                if request.META.get("QUERY_STRING"):
                    location += "?" + request.META["QUERY_STRING"]
                return HttpResponsePermanentRedirect(location)
        return super().retrieve(request, *args, **kwargs)
