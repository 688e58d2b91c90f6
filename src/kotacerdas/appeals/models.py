"""The right of reply: a reply window per cycle, one appeal per region, its items and evidence.

When a cycle is final and its results are computed, the admin opens a reply window with a
deadline. Each region may file one appeal with several items (an indicator, a reason, new
evidence); the ministry decides each item, and the decision records its effect on the region's
index and rank (the result snapshots before and after). Nothing filed is ever deleted (all foreign
keys protect), and every change is recorded by django-simple-history.
States and locks live in ``services/``; models hold data and invariants.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rules.contrib.models import RulesModel
from simple_history.models import HistoricalRecords

from kotacerdas.core.moments import wib

from .choices import AppealState, Decision, EvidenceKind, ItemCategory


class AppealWindow(RulesModel):
    """The reply window of a cycle: open from ``opened_at`` until ``deadline`` (or until an
    admin closes it early, ``closed_at``)."""

    cycle = models.OneToOneField(
        "evaluations.Cycle",
        verbose_name=_("siklus"),
        on_delete=models.PROTECT,
        related_name="appeal_window",
    )
    deadline = models.DateTimeField(_("batas sanggahan"))
    opened_at = models.DateTimeField(_("dibuka pada"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuka oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ditutup oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("masa sanggah")
        verbose_name_plural = pgettext_lazy("jamak", "masa sanggah")

    def __str__(self) -> str:
        return f"{self.cycle} · {wib(self.deadline, 'short') if self.deadline else '—'}"

    @property
    def ends_at(self):
        """When filing stopped or stops: the deadline, or the early close if sooner."""
        if self.closed_at is not None and self.closed_at < self.deadline:
            return self.closed_at
        return self.deadline

    def is_open(self, now=None) -> bool:
        return (now or timezone.now()) < self.ends_at


class Appeal(RulesModel):
    """One region's appeal against its provisional result in one cycle."""

    cycle = models.ForeignKey(
        "evaluations.Cycle",
        verbose_name=_("siklus"),
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("daerah"), on_delete=models.PROTECT, related_name="appeals"
    )
    state = models.CharField(
        _("status"), max_length=10, choices=AppealState.choices, default=AppealState.DRAFT
    )
    # The result snapshot the region saw when it submitted (the provisional result appealed).
    snapshot = models.ForeignKey(
        "results.Snapshot",
        verbose_name=_("versi hasil"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("diajukan pada"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diajukan oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["cycle", "region__code"]
        verbose_name = _("sanggahan")
        verbose_name_plural = pgettext_lazy("jamak", "sanggahan")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "region"], name="one_appeal_per_region"),
            models.CheckConstraint(
                condition=models.Q(state=AppealState.DRAFT) | models.Q(submitted_at__isnull=False),
                name="submitted_appeal_has_a_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.cycle}"

    @property
    def is_draft(self) -> bool:
        return self.state == AppealState.DRAFT


class AppealItem(RulesModel):
    """One disputed indicator: the region's reason, then the ministry's decision and its effect.

    On acceptance the indicator's final value changes (through moderation, with the reason) and
    the results are recomputed in the background (``computation``); ``*_before`` and ``*_after``
    record the region's final value, index (display scale) and national rank on either side, and
    ``ranks_changed`` how many other regions moved in the national ranking. The values and the
    "before" side are recorded with the decision; the index and rank after, once the
    computation has finished (``effect_pending`` until then).
    """

    appeal = models.ForeignKey(
        Appeal, verbose_name=_("sanggahan"), on_delete=models.PROTECT, related_name="items"
    )
    indicator = models.ForeignKey(
        "instruments.Indicator",
        verbose_name=_("indikator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.CharField(
        _("jenis alasan"), max_length=15, choices=ItemCategory.choices, default=ItemCategory.OTHER
    )
    reason = models.TextField(_("alasan sanggahan"))
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    # The decision
    decision = models.CharField(
        _("putusan"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decision_reason = models.TextField(_("alasan putusan"), blank=True)
    decided_at = models.DateTimeField(_("diputus pada"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputus oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Its effect
    value_before = models.DecimalField(
        _("nilai sebelum"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    not_applicable_before = models.BooleanField(_("tidak berlaku sebelum"), default=False)
    value_after = models.DecimalField(
        _("nilai sesudah"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    not_applicable_after = models.BooleanField(_("tidak berlaku sesudah"), default=False)
    display_before = models.FloatField(_("indeks sebelum"), null=True, blank=True)
    display_after = models.FloatField(_("indeks sesudah"), null=True, blank=True)
    rank_before = models.PositiveIntegerField(_("peringkat sebelum"), null=True, blank=True)
    rank_after = models.PositiveIntegerField(_("peringkat sesudah"), null=True, blank=True)
    ranks_changed = models.PositiveIntegerField(
        _("daerah lain yang berubah peringkat"), null=True, blank=True
    )
    snapshot_before = models.ForeignKey(
        "results.Snapshot",
        verbose_name=_("versi hasil sebelum"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    snapshot_after = models.ForeignKey(
        "results.Snapshot",
        verbose_name=_("versi hasil sesudah"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The background computation of the results after an acceptance (its effect comes from it).
    computation = models.ForeignKey(
        "results.Computation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("perhitungan hasil"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["appeal", "indicator__code"]
        verbose_name = _("butir sanggahan")
        verbose_name_plural = pgettext_lazy("jamak", "butir sanggahan")
        constraints = [
            models.UniqueConstraint(fields=["appeal", "indicator"], name="one_item_per_indicator"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="appeal_item_has_a_reason"),
            models.CheckConstraint(
                condition=models.Q(decision=Decision.PENDING)
                | (~models.Q(decision_reason="") & models.Q(decided_at__isnull=False)),
                name="decided_item_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal} · {self.indicator.code}"

    @property
    def region_id(self) -> int:
        return self.appeal.region_id

    @property
    def is_pending(self) -> bool:
        return self.decision == Decision.PENDING

    @property
    def effect_pending(self) -> bool:
        """Decided, but its effect on index and rank is still being computed."""
        return self.decision != Decision.PENDING and self.snapshot_after_id is None

    @property
    def display_change(self) -> float | None:
        if self.display_before is None or self.display_after is None:
            return None
        return round(self.display_after - self.display_before, 2)

    @property
    def rank_change(self) -> int | None:
        """Places gained (positive) or lost (negative) in the national ranking."""
        if self.rank_before is None or self.rank_after is None:
            return None
        return self.rank_before - self.rank_after


def appeal_evidence_path(instance: AppealEvidence, filename: str) -> str:
    """Storage path: appeals/<year>/<region>/<random>-<name> (the name sanitised already)."""
    appeal = instance.item.appeal
    return f"appeals/{appeal.cycle.year}/{appeal.region.code}/{filename}"


class AppealEvidence(RulesModel):
    """New evidence for an item: a file (checked as self-assessment evidence is) or a link.
    Never deleted."""

    item = models.ForeignKey(
        AppealItem,
        verbose_name=_("butir sanggahan"),
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    kind = models.CharField(_("jenis"), max_length=4, choices=EvidenceKind.choices)
    file = models.FileField(_("berkas"), upload_to=appeal_evidence_path, max_length=300, blank=True)
    original_name = models.CharField(_("nama berkas"), max_length=255, blank=True)
    content_type = models.CharField(_("tipe isi"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("ukuran (bita)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    url = models.URLField(_("tautan"), max_length=1000, blank=True)
    description = models.CharField(_("keterangan"), max_length=500, blank=True)
    uploaded_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "uploaded_at", "pk"]
        verbose_name = _("data dukung sanggahan")
        verbose_name_plural = pgettext_lazy("jamak", "data dukung sanggahan")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="file", url="") & ~models.Q(file="")
                    | models.Q(kind="link", file="") & ~models.Q(url="")
                ),
                name="appeal_evidence_is_a_file_or_a_link",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name or self.url

    @property
    def region_id(self) -> int:
        return self.item.appeal.region_id
