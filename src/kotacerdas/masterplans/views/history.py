"""The change history of a masterplan and of a programme, for its operator and admins."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..services import history as history_service
from .common import deny, masterplan_or_404, programme_or_404


@require_GET
def masterplan_history(request, pk: int):
    masterplan = masterplan_or_404(pk)
    if not request.user.has_perm("masterplans.view_history", masterplan):
        return deny(request)
    context = {
        "masterplan": masterplan,
        "region": masterplan.region,
        "entries": history_service.masterplan_history(masterplan),
        "subject": masterplan,
    }
    return render(request, "masterplans/history.html", context)


@require_GET
def programme_history(request, pk: int):
    programme = programme_or_404(pk)
    if not request.user.has_perm("masterplans.view_history", programme):
        return deny(request)
    context = {
        "masterplan": programme.masterplan,
        "region": programme.masterplan.region,
        "programme": programme,
        "entries": history_service.programme_history(programme),
        "subject": programme,
    }
    return render(request, "masterplans/history.html", context)
