"""The official register of Indonesia's regional governments (Pemda)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rules import always_allow
from rules.contrib.models import RulesModel

from kotacerdas.accounts.predicates import is_admin


class RegionKind(models.TextChoices):
    PROVINSI = "provinsi", _("Provinsi")
    KABUPATEN = "kabupaten", _("Kabupaten")
    KOTA = "kota", _("Kota")


class RegionQuerySet(models.QuerySet):
    def provinces(self):
        return self.filter(kind=RegionKind.PROVINSI)

    def search(self, text: str):
        """Regions whose name contains ``text`` (case-insensitive) or whose code starts with it,
        current or old (a code or name retired by a ``RegionChange``)."""
        text = text.strip()
        if not text:
            return self
        return self.filter(
            models.Q(name__icontains=text)
            | models.Q(code__startswith=text)
            | models.Q(changes__old_code__startswith=text, changes__old_code__gt="")
            | models.Q(changes__old_name__icontains=text)
        ).distinct()


class Region(RulesModel):
    """A province, kabupaten or kota, identified by its Kemendagri code (``15`` Jambi,
    ``15.71`` Kota Jambi). A kabupaten or kota belongs to exactly one province."""

    code = models.CharField(_("kode"), max_length=5, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=RegionKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("provinsi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    latitude = models.FloatField(_("lintang"), null=True, blank=True)
    longitude = models.FloatField(_("bujur"), null=True, blank=True)
    # Loaded with the register from data/population.csv (provenance in data/SOURCE.md): a
    # province's figure is its own row of the source, not a sum of its kabupaten/kota.
    population = models.PositiveIntegerField(_("jumlah penduduk"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(
        _("tahun data penduduk"), null=True, blank=True
    )
    area_km2 = models.DecimalField(
        _("luas (km²)"), max_digits=10, decimal_places=3, null=True, blank=True
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("daerah")
        verbose_name_plural = pgettext_lazy("jamak", "daerah")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind=RegionKind.PROVINSI, parent__isnull=True)
                    | (~models.Q(kind=RegionKind.PROVINSI) & models.Q(parent__isnull=False))
                ),
                name="region_province_has_no_parent",
            )
        ]
        rules_permissions = {
            "view": always_allow,
            "add": is_admin,
            "change": is_admin,
            "delete": is_admin,
        }

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("regions:detail", args=[self.code])

    @property
    def is_province(self) -> bool:
        return self.kind == RegionKind.PROVINSI

    @property
    def density(self) -> float | None:
        """Inhabitants per km² (None without population or area)."""
        if not self.population or not self.area_km2:
            return None
        return self.population / float(self.area_km2)

    @property
    def size_class(self) -> str | None:
        """The size class of a kabupaten/kota (``regions.sizes.size_class``); None for a
        province or without population."""
        from .sizes import size_class

        return size_class(self)

    @property
    def size_class_label(self) -> str:
        """ "Kota sedang", "Kabupaten besar", … ('' without a size class)."""
        from .sizes import peer_label

        return peer_label(self)

    @property
    def province(self) -> "Region":
        """The province itself for a province, else its parent."""
        return self if self.is_province else self.parent


class ChangeKind(models.TextChoices):
    RECODE = "recode", _("Perubahan kode")
    RENAME = "rename", _("Perubahan nama")
    MOVE = "move", _("Pindah provinsi")
    SPLIT = "split", _("Pemekaran")
    MERGE = "merge", _("Penggabungan")
    ABOLISHED = "abolished", _("Dihapus")


class RegionChangeQuerySet(models.QuerySet):
    def with_old_codes(self):
        """Changes that retired a code (recode, move, or a rename that also changed the code)."""
        return self.exclude(old_code="")


class RegionChange(RulesModel):
    """One administrative change of a region in the official register: its code changed (recode),
    it was renamed, moved to another province, formed by a split out of another region (the
    origin), merged, or abolished. ``region`` is the current row: a recode updates the row's code
    in place, so everything that points at the region keeps pointing at it and the old code
    resolves to it (``regions.lineage.resolve_code``)."""

    region = models.ForeignKey(
        Region, verbose_name=_("daerah"), on_delete=models.CASCADE, related_name="changes"
    )
    kind = models.CharField(_("jenis perubahan"), max_length=10, choices=ChangeKind.choices)
    old_code = models.CharField(_("kode lama"), max_length=5, blank=True, db_index=True)
    old_name = models.CharField(_("nama lama"), max_length=100, blank=True)
    old_parent_code = models.CharField(_("kode provinsi lama"), max_length=2, blank=True)
    origin = models.ForeignKey(
        Region,
        verbose_name=_("daerah asal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="split_off",
    )
    origin_code = models.CharField(_("kode daerah asal"), max_length=5, blank=True)
    origin_name = models.CharField(_("nama daerah asal"), max_length=100, blank=True)
    effective_date = models.DateField(_("tanggal berlaku"))
    legal_basis = models.CharField(_("dasar hukum"), max_length=200)

    objects = RegionChangeQuerySet.as_manager()

    class Meta:
        ordering = ["effective_date", "region__code"]
        verbose_name = _("perubahan wilayah")
        verbose_name_plural = _("perubahan wilayah")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "kind", "old_code", "effective_date"],
                name="region_change_unique",
            )
        ]
        rules_permissions = {
            "view": always_allow,
            "add": is_admin,
            "change": is_admin,
            "delete": is_admin,
        }

    def __str__(self) -> str:
        return f"{self.region} · {self.get_kind_display()} · {self.effective_date}"

    @property
    def old_province_name(self) -> str:
        """The name of the province the region belonged to before the change ('' when unknown):
        the province that holds ``old_parent_code`` now, or was known under it."""
        import datetime

        from .lineage import resolve_code

        if not self.old_parent_code:
            return ""
        found = resolve_code(
            self.old_parent_code, on=self.effective_date - datetime.timedelta(days=1)
        )
        return found.region.name if found else ""
