"""The admin's integrity checks of a cycle ("Pemeriksaan integritas")."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from kotacerdas.evaluations.models import Cycle
from kotacerdas.evaluations.services.integrity import MIN_TEXT_LENGTH

from .services import integrity


@login_required
@require_GET
def integrity_page(request: HttpRequest, year: int) -> HttpResponse:
    """Evidence reuse, copied justifications, self-assessment gaps, outlier assessors, year-on-year jumps and the index
    by region kind for the cycle of ``year`` (admins only; computed on the fly)."""
    cycle = get_object_or_404(Cycle.objects.select_related("instrument"), year=year)
    if not request.user.has_perm("results.view_integrity", cycle):
        raise PermissionDenied
    found = integrity.report(cycle)
    context = {
        "cycle": cycle,
        "report": found,
        "thresholds": {
            "levels": cycle.disagreement_levels.normalize(),
            "points": cycle.disagreement_points.normalize(),
            "severity": integrity.SEVERITY_POINTS,
            "answers": integrity.MIN_ANSWERS,
            "jump": integrity.JUMP_POINTS,
            "kind": integrity.KIND_SHARE,
            "text_length": MIN_TEXT_LENGTH,
        },
    }
    return render(request, "results/integrity.html", context)
