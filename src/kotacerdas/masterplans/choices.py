"""Statuses and codes of the masterplan, the only place they are spelled out."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MasterplanStatus(models.TextChoices):
    DRAFT = "draft", _("Penyusunan")
    ADOPTED = "adopted", _("Ditetapkan")
    ENDED = "ended", _("Berakhir")


class LegalBasisKind(models.TextChoices):
    """The kind of regulation a masterplan stands on (Perda, Perwal, Perbup, Pergub, ...)."""

    PERDA = "perda", _("Peraturan Daerah (Perda)")
    PERWAL = "perwal", _("Peraturan Wali Kota (Perwal)")
    PERBUP = "perbup", _("Peraturan Bupati (Perbup)")
    PERGUB = "pergub", _("Peraturan Gubernur (Pergub)")
    KEPKADA = "kepkada", _("Keputusan Kepala Daerah")


class ProgrammeStatus(models.TextChoices):
    PLANNED = "planned", _("Direncanakan")
    IN_PROGRESS = "in_progress", _("Berjalan")
    DONE = "done", _("Selesai")
    STALLED = "stalled", _("Terhenti")
    CANCELLED = "cancelled", _("Dibatalkan")


class KpiDirection(models.TextChoices):
    """Whether a KPI is attained by reaching at least (up) or at most (down) its target."""

    UP = "up", _("Makin tinggi makin baik")
    DOWN = "down", _("Makin rendah makin baik")


class AttachmentKind(models.TextChoices):
    FILE = "file", _("Berkas")
    LINK = "link", _("Tautan")
