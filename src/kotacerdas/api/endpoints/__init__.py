"""API endpoints, one module per domain area. Each viewset names the `rules` permission of every
action (``rules_permissions``) and calls the owning app's services for every write."""

from rest_framework import serializers


def validated(serializer_class: type[serializers.Serializer], data) -> dict:
    """The request body checked by ``serializer_class`` (a 400 problem with field errors if not)."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
