"""Personal API tokens: made and revoked by their owner, stored only as a SHA-256 hash."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rules import predicate
from rules.contrib.models import RulesModel

from kotacerdas.accounts.predicates import is_admin


class TokenScope(models.TextChoices):
    READ = "read", _("Baca saja")
    WRITE = "write", _("Baca dan tulis")


@predicate
def is_token_owner(user, token) -> bool:
    return bool(user and user.is_authenticated and token is not None and token.user_id == user.pk)


class ApiToken(RulesModel):
    """A personal access token. The secret is shown once; only its SHA-256 is kept.

    A token acts as its owner with the owner's permissions, limited by ``scope``: a read token
    may only use safe methods (GET, HEAD, OPTIONS). A revoked or expired token authenticates nobody.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("nama"), max_length=100)
    prefix = models.CharField(_("awalan"), max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(
        _("cakupan"), max_length=5, choices=TokenScope.choices, default=TokenScope.READ
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    expires_at = models.DateTimeField(_("kedaluwarsa"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        rules_permissions = {
            "view": is_token_owner | is_admin,
            "add": is_token_owner,
            "change": is_token_owner,
            "delete": is_token_owner,
        }

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.WRITE
