"""The operator's self-assessment: the list of the region's submissions, the form by dimension,
autosave of one answer (htmx), and submit. Admins and assigned assessors see the same form
read-only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kotacerdas.core.errors import Locked, ServiceError, StaleVersion
from kotacerdas.instruments.models import Indicator
from kotacerdas.masterplans.services import citations

from ..forms import AnswerForm, EvidenceFileForm, EvidenceLinkForm, ReturnForm
from ..models import CycleState, Submission, SubmissionState
from ..services import answers, extensions, history, links, locks, sessions, submissions
from ..services import evidence as evidence_service

# ``?tampil=belum``: the form shows only the indicators still missing an answer or evidence.
ONLY_GAPS = "belum"

# Status codes of a refused autosave; the page's script lets htmx show their message.
STATUS_INVALID = 422
STATUS_STALE = 409
STATUS_LOCKED = 423


def refusal_status(error: ServiceError) -> int:
    """The status of an htmx answer to a refused save: 409 stale, 423 locked, 422 otherwise."""
    if isinstance(error, StaleVersion):
        return STATUS_STALE
    if isinstance(error, Locked):
        return STATUS_LOCKED
    return STATUS_INVALID


def get_submission(year: int, code: str) -> Submission:
    """The self-assessment of region ``code`` in the cycle of ``year``, or 404."""
    return get_object_or_404(
        Submission.objects.select_related("cycle", "region"),
        cycle__year=year,
        region__code=code,
    )


def require(request: HttpRequest, permission: str, obj) -> None:
    """404 for a user who may not even read the object, 403 for one who may read but not act."""
    user = request.user
    if user.has_perm(permission, obj):
        return
    if user.has_perm("evaluations.view_submission", obj):
        raise PermissionDenied
    raise Http404


def get_indicator(submission: Submission, code: str) -> Indicator:
    return get_object_or_404(
        Indicator.objects.select_related("element__dimension"),
        instrument_id=submission.cycle.instrument_id,
        code=code,
    )


def form_url(submission: Submission, indicator: Indicator | None = None) -> str:
    url = reverse(
        "evaluations:submission_form",
        kwargs={"year": submission.cycle.year, "code": submission.region.code},
    )
    return f"{url}#ind-{indicator.pk}" if indicator is not None else url


@login_required
@require_GET
def submission_list(request: HttpRequest) -> HttpResponse:
    """The self-assessments the user may read (an operator: its own region's, every year)."""
    if not request.user.has_perm("evaluations.view_own_work"):
        raise PermissionDenied
    visible = (
        submissions.visible_to(request.user)
        .exclude(cycle__state=CycleState.DRAFT)
        .annotate(
            answered=Count(
                "answers",
                filter=Q(answers__not_applicable=True) | Q(answers__value__isnull=False),
                distinct=True,
            ),
            total=Count("cycle__instrument__indicators", distinct=True),
        )
        .order_by("-cycle__year", "region__code")
    )
    page = Paginator(visible, 100).get_page(request.GET.get("page"))
    rows = [
        {
            "submission": submission,
            "lock_reason": locks.lock_reason(submission),
            "deadline": extensions.effective_deadline(submission),
            "extended": extensions.is_extended(submission),
        }
        for submission in page
    ]
    return render(request, "evaluations/operator/list.html", {"rows": rows, "page": page})


@login_required
@require_GET
def submission_form(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """The self-assessment by dimension; editable for the region's operator while unlocked.
    ``?dimensi=GOV`` shows one dimension; ``?tampil=belum`` only the indicators that keep it
    from being submitted (the two combine)."""
    submission = get_submission(year, code)
    require(request, "evaluations.view_submission", submission)
    context = form_context(
        request,
        submission,
        dimension_code=request.GET.get("dimensi", ""),
        only_gaps=request.GET.get("tampil") == ONLY_GAPS,
    )
    return render(request, "evaluations/operator/form.html", context)


def form_context(
    request: HttpRequest,
    submission: Submission,
    *,
    dimension_code: str = "",
    only_gaps: bool = False,
    **extra,
) -> dict:
    """Everything the form page shows: dimensions with their elements and indicators, each
    with its answer, current and replaced evidence; progress and the gaps (each linked to its
    indicator); what locks the page. Only the indicators of dimension ``dimension_code`` are
    listed when it is one of the instrument's (any other value: every dimension), and with
    ``only_gaps`` only those with a gap; progress and gaps always count the whole instrument."""
    user = request.user
    lock_reason = locks.lock_reason(submission)
    editable = user.has_perm("evaluations.edit_submission", submission) and not lock_reason
    answer_by_indicator = {
        answer.indicator_id: answer for answer in submission.answers.select_related("updated_by")
    }
    evidence_by_indicator: dict[int | None, list] = {}
    for evidence in submission.evidence.select_related("uploaded_by").order_by("uploaded_at"):
        evidence_by_indicator.setdefault(evidence.indicator_id, []).append(evidence)
    every_item = [item for items in evidence_by_indicator.values() for item in items]
    evidence_service.mark_expired(every_item, submission.cycle)
    links.mark_checks(every_item)
    progress = submissions.progress(submission)
    session = sessions.session_of(submission.cycle, submission.region)
    progress_by_dimension = {row.dimension.pk: row for row in progress}
    gaps = [gap for row in progress for gap in row.gaps]
    dimensions: list[dict] = []
    indicators = list(submissions.indicators_of(submission).prefetch_related("levels"))
    codes = {row.dimension.code for row in progress}
    current = dimension_code if dimension_code in codes else ""
    if current:
        indicators = [item for item in indicators if item.element.dimension.code == current]
    with_gap = {gap.indicator_id for gap in gaps} & {indicator.pk for indicator in indicators}
    if only_gaps:
        indicators = [indicator for indicator in indicators if indicator.pk in with_gap]
    cited = citations.boxes(
        submission,
        [(indicator, answer_by_indicator.get(indicator.pk)) for indicator in indicators],
        user,
    )
    for indicator in indicators:
        element = indicator.element
        dimension = element.dimension
        if not dimensions or dimensions[-1]["dimension"].pk != dimension.pk:
            dimensions.append(
                {
                    "dimension": dimension,
                    "progress": progress_by_dimension[dimension.pk],
                    "elements": [],
                }
            )
        elements = dimensions[-1]["elements"]
        if not elements or elements[-1]["element"].pk != element.pk:
            elements.append({"element": element, "indicators": []})
        all_evidence = evidence_by_indicator.get(indicator.pk, [])
        answer = answer_by_indicator.get(indicator.pk)
        elements[-1]["indicators"].append(
            {
                "indicator": indicator,
                "answer": answer,
                "value": answers.plain(answer.value) if answer else "",
                "version": answer.version if answer else 0,
                "evidence": [item for item in all_evidence if not item.superseded],
                "replaced": [item for item in all_evidence if item.superseded],
                "citations": cited[indicator.pk],
            }
        )
    return {
        "submission": submission,
        "cycle": submission.cycle,
        "region": submission.region,
        "dimensions": dimensions,
        "general_evidence": evidence_by_indicator.get(None, []),
        "editable": editable,
        "lock_reason": lock_reason,
        "deadline": extensions.effective_deadline(submission),
        "binding_deadline": submissions.deadline_of(submission),
        "is_returned": submission.state == SubmissionState.RETURNED,
        "is_operator": user.has_perm("evaluations.edit_submission", submission),
        "can_return": user.has_perm("evaluations.manage_cycle", submission.cycle)
        and submission.state == SubmissionState.SUBMITTED
        and submission.cycle.state in submissions.RETURN_STATES,
        "can_view_history": user.has_perm("evaluations.view_history", submission),
        "submission_history": history.submission_history(submission)
        if user.has_perm("evaluations.view_history", submission)
        else [],
        "file_form": EvidenceFileForm(),
        "link_form": EvidenceLinkForm(),
        "return_form": ReturnForm(),
        "progress": progress,
        "gaps": gaps,
        "only_gaps": only_gaps,
        "current_dimension": current,
        "shown_dimensions": {block["dimension"].pk for block in dimensions},
        "gap_count": len(with_gap),  # indicators with a gap in the dimension shown (or all)
        "session": session
        if session and user.has_perm("evaluations.view_session", session)
        else None,
        **extra,
    }


@login_required
@require_POST
def answer_save(request: HttpRequest, year: int, code: str, indicator: str) -> HttpResponse:
    """Autosave one answer (htmx: a small status next to the indicator, and swapped in out of
    band its new version, its dimension's progress row and gaps, and the count of all gaps;
    else a redirect).

    Posted fields: ``value``, ``not_applicable``, ``justification``, ``version``.
    """
    submission = get_submission(year, code)
    require(request, "evaluations.edit_submission", submission)
    item = get_indicator(submission, indicator)
    form = AnswerForm(request.POST)
    answer = None
    try:
        if not form.is_valid():
            raise answers.InvalidAnswer(_("Isian tidak lengkap atau terlalu panjang; muat ulang."))
        not_applicable = form.cleaned_data["not_applicable"]
        # "Not applicable" wins over a value still selected on the page.
        value = None if not_applicable else answers.parse_value(form.cleaned_data["value"])
        answer = answers.save_answer(
            submission,
            item,
            value=value,
            not_applicable=not_applicable,
            justification=form.cleaned_data["justification"],
            version=form.cleaned_data["version"],
            by=request.user,
        )
    except ServiceError as error:
        status = refusal_status(error)
        if not request.htmx:
            messages.error(request, f"{item.code}: {error}")
            return redirect(form_url(submission, item))
        context = {"indicator": item, "error": error, "stale": status == STATUS_STALE}
        return _status(context, status)
    if not request.htmx:
        messages.success(request, _("Jawaban %(code)s tersimpan.") % {"code": item.code})
        return redirect(form_url(submission, item))
    # The page's progress row and gaps for this dimension and the count of all gaps are
    # swapped in; the saved indicator is on the page, so its dimension is too.
    every_row = submissions.progress(submission)
    context = {
        "indicator": item,
        "answer": answer,
        "saved_at": timezone.localtime(answer.updated_at),
        "progress": next(row for row in every_row if row.dimension.pk == item.element.dimension_id),
        "gaps": [gap for row in every_row for gap in row.gaps],
        "oob": True,
    }
    return _status(context)


def _status(context: dict, status: int = 200) -> HttpResponse:
    """The autosave's status partial; rendered without the request, so none of the page's
    context processors (navigation, ...) run for this small, frequent answer."""
    html = render_to_string("evaluations/operator/_answer_status.html", context)
    return HttpResponse(html, status=status)


@login_required
@require_POST
def submission_submit(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """Submit the self-assessment; when something is missing, the page lists every item."""
    submission = get_submission(year, code)
    require(request, "evaluations.edit_submission", submission)
    try:
        submissions.submit(submission, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
        context = form_context(request, submission, submit_error=error)
        return render(request, "evaluations/operator/form.html", context)
    messages.success(
        request,
        _("Penilaian mandiri %(region)s terkirim. Terima kasih.")
        % {"region": submission.region.name},
    )
    return redirect(form_url(submission))
