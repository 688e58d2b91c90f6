"""DRF permissions: the token's scope, and the `rules` permissions shared with the UI.

Every viewset names, per action, the `rules` permission that guards it (``rules_permissions``),
so the API and the web pages ask the same question: ``user.has_perm(name, obj)``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions

from .models import ApiToken

ANYONE = None  # marker: the action is public (no permission is asked)
# Marker: any signed-in user; the service called checks the real permission on the object it
# receives in the request body (e.g. the masterplan a new programme belongs to).
SIGNED_IN = "signed-in"


class TokenScope(permissions.BasePermission):
    """A read token may only use safe methods (GET, HEAD, OPTIONS)."""

    code = "token_scope"
    message = _("Token ini hanya boleh membaca. Buat token dengan cakupan 'write' untuk mengubah.")

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if isinstance(token, ApiToken) and request.method not in permissions.SAFE_METHODS:
            return token.can_write
        return True


class Rules(permissions.BasePermission):
    """Checks the token's scope (as :class:`TokenScope`), then the `rules` permission a view names for the current action.

    The view declares ``rules_permissions = {action: "app.permission" | ANYONE}``. Detail actions
    (a lookup in the URL) are checked against the object itself (``has_object_permission``, called
    by ``get_object()``); other actions against ``view.get_permission_object()`` when the view
    defines it (e.g. the cycle of a nested list), else with no object. Actions without an entry
    are refused: a new action is closed until someone decides who may use it. Anonymous requests
    to non-public actions get 401 before any object is looked up, unless the view sets
    ``public_objects = True`` (some of its objects are public, e.g. published programmes).
    """

    def _perm(self, view) -> str | None:
        method = view.request.method.lower()
        if hasattr(view, "action_map"):
            action = view.action
            if action is None:
                return ANYONE  # a method this viewset does not serve: DRF answers 405
        else:
            action = method
            if not hasattr(view, method):
                return ANYONE  # likewise for a plain APIView
        mapping = getattr(view, "rules_permissions", {})
        if action not in mapping:
            raise exceptions.PermissionDenied(_("Aksi ini tidak tersedia lewat API."))
        return mapping[action]

    def has_permission(self, request, view) -> bool:
        if not TokenScope().has_permission(request, view):
            raise exceptions.PermissionDenied(TokenScope.message, code=TokenScope.code)
        perm = self._perm(view)
        if perm is ANYONE:
            return True
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
        is_detail = bool(lookup and lookup in view.kwargs)
        public = (
            getattr(view, "public_objects", False) and request.method in permissions.SAFE_METHODS
        )
        if is_detail and public:
            return True  # some objects are public: the object's rule decides, even anonymously
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        if perm == SIGNED_IN or is_detail:
            return True  # SIGNED_IN: the service checks; detail: get_object() checks the object
        getter = getattr(view, "get_permission_object", None)
        return request.user.has_perm(perm, getter() if getter else None)

    def has_object_permission(self, request, view, obj) -> bool:
        perm = self._perm(view)
        if perm is ANYONE or perm == SIGNED_IN:
            return True
        return request.user.has_perm(perm, obj)
