"""OpenAPI additions: the token security scheme, problem-details error responses and the
responses of file downloads."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse

from kotacerdas.core.uploads import STORED_CONTENT_TYPES

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string", "description": "about:blank or urn:kotacerdas:problem:*"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "pointer": {"type": "string"},
                    "detail": {"type": "string"},
                },
                "required": ["field", "pointer", "detail"],
            },
        },
        "details": {"type": "array", "items": {"type": "string"}},
        "retry_after": {"type": "integer", "nullable": True},
    },
    "required": ["type", "title", "status", "detail", "instance"],
}

ERROR_DESCRIPTIONS = {
    "400": "Invalid input (problem with field errors).",
    "401": "No credentials or an unknown, revoked or expired token.",
    "403": "Not allowed for this account or token scope.",
    "404": "Not found, or not visible to this account.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "409": "Refused by the current state (cycle stage, deadline) or a stale version.",
    "413": "Upload too large.",
    "415": "Unsupported media type.",
    "429": "Too many requests (see Retry-After).",
}
UNSAFE = {"post", "put", "patch", "delete"}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "kotacerdas.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal token made on /akun/token-api/ (kc_...).",
        }


def add_problem_responses(result, generator, request, public):
    """Postprocessing hook: every operation may answer the error statuses as problems."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_DESCRIPTIONS.items():
                if code in ("409", "413", "415") and method not in UNSAFE:
                    continue
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/problem+json": {"schema": ref}},
                    },
                )
    return result


def stored_file_responses(description: str) -> dict:
    """``extend_schema(responses=...)`` for an endpoint that streams a checked upload
    (``core.uploads.stored_file_response``): a binary body in each content type it can be sent
    with (``STORED_CONTENT_TYPES``: PDF, PNG, JPEG, the office formats, or
    application/octet-stream), not one generic type that the response would contradict."""
    return {
        (200, *STORED_CONTENT_TYPES): OpenApiResponse(
            response=OpenApiTypes.BINARY, description=description
        )
    }
