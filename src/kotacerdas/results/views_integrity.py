"""The admin's integrity checks of a cycle ("Pemeriksaan integritas"), and the review of a flag."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kotacerdas.core.errors import ServiceError
from kotacerdas.core.forms import error_text
from kotacerdas.evaluations.models import Cycle
from kotacerdas.evaluations.services.integrity import (
    MIN_TEXT_LENGTH,
    NEAR_DUPLICATE_THRESHOLD,
)

from .choices import FlagKind
from .forms import FlagReviewForm, FlagUnreviewForm
from .models import FlagReview
from .services import integrity, reviews

# The page's section of each kind of flag (the redirect after a review returns there).
SECTIONS = {
    FlagKind.FILE: "berkas",
    FlagKind.LINK: "tautan",
    FlagKind.TEXT: "teks",
    FlagKind.NEAR: "mirip",
    FlagKind.GAP: "selisih",
    FlagKind.ASSESSOR: "asesor",
    FlagKind.JUMP: "lonjakan",
    FlagKind.KIND: "jenis",
    FlagKind.SIZE: "ukuran",
}


@login_required
@require_GET
def integrity_page(request: HttpRequest, year: int) -> HttpResponse:
    """Evidence reuse, copied and near-duplicate justifications, self-assessment gaps, outlier
    assessors, year-on-year jumps, the index by region kind and by region size for the cycle of
    ``year``, each flag with its review (admins only; computed on the fly)."""
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
            "size_rho": integrity.SIZE_RHO,
            "size_alpha": integrity.SIZE_ALPHA,
            "provinces": integrity.MIN_PROVINCES,
            "text_length": MIN_TEXT_LENGTH,
            "near": round(NEAR_DUPLICATE_THRESHOLD * 100),
        },
    }
    return render(request, "results/integrity.html", context)


def _reviewable_cycle(request: HttpRequest, year: int) -> Cycle:
    cycle = get_object_or_404(Cycle, year=year)
    if not request.user.has_perm("results.review_integrity", cycle):
        raise PermissionDenied
    return cycle


def _answer(
    request, cycle: Cycle, kind: str, fingerprint: str, *, error: str = "", done: str = ""
) -> HttpResponse:
    """htmx: the flag's review box again (with the error, if any); otherwise a message and back
    to the flag's section of the page."""
    if request.htmx:
        review = FlagReview.objects.filter(cycle=cycle, fingerprint=fingerprint).first()
        context = {
            "cycle": cycle,
            "flag": integrity.Flag(kind, fingerprint, review),
            "error": error,
        }
        return render(request, "results/partials/flag_review.html", context)
    if error:
        messages.error(request, error)
    elif done:
        messages.success(request, done)
    url = reverse("results:integrity", args=[cycle.year])
    return redirect(f"{url}#{SECTIONS.get(kind, 'ringkasan')}")


@login_required
@require_POST
def review_flag(request: HttpRequest, year: int) -> HttpResponse:
    """Mark a flag as reviewed. Fields: ``kind``, ``fingerprint``, ``note``."""
    cycle = _reviewable_cycle(request, year)
    form = FlagReviewForm(request.POST)
    kind, fingerprint = request.POST.get("kind", ""), request.POST.get("fingerprint", "")
    if not form.is_valid():
        return _answer(request, cycle, kind, fingerprint, error=error_text(form))
    try:
        reviews.mark_reviewed(cycle, by=request.user, **form.cleaned_data)
    except ServiceError as problem:
        return _answer(request, cycle, kind, fingerprint, error=str(problem))
    return _answer(request, cycle, kind, fingerprint, done=_("Tanda ditandai sudah ditinjau."))


@login_required
@require_POST
def unreview_flag(request: HttpRequest, year: int) -> HttpResponse:
    """Take back a flag's review. Fields: ``fingerprint`` (and ``kind``, for the way back)."""
    cycle = _reviewable_cycle(request, year)
    form = FlagUnreviewForm(request.POST)
    kind, fingerprint = request.POST.get("kind", ""), request.POST.get("fingerprint", "")
    if not form.is_valid():
        return _answer(request, cycle, kind, fingerprint, error=error_text(form))
    if not reviews.unmark(cycle, fingerprint=form.cleaned_data["fingerprint"], by=request.user):
        return _answer(
            request, cycle, kind, fingerprint, error=_("Tanda ini belum ditandai sudah ditinjau.")
        )
    done = _("Tinjauan dibatalkan; tanda ditampilkan lagi sebagai belum ditinjau.")
    return _answer(request, cycle, kind, fingerprint, done=done)
