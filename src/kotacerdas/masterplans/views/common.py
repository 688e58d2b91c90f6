"""Small helpers shared by the masterplan views: fetching with permission, answering htmx."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django_htmx.http import HttpResponseClientRedirect

from ..models import Masterplan, Programme
from ..services.xlsx import XLSX_MIME


def deny(request) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def masterplan_or_404(pk: int) -> Masterplan:
    return get_object_or_404(Masterplan.objects.select_related("region__parent"), pk=pk)


def programme_or_404(pk: int) -> Programme:
    return get_object_or_404(Programme.objects.select_related("masterplan__region__parent"), pk=pk)


def done(request, url: str) -> HttpResponse:
    """After a successful POST: a client redirect for htmx, a normal redirect otherwise."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def form_errors(form, error) -> None:
    """Put a service's ValidationError or ServiceError on the form (field errors where named)."""
    if hasattr(error, "message_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    elif hasattr(error, "messages"):
        for message in error.messages:
            form.add_error(None, message)
    else:
        form.add_error(None, str(error))


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
