"""Statuses of the core app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailState(models.TextChoices):
    """Where an outgoing email stands (``OutgoingEmail.state``; ``core.outbox`` moves it)."""

    PENDING = "pending", _("Menunggu dikirim")
    SENDING = "sending", _("Sedang dikirim")
    SENT = "sent", _("Terkirim")
    FAILED = "failed", _("Gagal")
