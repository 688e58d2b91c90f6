"""DRF authentication with a personal token: ``Authorization: Bearer kc_...``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from . import tokens


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Authenticates ``Authorization: Bearer <token>``; ``request.auth`` is the ApiToken.

    A request without the header is left to the next authenticator (the browser session).
    """

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _space, raw = header.partition(" ")
        if keyword.lower() not in ("bearer", "token"):
            return None
        token = tokens.authenticate(raw.strip())
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("Token tidak dikenal, sudah dicabut, atau kedaluwarsa.")
            )
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'
