"""PDF downloads (report card, letter, national summary) and the admin's batch of all reports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kotacerdas.core.errors import ServiceError
from kotacerdas.evaluations.models import Cycle
from kotacerdas.regions.models import Region
from kotacerdas.results.models import RegionResult, Snapshot
from kotacerdas.results.services import cache, published
from kotacerdas.results.services import profile as profiles
from kotacerdas.results.views import public_snapshot

from .choices import JobState
from .models import ReportJob
from .services import batch, documents


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _region_in(snapshot: Snapshot, code: str) -> Region:
    region = get_object_or_404(Region.objects.select_related("parent"), code=code)
    if not RegionResult.objects.filter(snapshot=snapshot, region=region).exists():
        raise Http404(_("Daerah ini tidak dinilai pada siklus tersebut."))
    return region


def report_card(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """A region's published report card. The public copy (cached) has no assessors' notes; the
    region's operator and admins get the copy with them."""
    snapshot = public_snapshot(year, request)
    region = _region_in(snapshot, code)
    name = f"rapor-{year}-{region.code}.pdf"
    if request.user.has_perm("results.view_region_notes", region):
        return _pdf(documents.report_card(snapshot, region, include_notes=True), name)
    content = cache.cached(
        snapshot,
        "report_card",
        (region.code, profiles.trend_key()),  # its trend reads the other years' versions
        lambda: documents.report_card(snapshot, region),
    )
    return _pdf(content, name)


@login_required
def letter(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """A region's result letter (the region's operator and admins), once published."""
    snapshot = public_snapshot(year, request)
    region = _region_in(snapshot, code)
    if not request.user.has_perm("reports.download_letter", region):
        raise PermissionDenied
    return _pdf(documents.letter(snapshot, region), f"surat-hasil-{year}-{region.code}.pdf")


def national(request: HttpRequest, year: int) -> HttpResponse:
    """The national summary of a published cycle (cached)."""
    snapshot = public_snapshot(year, request)
    content = cache.cached(snapshot, "national", (), lambda: documents.national(snapshot))
    return _pdf(content, f"laporan-nasional-{year}.pdf")


@login_required
@require_POST
def batch_start(request: HttpRequest, year: int) -> HttpResponse:
    """Start building every report of the cycle's published results as one zip."""
    cycle = get_object_or_404(Cycle, year=year)
    if not request.user.has_perm("reports.build_all", cycle):
        raise PermissionDenied
    snapshot = published.current_snapshot(cycle, preview=True)  # ready by the release
    if snapshot is None:
        messages.error(request, _("Hasil siklus ini belum dipublikasikan."))
        return redirect("results:dashboard", year=year)
    try:
        job = batch.start(snapshot, by=request.user)
    except ServiceError as refused:
        messages.error(request, str(refused))
        return redirect("results:dashboard", year=year)
    messages.success(request, _("Pembuatan laporan dimulai."))
    return redirect("reports:batch_status", year=year, job=job.pk)


@login_required
def batch_status(request: HttpRequest, year: int, job: int) -> HttpResponse:
    """A job's progress (htmx polls the partial while it runs)."""
    found = get_object_or_404(
        ReportJob.objects.select_related("snapshot__cycle"), pk=job, snapshot__cycle__year=year
    )
    if not request.user.has_perm("reports.build_all", found.snapshot.cycle):
        raise PermissionDenied
    template = "reports/partials/job.html" if request.htmx else "reports/job.html"
    return render(request, template, {"job": found, "cycle": found.snapshot.cycle})


@login_required
def batch_download(request: HttpRequest, year: int, job: int) -> HttpResponse:
    """The finished zip of a job (admins)."""
    found = get_object_or_404(
        ReportJob.objects.select_related("snapshot__cycle"), pk=job, snapshot__cycle__year=year
    )
    if not request.user.has_perm("reports.build_all", found.snapshot.cycle):
        raise PermissionDenied
    if found.state != JobState.DONE or not found.file:
        raise Http404(_("Berkas laporan belum siap."))
    return FileResponse(
        found.file.open("rb"), as_attachment=True, filename=batch.zip_name(found.snapshot)
    )
