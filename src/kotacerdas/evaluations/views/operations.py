"""The admin's operations page of a cycle: completion by province, stalled self-assessments and
the assessors' queues (``services.operations``), on screen and as a workbook."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ..models import Cycle
from ..services import operations

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cycle(request: HttpRequest, year: int) -> Cycle:
    cycle = get_object_or_404(Cycle.objects.select_related("instrument"), year=year)
    if not request.user.has_perm("evaluations.manage_cycle", cycle):
        raise PermissionDenied
    return cycle


@login_required
@require_GET
def cycle_operations(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle(request, year)
    view = operations.overview(cycle)
    return render(request, "evaluations/cycle/operations.html", {"cycle": cycle, "view": view})


@login_required
@require_GET
def cycle_operations_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    cycle = _cycle(request, year)
    view = operations.overview(cycle)
    response = HttpResponse(operations.to_xlsx(view), content_type=XLSX)
    name = f"operasional-{cycle.year}-{view.now:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
