"""The evaluation instrument: a versioned tree Dimension → Element → Indicator.

"Each year the object differs": every cycle owns its own instrument. An instrument is edited while
its cycle is a draft and frozen (``frozen_at``) when the cycle opens; a new cycle starts from a copy.
A crosswalk between two instruments says which indicators are the same, renamed, rescaled, new or
retired, so that progress stays comparable across years.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rules import always_allow
from rules.contrib.models import RulesModel
from simple_history.models import HistoricalRecords

from kotacerdas.accounts.predicates import is_admin, is_signed_in
from kotacerdas.core.taxonomy import Aspect

from .schema import indicator_problems

ADMIN_EDITS = {"view": is_signed_in, "add": is_admin, "change": is_admin, "delete": is_admin}
POSITIVE = [MinValueValidator(Decimal("0.000001"))]


class Instrument(RulesModel):
    code = models.SlugField(_("kode"), max_length=50, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    name_en = models.CharField(_("nama (Inggris)"), max_length=200, blank=True)
    description = models.TextField(_("keterangan"), blank=True)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("disalin dari"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
    )
    frozen_at = models.DateTimeField(
        _("dibekukan pada"),
        null=True,
        blank=True,
        help_text=_("Diisi saat siklus dibuka; sesudahnya instrumen tidak dapat diubah."),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("instrumen")
        verbose_name_plural = pgettext_lazy("jamak", "instrumen")
        rules_permissions = ADMIN_EDITS

    def __str__(self) -> str:
        return self.name

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class AspectWeight(RulesModel):
    """The weight of one evaluation aspect (Baseline, Output, ...) in this instrument."""

    instrument = models.ForeignKey(
        Instrument, verbose_name=_("instrumen"), on_delete=models.CASCADE, related_name="aspects"
    )
    aspect = models.CharField(_("aspek"), max_length=10, choices=Aspect.choices)
    weight = models.DecimalField(_("bobot"), max_digits=9, decimal_places=4, validators=POSITIVE)

    class Meta:
        ordering = ["instrument", "id"]
        verbose_name = _("bobot aspek")
        verbose_name_plural = pgettext_lazy("jamak", "bobot aspek")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "aspect"], name="aspect_once_per_instrument"
            ),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="aspect_weight_positive"),
        ]
        rules_permissions = ADMIN_EDITS

    def __str__(self) -> str:
        return f"{self.get_aspect_display()} ({self.weight})"


class Dimension(RulesModel):
    instrument = models.ForeignKey(
        Instrument, verbose_name=_("instrumen"), on_delete=models.CASCADE, related_name="dimensions"
    )
    code = models.CharField(_("kode"), max_length=10, help_text=_("GOV, BRA, ECO, LIV, SOC, ENV"))
    name = models.CharField(_("nama"), max_length=200)
    name_en = models.CharField(_("nama (Inggris)"), max_length=200, blank=True)
    weight = models.DecimalField(
        _("bobot"), max_digits=9, decimal_places=4, default=Decimal(1), validators=POSITIVE
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["instrument", "order", "code"]
        verbose_name = _("dimensi")
        verbose_name_plural = pgettext_lazy("jamak", "dimensi")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="dimension_code_unique"),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="dimension_weight_positive"
            ),
        ]
        rules_permissions = ADMIN_EDITS

    def __str__(self) -> str:
        return self.name


class Element(RulesModel):
    dimension = models.ForeignKey(
        Dimension, verbose_name=_("dimensi"), on_delete=models.CASCADE, related_name="elements"
    )
    code = models.CharField(_("kode"), max_length=20, help_text=_("mis. GOV.SVC"))
    name = models.CharField(_("nama"), max_length=200)
    name_en = models.CharField(_("nama (Inggris)"), max_length=200, blank=True)
    weight = models.DecimalField(
        _("bobot"), max_digits=9, decimal_places=4, default=Decimal(1), validators=POSITIVE
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["dimension", "order", "code"]
        verbose_name = _("elemen")
        verbose_name_plural = pgettext_lazy("jamak", "elemen")
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="element_code_unique"),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="element_weight_positive"
            ),
        ]
        rules_permissions = ADMIN_EDITS

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IndicatorType(models.TextChoices):
    LEVEL = "level", _("Tingkat 0–5")
    NUMBER = "number", _("Angka")
    PERCENT = "percent", _("Persen")
    YESNO = "yesno", _("Ya/Tidak")


class Direction(models.IntegerChoices):
    HIGHER_IS_BETTER = 1, _("Makin tinggi makin baik")
    LOWER_IS_BETTER = -1, _("Makin rendah makin baik")


class EvidenceKind(models.TextChoices):
    """What an indicator asks for as supporting evidence ("data dukung")."""

    DOCUMENT = "document", _("Dokumen")
    IMAGE = "image", _("Gambar/foto")
    LINK = "link", _("Tautan")
    PROGRAMME = "programme", _("Program masterplan")


class Indicator(RulesModel):
    """One question of the instrument, with a stable code that crosswalks refer to.

    Values: a level indicator takes 0–5 (one descriptor per level); yes/no takes 0 or 1; a percent
    0–100; a number any value in ``unit``, normalised by the goalposts ``goal_min``/``goal_max`` and
    ``direction``.
    """

    instrument = models.ForeignKey(
        Instrument, verbose_name=_("instrumen"), on_delete=models.CASCADE, related_name="indicators"
    )
    element = models.ForeignKey(
        Element, verbose_name=_("elemen"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("kode"), max_length=30, help_text=_("Kode tetap, mis. GOV.SVC.01"))
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    question = models.TextField(_("pertanyaan"))
    question_en = models.TextField(_("pertanyaan (Inggris)"), blank=True)
    guidance = models.TextField(_("panduan"), blank=True)
    guidance_en = models.TextField(_("panduan (Inggris)"), blank=True)
    type = models.CharField(_("jenis"), max_length=10, choices=IndicatorType.choices)
    weight = models.DecimalField(
        _("bobot"), max_digits=9, decimal_places=4, default=Decimal(1), validators=POSITIVE
    )
    aspect = models.CharField(_("aspek evaluasi"), max_length=10, choices=Aspect.choices)
    unit = models.CharField(_("satuan"), max_length=50, blank=True)
    direction = models.SmallIntegerField(
        _("arah"), choices=Direction.choices, default=Direction.HIGHER_IS_BETTER
    )
    goal_min = models.DecimalField(
        _("batas bawah (goalpost)"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    goal_max = models.DecimalField(
        _("batas atas (goalpost)"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    evidence_kinds = models.JSONField(
        _("data dukung yang diminta"),
        default=list,
        blank=True,
        help_text=_("Daftar dari: document, image, link, programme"),
    )
    evidence_description = models.TextField(_("keterangan data dukung"), blank=True)
    evidence_description_en = models.TextField(_("keterangan data dukung (Inggris)"), blank=True)
    evidence_required = models.BooleanField(_("data dukung wajib"), default=False)
    allow_not_applicable = models.BooleanField(_("boleh 'tidak berlaku'"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["instrument", "element__dimension__order", "element__order", "order", "code"]
        verbose_name = _("indikator")
        verbose_name_plural = pgettext_lazy("jamak", "indikator")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="indicator_code_unique"),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="indicator_weight_positive"
            ),
        ]
        rules_permissions = ADMIN_EDITS

    def __str__(self) -> str:
        return f"{self.code}"

    def clean(self) -> None:
        """The rules between fields that the file importers apply too (schema.indicator_problems),
        and the element must belong to the same instrument."""
        values = {
            "type": self.type,
            "unit": self.unit,
            "direction": self.direction,
            "goal_min": self.goal_min,
            "goal_max": self.goal_max,
            "evidence_required": self.evidence_required,
            "evidence_kinds": self.evidence_kinds,
        }
        problems = indicator_problems(values)
        if (
            self.element_id
            and self.instrument_id
            and self.element.dimension.instrument_id != self.instrument_id
        ):
            problems["element"] = _("elemen ini milik instrumen lain")
        if problems:
            raise ValidationError(problems)

    @property
    def dimension(self) -> Dimension:
        return self.element.dimension

    @property
    def value_range(self) -> tuple[Decimal, Decimal]:
        """The range a value of this indicator may take (inclusive)."""
        if self.type == IndicatorType.LEVEL:
            return Decimal(0), Decimal(5)
        if self.type == IndicatorType.YESNO:
            return Decimal(0), Decimal(1)
        if self.type == IndicatorType.PERCENT:
            return Decimal(0), Decimal(100)
        return Decimal("-1e14"), Decimal("1e14")


class LevelDescriptor(RulesModel):
    """What a level (0–5) of a level indicator means for this indicator."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indikator"), on_delete=models.CASCADE, related_name="levels"
    )
    level = models.PositiveSmallIntegerField(
        _("tingkat"), validators=[MinValueValidator(0), MaxValueValidator(5)]
    )
    description = models.TextField(_("deskripsi"))
    description_en = models.TextField(_("deskripsi (Inggris)"), blank=True)

    class Meta:
        ordering = ["indicator", "level"]
        verbose_name = _("deskripsi tingkat")
        verbose_name_plural = pgettext_lazy("jamak", "deskripsi tingkat")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "level"], name="level_once_per_indicator"),
            models.CheckConstraint(condition=models.Q(level__lte=5), name="level_at_most_5"),
        ]
        rules_permissions = ADMIN_EDITS

    def __str__(self) -> str:
        return f"{self.indicator.code} · {self.level}"


class Crosswalk(RulesModel):
    """How the indicators of one instrument map to those of the next."""

    source = models.ForeignKey(
        Instrument, verbose_name=_("instrumen lama"), on_delete=models.CASCADE, related_name="+"
    )
    target = models.ForeignKey(
        Instrument, verbose_name=_("instrumen baru"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("crosswalk")
        verbose_name_plural = pgettext_lazy("jamak", "crosswalk")
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="crosswalk_once_per_pair"),
        ]
        rules_permissions = {**ADMIN_EDITS, "view": always_allow}

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"


class CrosswalkKind(models.TextChoices):
    SAME = "same", _("Sama")
    RENAMED = "renamed", _("Berganti nama/kode")
    RESCALED = "rescaled", _("Berganti skala")
    NEW = "new", _("Baru")
    RETIRED = "retired", _("Dihapus")


class CrosswalkEntry(RulesModel):
    """One indicator's fate between two instruments.

    ``same``/``renamed``/``rescaled`` name both codes; ``new`` only the target, ``retired`` only the
    source. ``rescale`` maps old values to new ones for ``rescaled`` (e.g. ``{"0": 0, "1": 2}`` for
    levels, or ``{"factor": 0.5, "offset": 0}`` for numbers).
    """

    crosswalk = models.ForeignKey(
        Crosswalk, verbose_name=_("crosswalk"), on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=CrosswalkKind.choices)
    source_code = models.CharField(_("kode lama"), max_length=30, blank=True)
    target_code = models.CharField(_("kode baru"), max_length=30, blank=True)
    rescale = models.JSONField(_("pemetaan skala"), null=True, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    needs_review = models.BooleanField(
        _("perlu dicek admin"),
        default=False,
        help_text=_(
            "Saran otomatis yang belum dikonfirmasi admin; tidak dipakai untuk perbandingan "
            "antartahun sampai dikonfirmasi."
        ),
    )

    class Meta:
        ordering = ["crosswalk", "source_code", "target_code"]
        verbose_name = _("entri crosswalk")
        verbose_name_plural = pgettext_lazy("jamak", "entri crosswalk")
        rules_permissions = {**ADMIN_EDITS, "view": always_allow}

    def __str__(self) -> str:
        return f"{self.source_code or '∅'} → {self.target_code or '∅'} ({self.kind})"
