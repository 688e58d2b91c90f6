"""Statuses of the results app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SnapshotState(models.TextChoices):
    COMPUTED = "computed", _("Dihitung, belum dipublikasikan")
    PUBLISHED = "published", _("Dipublikasikan")


class Breakdown(models.TextChoices):
    """The two breakdowns every result is reported along."""

    ASPECTS = "aspects", _("Aspek evaluasi")
    DIMENSIONS = "dimensions", _("Dimensi")


class NodeKind(models.TextChoices):
    ASPECT = "aspect", _("Aspek")
    DIMENSION = "dimension", _("Dimensi")
    ELEMENT = "element", _("Elemen")
