"""Statuses of the appeals app (the only place their values are written)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kotacerdas.evaluations.models import EvidenceKindStored


class AppealState(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Diajukan")
    DECIDED = "decided", _("Diputus")


class ItemCategory(models.TextChoices):
    """Why the region disputes the indicator's final value."""

    EVIDENCE_OVERLOOKED = "overlooked", _("Data dukung sudah ada tetapi tidak dinilai")
    NEW_EVIDENCE = "new_evidence", _("Ada data dukung baru")
    WRONG_RUBRIC = "rubric", _("Penerapan rubrik keliru")
    DATA_ERROR = "data_error", _("Kesalahan data atau perhitungan")
    OTHER = "other", _("Lainnya")


class Decision(models.TextChoices):
    PENDING = "pending", _("Belum diputus")
    ACCEPTED = "accepted", _("Diterima")
    REJECTED = "rejected", _("Ditolak")


# An appeal's evidence is a file or a link, as the self-assessment's evidence.
EvidenceKind = EvidenceKindStored
