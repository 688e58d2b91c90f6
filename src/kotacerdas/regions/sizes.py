"""Size classes of kabupaten and kota by population, the peer groups of the ranking.

The bands follow the Indonesian classification of urban areas by population (kawasan perkotaan
kecil, sedang, besar, metropolitan): below 100,000 inhabitants *kecil*, 100,000 to 499,999
*sedang*, 500,000 to 999,999 *besar*, 1,000,000 or more *metropolitan*. The same bands apply to
kabupaten; a province has no size class. A region's peer group is its kind and its size class
("kota sedang"). The lower bounds are the setting ``KOTACERDAS_SIZE_BOUNDS`` (docs/integrity.md,
"Size classes", for the legal basis and what could not be verified).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from .models import RegionKind

# Lower bounds (inhabitants) of sedang, besar and metropolitan.
DEFAULT_SIZE_BOUNDS = (100_000, 500_000, 1_000_000)


class SizeClass(models.TextChoices):
    KECIL = "kecil", _("kecil")
    SEDANG = "sedang", _("sedang")
    BESAR = "besar", _("besar")
    METROPOLITAN = "metropolitan", _("metropolitan")


def size_bounds() -> tuple[int, int, int]:
    """The lower bounds of sedang, besar and metropolitan (setting ``KOTACERDAS_SIZE_BOUNDS``,
    default ``DEFAULT_SIZE_BOUNDS``)."""
    return tuple(getattr(settings, "KOTACERDAS_SIZE_BOUNDS", DEFAULT_SIZE_BOUNDS))


def class_of(population: int | None, kind: str) -> str | None:
    """The size class of a kabupaten/kota of ``population`` inhabitants; None for a province
    or an unknown population. A population equal to a bound belongs to the larger class."""
    if kind == RegionKind.PROVINSI or population is None:
        return None
    sedang, besar, metropolitan = size_bounds()
    if population >= metropolitan:
        return SizeClass.METROPOLITAN
    if population >= besar:
        return SizeClass.BESAR
    if population >= sedang:
        return SizeClass.SEDANG
    return SizeClass.KECIL


def size_class(region) -> str | None:
    """The size class of ``region`` (a ``SizeClass`` value) or None (province, no population)."""
    return class_of(region.population, region.kind)


def peer_label(region) -> str:
    """The peer group in words, e.g. "Kota sedang", "Kabupaten metropolitan" ('' when the
    region has no size class)."""
    found = size_class(region)
    if found is None:
        return ""
    return pgettext("kelompok ukuran", "%(kind)s %(size)s") % {
        "kind": region.get_kind_display(),
        "size": SizeClass(found).label,
    }


def band_text(size: str) -> str:
    """The population range of a size class in words ("100.000–499.999 penduduk")."""
    sedang, besar, metropolitan = size_bounds()
    low, high = {
        SizeClass.KECIL: (None, sedang),
        SizeClass.SEDANG: (sedang, besar),
        SizeClass.BESAR: (besar, metropolitan),
        SizeClass.METROPOLITAN: (metropolitan, None),
    }[SizeClass(size)]

    def fmt(n: int) -> str:
        return f"{n:,}".replace(",", ".")

    if low is None:
        return str(_("kurang dari %(n)s penduduk")) % {"n": fmt(high)}
    if high is None:
        return str(_("%(n)s penduduk atau lebih")) % {"n": fmt(low)}
    return str(_("%(low)s–%(high)s penduduk")) % {"low": fmt(low), "high": fmt(high - 1)}
