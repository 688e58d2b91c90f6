"""Which language a request is served in, and the language a signed-in user keeps.

Bahasa Indonesia is the platform's language (docs/decisions.md, "Source strings in Bahasa
Indonesia"); English is there for whoever asks for it with the language switch in the header, or
has it saved on their account (``User.language``).
"""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

API_PREFIX = "/api/"


def supported(language: str | None) -> str | None:
    """``language`` as one of ``LANGUAGES`` (``en-gb`` → ``en``), or None if the site does not
    speak it."""
    if not language:
        return None
    with contextlib.suppress(LookupError):
        return translation.get_supported_language_variant(language)
    return None


def saved_language(user) -> str | None:
    """The language saved on a signed-in user's account, if the site speaks it; else None."""
    if user is None or not user.is_authenticated:
        return None
    return supported(getattr(user, "language", None))


def remember_language(response: HttpResponse, language: str) -> HttpResponse:
    """Set the language cookie (the one ``set_language`` sets) on ``response`` and return it."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def adopt_saved_language(request: HttpRequest, user) -> str | None:
    """At sign-in: make the user's saved language the language of the rest of this request (so
    a message added now speaks it) and return it, for the caller to ``remember_language`` on
    its response. None, and nothing changes, when the user has no language the site speaks."""
    language = saved_language(user)
    if language is not None:
        translation.activate(language)
        request.LANGUAGE_CODE = language
    return language


class LanguageMiddleware(LocaleMiddleware):
    """Pages are in the language of the cookie (set by the switch, the profile and signing in:
    ``accounts/views.py``); without a cookie, in a signed-in user's saved language; otherwise in
    ``LANGUAGE_CODE``. The browser's Accept-Language is not consulted, because many Indonesian
    civil servants' browsers ask for English while they expect the platform in Indonesian.

    It runs after AuthenticationMiddleware (it may read ``request.user``). The API (``/api/``)
    keeps Django's negotiation, so a client may ask for English problem details with
    Accept-Language.
    """

    def process_request(self, request):
        if request.path_info.startswith(API_PREFIX):
            return super().process_request(request)
        language = (
            supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
            or saved_language(getattr(request, "user", None))
            or settings.LANGUAGE_CODE
        )
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None
