"""The admin's statistical audit of one cycle's index ("Audit statistik indeks"), on screen and
as a workbook (``services.index_audit``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kotacerdas.evaluations.models import Cycle

from .services import index_audit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require(request: HttpRequest) -> None:
    if not request.user.has_perm("results.view_index_audit"):
        raise PermissionDenied


def _chosen(request: HttpRequest, cycles: list[Cycle]) -> Cycle | None:
    """The cycle of ``?tahun=`` (404 when it has no results), else the newest with results."""
    year = request.GET.get("tahun", "").strip()
    if not year:
        return cycles[0] if cycles else None
    for cycle in cycles:
        if str(cycle.year) == year:
            return cycle
    raise Http404(_("Siklus ini belum memiliki hasil yang dihitung."))


@login_required
@require_GET
def audit_page(request: HttpRequest) -> HttpResponse:
    """Flagged indicators first with what to do, then every indicator's statistics, the
    aggregates' correlations, Cronbach's alpha and the redundant pairs (admins only)."""
    _require(request)
    cycles = index_audit.cycles_with_results()
    cycle = _chosen(request, cycles)
    found = index_audit.audit_cycle(cycle) if cycle is not None else None
    context = {
        "cycles": cycles,
        "cycle": cycle,
        "audit": found,
        "labels": index_audit.flag_labels(),
        "thresholds": index_audit.thresholds(),
    }
    return render(request, "results/audit.html", context)


@login_required
@require_GET
def audit_xlsx(request: HttpRequest) -> HttpResponse:
    """The audit of the chosen cycle as a workbook of four sheets."""
    _require(request)
    cycle = _chosen(request, index_audit.cycles_with_results())
    found = index_audit.audit_cycle(cycle) if cycle is not None else None
    if found is None:
        raise Http404(_("Belum ada siklus dengan hasil yang dihitung."))
    response = HttpResponse(index_audit.to_xlsx(found), content_type=XLSX)
    name = f"audit-statistik-{found.cycle.year}-v{found.snapshot.version}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
