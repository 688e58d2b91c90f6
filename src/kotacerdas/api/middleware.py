"""Refuse NUL characters in the address: no database takes them in a text value (PostgreSQL
raises), and no name or filter of this platform has a use for them."""

from __future__ import annotations

from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


class RejectNulBytesMiddleware:
    """A 400 for a path or query string with a NUL character (``%00``), before any view runs.

    Under /api/ the answer is a problem (``application/problem+json``). Bodies need no check
    here: Django's and DRF's form and serializer fields already refuse NUL in text.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest) -> HttpResponse:
        detail = _("Alamat permintaan berisi karakter NUL (%00), yang tidak diterima.")
        if request.path.startswith("/api/"):
            from .problems import PROBLEM_CONTENT_TYPE, problem

            instance = request.path.replace("\x00", "%00")
            return JsonResponse(
                problem(400, detail, instance=instance),
                status=400,
                content_type=PROBLEM_CONTENT_TYPE,
            )
        return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")
