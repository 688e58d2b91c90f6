"""Sign-in (password, then the second factor), sign-out, password change, profile, and the
two-factor set-up pages. The rules of two-factor sign-in live in ``twofactor.py``."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from kotacerdas.core.errors import ServiceError
from kotacerdas.core.locale import adopt_saved_language, remember_language

from . import twofactor
from .forms import EnrolForm, LanguageForm, LoginForm, OTPForm

PENDING = "kotacerdas_2fa_pending"


class LoginView(auth_views.LoginView):
    """Step one: the password. A user with an authenticator goes on to step two before the
    session is signed in; everyone else is signed in here (with a new session key), and the
    browser takes the language saved on their account (``core.locale.adopt_saved_language``)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if twofactor.has_two_factor(user):
            self.request.session.cycle_key()
            self.request.session[PENDING] = {
                "user": user.pk,
                "backend": user.backend,
                "next": self.get_success_url(),
            }
            return redirect("accounts:login_verify")
        language = adopt_saved_language(self.request, user)
        response = super().form_valid(form)
        return remember_language(response, language) if language else response


def _safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
def login_verify(request):
    """Step two: a code from the authenticator app or a recovery code.

    Serves the user waiting after step one, and a signed-in user whose session is not yet
    verified (e.g. after the Django admin's own sign-in page). Wrong codes count towards the
    django-axes lockout like wrong passwords. When this step signs the user in, the browser takes
    the language saved on their account, as after step one for users without an authenticator.
    """
    pending = request.session.get(PENDING)
    if request.user.is_authenticated:
        if request.user.is_verified() or not twofactor.has_two_factor(request.user):
            return redirect(_safe_next(request, request.GET.get("next")))
        user, next_url = request.user, request.GET.get("next")
    elif pending:
        user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
        next_url = pending.get("next")
        if user is None:
            request.session.pop(PENDING, None)
            return redirect("accounts:login")
    else:
        return redirect("accounts:login")

    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        request.session.pop(PENDING, None)
        return get_lockout_response(request, None, credentials)

    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify_code(request, user, form.cleaned_data["token"])
        if getattr(request, "axes_locked_out", False):
            request.session.pop(PENDING, None)
            return get_lockout_response(request, None, credentials)
        if device is not None:
            language = None
            if not request.user.is_authenticated:
                login(request, user, backend=pending["backend"])
                language = adopt_saved_language(request, user)
            otp_login(request, device)
            request.session.pop(PENDING, None)
            if device.__class__.__name__ == "StaticDevice":
                messages.warning(
                    request,
                    _("Anda masuk dengan kode pemulihan. Sisa kode: %(n)d.")
                    % {"n": twofactor.remaining_recovery_codes(user)},
                )
            response = redirect(_safe_next(request, next_url))
            return remember_language(response, language) if language else response
        form.add_error("token", _("Kode salah atau sudah dipakai."))
    return render(request, "accounts/login_verify.html", {"form": form, "account": user})


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only, as Django requires). The language cookie stays: the browser keeps
    the language it was showing (docs/decisions.md)."""


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


def set_language(request):
    """The header's language switch: Django's ``set_language`` (cookie and redirect), and for a
    signed-in user the choice is also saved as ``User.language``, the language of their emails."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and check_for_language(language)
        and request.user.language != language
    ):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


@login_required
def profile(request):
    """The user's own page; the one thing they change here is their language (emails and pages)."""
    form = LanguageForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        with translation.override(form.instance.language):  # the page that follows speaks it
            messages.success(request, _("Bahasa disimpan."))
        return remember_language(redirect("accounts:profile"), form.instance.language)
    return render(
        request,
        "accounts/profile.html",
        {
            "account": request.user,
            "language_form": form,
            "two_factor_on": twofactor.has_two_factor(request.user),
            "two_factor_required": twofactor.requires_two_factor(request.user),
        },
    )


@sensitive_post_parameters("token")
@login_required
@never_cache
def two_factor_setup(request):
    """Set up (or replace) the authenticator: a QR code drawn on the server, then a code from the
    app to confirm it; the recovery codes are shown once after confirmation."""
    device = twofactor.start_enrolment(request.user)
    form = EnrolForm(request.POST or None)
    recovery_codes = None
    if request.method == "POST" and form.is_valid():
        try:
            recovery_codes = twofactor.confirm_enrolment(
                request.user, device, form.cleaned_data["token"]
            )
        except ServiceError as error:
            form.add_error("token", error.message)
        else:
            device.refresh_from_db()
            otp_login(request, device)
            messages.success(request, _("Verifikasi dua langkah aktif."))
    context = {
        "form": form,
        "recovery_codes": recovery_codes,
        "two_factor_on": twofactor.has_two_factor(request.user),
        "required": twofactor.requires_two_factor(request.user),
        "may_turn_off": twofactor.may_turn_off(request.user),
    }
    if recovery_codes is None:
        context["qr_svg"] = twofactor.qr_code_svg(device)
        context["manual_key"] = twofactor.manual_key(device)
    response = render(request, "accounts/two_factor_setup.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def two_factor_recovery_codes(request):
    """New recovery codes (the old ones stop working), for a verified user with an authenticator."""
    if not twofactor.has_two_factor(request.user) or not request.user.is_verified():
        return redirect("accounts:two_factor_setup")
    codes = twofactor.new_recovery_codes(request.user)
    response = render(request, "accounts/two_factor_codes.html", {"recovery_codes": codes})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def two_factor_turn_off(request):
    """Turn two-factor sign-in off (operators only, or demo accounts in demo mode)."""
    try:
        twofactor.turn_off(request.user)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("accounts:two_factor_setup")
    messages.success(request, _("Verifikasi dua langkah dimatikan."))
    return redirect("accounts:profile")
