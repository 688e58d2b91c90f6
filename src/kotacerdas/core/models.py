"""Core records that belong to no single app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
