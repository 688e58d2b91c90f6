"""The language saved on an account (``User.language``) follows its user to every browser they
sign in on; the switch still works signed in and signed out; signing out keeps the language."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken

from kotacerdas.accounts import twofactor
from kotacerdas.accounts.roles import Role
from tests.conftest import PASSWORD, make_user
from tests.security.test_two_factor import code_for, enrolled

COOKIE = settings.LANGUAGE_COOKIE_NAME


def page(client, url: str = "/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def sign_in(client, username: str):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": PASSWORD, "next": "/"}
    )


@pytest.fixture
def english_operator(jambi):
    return make_user("operator.english", Role.OPERATOR, region=jambi, language="en")


@pytest.fixture
def indonesian_operator(jambi):
    return make_user("operator.indonesia", Role.OPERATOR, region=jambi, language="id")


def test_a_user_who_chose_english_gets_english_pages_on_a_new_browser(client, english_operator):
    response = sign_in(client, "operator.english")
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "en"
    html = page(client)
    assert '<html lang="en">' in html
    assert "Sign out" in html and "Keluar" not in html
    assert '<html lang="en">' in page(client, reverse("accounts:profile"))  # and from then on


def test_a_user_who_keeps_indonesian_gets_indonesian_pages(client, indonesian_operator):
    response = sign_in(client, "operator.indonesia")
    assert response.cookies[COOKIE].value == "id"
    html = page(client)
    assert '<html lang="id">' in html
    assert "Keluar" in html and "Sign out" not in html


def test_the_saved_language_wins_over_the_browsers_earlier_choice(client, indonesian_operator):
    client.cookies[COOKIE] = "en"  # someone chose English on this browser before
    sign_in(client, "operator.indonesia")
    assert '<html lang="id">' in page(client)


def test_a_wrong_password_leaves_the_language_alone(client, english_operator):
    response = client.post(
        reverse("accounts:login"), {"username": "operator.english", "password": "wrong"}
    )
    assert response.status_code == 200
    assert COOKIE not in response.cookies
    assert '<html lang="id">' in page(client)


def test_the_two_factor_step_that_finishes_the_sign_in_sets_the_language(client, english_operator):
    device, _codes = enrolled(english_operator)
    step_one = sign_in(client, "operator.english")
    assert step_one["Location"] == reverse("accounts:login_verify")
    assert COOKIE not in step_one.cookies  # not signed in yet: nothing about the account shows
    assert '<html lang="id">' in page(client, reverse("accounts:login_verify"))
    step_two = client.post(reverse("accounts:login_verify"), {"token": code_for(device, 1)})
    assert step_two.status_code == 302
    assert step_two.cookies[COOKIE].value == "en"
    assert '<html lang="en">' in page(client)


def test_a_recovery_code_warning_speaks_the_users_language(client, english_operator):
    _device, codes = enrolled(english_operator)
    sign_in(client, "operator.english")
    client.post(reverse("accounts:login_verify"), {"token": codes[0]})
    left = StaticToken.objects.filter(device__user=english_operator).count()
    assert left == twofactor.RECOVERY_CODE_COUNT - 1
    html = page(client)
    assert f"You signed in with a recovery code. Codes left: {left}." in html


def test_an_anonymous_visitors_choice_still_works(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en">' in page(client)
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert '<html lang="id">' in page(client)


def test_the_switch_signed_in_changes_the_pages_and_the_account(client, indonesian_operator):
    sign_in(client, "operator.indonesia")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en">' in page(client)
    indonesian_operator.refresh_from_db()
    assert indonesian_operator.language == "en"
    # ... so the next browser they sign in on speaks English too.
    other = client.__class__()
    sign_in(other, "operator.indonesia")
    assert '<html lang="en">' in page(other)


def test_signing_out_keeps_the_language_the_browser_was_showing(client, english_operator):
    sign_in(client, "operator.english")
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert COOKIE not in response.cookies  # neither deleted nor reset
    html = page(client)
    assert "Sign in" in html and '<html lang="en">' in html


def test_a_signed_in_session_without_a_cookie_follows_the_account(client, english_operator):
    client.force_login(english_operator)  # e.g. a session from before the cookie was set
    assert '<html lang="en">' in page(client)
    client.cookies[COOKIE] = "id"  # the browser's own choice comes first
    assert '<html lang="id">' in page(client)


def test_an_unknown_saved_language_falls_back_to_indonesian(client, english_operator):
    english_operator.language = "fr"
    english_operator.save(update_fields=["language"])
    response = sign_in(client, "operator.english")
    assert COOKIE not in response.cookies
    assert '<html lang="id">' in page(client)


@pytest.mark.parametrize(("header", "detail"), [("en", "Not found."), ("id", "Tidak ditemukan.")])
def test_the_api_still_negotiates_with_accept_language(client, english_operator, header, detail):
    sign_in(client, "operator.english")
    client.cookies.pop(COOKIE)  # the API reads Accept-Language when there is no cookie
    response = client.get("/api/v1/results/1999/", headers={"accept-language": header})
    assert response.status_code == 404
    assert response.json()["detail"] == detail
