"""The admins' outbox page ("Surel keluar"): emails that failed or wait, their text, "retry now"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from . import outbox
from .choices import EmailState
from .errors import ServiceError
from .models import OutgoingEmail

#: Rows shown per list; the rest is counted (after a long outage there may be thousands).
SHOWN = 200


def _check(request: HttpRequest) -> None:
    if not request.user.has_perm("core.manage_outbox"):
        raise PermissionDenied


@login_required
@require_GET
def outbox_list(request: HttpRequest) -> HttpResponse:
    """Failed emails (newest first) and those waiting to be sent, each with its attempts, last
    error and next attempt (admins only)."""
    _check(request)
    unsent = OutgoingEmail.objects.defer("body", "html_body", "attachments")
    failed = unsent.filter(state=EmailState.FAILED).order_by("-created_at", "-pk")
    pending = unsent.filter(state__in=[EmailState.PENDING, EmailState.SENDING]).order_by(
        "next_attempt_at", "pk"
    )
    counts = outbox.summary()
    context = {
        "failed": failed[:SHOWN],
        "pending": pending[:SHOWN],
        "counts": counts,
        "more_failed": max(counts.failed - SHOWN, 0),
        "more_pending": max(counts.pending - SHOWN, 0),
        "max_attempts": outbox.MAX_ATTEMPTS,
    }
    return render(request, "core/outbox/list.html", context)


@login_required
@require_GET
def outbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One email as it was written: recipients, subject, text, HTML source, attachments' names,
    and its delivery (admins only; sent ones too, until they are deleted)."""
    _check(request)
    email = get_object_or_404(OutgoingEmail, pk=pk)
    context = {"email": email, "max_attempts": outbox.MAX_ATTEMPTS}
    return render(request, "core/outbox/detail.html", context)


@login_required
@require_POST
def outbox_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Send one email now, whatever its next attempt; back to the list with the outcome."""
    _check(request)
    email = get_object_or_404(OutgoingEmail, pk=pk)
    try:
        sent = outbox.retry(email)
    except ServiceError as problem:
        messages.error(request, str(problem))
    else:
        if sent:
            messages.success(request, _("Surel terkirim."))
        else:
            email.refresh_from_db()
            messages.error(
                request, _("Surel gagal dikirim lagi: %(error)s") % {"error": email.last_error}
            )
    return redirect("core:outbox")


@login_required
@require_POST
def outbox_retry_failed(request: HttpRequest) -> HttpResponse:
    """Give every failed email one more attempt, sent in the background (or by cron)."""
    _check(request)
    count = outbox.retry_failed()
    if count:
        messages.success(
            request,
            ngettext(
                "%(n)d surel dijadwalkan untuk dikirim lagi.",
                "%(n)d surel dijadwalkan untuk dikirim lagi.",
                count,
            )
            % {"n": count},
        )
    else:
        messages.info(request, _("Tidak ada surel yang gagal."))
    return redirect("core:outbox")
