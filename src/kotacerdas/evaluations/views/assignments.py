"""The admin's assignment page of a cycle: each enrolled region with its assessors, each
assessor's load; assign, unassign and a balanced automatic assignment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from kotacerdas.core.errors import ServiceError
from kotacerdas.regions.models import Region

from ..forms_assessor import AssignForm
from ..models import Assignment, Cycle
from ..services import assignments, calibration


def get_cycle(request: HttpRequest, year: int) -> Cycle:
    """The cycle of ``year`` for an admin; 403 for everyone else, 404 for an unknown year."""
    if not request.user.has_perm("evaluations.manage_cycle"):
        raise PermissionDenied
    return get_object_or_404(Cycle.objects.select_related("instrument"), year=year)


def panel_url(cycle: Cycle, province: str = "") -> str:
    url = reverse("evaluations:assignment_panel", kwargs={"year": cycle.year})
    return f"{url}?provinsi={province}" if province else url


@login_required
@require_GET
def assignment_panel(request: HttpRequest, year: int) -> HttpResponse:
    """Regions × assessors: each region's panel, who could join it, and every assessor's load."""
    cycle = get_cycle(request, year)
    province = request.GET.get("provinsi", "")[:2]
    rows = assignments.panels(cycle, province=province)
    loads = sorted(assignments.load(cycle).items(), key=lambda p: (-p[1], p[0].username))
    # A soft warning beside assessors who did not pass the latest calibration round; never blocks.
    calibration.mark_statuses(
        cycle,
        [
            *(a.assessor for row in rows for a in row.assignments),
            *(user for row in rows for user, _n in row.candidates),
            *(user for user, _n in loads),
        ],
    )
    context = {
        "cycle": cycle,
        "rows": rows,
        "loads": loads,
        "short": assignments.assessors_short(cycle),
        "province": province,
        "provinces": Region.objects.provinces(),
        "editable": cycle.state in assignments.ASSIGN_STATES,
    }
    return render(request, "evaluations/assessor/assignments.html", context)


@login_required
@require_POST
def assignment_add(request: HttpRequest, year: int) -> HttpResponse:
    """Assign one assessor to one region. Posted fields: ``region`` (code), ``assessor`` (id)."""
    cycle = get_cycle(request, year)
    form = AssignForm(request.POST)
    province = request.POST.get("provinsi", "")[:2]
    if not form.is_valid():
        messages.error(request, _("Pilih daerah dan asesor."))
        return redirect(panel_url(cycle, province))
    region, assessor = form.cleaned_data["region"], form.cleaned_data["assessor"]
    try:
        assignments.assign(cycle, region, assessor, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(user)s ditugaskan menilai %(region)s.")
            % {"user": assessor.display_name, "region": region.name},
        )
    return redirect(panel_url(cycle, province) + f"#region-{region.code}")


@login_required
@require_POST
def assignment_remove(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    """Withdraw one assignment (refused once the assessor has scored)."""
    cycle = get_cycle(request, year)
    assignment = get_object_or_404(
        Assignment.objects.select_related("assessor", "region"), pk=pk, cycle=cycle
    )
    province = request.POST.get("provinsi", "")[:2]
    try:
        assignments.unassign(assignment, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Penugasan %(user)s untuk %(region)s dicabut.")
            % {"user": assignment.assessor.display_name, "region": assignment.region.name},
        )
    return redirect(panel_url(cycle, province) + f"#region-{assignment.region.code}")


@login_required
@require_POST
def assignment_auto(request: HttpRequest, year: int) -> HttpResponse:
    """Complete every region's panel up to the cycle's minimum, spreading the load."""
    cycle = get_cycle(request, year)
    try:
        report = assignments.auto_assign(cycle, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(panel_url(cycle))
    made = len(report.created)
    messages.success(
        request,
        ngettext("%(n)d penugasan baru dibuat.", "%(n)d penugasan baru dibuat.", made)
        % {"n": made},
    )
    if report.short:
        names = ", ".join(region.name for region in list(report.short)[:10])
        messages.warning(
            request,
            _(
                "%(n)d daerah masih kekurangan asesor (tidak cukup asesor yang bebas konflik): %(names)s"
            )
            % {"n": len(report.short), "names": names},
        )
    return redirect(panel_url(cycle))
