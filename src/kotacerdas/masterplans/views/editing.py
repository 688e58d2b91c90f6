"""Pages where the region's operator (or an admin) keeps the masterplan: htmx forms that
re-render in place with their errors and move on when saved."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kotacerdas.core.errors import ServiceError
from kotacerdas.regions.models import Region

from ..forms import BudgetForm, ImportForm, KpiForm, KpiValuesForm, MasterplanForm, ProgrammeForm
from ..models import Kpi
from ..services import editing, xlsx
from .common import deny, done, form_errors, masterplan_or_404, programme_or_404

FAILED = (ValidationError, ServiceError)


def _render(request, template: str, context: dict, *, partial: str | None = None):
    """The whole page, or only the form partial for an htmx request."""
    if request.htmx and partial:
        return render(request, partial, context)
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def masterplan_create(request, code: str):
    region = get_object_or_404(Region, code=code)
    if not request.user.has_perm("masterplans.edit", region):
        return deny(request)
    form = MasterplanForm(request.POST or None, instance=None)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in editing.MASTERPLAN_FIELDS}
        try:
            masterplan = editing.create_masterplan(region, data=data, by=request.user)
        except FAILED as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Masterplan dibuat."))
            return done(request, masterplan.get_absolute_url())
    context = {"form": form, "region": region, "masterplan": None}
    return _render(
        request,
        "masterplans/masterplan_form.html",
        context,
        partial="masterplans/_masterplan_form.html",
    )


@require_http_methods(["GET", "POST"])
def masterplan_edit(request, pk: int):
    masterplan = masterplan_or_404(pk)
    if not request.user.has_perm("masterplans.edit", masterplan):
        return deny(request)
    form = MasterplanForm(
        request.POST or None, instance=masterplan, initial={"version": masterplan.version}
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in editing.MASTERPLAN_FIELDS}
        try:
            editing.update_masterplan(
                masterplan_or_404(pk),
                data=data,
                version=form.cleaned_data["version"],
                by=request.user,
            )
        except FAILED as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Masterplan disimpan."))
            return done(request, masterplan.get_absolute_url())
    context = {"form": form, "region": masterplan.region, "masterplan": masterplan}
    return _render(
        request,
        "masterplans/masterplan_form.html",
        context,
        partial="masterplans/_masterplan_form.html",
    )


@require_http_methods(["GET", "POST"])
def programme_form(request, pk: int | None = None, masterplan_pk: int | None = None):
    """Create a programme (``masterplan_pk``) or change one (``pk``)."""
    programme = programme_or_404(pk) if pk else None
    masterplan = programme.masterplan if programme else masterplan_or_404(masterplan_pk)
    if not request.user.has_perm("masterplans.edit", masterplan):
        return deny(request)
    form = ProgrammeForm(request.POST or None, instance=programme, masterplan=masterplan)
    if request.method == "POST" and form.is_valid():
        try:
            saved = editing.save_programme(
                masterplan,
                data=form.data_for_service(),
                quick_win_years=form.cleaned_data["quick_win_years"],
                programme=programme,
                version=form.cleaned_data["version"],
                by=request.user,
            )
        except FAILED as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Program %(code)s disimpan.") % {"code": saved.code})
            return done(request, saved.get_absolute_url())
    context = {
        "form": form,
        "masterplan": masterplan,
        "programme": programme,
        "region": masterplan.region,
    }
    return _render(
        request,
        "masterplans/programme_form.html",
        context,
        partial="masterplans/_programme_form.html",
    )


@require_http_methods(["GET", "POST"])
def budgets(request, pk: int):
    """The programme's budget per year of the period; warns where realisation exceeds plan."""
    programme = programme_or_404(pk)
    if not request.user.has_perm("masterplans.edit", programme):
        return deny(request)
    current = {b.year: (b.planned, b.realised) for b in programme.budgets.all()}
    years = programme.masterplan.years
    form = BudgetForm(request.POST or None, years=years, initial_rows=current)
    warnings: list[str] = []
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            warnings = editing.set_budgets(programme, form.rows(), by=request.user)
        except FAILED as error:
            form_errors(form, error)
        else:
            saved = True
            if not request.htmx:
                for warning in warnings:
                    messages.warning(request, warning)
                messages.success(request, _("Anggaran disimpan."))
                return done(request, programme.get_absolute_url())
    context = {
        "form": form,
        "programme": programme,
        "masterplan": programme.masterplan,
        "region": programme.masterplan.region,
        "warnings": warnings,
        "saved": saved,
    }
    return _render(
        request, "masterplans/budgets.html", context, partial="masterplans/_budgets_form.html"
    )


@require_http_methods(["GET", "POST"])
def kpi_form(request, pk: int | None = None, programme_pk: int | None = None):
    """Create a KPI for a programme (``programme_pk``) or change one (``pk``), with its target
    and realisation for each year of the period."""
    kpi = get_object_or_404(Kpi.objects.select_related("programme"), pk=pk) if pk else None
    programme = programme_or_404(kpi.programme_id if kpi else programme_pk)
    if not request.user.has_perm("masterplans.edit", programme):
        return deny(request)
    current = {v.year: (v.target, v.realisation) for v in kpi.values.all()} if kpi else {}
    form = KpiForm(request.POST or None, instance=kpi, prefix="kpi")
    form.instance.programme = programme
    values = KpiValuesForm(
        request.POST or None,
        years=programme.masterplan.years,
        initial_rows=current,
        prefix="values",
    )
    if request.method == "POST" and form.is_valid() and values.is_valid():
        data = {name: form.cleaned_data[name] for name in editing.KPI_FIELDS}
        try:
            editing.save_kpi(programme, data=data, values=values.rows(), kpi=kpi, by=request.user)
        except FAILED as error:
            form_errors(form, error)
        else:
            messages.success(request, _("IKU disimpan."))
            return done(request, programme.get_absolute_url())
    context = {
        "form": form,
        "values": values,
        "kpi": kpi,
        "programme": programme,
        "masterplan": programme.masterplan,
        "region": programme.masterplan.region,
    }
    return _render(
        request, "masterplans/kpi_form.html", context, partial="masterplans/_kpi_form.html"
    )


@require_http_methods(["GET", "POST"])
def import_view(request, code: str):
    """Upload a filled template; the whole file is checked before anything is written."""
    region = get_object_or_404(Region, code=code)
    if not request.user.has_perm("masterplans.edit", region):
        return deny(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    rejected = None
    if request.method == "POST" and form.is_valid():
        try:
            report = xlsx.import_workbook(region, form.cleaned_data["file"], by=request.user)
        except ServiceError as error:
            rejected = error
        else:
            messages.success(
                request,
                _(
                    "Impor selesai: %(created)d program baru, %(updated)d diperbarui, "
                    "%(untouched)d tidak ada di berkas dan dibiarkan."
                )
                % {
                    "created": report.programmes_created,
                    "updated": report.programmes_updated,
                    "untouched": len(report.programmes_untouched),
                },
            )
            return done(request, report.masterplan.get_absolute_url())
    context = {"form": form, "region": region, "rejected": rejected}
    return render(request, "masterplans/import.html", context)
