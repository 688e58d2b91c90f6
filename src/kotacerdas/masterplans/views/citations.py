"""The htmx partial that shows, and for the region's operator edits, the programmes cited as
evidence for one indicator of a self-assessment. The operator's self-assessment page and the
assessor workspace include it (``{% programme_citations box %}``) and it refreshes itself.
A programme can be cited for an indicator that is not answered yet (``cite_for_indicator``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kotacerdas.core.errors import ServiceError
from kotacerdas.evaluations.models import Answer, Submission
from kotacerdas.instruments.models import Indicator

from ..models import Programme
from ..services import citations
from .common import deny


def _readable(request, obj) -> None:
    """404 for a signed-in user who may not read the self-assessment ``obj`` belongs to."""
    if not request.user.has_perm("evaluations.view_submission", obj):
        if request.user.is_authenticated:
            raise Http404
        raise PermissionDenied


def _answer_or_404(request, pk: int) -> Answer:
    answer = get_object_or_404(
        Answer.objects.select_related("submission__cycle", "submission__region", "indicator"), pk=pk
    )
    _readable(request, answer)
    return answer


@require_GET
def citations_partial(request, answer_pk: int):
    if not request.user.is_authenticated:
        return deny(request)
    answer = _answer_or_404(request, answer_pk)
    box = citations.box(answer.submission, answer.indicator, request.user)
    return render(request, "masterplans/_citations.html", {"box": box})


def _change(request, submission: Submission, indicator: Indicator, action):
    """Run ``action(programme)`` for the posted ``programme`` and answer with the refreshed box
    (htmx), or back to the page that holds the box with the outcome as a message."""
    if not request.user.has_perm("evaluations.edit_submission", submission):
        raise PermissionDenied
    error = ""
    programme = Programme.objects.filter(pk=request.POST.get("programme")).first()
    if programme is None:
        error = _("Pilih program yang akan dikutip.")
    else:
        try:
            action(programme)
        except ServiceError as refused:
            error = str(refused)
    back = request.headers.get("Referer", "")
    if not request.htmx and url_has_allowed_host_and_scheme(back, {request.get_host()}):
        # Without JavaScript: back to the page that holds the box, with the outcome as a message.
        if error:
            messages.error(request, error)
        return redirect(back)
    box = citations.box(submission, indicator, request.user)
    box.error = error
    return render(request, "masterplans/_citations.html", {"box": box})


def _change_answer(request, answer_pk: int, service):
    """``service(answer, programme, by=...)`` (cite or uncite) for an existing answer."""
    if not request.user.is_authenticated:
        return deny(request)
    answer = _answer_or_404(request, answer_pk)
    return _change(
        request,
        answer.submission,
        answer.indicator,
        lambda programme: service(answer, programme, by=request.user),
    )


@require_POST
def cite(request, answer_pk: int):
    return _change_answer(request, answer_pk, citations.cite)


@require_POST
def uncite(request, answer_pk: int):
    return _change_answer(request, answer_pk, citations.uncite)


@require_POST
def cite_for_indicator(request, year: int, code: str, indicator: str):
    """Cite a programme for an indicator of region ``code``'s self-assessment of ``year``,
    answered or not (field ``programme``)."""
    if not request.user.is_authenticated:
        return deny(request)
    submission = get_object_or_404(
        Submission.objects.select_related("cycle", "region"), cycle__year=year, region__code=code
    )
    _readable(request, submission)
    item = get_object_or_404(
        Indicator, instrument_id=submission.cycle.instrument_id, code=indicator
    )
    return _change(
        request,
        submission,
        item,
        lambda programme: citations.cite_for_indicator(
            submission, item, programme, by=request.user
        ),
    )
