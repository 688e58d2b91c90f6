"""Which language a request is served in.

Bahasa Indonesia is the platform's language (docs/decisions.md, "Source strings in Bahasa
Indonesia"); English is there for whoever asks for it with the language switch in the header.
"""

import contextlib

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

API_PREFIX = "/api/"


class LanguageMiddleware(LocaleMiddleware):
    """Pages are in the language chosen with the switch (``set_language``'s cookie), otherwise in
    ``LANGUAGE_CODE``; the browser's Accept-Language is not consulted, because many Indonesian
    civil servants' browsers ask for English while they expect the platform in Indonesian.

    The API (``/api/``) keeps Django's negotiation, so a client may ask for English problem
    details with Accept-Language.
    """

    def process_request(self, request):
        if request.path_info.startswith(API_PREFIX):
            return super().process_request(request)
        language = settings.LANGUAGE_CODE
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen:
            with contextlib.suppress(LookupError):
                language = translation.get_supported_language_variant(chosen)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None
