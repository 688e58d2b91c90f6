"""Instrument pages: list, detail (tree and rubrics), import, export, copy, aspect weights and
crosswalks. Each view parses input, checks the permission, calls a service and renders."""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kotacerdas.core.errors import ServiceError
from kotacerdas.core.taxonomy import Aspect

from . import services
from .forms import (
    AspectWeightsForm,
    CopyForm,
    CrosswalkCsvForm,
    CrosswalkStartForm,
    EntryFormSet,
    ImportForm,
)
from .models import Crosswalk, CrosswalkKind, Element, Indicator, Instrument
from .rules import visible_instruments


def _require(request: HttpRequest, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _instrument(request: HttpRequest, code: str, perm: str = "instruments.view_rubric"):
    instrument = get_object_or_404(Instrument.objects.select_related("based_on"), code=code)
    _require(request, perm, instrument)
    return instrument


def _attachment(content: bytes | str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Newest cycle first (an instrument no cycle uses yet, being prepared, before them), then name.
LIST_ORDER = (F("cycle__year").desc(nulls_first=True), "name", "code")


@login_required
@require_GET
def instrument_list(request: HttpRequest) -> HttpResponse:
    instruments = (
        visible_instruments(request.user)
        .select_related("based_on", "cycle")
        .annotate(indicator_count=Count("indicators"))
        .order_by(*LIST_ORDER)
    )
    return render(request, "instruments/list.html", {"instruments": instruments})


def _tree(instrument: Instrument):
    """Dimensions with elements, indicators and levels, fetched in five queries."""
    indicators = Indicator.objects.prefetch_related("levels").order_by("order", "code")
    elements = Element.objects.prefetch_related(Prefetch("indicators", queryset=indicators))
    return instrument.dimensions.prefetch_related(Prefetch("elements", queryset=elements))


def _cycle_of(instrument: Instrument):
    try:
        return instrument.cycle
    except Instrument.cycle.RelatedObjectDoesNotExist:
        return None


@login_required
@require_GET
def instrument_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The tree dimension → element → indicator with each rubric, and the aspect weights."""
    instrument = _instrument(request, code)
    dimensions = list(_tree(instrument))
    indicators = [i for d in dimensions for e in d.elements.all() for i in e.indicators.all()]
    weights = {a.aspect: a.weight for a in instrument.aspects.all()}
    used = Counter(indicator.aspect for indicator in indicators)
    weights_form = AspectWeightsForm(initial={k: _plain(v) for k, v in weights.items()})
    aspect_rows = [
        {
            "label": label,
            "weight": weights.get(value),
            "indicators": used.get(value, 0),
            "field": weights_form[value],
        }
        for value, label in Aspect.choices
    ]
    can_edit = request.user.has_perm("instruments.change_instrument", instrument)
    crosswalks = Crosswalk.objects.filter(Q(source=instrument) | Q(target=instrument))
    previous = _previous_audit(request, instrument)
    return render(
        request,
        "instruments/detail.html",
        {
            "instrument": instrument,
            "cycle": _cycle_of(instrument),
            "dimensions": dimensions,
            "indicator_count": len(indicators),
            "type_counts": sorted(Counter(i.get_type_display() for i in indicators).items()),
            "aspect_rows": aspect_rows,
            "aspect_sum": sum(weights.values(), Decimal(0)),
            "can_edit": can_edit and not instrument.is_frozen,
            "is_admin": can_edit,
            "crosswalks": crosswalks.select_related("source", "target"),
            "previous": previous,
            "previous_flags": _previous_labels(previous),
        },
    )


def _previous_audit(request: HttpRequest, instrument: Instrument):
    """Last cycle's audit flags of the indicators carried over into ``instrument`` (admins
    revising an instrument; ``results.services.index_audit.previous_flags``), else None."""
    if not request.user.has_perm("results.view_index_audit"):
        return None
    from kotacerdas.results.services import index_audit

    return index_audit.previous_flags(instrument)


def _previous_labels(previous) -> dict[str, str]:
    """Target indicator code → "2022: efek plafon, redundan" for the template."""
    if previous is None:
        return {}
    from kotacerdas.results.services import index_audit

    labels = index_audit.flag_labels()
    return {
        code: f"{previous.cycle.year}: " + ", ".join(labels[flag] for flag in flags)
        for code, (_source, flags) in previous.flags.items()
    }


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


@login_required
@require_POST
def instrument_aspects(request: HttpRequest, code: str) -> HttpResponse:
    """Save the five aspect weights of a draft instrument."""
    instrument = _instrument(request, code, "instruments.change_instrument")
    form = AspectWeightsForm(request.POST)
    form.is_valid()
    try:
        services.set_aspect_weights(instrument, form.cleaned_data)
    except ServiceError as error:
        messages.error(request, error.message)
        for detail in error.details:
            messages.warning(request, detail)
    else:
        messages.success(request, _("Bobot aspek disimpan."))
    return redirect(reverse("instruments:detail", kwargs={"code": code}) + "#bobot-aspek")


@login_required
@require_http_methods(["GET", "POST"])
def instrument_import(request: HttpRequest) -> HttpResponse:
    """Upload a YAML or XLSX instrument; on any problem show every one of them, write nothing."""
    _require(request, "instruments.add_instrument")
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        importer = services.import_xlsx if form.is_xlsx else services.import_yaml
        try:
            instrument = importer(
                form.cleaned_data["file"],
                code=form.cleaned_data["code"] or None,
                name=form.cleaned_data["name"] or None,
            )
        except ServiceError as error:
            form.add_error(None, error.message)
            problems = error.details
        else:
            messages.success(
                request,
                _("Instrumen %(name)s diimpor dengan %(n)d indikator.")
                % {"name": instrument.name, "n": instrument.indicators.count()},
            )
            return redirect("instruments:detail", code=instrument.code)
    return render(request, "instruments/import.html", {"form": form, "problems": problems})


@login_required
@require_GET
def instrument_export_yaml(request: HttpRequest, code: str) -> HttpResponse:
    instrument = _instrument(request, code)
    return _attachment(
        services.export_yaml(instrument),
        f"{instrument.code}.yaml",
        "application/yaml; charset=utf-8",
    )


@login_required
@require_GET
def instrument_export_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    instrument = _instrument(request, code)
    return _attachment(
        services.export_xlsx(instrument),
        f"{instrument.code}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _next_code(code: str) -> str:
    """kc-2022 → kc-2023; anything else gets "-salinan"."""
    match = re.search(r"(\d{4})$", code)
    if match:
        return code[: match.start()] + str(int(match.group(1)) + 1)
    return f"{code}-salinan"[:50]


@login_required
@require_http_methods(["GET", "POST"])
def instrument_copy(request: HttpRequest, code: str) -> HttpResponse:
    """Copy an instrument (frozen or not) as a new draft, with a crosswalk old → new."""
    instrument = _instrument(request, code)
    _require(request, "instruments.add_instrument")
    initial = {
        "code": _next_code(instrument.code),
        "name": _("Salinan %(name)s") % {"name": instrument.name},
    }
    form = CopyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.copy_instrument(instrument, **form.cleaned_data)
        except ServiceError as error:
            form.add_error(None, error.message)
            for detail in error.details:
                form.add_error(None, detail)
        else:
            messages.success(
                request,
                _("Instrumen %(name)s dibuat sebagai salinan, beserta crosswalk-nya.")
                % {"name": copy.name},
            )
            return redirect("instruments:detail", code=copy.code)
    return render(request, "instruments/copy.html", {"form": form, "instrument": instrument})


# --- Crosswalks -----------------------------------------------------------------------------------


def _crosswalk(request: HttpRequest, pk: int) -> Crosswalk:
    crosswalk = get_object_or_404(Crosswalk.objects.select_related("source", "target"), pk=pk)
    _require(request, "instruments.change_crosswalk", crosswalk)
    return crosswalk


@login_required
@require_http_methods(["GET", "POST"])
def crosswalk_start(request: HttpRequest) -> HttpResponse:
    """Pick two instruments; the crosswalk between them is created and completed by suggestion."""
    _require(request, "instruments.add_crosswalk")
    initial = {key: request.GET.get(key) for key in ("source", "target") if request.GET.get(key)}
    form = CrosswalkStartForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            crosswalk = services.suggest_crosswalk(
                form.cleaned_data["source"], form.cleaned_data["target"]
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            return redirect("instruments:crosswalk", pk=crosswalk.pk)
    crosswalks = (
        Crosswalk.objects.select_related("source", "target")
        .annotate(entry_count=Count("entries"))
        .order_by("source__code", "target__code")
    )
    return render(
        request, "instruments/crosswalk_start.html", {"form": form, "crosswalks": crosswalks}
    )


def _initial_entries(crosswalk: Crosswalk) -> list[dict]:
    return [
        {
            "kind": entry.kind,
            "source_code": entry.source_code,
            "target_code": entry.target_code,
            "rescale": json.dumps(entry.rescale) if entry.rescale is not None else "",
            "note": entry.note,
            "needs_review": entry.needs_review,
        }
        for entry in crosswalk.entries.order_by("-needs_review", "id")  # what to check first
    ]


def _entry_rows(formset) -> list[services.EntryRow]:
    rows = []
    for number, form in enumerate(formset.forms, start=1):
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        if not (data.get("source_code") or data.get("target_code")):
            continue  # the empty extra row
        rows.append(
            services.EntryRow(
                place=_("entri %(n)d") % {"n": number},
                kind=data["kind"],
                source_code=data["source_code"].strip(),
                target_code=data["target_code"].strip(),
                rescale=data["rescale"],
                note=data["note"],
                needs_review=data["needs_review"],
            )
        )
    return rows


def _crosswalk_page(request, crosswalk, formset, problems, csv_form=None, status=200):
    entries = list(crosswalk.entries.all())
    counts = Counter(entry.kind for entry in entries)
    return render(
        request,
        "instruments/crosswalk.html",
        {
            "crosswalk": crosswalk,
            "formset": formset,
            "problems": problems,
            "csv_form": csv_form or CrosswalkCsvForm(),
            "counts": [(label, counts.get(value, 0)) for value, label in CrosswalkKind.choices],
            "needs_review": sum(1 for entry in entries if entry.needs_review),
            "comparable": len(services.comparable_pairs(crosswalk)),
            "source_codes": crosswalk.source.indicators.values_list("code", flat=True),
            "target_codes": crosswalk.target.indicators.values_list("code", flat=True),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def crosswalk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Every entry as an editable row; saving replaces all entries after checking all of them."""
    crosswalk = _crosswalk(request, pk)
    if request.method == "POST":
        formset = EntryFormSet(request.POST, prefix="entries")
        problems: list[str] = []
        if formset.is_valid():
            try:
                services.save_entries(crosswalk, _entry_rows(formset))
            except ServiceError as error:
                problems = error.details or [error.message]
            else:
                messages.success(request, _("Crosswalk disimpan."))
                return redirect("instruments:crosswalk", pk=crosswalk.pk)
        return _crosswalk_page(request, crosswalk, formset, problems)
    formset = EntryFormSet(initial=_initial_entries(crosswalk), prefix="entries")
    return _crosswalk_page(request, crosswalk, formset, [])


@login_required
@require_POST
def crosswalk_suggest(request: HttpRequest, pk: int) -> HttpResponse:
    """Complete the crosswalk by code and kind, keeping every entry the admin already set."""
    crosswalk = _crosswalk(request, pk)
    services.suggest_crosswalk(crosswalk.source, crosswalk.target)
    messages.success(request, _("Saran crosswalk dilengkapi; entri yang sudah ada tidak diubah."))
    return redirect("instruments:crosswalk", pk=crosswalk.pk)


@login_required
@require_GET
def crosswalk_export(request: HttpRequest, pk: int) -> HttpResponse:
    crosswalk = _crosswalk(request, pk)
    filename = f"crosswalk-{crosswalk.source.code}-{crosswalk.target.code}.csv"
    return _attachment(
        services.export_crosswalk_csv(crosswalk), filename, "text/csv; charset=utf-8"
    )


@login_required
@require_POST
def crosswalk_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace the entries with an uploaded CSV; on any problem list them all, change nothing."""
    crosswalk = _crosswalk(request, pk)
    form = CrosswalkCsvForm(request.POST, request.FILES)
    problems: list[str] = []
    if form.is_valid():
        try:
            services.import_crosswalk_csv(crosswalk, form.cleaned_data["file"])
        except ServiceError as error:
            problems = error.details or [error.message]
        else:
            messages.success(request, _("Crosswalk diimpor dari CSV."))
            return redirect("instruments:crosswalk", pk=crosswalk.pk)
    formset = EntryFormSet(initial=_initial_entries(crosswalk), prefix="entries")
    return _crosswalk_page(request, crosswalk, formset, problems, csv_form=form)
