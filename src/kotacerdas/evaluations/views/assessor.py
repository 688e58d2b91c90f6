"""The assessor's pages: "my assigned regions", the workspace of one region (the region's answer
and evidence beside the rubric and the assessor's own score), saving a score (htmx), the written
judgement of the region, "mark complete", and conflicts of interest.

An assessor reaches a region only through their own Assignment: anyone else gets a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kotacerdas.accounts.predicates import is_admin, is_assessor
from kotacerdas.core.errors import ServiceError, StaleVersion
from kotacerdas.instruments.models import Indicator
from kotacerdas.masterplans.services import citations

from ..forms_assessor import ConflictForm, JudgementForm, ScoreForm, rebased
from ..models import Assignment, ConflictOfInterest
from ..services import answers, assignments, calibration, integrity, links, scoring, sessions
from ..services import evidence as evidence_service
from .operator import ONLY_GAPS, STATUS_STALE, refusal_status


def get_assignment(request: HttpRequest, year: int, code: str) -> Assignment:
    """The signed-in assessor's assignment to region ``code`` in the cycle of ``year``; 404 for
    anyone who has none (other assessors, operators, admins)."""
    assignment = (
        Assignment.objects.select_related("cycle__instrument", "region", "assessor")
        .filter(cycle__year=year, region__code=code, assessor_id=request.user.pk)
        .first()
    )
    if assignment is None or not request.user.has_perm("evaluations.score_region", assignment):
        raise Http404
    return assignment


def workspace_url(assignment: Assignment, dimension: str = "", *, only_open: bool = False) -> str:
    """The workspace of ``dimension`` (the first without one); with ``only_open``, only the
    indicators not scored yet."""
    url = reverse(
        "evaluations:assessor_workspace",
        kwargs={"year": assignment.cycle.year, "code": assignment.region.code},
    )
    query = {"dimensi": dimension, "tampil": ONLY_GAPS if only_open else ""}
    query = {key: value for key, value in query.items() if value}
    return f"{url}?{urlencode(query)}" if query else url


@login_required
@require_GET
def assignment_list(request: HttpRequest) -> HttpResponse:
    """Penugasan saya: every region assigned to the assessor, with progress and session."""
    if not is_assessor(request.user):
        raise PermissionDenied
    rows = scoring.worklist(request.user)
    context = {"rows": rows, "calibration_rounds": calibration.rounds_for_assessor(request.user)}
    return render(request, "evaluations/assessor/list.html", context)


@login_required
@require_GET
def workspace(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """One region: per indicator of the chosen dimension, the region's answer, justification and
    evidence beside the rubric and the assessor's score form; progress; the judgement form.
    ``?tampil=belum`` shows only the dimension's indicators the assessor has not scored."""
    assignment = get_assignment(request, year, code)
    context = workspace_context(
        assignment,
        request.GET.get("dimensi", ""),
        only_open=request.GET.get("tampil") == ONLY_GAPS,
    )
    return render(request, "evaluations/assessor/workspace.html", context)


def workspace_context(
    assignment: Assignment, dimension_code: str, *, only_open: bool = False, **extra
) -> dict:
    """The workspace of one dimension (the first when ``dimension_code`` is none of the
    instrument's); with ``only_open``, only its indicators without a score yet (``open_count``
    counts them either way)."""
    by_dimension = scoring.dimension_progress(assignment)
    codes = [dimension.code for dimension, _progress in by_dimension]
    current = dimension_code if dimension_code in codes else (codes[0] if codes else "")
    rows = scoring.workspace(assignment, dimension_code=current)
    open_count = sum(not row.scored for row in rows)
    if only_open:
        rows = [row for row in rows if not row.scored]
    submission = scoring.submission_of(assignment)
    cited = citations.boxes(
        submission, [(row.indicator, row.answer) for row in rows], assignment.assessor
    )
    for row in rows:
        row.citations = cited[row.indicator.pk]
        row.value = answers.plain(row.score.value) if row.score else ""
        row.version = row.score.version if row.score else 0
        row.answer_value = answers.plain(row.answer.value) if row.answer else ""
    general = scoring.general_evidence(assignment)
    shown = [*general, *(i for row in rows for i in row.evidence)]
    _mark_shared(assignment, submission, shown)
    evidence_service.mark_expired(shown, assignment.cycle)
    links.mark_checks(shown)
    lock_reason = scoring.lock_reason(assignment.cycle)
    return {
        "assignment": assignment,
        "cycle": assignment.cycle,
        "region": assignment.region,
        "submission": submission,
        "dimensions": by_dimension,
        "current": current,
        "rows": rows,
        "only_open": only_open,
        "open_count": open_count,
        "general_evidence": general,
        "link_check_enabled": links.enabled(),
        "expired_evidence": (
            evidence_service.expired_counts([submission]).get(submission.pk, 0) if submission else 0
        ),
        "progress": scoring.progress(assignment),
        "session": sessions.session_of(assignment.cycle, assignment.region),
        "lock_reason": lock_reason,
        "editable": not lock_reason,
        "judgement_form": extra.pop("judgement_form", None) or JudgementForm(instance=assignment),
        **extra,
    }


def _mark_shared(assignment: Assignment, submission, evidence: list) -> None:
    """Give each evidence item ``shared_with``: the other regions that submitted the same file
    (region and year only, see ``integrity.shared_with``), when the assessor may see it."""
    shared = {}
    if assignment.assessor.has_perm("evaluations.view_shared_evidence", submission):
        shared = integrity.shared_with(submission)
    for item in evidence:
        item.shared_with = shared.get(item.pk, [])


@login_required
@require_POST
def score_save(request: HttpRequest, year: int, code: str, indicator: str) -> HttpResponse:
    """Save one score (htmx: the indicator's status line; else a redirect back).

    Posted fields: ``value``, ``not_applicable``, ``note``, ``evidence_missing``, ``version``.
    """
    assignment = get_assignment(request, year, code)
    item = get_object_or_404(
        Indicator.objects.select_related("element__dimension"),
        instrument_id=assignment.cycle.instrument_id,
        code=indicator,
    )
    form = ScoreForm(request.POST)
    try:
        if not form.is_valid():
            raise scoring.InvalidScore(_("Isian tidak lengkap atau terlalu panjang; muat ulang."))
        score = scoring.save_score(
            assignment,
            item,
            value=answers.parse_value(form.cleaned_data["value"]),
            not_applicable=form.cleaned_data["not_applicable"],
            note=form.cleaned_data["note"],
            evidence_missing=form.cleaned_data["evidence_missing"],
            version=form.cleaned_data["version"],
            by=request.user,
        )
    except ServiceError as error:
        status = refusal_status(error)
        if not request.htmx:
            messages.error(request, f"{item.code}: {error}")
            return redirect(workspace_url(assignment, item.element.dimension.code))
        context = {"indicator": item, "error": error, "stale": status == STATUS_STALE}
        return render(request, "evaluations/assessor/_score_status.html", context, status=status)
    if not request.htmx:
        messages.success(request, _("Nilai %(code)s tersimpan.") % {"code": item.code})
        return redirect(workspace_url(assignment, item.element.dimension.code))
    dimension = item.element.dimension
    context = {
        "indicator": item,
        "score": score,
        "oob": True,
        "dimension": dimension,
        "dimension_progress": next(
            p for d, p in scoring.dimension_progress(assignment) if d.pk == dimension.pk
        ),
        "progress": scoring.progress(assignment),
    }
    return render(request, "evaluations/assessor/_score_status.html", context)


@login_required
@require_POST
def judgement_save(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """Save the assessor's kelemahan, kekuatan, rekomendasi and interview notes."""
    assignment = get_assignment(request, year, code)
    form = JudgementForm(request.POST, instance=assignment)
    status = 200
    if form.is_valid():
        try:
            scoring.save_judgement(assignment, **form.cleaned_data, by=request.user)
        except StaleVersion as error:
            messages.error(request, error.message)
            status = STATUS_STALE
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Catatan penilaian tersimpan."))
            return redirect(workspace_url(assignment) + "#judgement")
    assignment.refresh_from_db()
    stale = status == STATUS_STALE
    # A stale save shows the sender's text in the form (not saved) and the stored one beside it.
    context = workspace_context(
        assignment,
        request.GET.get("dimensi", ""),
        judgement_form=rebased(form, assignment.version) if stale else form,
        stored_judgement=assignment if stale else None,
    )
    return render(request, "evaluations/assessor/workspace.html", context, status=status)


@login_required
@require_POST
def mark_complete(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """Declare the review of the region complete, or list what is still open."""
    assignment = get_assignment(request, year, code)
    try:
        scoring.mark_complete(assignment, by=request.user)
    except ServiceError as error:
        shown = ", ".join(error.details[:20])
        more = len(error.details) - 20
        messages.error(request, f"{error.message} {shown}" + (f" (+{more})" if more > 0 else ""))
        # Straight to the first dimension with something left, showing only what is left.
        first_open = next(
            (d.code for d, done in scoring.dimension_progress(assignment) if not done.complete),
            "",
        )
        return redirect(workspace_url(assignment, first_open, only_open=True))
    else:
        messages.success(
            request,
            _("Penilaian %(region)s ditandai selesai.") % {"region": assignment.region.name},
        )
    return redirect(workspace_url(assignment))


# --- Conflicts of interest ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def conflict_list(request: HttpRequest) -> HttpResponse:
    """An assessor's declared conflicts (an admin: everyone's), and the form to declare one."""
    user = request.user
    if not (is_assessor(user) or is_admin(user)):
        raise PermissionDenied
    for_admin = bool(is_admin(user))
    form = ConflictForm(request.POST or None, for_admin=for_admin)
    if request.method == "POST" and form.is_valid():
        assessor = form.cleaned_data["assessor"] if for_admin else user
        try:
            assignments.declare_conflict(
                assessor, form.cleaned_data["region"], form.cleaned_data["reason"], by=user
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Konflik kepentingan %(user)s dengan %(region)s tercatat.")
                % {"user": assessor.display_name, "region": form.cleaned_data["region"].name},
            )
            return redirect("evaluations:conflict_list")
    context = {
        "conflicts": assignments.conflicts_visible_to(user),
        "form": form,
        "for_admin": for_admin,
    }
    return render(request, "evaluations/assessor/conflicts.html", context)


@login_required
@require_POST
def conflict_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a declared conflict (admin only)."""
    if not is_admin(request.user):
        raise PermissionDenied
    conflict = get_object_or_404(
        ConflictOfInterest.objects.select_related("assessor", "region"), pk=pk
    )
    assignments.withdraw_conflict(conflict, by=request.user)
    messages.success(
        request,
        _("Konflik kepentingan %(user)s dengan %(region)s dicabut.")
        % {"user": conflict.assessor.display_name, "region": conflict.region.name},
    )
    return redirect("evaluations:conflict_list")
