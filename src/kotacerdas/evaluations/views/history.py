"""The audit trail pages: per indicator of a region, and per cycle."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ..models import Cycle
from ..services import history
from .operator import form_url, get_indicator, get_submission, require


@login_required
@require_GET
def indicator_history(request: HttpRequest, year: int, code: str, indicator: str) -> HttpResponse:
    """Who changed the region's answer and evidence for one indicator, when, from what to what
    (admins also see the assessors' scores and the final value)."""
    submission = get_submission(year, code)
    require(request, "evaluations.view_history", submission)
    item = get_indicator(submission, indicator)
    context = {
        "submission": submission,
        "indicator": item,
        "entries": history.indicator_history(submission, item, user=request.user),
        "back": form_url(submission, item),
    }
    return render(request, "evaluations/history/indicator.html", context)


@login_required
@require_GET
def cycle_history(request: HttpRequest, year: int) -> HttpResponse:
    """Every change of the cycle's state, schedule and method (admins)."""
    cycle = get_object_or_404(Cycle, year=year)
    if not request.user.has_perm("evaluations.manage_cycle", cycle):
        raise PermissionDenied
    context = {"cycle": cycle, "entries": history.cycle_history(cycle)}
    return render(request, "evaluations/history/cycle.html", context)
