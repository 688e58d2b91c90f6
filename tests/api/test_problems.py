"""Every API error is an RFC 9457 problem (application/problem+json); the schema and its
documentation page are served without any outside asset."""

import re

import pytest
from django.urls import reverse

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def assert_problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_KEYS
    assert body["status"] == status
    return body


def test_unknown_object_is_a_404_problem(api, jambi):
    body = assert_problem(api.get("/api/v1/regions/99.99/"), 404)
    assert body["instance"] == "/api/v1/regions/99.99/"
    assert body["type"] == "about:blank"
    assert body["title"] == "Not Found"


def test_unknown_path_under_the_api_is_a_404_problem(api, db):
    body = assert_problem(api.get("/api/v1/tidak-ada/sama-sekali"), 404)
    assert "Tidak ada endpoint" in body["detail"]


def test_missing_credentials_is_a_401_problem(api, db):
    body = assert_problem(api.get(reverse("api:me")), 401)
    assert body["type"] == "urn:kotacerdas:problem:not-authenticated"


def test_wrong_method_is_a_405_problem(api, jambi):
    assert_problem(api.delete("/api/v1/regions/15.71/"), 405)


def test_bad_filter_value_is_a_400_problem_with_field_errors(api, jambi):
    body = assert_problem(api.get("/api/v1/regions/", {"kind": "negara"}), 400)
    assert body["type"] == "urn:kotacerdas:problem:validation"
    assert body["errors"][0]["field"] == "kind"
    assert body["errors"][0]["pointer"] == "#/kind"


def test_anonymous_clients_are_throttled_with_a_429_problem(api, jambi, settings):
    settings.KOTACERDAS_API_ANON_RATE = "3/minute"
    for _ in range(3):
        assert api.get("/api/v1/regions/").status_code == 200
    body = assert_problem(api.get("/api/v1/regions/"), 429)
    assert body["type"] == "urn:kotacerdas:problem:throttled"
    assert int(api.get("/api/v1/regions/")["Retry-After"]) > 0


def test_session_writes_need_the_csrf_token(operator, db):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(operator)
    body = assert_problem(client.post(reverse("api:me"), {}, format="json"), 403)
    assert "CSRF" in body["detail"]


def test_pagination_filtering_ordering_and_search(api, jambi, bandung):
    page = api.get("/api/v1/regions/", {"page_size": 1, "ordering": "-code"}).json()
    assert page["count"] == 4
    assert [r["code"] for r in page["results"]] == ["32.73"]
    assert page["next"].endswith("ordering=-code&page=2&page_size=1") or "page=2" in page["next"]
    kota = api.get("/api/v1/regions/", {"kind": "kota", "parent": "15"}).json()
    assert [r["name"] for r in kota["results"]] == ["Kota Jambi"]
    found = api.get("/api/v1/regions/", {"search": "bandung"}).json()
    assert [r["code"] for r in found["results"]] == ["32.73"]


def test_the_schema_is_openapi_3_and_documents_problems(api, db):
    response = api.get(reverse("api:schema"))
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "Problem" in schema["components"]["schemas"]
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"
    regions = schema["paths"]["/api/v1/regions/"]["get"]
    assert "application/problem+json" in regions["responses"]["429"]["content"]
    assert api.get(reverse("api:schema"), {"format": "yaml"}).content.startswith(b"openapi: 3")


def test_the_documentation_page_uses_only_local_assets_and_no_inline_code(client, db):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<style" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None, "inline script"
    assert not re.search(r"\son\w+=", html)
    assert 'style="' not in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert all(url.startswith("/") for url in assets), assets
    assert "/static/api/docs.js" in assets
    assert "swagger-ui-bundle.js" in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp


@pytest.mark.parametrize("path", ["api/docs.js", "api/docs.css"])
def test_docs_assets_are_served(client, path):
    response = client.get(f"/static/{path}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("language", "title", "note"),
    [
        ("id", "Dokumentasi API Kota Cerdas", "ditulis dalam bahasa Inggris"),
        ("en", "Kota Cerdas API documentation", "is written in English"),
    ],
)
def test_the_documentation_page_speaks_the_readers_language_and_says_the_schema_is_english(
    client, db, language, title, note
):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse("api:docs")).content.decode()
    assert f'<html lang="{language}">' in html
    intro = html.split('data-testid="api-docs-intro">', 1)[1].split("</section>", 1)[0]
    assert title in intro and note in intro and "v1.0.0" in intro
    # Swagger UI's own info block (the schema's English description) gives way to this one.
    css = client.get("/static/api/docs.css")
    assert (
        ".swagger-ui .information-container { display: none; }"
        in b"".join(css.streaming_content if css.streaming else [css.content]).decode()
    )


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/sessions/", {"cycle": 2022, "region": "15.71\x00", "assessors": []}, "region"),
        (
            "/api/v1/sessions/",
            {"cycle": 2022, "region": "15.71", "assessors": ["a\x00"]},
            "assessors",
        ),
        (
            "/api/v1/conflicts/",
            {"region": "\x0015.71", "assessor": "asesor", "reason": "x"},
            "region",
        ),
        (
            "/api/v1/assignments/",
            {"cycle": "2022\x00", "region": "15.71", "assessor": "a"},
            "cycle",
        ),
    ],
)
def test_nul_characters_in_a_reference_are_a_field_error_on_every_database(
    db, admin_user, jambi, url, body, field
):
    """A region, cycle or user named with a NUL is refused before the lookup: PostgreSQL cannot
    take NUL in a text value, and schemathesis found this as a 500 on /api/v1/sessions/."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_login(admin_user)
    response = api.post(url, body, format="json")
    assert response.status_code == 400, response.content
    errors = {error["field"]: error["detail"] for error in response.json()["errors"]}
    assert errors[field] == "Karakter null tidak diizinkan."
    assert api.get("/api/v1/regions/15.71/").status_code == 200
