"""API endpoints, one module per domain area. Each viewset names the `rules` permission of every
action (``rules_permissions``) and calls the owning app's services for every write."""

from django.core.validators import ProhibitNullCharactersValidator
from django.shortcuts import get_object_or_404
from rest_framework import serializers

from kotacerdas.instruments.models import Indicator

INDICATOR_CODE = r"[A-Za-z0-9._-]+"


class RelatedByKey(serializers.SlugRelatedField):
    """A writable reference to an object by its natural key (a region's code, a cycle's year, a
    user's name). Text with a NUL character is refused as a field error before any query:
    PostgreSQL cannot take NUL in a text value and would answer with a 500."""

    # Django's own message and translation ("Karakter null tidak diizinkan.").
    default_error_messages = {"null_character": ProhibitNullCharactersValidator.message}

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("null_character")
        return super().to_internal_value(data)


def validated(serializer_class: type[serializers.Serializer], data) -> dict:
    """The request body checked by ``serializer_class`` (a 400 problem with field errors if not)."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def indicator_of(cycle, code: str) -> Indicator:
    """The cycle's indicator with this code, or 404."""
    return get_object_or_404(Indicator, instrument_id=cycle.instrument_id, code=code)


def query_param(request, name: str, limit: int = 100) -> str:
    """A query parameter as text for a service's filter: at most ``limit`` characters, without
    NUL characters (which PostgreSQL refuses in a query)."""
    return request.query_params.get(name, "").replace("\x00", "")[:limit]
