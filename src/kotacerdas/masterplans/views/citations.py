"""The htmx partial that shows, and for the region's operator edits, the programmes cited as
evidence for one answer of a self-assessment. The operator's self-assessment page and the
assessor workspace include it (``{% programme_citations answer %}``) and it refreshes itself."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kotacerdas.core.errors import ServiceError
from kotacerdas.evaluations.models import Answer

from ..models import Programme
from ..services import citations
from ..templatetags.masterplans import citations_context
from .common import deny


def _answer_or_404(request, pk: int) -> Answer:
    answer = get_object_or_404(
        Answer.objects.select_related("submission__cycle", "submission__region", "indicator"), pk=pk
    )
    if not request.user.has_perm("evaluations.view_submission", answer):
        if request.user.is_authenticated:
            raise Http404
        raise PermissionDenied
    return answer


@require_GET
def citations_partial(request, answer_pk: int):
    if not request.user.is_authenticated:
        return deny(request)
    answer = _answer_or_404(request, answer_pk)
    return render(request, "masterplans/_citations.html", citations_context(answer, request.user))


def _change(request, answer_pk: int, action):
    if not request.user.is_authenticated:
        return deny(request)
    answer = _answer_or_404(request, answer_pk)
    if not request.user.has_perm("evaluations.edit_submission", answer):
        raise PermissionDenied
    error = ""
    programme = Programme.objects.filter(pk=request.POST.get("programme")).first()
    if programme is None:
        error = _("Pilih program yang akan dikutip.")
    else:
        try:
            action(answer, programme, by=request.user)
        except ServiceError as refused:
            error = str(refused)
    back = request.headers.get("Referer", "")
    if not request.htmx and url_has_allowed_host_and_scheme(back, {request.get_host()}):
        # Without JavaScript: back to the page that holds the box, with the outcome as a message.
        if error:
            messages.error(request, error)
        return redirect(back)
    context = citations_context(answer, request.user)
    context["error"] = error
    return render(request, "masterplans/_citations.html", context)


@require_POST
def cite(request, answer_pk: int):
    return _change(request, answer_pk, citations.cite)


@require_POST
def uncite(request, answer_pk: int):
    return _change(request, answer_pk, citations.uncite)
