"""Moderation pages (admin only): the queue of a cycle, settling one indicator (htmx), the
overview of one region, the preparation of the automatic final values (a background task: its
progress, polled by htmx, and starting it again), and the region's feedback."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh, reswap, retarget

from kotacerdas.core.errors import ServiceError, StaleVersion
from kotacerdas.instruments.models import Dimension, Indicator

from ..forms_assessor import FeedbackForm, QueueFilterForm, SettleForm, rebased
from ..models import (
    Cycle,
    CycleState,
    Feedback,
    PreparationState,
    Submission,
    SubmissionState,
)
from ..services import answers, feedback, moderation, preparation
from .operator import STATUS_STALE, refusal_status

PAGE_SIZE = 50


def require_moderator(request: HttpRequest) -> None:
    if not request.user.has_perm("evaluations.moderate"):
        raise PermissionDenied


def get_cycle(request: HttpRequest, year: int) -> Cycle:
    require_moderator(request)
    return get_object_or_404(Cycle.objects.select_related("instrument"), year=year)


def get_submission(request: HttpRequest, year: int, code: str) -> Submission:
    require_moderator(request)
    return get_object_or_404(
        Submission.objects.select_related("cycle__instrument", "region"),
        cycle__year=year,
        region__code=code,
    )


def queue_url(cycle: Cycle) -> str:
    return reverse("evaluations:moderation_queue", kwargs={"year": cycle.year})


def preparation_context(cycle: Cycle) -> dict:
    """What the moderation pages show of the cycle's preparation (``_preparation.html``):
    ``prepared`` is False while the newest preparation is unfinished, failed or stopped."""
    current = preparation.current(cycle)
    in_moderation = cycle.state == CycleState.MODERATION
    return {
        "preparation": current,
        "prepared": current is None or current.state == PreparationState.DONE,
        "stalled": current is not None and current.is_stalled,
        "can_restart": in_moderation and preparation.can_restart(current),
    }


@login_required
@require_GET
def moderation_home(request: HttpRequest) -> HttpResponse:
    """The cycles, with the way into each one's moderation."""
    require_moderator(request)
    cycles = (
        Cycle.objects.exclude(state=CycleState.DRAFT)
        .annotate(
            submitted=Count("submissions", filter=Q(submissions__state=SubmissionState.SUBMITTED))
        )
        .order_by("-year")
    )
    return render(request, "evaluations/moderation/home.html", {"cycles": cycles})


@login_required
@require_GET
def moderation_queue(request: HttpRequest, year: int) -> HttpResponse:
    """The queue: indicators the assessors disagree on or left unscored, worst first, with a
    settle form on each; filters by region, dimension and reason."""
    cycle = get_cycle(request, year)
    filters = QueueFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    prepared = preparation_context(cycle)
    in_moderation = cycle.state == CycleState.MODERATION and prepared["prepared"]
    # While the preparation runs the queue is not computed: it is not final yet, and the page
    # is polled.
    items = (
        moderation.queue(
            cycle,
            region_code=chosen.get("region", ""),
            dimension_code=chosen.get("dimension", ""),
            reason=chosen.get("reason", ""),
        )
        if cycle.state in (CycleState.MODERATION, CycleState.FINAL) and prepared["prepared"]
        else []
    )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    submitted = Submission.objects.filter(cycle=cycle, state=SubmissionState.SUBMITTED)
    settled_feedback = Feedback.objects.filter(submission=OuterRef("pk"), settled_by__isnull=False)
    context = {
        "cycle": cycle,
        "page": page,
        "total": len(items),
        "filters": filters,
        "query": request.GET.copy(),
        "dimensions": Dimension.objects.filter(instrument_id=cycle.instrument_id),
        "regions": submitted.select_related("region").order_by("region__code"),
        "reasons": moderation.QueueReason.choices,
        "in_moderation": in_moderation,
        "feedback_open": submitted.exclude(Exists(settled_feedback)).count(),
        "settle_form": SettleForm(),
        **prepared,
    }
    context["query"].pop("page", None)
    return render(request, "evaluations/moderation/queue.html", context)


@login_required
@require_POST
def moderation_prepare(request: HttpRequest, year: int) -> HttpResponse:
    """Prepare the automatic final values again, in the background (after a failure, or to
    recompute them; idempotent, moderated values stay)."""
    cycle = get_cycle(request, year)
    try:
        preparation.restart(cycle, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Nilai akhir otomatis sedang dihitung ulang di latar belakang.")
        )
    return redirect(queue_url(cycle))


@login_required
@require_GET
def moderation_preparation(request: HttpRequest, year: int) -> HttpResponse:
    """The preparation's progress (the partial htmx polls while it runs). Once it has finished,
    failed or stopped, an htmx poll reloads the page it sits on; without htmx, the queue."""
    cycle = get_cycle(request, year)
    if not request.htmx:
        return redirect(queue_url(cycle))
    context = {"cycle": cycle, **preparation_context(cycle)}
    if context["preparation"] is None or not context["preparation"].is_active:
        return HttpResponseClientRefresh()
    return render(request, "evaluations/moderation/_preparation.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def moderation_settle(request: HttpRequest, year: int, code: str, indicator: str) -> HttpResponse:
    """Settle one indicator of one region with a reason. GET: the item with its form; POST
    (htmx): the queue row replaced by the decision, or the form with the refusal.

    Posted fields: ``value``, ``not_applicable``, ``reason``, ``version``.
    """
    submission = get_submission(request, year, code)
    item_indicator = get_object_or_404(
        Indicator.objects.select_related("element__dimension").prefetch_related("levels"),
        instrument_id=submission.cycle.instrument_id,
        code=indicator,
    )
    (item,) = moderation.region_items(submission, indicator=item_indicator)
    prepared = preparation_context(submission.cycle)
    if request.method == "GET":
        initial = {"version": item.final.version if item.final else 0}
        if item.final:
            initial.update(
                value=answers.plain(item.final.value),
                not_applicable=item.final.not_applicable,
            )
        context = {
            "item": item,
            "form": SettleForm(initial=initial),
            "cycle": submission.cycle,
            **prepared,
            "in_moderation": submission.cycle.state == CycleState.MODERATION
            and prepared["prepared"],
        }
        return render(request, "evaluations/moderation/settle.html", context)
    form = SettleForm(request.POST)
    try:
        if not form.is_valid():
            raise ServiceError(_("Alasan wajib diisi; nilai paling banyak 40 karakter."))
        final = moderation.settle(
            submission,
            item_indicator,
            value=answers.parse_value(form.cleaned_data["value"]),
            not_applicable=form.cleaned_data["not_applicable"],
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
            by=request.user,
        )
    except ServiceError as error:
        status = refusal_status(error)
        if not request.htmx:
            messages.error(request, f"{item_indicator.code}: {error}")
            return redirect(reverse("evaluations:moderation_settle", args=[year, code, indicator]))
        context = {"item": item, "error": error}
        return render(request, "evaluations/moderation/_settle_error.html", context, status=status)
    if not request.htmx:
        messages.success(
            request,
            _("Nilai akhir %(code)s untuk %(region)s ditetapkan.")
            % {"code": item_indicator.code, "region": submission.region.name},
        )
        return redirect(queue_url(submission.cycle))
    item.final = final
    response = render(request, "evaluations/moderation/_settled.html", {"item": item})
    # The form's target is its status line (for refusals); a decision replaces the whole item.
    retarget(response, f"#item-{submission.pk}-{item_indicator.pk}")
    return reswap(response, "outerHTML")


@login_required
@require_GET
def moderation_region(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """One region: every indicator with each assessor's score, the region's answer, the final
    value and how it was reached; and the assessors' written judgements."""
    submission = get_submission(request, year, code)
    items = moderation.region_items(submission)
    context = {
        "submission": submission,
        "cycle": submission.cycle,
        "region": submission.region,
        "items": items,
        "settled": sum(1 for item in items if item.final),
        "panel": submission.cycle.assignments.filter(region=submission.region)
        .select_related("assessor")
        .order_by("assessor__username"),
        **preparation_context(submission.cycle),
    }
    return render(request, "evaluations/moderation/region.html", context)


def stored_feedback(submission: Submission) -> Feedback | None:
    return Feedback.objects.filter(submission=submission).select_related("settled_by").first()


@login_required
@require_http_methods(["GET", "POST"])
def feedback_edit(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """The region's feedback, prefilled with the union of its assessors' items."""
    submission = get_submission(request, year, code)
    instance = stored_feedback(submission)
    prepared = preparation_context(submission.cycle)
    initial = {**feedback.draft(submission), "version": instance.version if instance else 0}
    form = FeedbackForm(request.POST or None, initial=initial)
    status, stale = 200, False
    if request.method == "POST" and form.is_valid():
        try:
            feedback.settle_feedback(submission, **form.cleaned_data, by=request.user)
        except ServiceError as error:
            form.add_error(None, error.message)
            for detail in error.details:
                form.add_error(None, detail)
            # A stale save keeps the sender's text in the form and shows the stored one beside it.
            if isinstance(error, StaleVersion):
                instance = stored_feedback(submission)
                form = rebased(form, instance.version if instance else 0)
                stale, status = True, STATUS_STALE
        else:
            messages.success(
                request,
                _("Umpan balik %(region)s ditetapkan.") % {"region": submission.region.name},
            )
            return redirect(queue_url(submission.cycle))
    panel = (
        submission.cycle.assignments.filter(region=submission.region)
        .select_related("assessor")
        .order_by("assessor__username")
    )
    context = {
        "submission": submission,
        "cycle": submission.cycle,
        "region": submission.region,
        "form": form,
        "feedback": instance,
        "panel": panel,
        **prepared,
        "editable": submission.cycle.state == CycleState.MODERATION and prepared["prepared"],
        "stored": instance if stale else None,
    }
    return render(request, "evaluations/moderation/feedback.html", context, status=status)
