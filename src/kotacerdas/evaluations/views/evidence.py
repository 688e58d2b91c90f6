"""Evidence of a self-assessment: upload a file, add a link, replace, and download.

Files are only ever read through ``evidence_download``, which checks ``view_submission`` and
streams the file as an attachment; there is no public media URL. The archived copies of checked
links (``services.links``) are read the same way, through ``link_archive``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kotacerdas.core.errors import ServiceError
from kotacerdas.core.forms import error_text
from kotacerdas.core.uploads import stored_file_response

from ..forms import EvidenceFileForm, EvidenceLinkForm, EvidenceReplaceForm
from ..models import Evidence, EvidenceKindStored, LinkCheck
from ..services import evidence as evidence_service
from ..services import links, locks
from .operator import form_url, get_indicator, get_submission, require


@login_required
@require_POST
def evidence_upload(request: HttpRequest, year: int, code: str, indicator: str) -> HttpResponse:
    """Upload one file as evidence for an indicator. Fields: ``file``, ``description``,
    ``valid_until``."""
    submission = get_submission(year, code)
    require(request, "evaluations.edit_submission", submission)
    item = get_indicator(submission, indicator)
    form = EvidenceFileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, f"{item.code}: {error_text(form)}")
        return redirect(form_url(submission, item))
    try:
        added = evidence_service.add_file(
            submission,
            item,
            form.cleaned_data["file"],
            description=form.cleaned_data["description"],
            valid_until=form.cleaned_data["valid_until"],
            by=request.user,
        )
    except ServiceError as error:
        messages.error(request, f"{item.code}: {error}")
    else:
        messages.success(
            request,
            _("%(code)s: berkas «%(name)s» tersimpan.")
            % {"code": item.code, "name": added.original_name},
        )
    return redirect(form_url(submission, item))


@login_required
@require_POST
def evidence_link(request: HttpRequest, year: int, code: str, indicator: str) -> HttpResponse:
    """Add a link as evidence for an indicator. Fields: ``url``, ``description``,
    ``valid_until``."""
    submission = get_submission(year, code)
    require(request, "evaluations.edit_submission", submission)
    item = get_indicator(submission, indicator)
    form = EvidenceLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"{item.code}: {error_text(form)}")
        return redirect(form_url(submission, item))
    try:
        evidence_service.add_link(
            submission,
            item,
            form.cleaned_data["url"],
            description=form.cleaned_data["description"],
            valid_until=form.cleaned_data["valid_until"],
            by=request.user,
        )
    except ServiceError as error:
        messages.error(request, f"{item.code}: {error}")
    else:
        messages.success(request, _("%(code)s: tautan tersimpan.") % {"code": item.code})
    return redirect(form_url(submission, item))


@login_required
@require_http_methods(["GET", "POST"])
def evidence_replace(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace evidence by a new file or link; the old one stays in the history.
    Fields: ``file`` or ``url``, ``description``, ``valid_until``."""
    evidence = get_object_or_404(
        Evidence.objects.select_related("submission__cycle", "submission__region", "indicator"),
        pk=pk,
    )
    submission = evidence.submission
    require(request, "evaluations.edit_submission", submission)
    evidence_service.mark_expired([evidence], submission.cycle)
    links.mark_checks([evidence])
    form = EvidenceReplaceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            evidence_service.replace(
                evidence,
                uploaded=form.cleaned_data["file"],
                url=form.cleaned_data["url"],
                description=form.cleaned_data["description"],
                valid_until=form.cleaned_data["valid_until"],
                by=request.user,
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Data dukung «%(name)s» sudah diganti.") % {"name": evidence}
            )
            return redirect(form_url(submission, evidence.indicator))
    context = {
        "evidence": evidence,
        "submission": submission,
        "form": form,
        "lock_reason": locks.lock_reason(submission),
        "back": form_url(submission, evidence.indicator),
    }
    return render(request, "evaluations/evidence/replace.html", context)


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """Stream an evidence file as an attachment to a user who may read the self-assessment."""
    evidence = get_object_or_404(
        Evidence.objects.select_related("submission__cycle", "submission__region"), pk=pk
    )
    if not request.user.has_perm("evaluations.view_submission", evidence):
        raise Http404
    if evidence.kind != EvidenceKindStored.FILE or not evidence.file:
        raise Http404
    return stored_file_response(
        evidence.file, name=evidence.original_name, content_type=evidence.content_type
    )


@login_required
@require_POST
def evidence_link_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask the server to check a link evidence item again ("periksa ulang tautan"); assessors
    of the region and admins (``evaluations.check_link``). Field: ``next`` (a local page)."""
    evidence = get_object_or_404(
        Evidence.objects.select_related("submission__cycle", "submission__region"), pk=pk
    )
    require(request, "evaluations.check_link", evidence)
    try:
        links.request_check(evidence, by=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Tautan «%(url)s» akan diperiksa ulang.") % {"url": evidence})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        submission = evidence.submission
        if request.user.has_perm("evaluations.score_region", submission):
            target = reverse(
                "evaluations:assessor_workspace",
                args=[submission.cycle.year, submission.region.code],
            )
        else:
            target = form_url(submission, evidence.indicator)
    return redirect(target)


@login_required
@require_GET
def link_archive(request: HttpRequest, pk: int) -> FileResponse:
    """Stream the archived copy of a checked link as an attachment to a user who may read the
    self-assessment (as ``evidence_download``)."""
    check = get_object_or_404(
        LinkCheck.objects.select_related("evidence__submission__cycle"), pk=pk
    )
    if not request.user.has_perm("evaluations.view_submission", check.evidence):
        raise Http404
    if not check.archive:
        raise Http404
    return stored_file_response(
        check.archive, name=f"arsip-tautan-{check.pk}", content_type=check.content_type
    )
