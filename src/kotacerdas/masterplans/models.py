"""A region's smart city masterplan and what it plans: programmes with their budgets per year,
KPIs with targets and realisations per year, quick-win years, and evidence.

Dimensions, elements and programme kinds are the national codes of ``core/taxonomy.py``, the
same codes every year's instrument uses, so programmes line up with any cycle's indicators.
Money is in whole rupiah. Every model keeps its history (django-simple-history); evidence is
never deleted (a replacement points at what it replaces). Cross-row rules (years inside the
masterplan's period) are in ``clean()``, which forms, services and the XLSX importer all call.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kotacerdas.core.taxonomy import DimensionCode, ElementCode, ProgramKind, element_label

from .choices import (
    AttachmentKind,
    KpiDirection,
    LegalBasisKind,
    MasterplanStatus,
    ProgrammeStatus,
)

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]
MAX_PERIOD_YEARS = 10
CODE_HELP = _("Huruf, angka, titik, garis bawah atau tanda hubung; mis. GOV-01")


def money_field(verbose_name) -> models.DecimalField:
    """Whole rupiah, never negative (checked by the validator and a database constraint)."""
    return models.DecimalField(
        verbose_name,
        max_digits=18,
        decimal_places=0,
        default=0,
        validators=[MinValueValidator(0)],
    )


def check_year_in_period(year: int | None, masterplan: Masterplan, field: str) -> None:
    """ValidationError on ``field`` unless ``year`` lies in the masterplan's period."""
    if year is None or masterplan is None:
        return
    if not masterplan.start_year <= year <= masterplan.end_year:
        raise ValidationError(
            {
                field: _("Tahun %(year)s di luar periode masterplan %(start)s–%(end)s.")
                % {"year": year, "start": masterplan.start_year, "end": masterplan.end_year}
            }
        )


class Masterplan(models.Model):
    """A region's smart city masterplan for a period, on its legal basis (e.g. a Perda)."""

    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("daerah"),
        on_delete=models.PROTECT,
        related_name="masterplans",
    )
    title = models.CharField(_("judul"), max_length=300)
    start_year = models.PositiveSmallIntegerField(_("tahun awal"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("tahun akhir"), validators=YEAR_VALIDATORS)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MasterplanStatus.choices,
        default=MasterplanStatus.DRAFT,
    )
    legal_basis_kind = models.CharField(
        _("jenis dasar hukum"), max_length=10, choices=LegalBasisKind.choices, blank=True
    )
    legal_basis_number = models.CharField(_("nomor dasar hukum"), max_length=50, blank=True)
    legal_basis_year = models.PositiveSmallIntegerField(
        _("tahun dasar hukum"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    legal_basis_title = models.CharField(_("tentang"), max_length=300, blank=True)
    summary = models.TextField(_("ringkasan"), blank=True)
    internal_notes = models.TextField(
        _("catatan internal"), blank=True, help_text=_("Tidak pernah ditampilkan kepada publik.")
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["region__code", "-start_year"]
        verbose_name = _("masterplan")
        verbose_name_plural = _("masterplan")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "start_year"], name="masterplan_once_per_region_and_start"
            ),
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="masterplan_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.start_year}–{self.end_year})"

    def get_absolute_url(self) -> str:
        return reverse("masterplans:detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.start_year and self.end_year:
            if self.end_year < self.start_year:
                raise ValidationError(
                    {"end_year": _("Tahun akhir tidak boleh sebelum tahun awal.")}
                )
            if self.end_year - self.start_year + 1 > MAX_PERIOD_YEARS:
                raise ValidationError(
                    {
                        "end_year": _("Periode masterplan paling lama %(n)d tahun.")
                        % {"n": MAX_PERIOD_YEARS}
                    }
                )

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))

    @property
    def legal_basis(self) -> str:
        """``Perda No. 1 Tahun 2019 tentang ...`` or an empty string."""
        if not self.legal_basis_kind:
            return ""
        kind = LegalBasisKind(self.legal_basis_kind).label
        short = kind[kind.find("(") + 1 : kind.find(")")] if "(" in kind else kind
        text = short
        if self.legal_basis_number:
            text += f" No. {self.legal_basis_number}"
        if self.legal_basis_year:
            text += f" Tahun {self.legal_basis_year}"
        if self.legal_basis_title:
            text += f" tentang {self.legal_basis_title}"
        return text


class Programme(models.Model):
    """One programme of a masterplan: what, where in the framework, who, when, and status."""

    masterplan = models.ForeignKey(Masterplan, on_delete=models.PROTECT, related_name="programmes")
    code = models.SlugField(_("kode"), max_length=30, help_text=CODE_HELP)
    name = models.CharField(_("nama program"), max_length=300)
    description = models.TextField(_("uraian"), blank=True)
    dimension = models.CharField(_("dimensi"), max_length=3, choices=DimensionCode.choices)
    element = models.CharField(_("elemen"), max_length=7, choices=ElementCode.choices)
    kind = models.CharField(_("jenis program"), max_length=15, choices=ProgramKind.choices)
    agency = models.CharField(_("perangkat daerah (OPD) penanggung jawab"), max_length=200)
    start_year = models.PositiveSmallIntegerField(
        _("tahun mulai rencana"), validators=YEAR_VALIDATORS
    )
    end_year = models.PositiveSmallIntegerField(
        _("tahun selesai rencana"), validators=YEAR_VALIDATORS
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ProgrammeStatus.choices,
        default=ProgrammeStatus.PLANNED,
    )
    published = models.BooleanField(
        _("dipublikasikan"),
        default=False,
        help_text=_("Kolom publik program ini tampil di katalog nasional dan halaman publik."),
    )
    internal_notes = models.TextField(
        _("catatan internal"), blank=True, help_text=_("Tidak pernah ditampilkan kepada publik.")
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["masterplan", "dimension", "code"]
        verbose_name = _("program")
        verbose_name_plural = _("program")
        constraints = [
            models.UniqueConstraint(
                fields=["masterplan", "code"], name="programme_code_once_per_masterplan"
            ),
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="programme_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("masterplans:programme", args=[self.pk])

    @property
    def region_id(self) -> int:
        """The region the programme belongs to (so region predicates apply to it)."""
        return self.masterplan.region_id

    @property
    def planned_years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))

    @property
    def element_label(self) -> str:
        """The framework element's name in the reader's language (the official Indonesian
        name, or its English name on English pages)."""
        return element_label(self.element)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list] = {}
        if self.element and self.dimension and not self.element.startswith(f"{self.dimension}."):
            errors.setdefault("element", []).append(
                _("Elemen %(element)s bukan bagian dari dimensi %(dimension)s.")
                % {"element": self.element, "dimension": self.dimension}
            )
        if self.start_year and self.end_year and self.end_year < self.start_year:
            errors.setdefault("end_year", []).append(
                _("Tahun selesai tidak boleh sebelum tahun mulai.")
            )
        # The importer validates against a masterplan it has not saved yet.
        masterplan = self.masterplan if Programme.masterplan.is_cached(self) else None
        if masterplan is None and self.masterplan_id:
            masterplan = self.masterplan
        for field in ("start_year", "end_year"):
            try:
                check_year_in_period(getattr(self, field), masterplan, field)
            except ValidationError as error:
                errors.setdefault(field, []).extend(error.message_dict[field])
        if errors:
            raise ValidationError(errors)


class Budget(models.Model):
    """A programme's budget for one year: planned and realised, in whole rupiah."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="budgets")
    year = models.PositiveSmallIntegerField(_("tahun"), validators=YEAR_VALIDATORS)
    planned = money_field(_("anggaran rencana (Rp)"))
    realised = money_field(_("realisasi (Rp)"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "year"]
        verbose_name = _("anggaran")
        verbose_name_plural = _("anggaran")
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="budget_once_per_year"),
            models.CheckConstraint(
                condition=models.Q(planned__gte=0) & models.Q(realised__gte=0),
                name="budget_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.year}"

    @property
    def overrun(self) -> bool:
        """Realisation above plan: allowed, but shown as a warning."""
        return self.realised > self.planned

    def clean(self) -> None:
        super().clean()
        if self.programme_id:
            check_year_in_period(self.year, self.programme.masterplan, "year")


class Kpi(models.Model):
    """A key performance indicator of a programme, with a target and realisation per year."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="kpis")
    code = models.SlugField(_("kode IKU"), max_length=30, help_text=CODE_HELP)
    name = models.CharField(_("nama IKU"), max_length=300)
    unit = models.CharField(_("satuan"), max_length=50)
    direction = models.CharField(
        _("arah"), max_length=4, choices=KpiDirection.choices, default=KpiDirection.UP
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "code"]
        verbose_name = _("indikator kinerja utama (IKU)")
        verbose_name_plural = _("indikator kinerja utama (IKU)")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "code"], name="kpi_code_once_per_programme"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class KpiValue(models.Model):
    """A KPI's target and (once known) realisation in one year."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(_("tahun"), validators=YEAR_VALIDATORS)
    target = models.DecimalField(_("target"), max_digits=20, decimal_places=4)
    realisation = models.DecimalField(
        _("realisasi"), max_digits=20, decimal_places=4, null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi", "year"]
        verbose_name = _("target dan realisasi IKU")
        verbose_name_plural = _("target dan realisasi IKU")
        constraints = [
            models.UniqueConstraint(fields=["kpi", "year"], name="kpi_value_once_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.kpi.code} {self.year}"

    @property
    def achieved(self) -> bool | None:
        """Whether the realisation reaches the target in the KPI's direction (None: not known)."""
        if self.realisation is None:
            return None
        if self.kpi.direction == KpiDirection.DOWN:
            return self.realisation <= self.target
        return self.realisation >= self.target

    def clean(self) -> None:
        super().clean()
        if self.kpi_id:
            check_year_in_period(self.year, self.kpi.programme.masterplan, "year")


class QuickWin(models.Model):
    """A year in which a programme is one of the region's quick wins."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="quick_wins")
    year = models.PositiveSmallIntegerField(_("tahun quick win"), validators=YEAR_VALIDATORS)

    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "programme"]
        verbose_name = _("quick win")
        verbose_name_plural = _("quick win")
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="quick_win_once_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.year}"

    def clean(self) -> None:
        super().clean()
        if self.programme_id:
            check_year_in_period(self.year, self.programme.masterplan, "year")


def attachment_path(instance: Attachment, filename: str) -> str:
    """Storage path: masterplans/<region code>/<masterplan id>/<random prefix>-<safe name>."""
    masterplan = instance.masterplan
    return f"masterplans/{masterplan.region.code}/{masterplan.pk}/{filename}"


class Attachment(models.Model):
    """A document of a masterplan, or evidence of one of its programmes: a file or a link.

    Never deleted and never public. Replacing one adds a row whose ``replaces`` points at the old
    one; the old one is marked ``superseded`` and stays downloadable from the history.
    """

    masterplan = models.ForeignKey(Masterplan, on_delete=models.PROTECT, related_name="attachments")
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        help_text=_("Kosong untuk dokumen masterplan"),
    )
    kind = models.CharField(_("jenis"), max_length=4, choices=AttachmentKind.choices)
    file = models.FileField(_("berkas"), upload_to=attachment_path, max_length=300, blank=True)
    original_name = models.CharField(_("nama berkas"), max_length=255, blank=True)
    content_type = models.CharField(_("tipe isi"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("ukuran (bita)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    url = models.URLField(_("tautan"), max_length=1000, blank=True)
    description = models.CharField(_("keterangan"), max_length=500, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("menggantikan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    superseded = models.BooleanField(_("sudah diganti"), default=False)
    uploaded_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["masterplan", "programme", "uploaded_at", "pk"]
        verbose_name = _("lampiran")
        verbose_name_plural = _("lampiran")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="file", url="") & ~models.Q(file="")
                    | models.Q(kind="link", file="") & ~models.Q(url="")
                ),
                name="attachment_is_a_file_or_a_link",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name or self.url

    def get_absolute_url(self) -> str:
        return reverse("masterplans:attachment_download", args=[self.pk])

    @property
    def region_id(self) -> int:
        return self.masterplan.region_id


class ProgrammeCitation(models.Model):
    """A programme cited as evidence for one answer of the region's self-assessment."""

    answer = models.ForeignKey(
        "evaluations.Answer", on_delete=models.CASCADE, related_name="programme_citations"
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="citations")
    cited_at = models.DateTimeField(_("dikutip pada"), auto_now_add=True)
    cited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["answer", "programme__code"]
        verbose_name = _("program yang dikutip")
        verbose_name_plural = _("program yang dikutip")
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "programme"], name="programme_cited_once_per_answer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.answer} ← {self.programme.code}"
