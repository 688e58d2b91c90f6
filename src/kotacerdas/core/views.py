"""The home page: the public panel for everyone, and a panel of one's own work per role."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kotacerdas.accounts.predicates import is_admin, is_assessor, is_operator
from kotacerdas.evaluations.services import overview
from kotacerdas.regions.services import register_counts
from kotacerdas.results.services import published, ranking

from . import outbox

TOP = 10


def home(request: HttpRequest) -> HttpResponse:
    """Everyone: the region register and the newest published cycle's top ten. An operator
    also sees the region's current self-assessment and latest result, an assessor the worklist
    and next sessions, an admin every cycle with what blocks its next step and the outbox's
    failed and waiting emails."""
    user = request.user
    counts = register_counts()
    snapshot = published.latest_snapshot()
    context = {
        "counts": counts,
        "total": sum(counts.values()),
        "snapshot": snapshot,
        "top": ranking.top(snapshot, TOP) if snapshot else [],
    }
    if is_operator(user):
        context["region"] = user.region
        context["operator"] = overview.for_operator(user.region)
        context["latest_result"] = published.latest_result(user.region)
    elif is_assessor(user):
        context["assessor"] = overview.for_assessor(user)
    elif is_admin(user):
        context["admin"] = overview.for_admin()
        context["outbox"] = outbox.summary()
    return render(request, "core/home.html", context)
