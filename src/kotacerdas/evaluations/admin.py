"""Django admin for the evaluation: read-only, for looking things up and reading their history.

Every change of a cycle, a self-assessment, a score or a final value goes through the services
(``services/``), which check the cycle's state, deadlines and versions and record who did it;
editing rows here would bypass all of that. So ministry admins may browse and read the history
(django-simple-history) of every record, and nobody may add, change or delete one here.
Evidence files are offered only through the permission-checked download view.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from kotacerdas.core.admin import AdminsReadOnly

from .models import (
    Answer,
    Assignment,
    CalibrationCase,
    CalibrationRound,
    CalibrationScore,
    ConflictOfInterest,
    Cycle,
    Evidence,
    Feedback,
    FinalValue,
    LinkCheck,
    Reminder,
    Score,
    Submission,
    VirtualSession,
)


class ReadOnlyAdmin(AdminsReadOnly, SimpleHistoryAdmin):
    """Browse and read history only; changes go through the services."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Cycle)
class CycleAdmin(ReadOnlyAdmin):
    list_display = ["year", "name", "state", "submission_deadline", "published_at"]
    list_filter = ["state"]
    search_fields = ["name", "year"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = [
        "region",
        "cycle",
        "state",
        "submitted_at",
        "returned_at",
        "deadline_extended_to",
    ]
    list_filter = ["cycle", "state"]
    search_fields = ["region__name", "region__code"]
    list_select_related = ["region", "cycle"]


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ["submission", "indicator", "value", "not_applicable", "version", "updated_at"]
    list_filter = ["submission__cycle", "not_applicable"]
    search_fields = ["submission__region__name", "submission__region__code", "indicator__code"]
    list_select_related = ["submission__region", "submission__cycle", "indicator"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "submission",
        "indicator",
        "kind",
        "size",
        "superseded",
        "uploaded_at",
    ]
    list_filter = ["submission__cycle", "kind", "superseded"]
    search_fields = ["original_name", "url", "sha256", "submission__region__name"]
    list_select_related = ["submission__region", "submission__cycle", "indicator"]
    exclude = ["file"]
    readonly_fields = ["download"]

    @admin.display(description=_("unduh"))
    def download(self, obj: Evidence) -> str:
        if not obj.file:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("evaluations:evidence_download", args=[obj.pk]), obj
        )


@admin.register(LinkCheck)
class LinkCheckAdmin(ReadOnlyAdmin):
    list_display = ["evidence", "state", "status_code", "checked_at", "size", "error"]
    list_filter = ["state", "evidence__submission__cycle"]
    search_fields = ["evidence__url", "final_url", "sha256", "evidence__submission__region__name"]
    list_select_related = ["evidence"]
    exclude = ["archive"]
    readonly_fields = ["copy"]

    @admin.display(description=_("salinan arsip"))
    def copy(self, obj: LinkCheck) -> str:
        if not obj.archive:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("evaluations:link_archive", args=[obj.pk]), obj.sha256
        )


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["assessor", "region", "cycle", "assigned_at", "completed_at"]
    list_filter = ["cycle"]
    search_fields = ["assessor__username", "region__name", "region__code"]
    list_select_related = ["assessor", "region", "cycle"]


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(ReadOnlyAdmin):
    list_display = ["assessor", "region", "reason", "declared_at"]
    search_fields = ["assessor__username", "region__name"]


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "indicator", "value", "not_applicable", "version", "updated_at"]
    list_filter = ["assignment__cycle"]
    search_fields = [
        "assignment__region__name",
        "assignment__assessor__username",
        "indicator__code",
    ]
    list_select_related = [
        "assignment__region",
        "assignment__assessor",
        "assignment__cycle",
        "indicator",
    ]


@admin.register(VirtualSession)
class VirtualSessionAdmin(ReadOnlyAdmin):
    list_display = ["region", "cycle", "starts_at", "duration_minutes"]
    list_filter = ["cycle"]
    search_fields = ["region__name", "region__code"]


@admin.register(FinalValue)
class FinalValueAdmin(ReadOnlyAdmin):
    list_display = ["submission", "indicator", "value", "method", "decided_at"]
    list_filter = ["submission__cycle", "method"]
    search_fields = ["submission__region__name", "indicator__code"]
    list_select_related = ["submission__region", "submission__cycle", "indicator"]


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["submission", "settled_by", "settled_at"]
    search_fields = ["submission__region__name"]


@admin.register(Reminder)
class ReminderAdmin(AdminsReadOnly, admin.ModelAdmin):
    """Reminders keep no history of their own: a row is written once and never changed."""

    list_display = ["sent_at", "submission", "kind", "deadline", "recipients", "sent_by"]
    list_filter = ["kind", "submission__cycle"]
    search_fields = ["submission__region__name", "submission__region__code"]
    list_select_related = ["submission__region", "submission__cycle", "sent_by"]


@admin.register(CalibrationRound)
class CalibrationRoundAdmin(ReadOnlyAdmin):
    list_display = ["cycle", "title", "state", "pass_threshold", "opened_at", "closed_at"]
    list_filter = ["cycle", "state"]
    search_fields = ["title"]


@admin.register(CalibrationCase)
class CalibrationCaseAdmin(ReadOnlyAdmin):
    list_display = ["round", "order", "indicator", "gold_level"]
    list_filter = ["round__cycle", "round"]
    search_fields = ["indicator__code", "situation"]
    list_select_related = ["round__cycle", "indicator"]


@admin.register(CalibrationScore)
class CalibrationScoreAdmin(ReadOnlyAdmin):
    list_display = ["case", "assessor", "level", "scored_at"]
    list_filter = ["case__round"]
    search_fields = ["assessor__username", "case__indicator__code"]
    list_select_related = ["case__round__cycle", "case__indicator", "assessor"]
