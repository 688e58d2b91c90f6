"""The offline workbook of the self-assessment: download, upload (checked whole), preview with
conflicts, apply. The region's operator only; the services in ``services/workbook*.py`` decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kotacerdas.core.errors import Locked, ServiceError, StaleVersion
from kotacerdas.instruments.models import IndicatorType

from ..forms import WorkbookApplyForm, WorkbookUploadForm
from ..models import Submission
from ..services import locks, workbook
from ..services import workbook_import as importer
from ..services.answers import plain
from .operator import form_url, get_submission, require

EDIT = "evaluations.edit_submission"


def upload_url(submission: Submission) -> str:
    return reverse(
        "evaluations:workbook_upload",
        kwargs={"year": submission.cycle.year, "code": submission.region.code},
    )


def preview_url(submission: Submission, token: str) -> str:
    return reverse(
        "evaluations:workbook_preview",
        kwargs={"year": submission.cycle.year, "code": submission.region.code, "token": token},
    )


@login_required
@require_GET
def workbook_download(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """The region's self-assessment as an offline XLSX workbook."""
    submission = get_submission(year, code)
    require(request, EDIT, submission)
    content = workbook.write_workbook(submission, by=request.user)
    response = HttpResponse(content, content_type=workbook.XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{workbook.filename(submission)}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def workbook_upload(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """The upload page; a posted workbook is checked whole, kept, and previewed."""
    submission = get_submission(year, code)
    require(request, EDIT, submission)
    form = WorkbookUploadForm(request.POST or None, request.FILES or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            token = importer.stash(submission, form.cleaned_data["file"], by=request.user)
        except ServiceError as refused:
            error = refused
        else:
            return redirect(preview_url(submission, token))
    context = {
        "submission": submission,
        "cycle": submission.cycle,
        "region": submission.region,
        "form": form,
        "error": error,
        "lock_reason": locks.lock_reason(submission),
    }
    return render(request, "evaluations/workbook/upload.html", context)


def shown(indicator, content) -> str:
    """An answer's value as the preview shows it."""
    if content.not_applicable:
        return _("Tidak berlaku")
    if content.value is None:
        return "—"
    if indicator.type == IndicatorType.YESNO:
        return _("Ya") if content.value == 1 else _("Tidak")
    return plain(content.value)


def _rows(plan) -> list[dict]:
    return [
        {
            "change": change,
            "indicator": change.row.indicator,
            "old": shown(change.row.indicator, change.stored),
            "new": shown(change.row.indicator, change.row.content),
            "justification_changed": change.stored.justification
            != change.row.content.justification,
        }
        for change in plan.changes
    ]


@login_required
@require_GET
def workbook_preview(request: HttpRequest, year: int, code: str, token: str) -> HttpResponse:
    """What applying the kept workbook would change, conflicts apart."""
    submission = get_submission(year, code)
    require(request, EDIT, submission)
    try:
        plan = importer.preview(submission, token, by=request.user)
    except importer.WorkbookRejected as refused:
        messages.error(request, refused.message)
        return render(
            request,
            "evaluations/workbook/upload.html",
            {
                "submission": submission,
                "cycle": submission.cycle,
                "region": submission.region,
                "form": WorkbookUploadForm(),
                "error": refused,
                "lock_reason": locks.lock_reason(submission),
            },
        )
    except ServiceError as refused:
        messages.error(request, refused.message)
        return redirect(upload_url(submission))
    rows = _rows(plan)
    context = {
        "submission": submission,
        "cycle": submission.cycle,
        "region": submission.region,
        "plan": plan,
        "token": token,
        "changes": [row for row in rows if not row["change"].conflict],
        "conflicts": [row for row in rows if row["change"].conflict],
        "lock_reason": locks.lock_reason(submission),
    }
    return render(request, "evaluations/workbook/preview.html", context)


@login_required
@require_POST
def workbook_apply(request: HttpRequest, year: int, code: str, token: str) -> HttpResponse:
    """Apply the kept workbook as previewed; conflicts only where the operator ticked them."""
    submission = get_submission(year, code)
    require(request, EDIT, submission)
    form = WorkbookApplyForm(request.POST, conflicts=request.POST.getlist("take"))
    if not form.is_valid():
        messages.error(request, _("Isian tidak lengkap; muat ulang pratinjau."))
        return redirect(preview_url(submission, token))
    try:
        result = importer.apply(
            submission,
            token,
            expected=form.cleaned_data["plan"],
            take=set(form.cleaned_data["take"]),
            by=request.user,
        )
    except StaleVersion as stale:
        messages.error(request, stale.message)
        return redirect(preview_url(submission, token))
    except Locked as locked:
        messages.error(request, locked.message)
        return redirect(form_url(submission))
    except ServiceError as refused:
        messages.error(request, refused.message)
        return redirect(upload_url(submission))
    text = _(
        "Lembar kerja diterapkan: %(answers)d jawaban diubah, %(links)d tautan ditambahkan."
    ) % {"answers": result.answers, "links": result.links}
    if result.skipped:
        text += " " + _("Konflik yang tidak dipilih dan dibiarkan: %(codes)s.") % {
            "codes": ", ".join(result.skipped)
        }
    messages.success(request, text)
    return redirect(form_url(submission))
