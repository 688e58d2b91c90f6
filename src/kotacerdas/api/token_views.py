"""The page where a signed-in user makes and revokes personal API tokens."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kotacerdas.core.errors import ServiceError

from . import tokens
from .forms import TokenForm
from .models import ApiToken


@login_required
def token_list(request):
    """The user's tokens and a form for a new one; a new secret is shown once, right here."""
    form = TokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        expires_on = form.cleaned_data["expires_on"]
        expires_at = (
            timezone.make_aware(datetime.datetime.combine(expires_on, datetime.time.max))
            if expires_on
            else None
        )
        try:
            _token, new_secret = tokens.issue_token(
                request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=expires_at,
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            form = TokenForm()
    context = {
        "form": form,
        "tokens": ApiToken.objects.filter(user=request.user),
        "new_secret": new_secret,
    }
    response = render(request, "api/tokens.html", context)
    response["Cache-Control"] = "no-store"  # the page may carry a secret
    return response


@login_required
@require_POST
def token_revoke(request, pk: int):
    """Revoke one of the user's own tokens (another user's token is a 404)."""
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if not request.user.has_perm("api.delete_apitoken", token):
        return redirect("api_tokens:list")
    tokens.revoke_token(token)
    messages.success(request, _("Token '%(name)s' sudah dicabut.") % {"name": token.name})
    return redirect("api_tokens:list")
