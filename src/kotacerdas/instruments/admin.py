"""Django admin for the instrument tree. Permissions come from `rules` (the models'
``rules_permissions``); a frozen instrument and everything in it is read-only here, as it is for
every service."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import F
from rules.contrib.admin import (
    ObjectPermissionsModelAdminMixin,
    ObjectPermissionsStackedInline,
    ObjectPermissionsTabularInline,
)
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AspectWeight,
    Crosswalk,
    CrosswalkEntry,
    Dimension,
    Element,
    Indicator,
    Instrument,
    LevelDescriptor,
)


def instrument_of(obj) -> Instrument | None:
    """The instrument an object of the tree belongs to."""
    if obj is None or isinstance(obj, Instrument):
        return obj
    if isinstance(obj, Indicator | AspectWeight | Dimension):
        return obj.instrument
    if isinstance(obj, Element):
        return obj.dimension.instrument
    if isinstance(obj, LevelDescriptor):
        return obj.indicator.instrument
    return None


def is_frozen(obj) -> bool:
    instrument = instrument_of(obj)
    return instrument is not None and instrument.is_frozen


class FrozenReadOnlyMixin:
    """No change, delete (or, for inlines, add) once the instrument is frozen. For a model admin
    ``obj`` is the object; for an inline it is the parent object."""

    def has_change_permission(self, request, obj=None):
        return not is_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not is_frozen(obj) and super().has_delete_permission(request, obj)


class FrozenReadOnlyInlineMixin(FrozenReadOnlyMixin):
    def has_add_permission(self, request, obj=None):
        return not is_frozen(obj) and super().has_add_permission(request, obj)


class AspectWeightInline(FrozenReadOnlyInlineMixin, ObjectPermissionsTabularInline):
    model = AspectWeight
    extra = 0


class DimensionInline(FrozenReadOnlyInlineMixin, ObjectPermissionsTabularInline):
    model = Dimension
    fields = ("order", "code", "name", "name_en", "weight")
    extra = 0
    show_change_link = True


@admin.register(Instrument)
class InstrumentAdmin(FrozenReadOnlyMixin, ObjectPermissionsModelAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "frozen_at", "based_on", "created_at")
    search_fields = ("code", "name")
    # As the instrument list page: newest cycle first (unused instruments on top), then name.
    ordering = (F("cycle__year").desc(nulls_first=True), "name")
    readonly_fields = ("frozen_at", "based_on", "created_at")
    inlines = (AspectWeightInline, DimensionInline)


class ElementInline(FrozenReadOnlyInlineMixin, ObjectPermissionsTabularInline):
    model = Element
    fields = ("order", "code", "name", "name_en", "weight")
    extra = 0
    show_change_link = True


@admin.register(Dimension)
class DimensionAdmin(FrozenReadOnlyMixin, ObjectPermissionsModelAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "instrument", "weight", "order")
    list_filter = ("instrument",)
    inlines = (ElementInline,)


class IndicatorInline(FrozenReadOnlyInlineMixin, ObjectPermissionsTabularInline):
    model = Indicator
    fields = ("order", "code", "type", "aspect", "weight", "question")
    extra = 0
    show_change_link = True


@admin.register(Element)
class ElementAdmin(FrozenReadOnlyMixin, ObjectPermissionsModelAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "dimension", "weight", "order")
    list_filter = ("dimension__instrument",)
    inlines = (IndicatorInline,)

    def save_formset(self, request, form, formset, change):
        """Indicators added under an element belong to the element's instrument."""
        for inline_form in formset.forms:
            if isinstance(inline_form.instance, Indicator):
                inline_form.instance.instrument_id = form.instance.dimension.instrument_id
        super().save_formset(request, form, formset, change)


class LevelDescriptorInline(FrozenReadOnlyInlineMixin, ObjectPermissionsStackedInline):
    model = LevelDescriptor
    extra = 0
    max_num = 6


@admin.register(Indicator)
class IndicatorAdmin(FrozenReadOnlyMixin, ObjectPermissionsModelAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "type", "aspect", "weight", "element", "instrument")
    list_filter = ("instrument", "type", "aspect")
    search_fields = ("code", "question", "question_en")
    inlines = (LevelDescriptorInline,)


class CrosswalkEntryInline(ObjectPermissionsTabularInline):
    model = CrosswalkEntry
    extra = 0


@admin.register(Crosswalk)
class CrosswalkAdmin(ObjectPermissionsModelAdminMixin, admin.ModelAdmin):
    list_display = ("source", "target", "created_at")
    inlines = (CrosswalkEntryInline,)
