from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import ObjectPermissionsModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from .models import User


@admin.register(User)
class UserAdmin(ObjectPermissionsModelAdminMixin, SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ("username", "get_full_name", "role", "region", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "first_name", "last_name", "email", "region__name")
    raw_id_fields = ("region",)
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Peran"), {"fields": ("role", "region", "institution", "language")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Peran"), {"fields": ("role", "region", "institution", "language")}),
    )
