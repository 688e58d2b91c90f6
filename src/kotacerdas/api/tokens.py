"""Services for personal API tokens: issue, revoke, authenticate."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.errors import ServiceError

from .models import ApiToken, TokenScope

TOKEN_PREFIX = "kc_"  # noqa: S105 - a public marker, not a secret
SECRET_BYTES = 32  # 256 bits of randomness: a plain SHA-256 is then a safe way to store it
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_ACTIVE_TOKENS = 20


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def issue_token(
    user, *, name: str, scope: str = TokenScope.READ, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Make a token for ``user`` and return it with its secret, which is never stored or shown again.

    Refuses (ServiceError, nothing written): an empty name, an unknown scope, an expiry in the
    past, or more than ``MAX_ACTIVE_TOKENS`` active tokens.
    """
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Beri nama token, mis. 'Portal Satu Data'."))
    if scope not in TokenScope.values:
        raise ServiceError(_("Cakupan token harus 'read' atau 'write'."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ServiceError(_("Tanggal kedaluwarsa harus di masa depan."))
    active = [t for t in ApiToken.objects.filter(user=user, revoked_at=None) if t.is_active]
    if len(active) >= MAX_ACTIVE_TOKENS:
        raise ServiceError(
            _("Paling banyak %(n)d token aktif. Cabut token yang tidak dipakai.")
            % {"n": MAX_ACTIVE_TOKENS}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        key_hash=hash_token(raw),
        scope=scope,
        expires_at=expires_at,
    )
    return token, raw


@transaction.atomic
def revoke_token(token: ApiToken) -> ApiToken:
    """Revoke a token at once; a revoked token stays listed (when and by whom it was used)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def authenticate(raw: str) -> ApiToken | None:
    """The active token whose secret is ``raw`` (with its user loaded), or None.

    Records the time of use (at most once a minute per token, to spare the database).
    """
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
