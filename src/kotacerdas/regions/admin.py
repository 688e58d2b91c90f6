from django.contrib import admin

from kotacerdas.core.admin import AdminsReadOnly

from .models import Region, RegionChange


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    ordering = ("code",)
    raw_id_fields = ("parent",)


@admin.register(RegionChange)
class RegionChangeAdmin(AdminsReadOnly, admin.ModelAdmin):
    """Read-only: changes come from the register's changes file (``load_regions --changes``),
    which renumbers the rows they concern in the same transaction."""

    list_display = ("region", "kind", "old_code", "old_name", "effective_date", "legal_basis")
    list_filter = ("kind",)
    search_fields = ("old_code", "old_name", "region__code", "region__name")
    list_select_related = ("region",)
