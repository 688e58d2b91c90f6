"""Documents and evidence: adding, replacing, and downloading through a permission check
(files are never served from a public media URL)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kotacerdas.core.errors import ServiceError
from kotacerdas.core.forms import error_text
from kotacerdas.core.uploads import stored_file_response

from ..forms import AttachmentForm
from ..models import Attachment, AttachmentKind
from ..services import evidence, xlsx
from .common import deny, masterplan_or_404, programme_or_404, xlsx_response


def _save(request, call, back: str):
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return redirect(back)
    try:
        call(
            uploaded=form.cleaned_data["file"],
            url=form.cleaned_data["url"],
            description=form.cleaned_data["description"],
            by=request.user,
        )
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Lampiran disimpan."))
    return redirect(back)


@require_POST
def document_add(request, pk: int):
    """Add a document (file or link) to a masterplan."""
    masterplan = masterplan_or_404(pk)
    if not request.user.has_perm("masterplans.edit", masterplan):
        return deny(request)

    def call(**kwargs):
        return evidence.add(masterplan, **kwargs)

    return _save(request, call, masterplan.get_absolute_url())


@require_POST
def evidence_add(request, pk: int):
    """Add evidence (file or link) to a programme."""
    programme = programme_or_404(pk)
    if not request.user.has_perm("masterplans.edit", programme):
        return deny(request)

    def call(**kwargs):
        return evidence.add(programme.masterplan, programme=programme, **kwargs)

    return _save(request, call, programme.get_absolute_url())


def _attachment_or_404(pk: int) -> Attachment:
    return get_object_or_404(
        Attachment.objects.select_related("masterplan__region", "programme"), pk=pk
    )


@require_POST
def attachment_replace(request, pk: int):
    attachment = _attachment_or_404(pk)
    if not request.user.has_perm("masterplans.edit", attachment):
        return deny(request)

    def call(**kwargs):
        return evidence.replace(attachment, **kwargs)

    back = (attachment.programme or attachment.masterplan).get_absolute_url()
    return _save(request, call, back)


@require_GET
def attachment_download(request, pk: int):
    """Stream a stored file (or follow a link) for those who may see the whole masterplan."""
    attachment = _attachment_or_404(pk)
    if not request.user.has_perm("masterplans.view_internal", attachment):
        return deny(request)
    if attachment.kind == AttachmentKind.LINK:
        return HttpResponseRedirect(attachment.url)
    return stored_file_response(
        attachment.file, name=attachment.original_name, content_type=attachment.content_type
    )


@require_GET
def export(request, pk: int):
    """The masterplan as XLSX (internal fields included: for those who see the whole plan)."""
    masterplan = masterplan_or_404(pk)
    if not request.user.has_perm("masterplans.view_internal", masterplan):
        return deny(request)
    return xlsx_response(xlsx.write_workbook(masterplan), xlsx.export_filename(masterplan))
