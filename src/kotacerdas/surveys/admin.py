"""Django admin for the survey: admins set each cycle's survey window (and open or close it at
once) and read the responses, comments included. Responses cannot be added, changed or deleted
here; a window that has responses cannot be deleted."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from kotacerdas.accounts.predicates import is_admin
from kotacerdas.core.errors import ServiceError

from .models import SurveyResponse, SurveyWindow
from .services import window as windows


@admin.register(SurveyWindow)
class SurveyWindowAdmin(SimpleHistoryAdmin):
    list_display = ["cycle", "starts_at", "ends_at", "state_label"]
    fields = ["cycle", "starts_at", "ends_at"]
    actions = ["open_now", "close_now"]

    def has_module_permission(self, request) -> bool:
        return is_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_admin(request.user)

    def has_add_permission(self, request) -> bool:
        return is_admin(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_admin(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_admin(request.user) and (obj is None or not obj.responses.exists())

    def get_readonly_fields(self, request, obj=None):
        return ["cycle"] if obj is not None else []

    @admin.display(description=_("status"))
    def state_label(self, obj: SurveyWindow) -> str:
        return obj.state().label

    def save_model(self, request, obj, form, change) -> None:
        obj.updated_by = request.user
        obj._history_user = request.user
        super().save_model(request, obj, form, change)

    def _run(self, request, queryset, action) -> None:
        for window in queryset:
            try:
                action(window, by=request.user)
            except ServiceError as refused:
                self.message_user(request, refused.message, messages.WARNING)
            else:
                self.message_user(request, str(window), messages.SUCCESS)

    @admin.action(description=_("Buka masa survei sekarang"))
    def open_now(self, request, queryset) -> None:
        self._run(request, queryset, windows.open_now)

    @admin.action(description=_("Tutup masa survei sekarang"))
    def close_now(self, request, queryset) -> None:
        self._run(request, queryset, windows.close_now)


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    list_display = ["created_at", "region", "programme", "knows", "used", "rating", "comment"]
    list_filter = ["window", "knows", "used", "rating"]
    search_fields = ["region__name", "programme__name", "comment"]
    list_select_related = ["region", "programme"]

    def has_module_permission(self, request) -> bool:
        return is_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_admin(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
