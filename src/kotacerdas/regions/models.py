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
        """Regions whose name or code contains ``text`` (case-insensitive)."""
        text = text.strip()
        if not text:
            return self
        return self.filter(models.Q(name__icontains=text) | models.Q(code__startswith=text))


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
    def province(self) -> "Region":
        """The province itself for a province, else its parent."""
        return self if self.is_province else self.parent
