"""Two-factor sign-in: a TOTP authenticator app plus one-time recovery codes (django-otp).

Who must use it: ministry admins and assessors (and superusers). Operators may turn it on; once
they have, it is asked of them too. Demo accounts may sign in without it only when
``settings.DEMO_MODE`` is true (``KOTACERDAS_DEMO=1``, set by ``make demo``).

The sign-in flow (``accounts/views.py``): the password first; a user with a confirmed device is
then asked for a code before the session is signed in. A user who must use two factors but has no
device yet is signed in and kept on the set-up page by :class:`TwoFactorMiddleware` until a device
is confirmed. ``settings.KOTACERDAS_TWO_FACTOR_ENFORCED`` turns the middleware off (the test suite
does, so that other tests can sign in with ``force_login``; the 2FA tests turn it back on).
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kotacerdas.core.errors import ServiceError

from .demo import DEMO_USERS
from .roles import Role

REQUIRED_ROLES = frozenset({Role.ADMIN, Role.ASSESSOR})
RECOVERY_CODE_COUNT = 10
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery"
DEMO_USERNAMES = frozenset(username for username, *_rest in DEMO_USERS)


def is_demo_exempt(user) -> bool:
    """A demo account on a demo installation: it may sign in without a second factor."""
    return bool(settings.DEMO_MODE and user.username in DEMO_USERNAMES)


def has_two_factor(user) -> bool:
    """The user has a confirmed authenticator (recovery codes alone do not count)."""
    return bool(
        user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    )


def requires_two_factor(user) -> bool:
    """Admins, assessors and superusers must use two factors, and so must anyone who set it up;
    demo accounts in demo mode need not."""
    if not user.is_authenticated:
        return False
    if has_two_factor(user):
        return True
    if is_demo_exempt(user):
        return False
    return bool(user.is_superuser or user.role in REQUIRED_ROLES)


def may_turn_off(user) -> bool:
    """Only someone who is not obliged to use two factors may turn it off."""
    return not (user.is_superuser or user.role in REQUIRED_ROLES) or is_demo_exempt(user)


# --- Services -----------------------------------------------------------------------------------


@transaction.atomic
def start_enrolment(user) -> TOTPDevice:
    """Return the user's unconfirmed authenticator, creating one with a fresh secret if needed.

    Guarantees: at most one unconfirmed TOTP device per user; confirmed devices are untouched.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


@transaction.atomic
def confirm_enrolment(user, device: TOTPDevice, token: str) -> list[str]:
    """Confirm ``device`` with a code from the app; return new recovery codes (shown once).

    Guarantees: on success the device is the user's only confirmed authenticator (older ones are
    removed) and the old recovery codes are replaced. Refuses (ServiceError, nothing written) a
    wrong code or a device of another user.
    """
    if device.user_id != user.pk or device.confirmed:
        raise ServiceError(_("Pendaftaran aplikasi autentikator tidak ditemukan. Mulai lagi."))
    if not device.verify_token((token or "").strip().replace(" ", "")):
        raise ServiceError(_("Kode tidak cocok. Periksa jam ponsel Anda dan coba lagi."))
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(user)


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with ``RECOVERY_CODE_COUNT`` new ones and return them.

    Each code signs in once. Only their plain text is returned; django-otp keeps them in its table.
    """
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def turn_off(user) -> None:
    """Remove every second factor of a user who is not obliged to have one.

    Refuses (ServiceError) for admins and assessors outside demo mode.
    """
    if not may_turn_off(user):
        raise ServiceError(_("Verifikasi dua langkah wajib untuk peran Anda."))
    for device in devices_for_user(user, confirmed=None):
        device.delete()


def remaining_recovery_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify_code(request: HttpRequest, user, token: str):
    """Check a code from the authenticator app or a recovery code; return the device or None.

    A wrong code counts as a failed sign-in for django-axes (the same lockout as passwords), and
    django-otp's own throttling slows repeated guesses on the device.
    """
    token = (token or "").strip().replace(" ", "")
    device = match_token(user, token) if token else None
    if device is None:
        user_login_failed.send(
            sender=__name__, credentials={"username": user.get_username()}, request=request
        )
    return device


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URI as an inline SVG (rendered on the server: no script needed).

    The issuer shown in the app is ``settings.OTP_TOTP_ISSUER``.
    """
    qr = segno.make(device.config_url, error="m")
    return qr.svg_inline(scale=5, border=2, light="white", title=_("Kode QR aplikasi autentikator"))


def manual_key(device: TOTPDevice) -> str:
    """The secret in base32 for typing into an app, grouped by four."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


# --- Middleware ---------------------------------------------------------------------------------

# Views a half-signed-in user (password given, second factor still missing) may reach.
OPEN_URL_NAMES = frozenset(
    {
        "accounts:logout",
        "accounts:login",
        "accounts:login_verify",
        "accounts:two_factor_setup",
        "set_language",
    }
)


class TwoFactorMiddleware:
    """Keeps a signed-in user who must use two factors but is not verified on the set-up or
    verification page; API requests with such a session get a 403 problem."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if getattr(settings, "KOTACERDAS_TWO_FACTOR_ENFORCED", True) and self._blocked(request):
            return self._refuse(request)
        return self.get_response(request)

    def _blocked(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return False
        if request.path.startswith(settings.STATIC_URL):
            return False
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        if match.view_name in OPEN_URL_NAMES:
            return False
        return requires_two_factor(user)

    def _refuse(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "type": "urn:kotacerdas:problem:two-factor-required",
                    "title": _("Verifikasi dua langkah diperlukan"),
                    "status": 403,
                    "detail": _(
                        "Selesaikan verifikasi dua langkah di peramban, atau gunakan token API."
                    ),
                    "instance": request.path,
                },
                status=403,
                content_type="application/problem+json",
            )
        if has_two_factor(request.user):
            return redirect(f"{reverse('accounts:login_verify')}?next={request.path}")
        return redirect("accounts:two_factor_setup")
