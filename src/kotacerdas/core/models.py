"""Core records that belong to no single app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import EmailState


class DemoLoad(models.Model):
    """That ``kotacerdas demo`` loaded the demo data set, and which version of it.

    Written at the end of a successful load, in the load's transaction: a load that failed half
    way leaves no row, so the next ``kotacerdas demo`` loads again. While a row exists,
    ``kotacerdas demo`` keeps the data (and what users changed in it); ``--reset`` reloads."""

    version = models.PositiveIntegerField(_("versi demo"))
    loaded_at = models.DateTimeField(_("dimuat"), auto_now=True)

    class Meta:
        verbose_name = _("pemuatan demo")
        verbose_name_plural = _("pemuatan demo")
        ordering = ["-loaded_at", "-pk"]

    def __str__(self) -> str:
        return f"demo v{self.version} ({self.loaded_at:%Y-%m-%d %H:%M})"


class OutgoingEmail(models.Model):
    """One email the platform sends (the outbox, ``core.outbox``), written in the transaction of
    the change it announces and kept until it is sent.

    ``state`` says where it stands: pending (``next_attempt_at`` is when it may be tried: at
    once, or after the backoff of a failed attempt), sending (claimed by one sender;
    ``next_attempt_at`` is when that claim lapses if the sender died), sent (``sent_at``) or
    failed (``MAX_ATTEMPTS`` attempts failed; it waits for an admin to retry it). The subject and
    body are rendered already, in the recipient's language."""

    kind = models.CharField(_("jenis"), max_length=80)
    from_email = models.TextField(_("pengirim"))
    recipients = models.JSONField(_("penerima"), default=list)
    subject = models.TextField(_("subjek"))
    body = models.TextField(_("isi"))
    html_body = models.TextField(_("isi HTML"), blank=True)
    # [{"filename": ..., "mimetype": ..., "content": base64}]: small files (an .ics) only.
    attachments = models.JSONField(_("lampiran"), default=list, blank=True)
    state = models.CharField(
        _("status"), max_length=10, choices=EmailState.choices, default=EmailState.PENDING
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    sent_at = models.DateTimeField(_("terkirim pada"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("percobaan"), default=0)
    last_error = models.TextField(_("galat terakhir"), blank=True)
    next_attempt_at = models.DateTimeField(_("percobaan berikutnya"), null=True, blank=True)

    class Meta:
        verbose_name = _("surel keluar")
        verbose_name_plural = pgettext_lazy("jamak", "surel keluar")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="core_email_due"),
            models.Index(fields=["state", "sent_at"], name="core_email_sent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state=EmailState.SENT) | models.Q(sent_at__isnull=False),
                name="core_email_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {', '.join(self.recipients)}"
