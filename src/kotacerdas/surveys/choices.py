"""Statuses of the survey app (the only place their values are written)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WindowState(models.TextChoices):
    """Where a survey window stands at a given moment."""

    UPCOMING = "upcoming", _("Belum dibuka")
    OPEN = "open", _("Dibuka")
    CLOSED = "closed", _("Ditutup")


class YesNo(models.TextChoices):
    """The two answers of the yes/no questions as the form sends them."""

    YES = "ya", _("Ya")
    NO = "tidak", _("Tidak")
