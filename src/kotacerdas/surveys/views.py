"""Pages of the citizen survey: the public list and form (no login), the thank-you page, and a
region's figures with its citizens' comments for the region's operator, its assessors and
admins. Views parse input, check permission, call a service, render."""

from __future__ import annotations

from datetime import timedelta

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from kotacerdas.core.errors import ServiceError
from kotacerdas.regions.models import Region

from .forms import SurveyForm
from .models import SurveyWindow
from .services import programmes, submission, visibility
from .services import window as windows
from .services.aggregates import RegionSurvey, minimum, region_survey

COOKIE_MAX_AGE = timedelta(days=400)  # browsers cap cookies at about 400 days


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Every survey window, newest first; for an open one, the regions one can answer about."""
    rows = []
    for window in SurveyWindow.objects.select_related("cycle").order_by("-cycle__year"):
        regions = (
            list(programmes.regions_with_quick_wins(window.cycle.year)) if window.is_open() else []
        )
        rows.append({"window": window, "text": windows.describe(window), "regions": regions})
    return render(request, "surveys/home.html", {"rows": rows})


def _window_and_region(year: int, code: str) -> tuple[SurveyWindow, Region]:
    window = windows.window_for_year(year)
    if window is None:
        raise Http404
    return window, get_object_or_404(Region, code=code)


def answered_programmes(request: HttpRequest, window: SurveyWindow) -> frozenset[int]:
    """The programmes this browser has answered in ``window`` (its signed cookie; a cookie that
    was tampered with counts as none)."""
    value = request.get_signed_cookie(
        submission.cookie_name(window), default="", salt=submission.COOKIE_SALT
    )
    return frozenset(int(part) for part in value.split(",") if part.isdigit())


def client_ip(request: HttpRequest) -> str:
    """The client's address as the sign-in lockout sees it (same proxy settings)."""
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR") or "unknown"


@require_http_methods(["GET", "POST"])
def region_form(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """The public survey of a region: its quick wins of the year and, while the window is open,
    the form (CSRF protected). A refusal re-renders the page with its reason; nothing is saved."""
    window, region = _window_and_region(year, code)
    listed = programmes.quick_wins(region, year)
    answered = answered_programmes(request, window)
    is_open = window.is_open()
    form = SurveyForm(listed, request.POST if request.method == "POST" else None, answered)
    if request.method == "POST":
        try:
            submission.accepting(window)
            if form.is_valid():
                saved = submission.submit(
                    window,
                    region,
                    form.answers(),
                    client_ip=client_ip(request),
                    answered=answered,
                )
                response = redirect("surveys:thanks", year=year, code=code)
                _remember(response, window, answered | {row.programme_id for row in saved})
                return response
        except ServiceError as refused:
            form.errors.append(refused.message)
    context = {
        "window": window,
        "cycle": window.cycle,
        "region": region,
        "programmes": listed,
        "form": form,
        "is_open": is_open,
        "window_text": windows.describe(window),
        "public": visibility.is_public(window.cycle),
    }
    return render(request, "surveys/region.html", context)


def _remember(response: HttpResponse, window: SurveyWindow, answered) -> None:
    ends = window.ends_at - timezone.now()
    max_age = int(
        max(timedelta(days=1), min(ends + timedelta(days=1), COOKIE_MAX_AGE)).total_seconds()
    )
    response.set_signed_cookie(
        submission.cookie_name(window),
        ",".join(str(pk) for pk in sorted(answered)),
        salt=submission.COOKIE_SALT,
        max_age=max_age,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


@require_GET
def thanks(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """Thank you, and what happens with the answers."""
    window, region = _window_and_region(year, code)
    remaining = [
        p
        for p in programmes.quick_wins(region, year)
        if p.pk not in answered_programmes(request, window)
    ]
    return render(
        request,
        "surveys/thanks.html",
        {"window": window, "region": region, "remaining": remaining, "is_open": window.is_open()},
    )


@require_GET
def region_results(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """A region's figures per programme and overall, and its citizens' comments, for the
    region's operator, its assessors in that cycle and admins (``surveys.view_results``)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    window, region = _window_and_region(year, code)
    if not request.user.has_perm("surveys.view_results", RegionSurvey(window, region)):
        raise PermissionDenied
    survey = region_survey(window, region, with_comments=True)
    return render(
        request,
        "surveys/results.html",
        {
            "survey": survey,
            "window": window,
            "region": region,
            "window_text": windows.describe(window),
            "public": visibility.is_public(window.cycle),
            "minimum": minimum(),
        },
    )
