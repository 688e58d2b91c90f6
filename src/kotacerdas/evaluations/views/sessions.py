"""Virtual sessions: the "jadwal sesi" list (each user sees the sessions of their regions),
the admin's schedule form per region, and the .ics download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kotacerdas.accounts.models import User
from kotacerdas.core.errors import ServiceError
from kotacerdas.core.moments import in_wib, wib

from ..forms_assessor import SessionForm
from ..models import Assignment, Cycle, CycleState, Submission, VirtualSession
from ..services import sessions

ACTIVE_STATES = (CycleState.OPEN, CycleState.REVIEW, CycleState.MODERATION)


@login_required
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    """Jadwal sesi: the sessions the user may see, by cycle (``?siklus=<year>``, default: the
    cycles still being assessed). Admins also see the regions that have no session yet."""
    if not request.user.has_perm("evaluations.view_own_work"):
        raise PermissionDenied
    year = request.GET.get("siklus", "")
    cycles = Cycle.objects.exclude(state=CycleState.DRAFT).order_by("-year")
    cycle = cycles.filter(year=year).first() if year.isdigit() else None
    visible = sessions.visible_to(request.user, cycle)
    if cycle is None:
        visible = visible.filter(cycle__state__in=ACTIVE_STATES)
    unscheduled = []
    can_schedule = request.user.has_perm("evaluations.manage_cycle")
    if can_schedule:
        open_cycles = [cycle] if cycle else list(cycles.filter(state__in=sessions.SCHEDULE_STATES))
        unscheduled = (
            Submission.objects.filter(cycle__in=open_cycles)
            .exclude(
                region__in=VirtualSession.objects.filter(cycle__in=open_cycles).values("region")
            )
            .select_related("cycle", "region")
            .order_by("-cycle__year", "region__code")
        )
    context = {
        "sessions": visible.order_by("starts_at"),
        "cycles": cycles,
        "cycle": cycle,
        "unscheduled": unscheduled,
        "can_schedule": can_schedule,
        "now": timezone.now(),
    }
    return render(request, "evaluations/sessions/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_schedule(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """Schedule or reschedule the session of one region (admin)."""
    if not request.user.has_perm("evaluations.manage_cycle"):
        raise PermissionDenied
    submission = get_object_or_404(
        Submission.objects.select_related("cycle", "region"), cycle__year=year, region__code=code
    )
    cycle, region = submission.cycle, submission.region
    session = sessions.session_of(cycle, region)
    panel = User.objects.filter(
        pk__in=Assignment.objects.filter(cycle=cycle, region=region).values("assessor")
    ).order_by("username")
    initial = {"assessors": list(panel)}
    if session is not None:
        start = in_wib(session.starts_at)
        initial = {
            "date": start.date(),
            "time": start.time(),
            "duration_minutes": session.duration_minutes,
            "meeting_url": session.meeting_url,
            "location": session.location,
            "assessors": list(session.assessors.all()),
            "note": session.note,
        }
    form = SessionForm(request.POST or None, initial=initial, panel=panel)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = sessions.schedule(
                cycle,
                region,
                starts_at=form.starts_at,
                duration_minutes=data["duration_minutes"],
                meeting_url=data["meeting_url"],
                location=data["location"],
                assessors=data["assessors"],
                note=data["note"],
                by=request.user,
            )
        except ServiceError as error:
            form.add_error(None, error.message)
            for detail in error.details:
                form.add_error(None, detail)
        else:
            messages.success(
                request,
                _("Sesi %(region)s dijadwalkan %(when)s.")
                % {"region": region.name, "when": wib(saved.starts_at, "day")},
            )
            return redirect(reverse("evaluations:session_list") + f"?siklus={cycle.year}")
    context = {
        "form": form,
        "cycle": cycle,
        "region": region,
        "session": session,
        "panel": panel,
        "open": cycle.state in sessions.SCHEDULE_STATES,
    }
    return render(request, "evaluations/sessions/schedule.html", context)


@login_required
@require_GET
def session_ics(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """The session as an iCalendar file, for the admin, the region's operators and assessors."""
    session = (
        VirtualSession.objects.select_related("cycle", "region")
        .filter(cycle__year=year, region__code=code)
        .first()
    )
    if session is None or not request.user.has_perm("evaluations.view_session", session):
        raise Http404
    response = HttpResponse(sessions.to_ics([session]), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sesi-{code}-{year}.ics"'
    return response
