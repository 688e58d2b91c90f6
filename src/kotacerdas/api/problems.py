"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error the API answers has ``type``, ``title``, ``status``, ``detail`` and ``instance``;
validation errors add ``errors``: ``[{"field", "pointer", "detail"}]``. ``type`` is ``about:blank``
for plain HTTP errors (the title is then the HTTP status phrase) and a ``urn:kotacerdas:problem:*``
for the platform's own kinds (listed in docs/api.md).
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import csrf
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, renderers
from rest_framework.response import Response

from kotacerdas.core.errors import Locked, ServiceError, StaleVersion

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
URN = "urn:kotacerdas:problem:"

# Platform-specific problem types (documented in docs/api.md, section "Errors").
TYPES = {
    "validation": URN + "validation",
    "stale-version": URN + "stale-version",
    "locked": URN + "locked",
    "refused": URN + "refused",
    "throttled": URN + "throttled",
    "token-scope": URN + "token-scope",
    "not-authenticated": URN + "not-authenticated",
}


def problem(
    status_code: int,
    detail: str,
    *,
    instance: str = "",
    kind: str | None = None,
    title: str | None = None,
    errors: list[dict] | None = None,
    **extra,
) -> dict:
    """The body of a problem response."""
    body = {
        "type": TYPES[kind] if kind else "about:blank",
        "title": title or HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
        "instance": instance,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    return body


def field_errors(detail, prefix: str = "") -> list[dict]:
    """Flatten DRF's nested error structure into ``[{"field", "pointer", "detail"}]``."""
    out: list[dict] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.extend(field_errors(value, name))
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            for item in detail:
                out.append(_one(prefix, item))
        else:
            for index, item in enumerate(detail):
                out.extend(field_errors(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        out.append(_one(prefix, detail))
    return out


def _one(field: str, message) -> dict:
    field = "" if field in ("non_field_errors", "__all__") else field
    pointer = "#/" + field.replace(".", "/") if field else "#"
    return {"field": field, "pointer": pointer, "detail": str(message)}


def _service_refusal(exc: ServiceError) -> tuple[int, str, str]:
    """(status, problem kind, title) of a service's refusal.

    Refusals of the input itself (a value out of range, a rejected file) are 400: the services
    name these ``Invalid*``, ``*Rejected`` or ``*FileError``. Refusals of the moment are 409.
    """
    if isinstance(exc, StaleVersion):
        return 409, "stale-version", _("Data sudah diubah orang lain")
    if isinstance(exc, Locked):
        return 409, "locked", _("Terkunci")
    name = type(exc).__name__
    if name.startswith("Invalid") or name.endswith(("Rejected", "FileError")):
        return 400, "validation", _("Data tidak valid")
    return 409, "refused", _("Tidak dapat dilakukan sekarang")


def exception_handler(exc, context) -> Response | None:
    """DRF's exception handler, answering every error as a problem."""
    # Imported here: rest_framework.views reads the renderer setting, which names this module.
    from rest_framework.views import set_rollback

    request = context.get("request")
    instance = request.get_full_path() if request is not None else ""
    headers: dict[str, str] = {}

    if isinstance(exc, ServiceError):
        status_code, kind, title = _service_refusal(exc)
        body = problem(
            status_code,
            exc.message,
            instance=instance,
            kind=kind,
            title=title,
            errors=[_one(field, message) for field, message in exc.errors]
            or ([_one(exc.field, exc.message)] if exc.field else None),
            details=exc.details,
        )
    elif isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        body = problem(
            400,
            _("Data tidak valid."),
            instance=instance,
            kind="validation",
            title=_("Data tidak valid"),
            errors=field_errors(detail),
        )
    elif isinstance(exc, RequestDataTooBig):
        body = problem(
            413,
            _("Isi permintaan lebih besar dari %(size)s MB.")
            % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024) or 1},
            instance=instance,
        )
    elif isinstance(exc, SuspiciousOperation):  # too many fields, a malformed multipart body
        body = problem(400, _("Permintaan tidak dapat dibaca."), instance=instance)
    elif isinstance(exc, Http404):
        body = problem(404, _("Tidak ditemukan."), instance=instance)
    elif isinstance(exc, DjangoPermissionDenied):
        body = problem(403, _("Anda tidak berhak melakukan ini."), instance=instance)
    elif isinstance(exc, exceptions.ValidationError):
        body = problem(
            400,
            _("Data tidak valid."),
            instance=instance,
            kind="validation",
            title=_("Data tidak valid"),
            errors=field_errors(exc.detail),
        )
    elif isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait) if exc.wait is not None else None
        if wait is not None:
            headers["Retry-After"] = str(wait)
        body = problem(
            429,
            str(exc.detail),
            instance=instance,
            kind="throttled",
            title=_("Terlalu banyak permintaan"),
            retry_after=wait,
        )
    elif isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        # DRF has set exc.auth_header (401) or turned the status into 403 (no challenge).
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        body = problem(
            exc.status_code,
            str(exc.detail),
            instance=instance,
            kind="not-authenticated",
            title=_("Perlu masuk"),
        )
    elif isinstance(exc, exceptions.APIException):
        code = getattr(exc.detail, "code", None)
        kind = "token-scope" if code == "token_scope" else None
        detail = exc.detail
        text = str(detail) if not isinstance(detail, (dict, list)) else _("Permintaan ditolak.")
        body = problem(exc.status_code, text, instance=instance, kind=kind)
    else:
        logger.exception("Unhandled error in the API at %s", instance)
        set_rollback()
        return Response(
            problem(
                500,
                _("Terjadi kesalahan di server. Kejadian ini sudah dicatat."),
                instance=instance,
            ),
            status=500,
        )
    set_rollback()
    return Response(body, status=body["status"], headers=headers)


class JSONRenderer(renderers.JSONRenderer):
    """JSON, with ``application/problem+json`` for error responses."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code >= 400:
            response["Content-Type"] = PROBLEM_CONTENT_TYPE
        return super().render(data, accepted_media_type, renderer_context)


class ProblemAwareRenderer(renderers.BaseRenderer):
    """Base for non-JSON renderers (CSV): an error is still rendered as a JSON problem."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code >= 400:
            return JSONRenderer().render(data, accepted_media_type, renderer_context)
        return self.render_ok(data, accepted_media_type, renderer_context)

    def render_ok(self, data, accepted_media_type=None, renderer_context=None):
        raise NotImplementedError


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: a problem under /api/, Django's own page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            problem(
                403,
                _("Permintaan ditolak: token CSRF tidak ada atau salah (%(reason)s).")
                % {"reason": reason},
                instance=request.get_full_path(),
            ),
            status=403,
            content_type=PROBLEM_CONTENT_TYPE,
        )
    return csrf.csrf_failure(request, reason=reason)


@csrf_exempt
def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Any path under /api/ that no endpoint answers."""
    return JsonResponse(
        problem(404, _("Tidak ada endpoint API di alamat ini."), instance=request.get_full_path()),
        status=404,
        content_type=PROBLEM_CONTENT_TYPE,
    )
