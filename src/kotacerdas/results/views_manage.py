"""Internal results pages: the admin's cycle dashboard (progress, compute, preview, republish,
the background computation's progress and its restart) and the operator's own results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh

from kotacerdas.core.errors import ServiceError
from kotacerdas.evaluations.models import Cycle, CycleState

from . import charts
from .choices import ComputationPurpose
from .forms import ComputeForm, RepublishForm
from .models import RegionResult
from .services import (
    computation,
    compute,
    corrections,
    operator,
    progress,
    publication,
    published,
)
from .services import profile as profiles
from .services import ranking as rankings


def _require(request: HttpRequest, permission: str, obj=None) -> None:
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied


def computation_context(cycle: Cycle) -> dict:
    """What the dashboard shows of the cycle's newest computation (``_computation.html``):
    shown while it is queued or running, and when it failed or was stopped."""
    current = computation.current(cycle)
    return {
        "computation": current,
        "computing": current is not None and current.is_active,
        "stalled": current is not None and current.is_stalled,
        "can_restart_computation": computation.can_restart(current),
    }


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """Every cycle with its results status (admins)."""
    _require(request, "results.manage_results")
    cycles = [(cycle, publication.latest(cycle)) for cycle in Cycle.objects.order_by("-year")]
    return render(request, "results/manage.html", {"cycles": cycles})


@login_required
def dashboard(request: HttpRequest, year: int) -> HttpResponse:
    """One cycle: progress of the work, agreement, results and their publication, reports."""
    cycle = get_object_or_404(Cycle.objects.select_related("instrument"), year=year)
    _require(request, "results.manage_results", cycle)
    found = progress.progress(cycle)
    latest = publication.latest(cycle)
    current = None
    if latest is not None and cycle.state == CycleState.FINAL:
        current = publication.is_current(latest)
    agreement_chart = None
    if found.agreement:
        agreement_chart = charts.bars(
            "chart-agreement",
            [(row.code, row.alpha) for row in found.agreement[:25]],
            title=_("Kesepakatan asesor per indikator (terendah dulu)"),
            value_title=_("Krippendorff's alpha"),
            domain=(-1, 1),
            digits=3,
            category_title=_("Indikator"),
        )
    from kotacerdas.reports.models import ReportJob

    running = computation_context(cycle)
    context = {
        "cycle": cycle,
        "progress": found,
        "agreement_chart": agreement_chart,
        "snapshots": cycle.result_snapshots.select_related("computed_by", "published_by"),
        "latest": latest,
        "current": current,
        "can_compute": cycle.state == CycleState.FINAL and not running["computing"],
        "can_republish": cycle.state == CycleState.PUBLISHED and not running["computing"],
        "compute_form": ComputeForm(initial={"samples": compute.DEFAULT_SAMPLES}),
        "republish_form": RepublishForm(initial={"samples": compute.DEFAULT_SAMPLES}),
        "jobs": ReportJob.objects.filter(snapshot__cycle=cycle)[:5],
        "public": published.current_snapshot(cycle, preview=True),
        "released": published.current_snapshot(cycle),
        **running,
    }
    return render(request, "results/dashboard.html", context)


@login_required
@require_POST
def compute_view(request: HttpRequest, year: int) -> HttpResponse:
    """The admin's "compute results" button: requests a background computation."""
    cycle = get_object_or_404(Cycle, year=year)
    _require(request, "results.manage_results", cycle)
    form = ComputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Jumlah sampel tidak valid."))
        return redirect("results:dashboard", year=year)
    try:
        computation.request(cycle, by=request.user, samples=form.cleaned_data["samples"])
    except ServiceError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Hasil sedang dihitung di latar belakang."))
    return redirect("results:dashboard", year=year)


@login_required
@require_POST
def republish_view(request: HttpRequest, year: int) -> HttpResponse:
    """Republish a published cycle's results as a new version (with a reason): requests a
    background computation that publishes what it computes."""
    cycle = get_object_or_404(Cycle, year=year)
    _require(request, "results.manage_results", cycle)
    form = RepublishForm(request.POST)
    if not form.is_valid():
        if "release_at" in form.errors:
            messages.error(
                request,
                _("Waktu rilis tidak valid: isi tanggal dan jam (WIB), mis. 2023-01-20 10:00."),
            )
        else:
            messages.error(request, _("Alasan publikasi ulang wajib diisi."))
        return redirect("results:dashboard", year=year)
    try:
        computation.request(
            cycle,
            by=request.user,
            note=form.cleaned_data["reason"],
            samples=form.cleaned_data["samples"],
            purpose=ComputationPurpose.REPUBLISH,
            release_at=form.cleaned_data["release_at"],
        )
    except ServiceError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _(
                "Hasil sedang dihitung di latar belakang; versi baru dipublikasikan begitu "
                "perhitungan selesai."
            ),
        )
    return redirect("results:dashboard", year=year)


@login_required
@require_GET
def computation_status(request: HttpRequest, year: int) -> HttpResponse:
    """The newest computation's state (the partial htmx polls while it is queued or running).
    Once it has finished, failed or stopped, an htmx poll reloads the dashboard; without htmx,
    the dashboard."""
    cycle = get_object_or_404(Cycle, year=year)
    _require(request, "results.manage_results", cycle)
    if not request.htmx:
        return redirect("results:dashboard", year=year)
    context = {"cycle": cycle, **computation_context(cycle)}
    if not context["computing"]:
        return HttpResponseClientRefresh()
    return render(request, "results/_computation.html", context)


@login_required
@require_POST
def computation_restart(request: HttpRequest, year: int) -> HttpResponse:
    """Start the cycle's newest computation again (after a failure, a stop or a stall)."""
    cycle = get_object_or_404(Cycle, year=year)
    _require(request, "results.manage_results", cycle)
    found = computation.current(cycle)
    if found is None:
        messages.error(request, _("Belum ada perhitungan hasil untuk siklus ini."))
        return redirect("results:dashboard", year=year)
    try:
        computation.restart(found, by=request.user)
    except ServiceError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Hasil sedang dihitung di latar belakang."))
    return redirect("results:dashboard", year=year)


@login_required
def preview(request: HttpRequest, year: int) -> HttpResponse:
    """The latest computed snapshot's ranking, before publication (admins; never cached)."""
    cycle = get_object_or_404(Cycle, year=year)
    _require(request, "results.manage_results", cycle)
    snapshot = publication.latest(cycle)
    if snapshot is None:
        raise Http404(_("Hasil belum dihitung."))
    filters = rankings.Filters()
    return render(
        request,
        "results/preview.html",
        {
            "cycle": cycle,
            "snapshot": snapshot,
            "ranking": rankings.ranking(snapshot, filters, page_size=None),
            "filters": filters,
        },
    )


@login_required
def my_results(request: HttpRequest) -> HttpResponse:
    """An operator's own region: published results with the assessors' notes (after publication)."""
    _require(request, "results.view_own_results")
    region = request.user.region
    rows = operator.published_results(region)
    year = request.GET.get("tahun")
    chosen = next((row for row in rows if str(row.snapshot.cycle.year) == year), None)
    chosen = chosen or (rows[-1] if rows else None)
    found = None
    notes = []
    found_corrections = []
    if chosen is not None:
        try:
            found = profiles.profile(chosen.snapshot, region)
        except RegionResult.DoesNotExist:  # pragma: no cover - rows come from the same query
            found = None
        notes = operator.notes(chosen)
        found_corrections = corrections.for_region(chosen.snapshot, region.code)
    return render(
        request,
        "results/my_results.html",
        {
            "region": region,
            "rows": rows,
            "chosen": chosen,
            "profile": found,
            "notes": notes,
            "corrections": found_corrections,
        },
    )
