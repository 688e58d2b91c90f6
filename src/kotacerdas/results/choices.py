"""Statuses of the results app."""

from django.db import models
from django.utils.translation import gettext, gettext_noop
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


class ComputationState(models.TextChoices):
    QUEUED = "queued", _("Dalam antrean")
    RUNNING = "running", _("Sedang dihitung")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")
    STOPPED = "stopped", _("Dihentikan")


class ComputationPurpose(models.TextChoices):
    """Why results are computed: the admin's button, a republication (computed and published at
    once, with its reason), or an accepted appeal item (its effect is recorded when done)."""

    COMPUTE = "compute", _("Hitung hasil")
    REPUBLISH = "republish", _("Publikasi ulang")
    APPEAL = "appeal", _("Putusan sanggahan")


# The ministry's predicates (``kotacerdas.index.config.DEFAULT_BANDS``), marked for the English
# catalogue. Results store a cycle's own labels; ``predicate_label`` shows these five in the
# reader's language and any other label as the cycle named it.
OFFICIAL_PREDICATES = (
    gettext_noop("Memuaskan"),
    gettext_noop("Sangat Baik"),
    gettext_noop("Baik"),
    gettext_noop("Cukup"),
    gettext_noop("Kurang"),
)


def predicate_label(label: str) -> str:
    """``label`` in the reader's language when it is one of the ministry's predicates."""
    return gettext(label) if label in OFFICIAL_PREDICATES else label


class FlagKind(models.TextChoices):
    """The kinds of flag on the integrity page that an admin can mark as reviewed."""

    FILE = "file", _("berkas yang sama")
    LINK = "link", _("tautan yang sama")
    TEXT = "text", _("penjelasan yang sama")
    NEAR = "near", _("penjelasan yang sangat mirip")
    GAP = "gap", _("selisih penilaian mandiri")
    ASSESSOR = "assessor", _("asesor pencilan")
    JUMP = "jump", _("lonjakan indeks")
    KIND = "kind", _("indeks menurut jenis daerah")
    SIZE = "size", _("indeks dan ukuran daerah")
