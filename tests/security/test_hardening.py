"""Secure headers on every kind of response, CSRF on every form, templates fit the strict CSP,
and the settings that keep sessions and cookies safe."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

import kotacerdas
from tests.conftest import PASSWORD

SRC = Path(kotacerdas.__file__).parent
TEMPLATES = sorted(SRC.glob("*/templates/**/*.html"))
FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S | re.I)
POST_FORM = re.compile(r"<form\b[^>]*method=\"?post", re.I)


@pytest.mark.parametrize(
    "path", ["/", "/daerah/", "/akun/masuk/", "/api/v1/regions/", "/api/v1/docs/", "/api/v1/x"]
)
def test_secure_headers_on_pages_api_and_errors(client, jambi, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_session_and_csrf_cookie_settings():
    assert django_settings.SESSION_COOKIE_HTTPONLY
    assert django_settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert django_settings.X_FRAME_OPTIONS == "DENY"
    assert "django.middleware.csrf.CsrfViewMiddleware" in django_settings.MIDDLEWARE


def test_templates_exist_to_be_checked():
    assert len(TEMPLATES) > 10


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_every_post_form_carries_the_csrf_token(template):
    text = template.read_text(encoding="utf-8")
    for form in FORM.findall(text):
        if POST_FORM.search(form):
            assert "{% csrf_token %}" in form, f"{template.name}: a POST form without csrf_token"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_templates_fit_the_strict_csp(template):
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text, re.I), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", text, re.I), "inline event handler"
    assert not re.search(r"\sstyle\s*=", text, re.I), 'style="" attribute'
    assert not re.search(r"<style\b", text, re.I), "<style> block"
    assert "hx-on" not in text, "hx-on (evaluated script)"
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", text, re.I), "asset from another host"


def test_csrf_is_enforced_on_sign_in(db, operator):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("accounts:login"), {"username": "operator.test", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in strict.session
    page = strict.get(reverse("accounts:login"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    ok = strict.post(
        reverse("accounts:login"),
        {"username": "operator.test", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert ok.status_code == 302


def test_csrf_is_enforced_on_the_token_page(db, operator):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(operator)
    response = strict.post(reverse("api_tokens:list"), {"name": "x", "scope": "write"})
    assert response.status_code == 403
    assert not operator.api_tokens.exists()


def test_a_new_session_on_sign_in_and_none_left_after_sign_out(client, operator):
    client.get(reverse("accounts:login"))
    before = client.session.session_key
    client.post(reverse("accounts:login"), {"username": "operator.test", "password": PASSWORD})
    signed_in = client.session.session_key
    assert signed_in != before
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_the_login_form_does_not_say_which_part_was_wrong(client, operator):
    unknown = client.post(reverse("accounts:login"), {"username": "nobody", "password": "x"})
    wrong = client.post(reverse("accounts:login"), {"username": "operator.test", "password": "x"})
    message = "Nama pengguna atau kata sandi salah"
    assert message in unknown.content.decode() and message in wrong.content.decode()


def test_an_open_redirect_after_sign_in_is_refused(client, operator):
    response = client.post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"username": "operator.test", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")


def test_production_refuses_demo_mode():
    from tests.test_settings import GOOD_KEY, run_kotacerdas

    result = run_kotacerdas(
        "check",
        KOTACERDAS_ENV="production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="kotacerdas.example.go.id",
        KOTACERDAS_DEMO="1",
    )
    assert result.returncode != 0
    assert "never production" in result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/regions/?search=ja%00mbi",
        "/api/v1/results/2020/15.71%00/",
        "/api/v1/regions/?ordering=%00",
        "/daerah/?q=%00",
    ],
)
def test_nul_characters_in_the_address_are_a_400_not_a_database_error(client, jambi, url):
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response["Content-Type"] == "application/problem+json"
        assert "NUL" in response.json()["detail"]
    # The connection is still usable (PostgreSQL would have aborted the transaction).
    assert client.get("/api/v1/regions/15.71/").status_code == 200


def test_nul_characters_in_an_api_body_are_a_field_error(db, operator):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_login(operator)
    response = api.post("/akun/token-api/", {"name": "a\x00b", "scope": "read"})
    assert response.status_code == 200  # the web form shows the error
    assert not operator.api_tokens.exists()
