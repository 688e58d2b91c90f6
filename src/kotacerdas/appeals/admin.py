"""Django admin for appeals: read-only, for looking things up and reading their history; every
change goes through ``services/``."""

from django.contrib import admin

from kotacerdas.evaluations.admin import ReadOnlyAdmin

from .models import Appeal, AppealEvidence, AppealItem, AppealWindow


@admin.register(AppealWindow)
class AppealWindowAdmin(ReadOnlyAdmin):
    list_display = ["cycle", "deadline", "closed_at"]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["cycle", "region", "state", "submitted_at"]
    list_filter = ["cycle", "state"]


@admin.register(AppealItem)
class AppealItemAdmin(ReadOnlyAdmin):
    list_display = ["appeal", "indicator", "decision", "rank_before", "rank_after"]
    list_filter = ["decision"]


@admin.register(AppealEvidence)
class AppealEvidenceAdmin(ReadOnlyAdmin):
    list_display = ["item", "kind", "original_name", "url", "uploaded_at"]
