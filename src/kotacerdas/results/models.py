"""Stored results of a cycle: a versioned snapshot of everything the index engine produced.

A snapshot is written once by ``services/compute.py`` and never changed afterwards except to be
marked published (with its release time: the public sees it from ``released_at`` on, an embargo
when that lies ahead; ``services/published.py`` decides). A published snapshot is frozen: republishing writes a new version, so every
number that was ever public can be read again, with the engine version, the exact configuration
and the SHA-256 fingerprint of the inputs that rebuild it (COINr's ``$Log``, our ``config``).

Scores are on 0–100; the cycle's display scale (0–5 or 0–100) is applied for display only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kotacerdas.core.jobs import BackgroundJob

from .choices import ComputationPurpose, ComputationState, FlagKind, SnapshotState


class Snapshot(models.Model):
    """One computation of a cycle's results (version 1, 2, ... per cycle)."""

    cycle = models.ForeignKey(
        "evaluations.Cycle", on_delete=models.PROTECT, related_name="result_snapshots"
    )
    version = models.PositiveIntegerField(_("versi"))
    state = models.CharField(
        _("status"), max_length=10, choices=SnapshotState.choices, default=SnapshotState.COMPUTED
    )
    engine_version = models.CharField(_("versi mesin indeks"), max_length=40)
    fingerprint = models.CharField(_("sidik SHA-256 masukan"), max_length=64)
    inputs_digest = models.CharField(
        _("sidik data siklus"),
        max_length=64,
        help_text=_("SHA-256 atas nilai akhir, nilai asesor, umpan balik dan pengaturan metode."),
    )
    config = models.JSONField(_("konfigurasi"), default=dict)
    nodes = models.JSONField(
        _("simpul pohon"),
        default=list,
        help_text=_("Aspek, dimensi dan elemen: kode, nama, jenis, induk, bobot."),
    )
    indicators = models.JSONField(_("indikator"), default=list)
    summary = models.JSONField(_("ringkasan"), default=dict)
    samples = models.PositiveIntegerField(_("sampel Monte Carlo"), default=1000)
    seed = models.PositiveIntegerField(_("benih acak"), default=0)
    computed_at = models.DateTimeField(_("dihitung pada"), auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("dipublikasikan pada"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When the public sees this version (the embargo's end); set when published, never before.
    released_at = models.DateTimeField(_("dirilis ke publik pada"), null=True, blank=True)
    # When the regions' operators were told of this version's release (the "results published"
    # or "results corrected" email); set once, by ``announcements.announce_due_releases``.
    announced_at = models.DateTimeField(_("diumumkan pada"), null=True, blank=True)
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        ordering = ["cycle", "-version"]
        verbose_name = _("snapshot hasil")
        verbose_name_plural = _("snapshot hasil")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "version"], name="snapshot_version_unique"),
            models.CheckConstraint(
                condition=models.Q(
                    state=SnapshotState.COMPUTED,
                    published_at__isnull=True,
                    released_at__isnull=True,
                )
                | models.Q(
                    state=SnapshotState.PUBLISHED,
                    published_at__isnull=False,
                    released_at__isnull=False,
                ),
                name="snapshot_published_has_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · v{self.version}"

    def save(self, *args, **kwargs) -> None:
        # A published snapshot without a release time is released when published (no embargo).
        if self.state == SnapshotState.PUBLISHED and self.released_at is None:
            self.released_at = self.published_at
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "released_at"}
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.state == SnapshotState.PUBLISHED

    @property
    def is_embargoed(self) -> bool:
        """Published but not yet released to the public (its release time lies ahead)."""
        return (
            self.is_published and self.released_at is not None and self.released_at > timezone.now()
        )

    @property
    def scale(self) -> int:
        """The display scale (5 or 100) recorded with the snapshot."""
        return int(self.config.get("display_scale", 100))


class RegionResult(models.Model):
    """One region's results in one snapshot: scores at every node of both breakdowns, ranks,
    uncertainty, progress, what-if, and the settled feedback."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="regions")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    # The index on 0–100 and on the display scale, with its predicate and coverage.
    index = models.FloatField(_("indeks (0–100)"))
    display = models.FloatField(_("indeks (skala tampilan)"))
    predicate = models.CharField(_("predikat"), max_length=50, blank=True)
    coverage = models.FloatField(_("cakupan bobot terjawab"), default=1.0)
    # Competition ranks ("1224"): national, within the kind, and within the province.
    rank = models.PositiveIntegerField(_("peringkat nasional"))
    # Within the province, among its kabupaten and kota (None for a provincial government).
    rank_province = models.PositiveIntegerField(_("peringkat provinsi"), null=True, blank=True)
    rank_kind = models.PositiveIntegerField(_("peringkat menurut jenis"))
    # Monte Carlo: median rank, 5–95 % rank interval, 5–95 % score interval (0–100).
    rank_median = models.FloatField(_("median peringkat"), null=True, blank=True)
    rank_low = models.PositiveIntegerField(_("peringkat persentil 5"), null=True, blank=True)
    rank_high = models.PositiveIntegerField(_("peringkat persentil 95"), null=True, blank=True)
    score_low = models.FloatField(_("skor persentil 5"), null=True, blank=True)
    score_high = models.FloatField(_("skor persentil 95"), null=True, blank=True)
    # Progress: the official previous index (display scale) and, on the subset the crosswalk
    # makes comparable, both cycles' index with the share of weight that subset covers.
    previous_display = models.FloatField(_("indeks sebelumnya"), null=True, blank=True)
    improvement = models.FloatField(_("kenaikan"), null=True, blank=True)
    comparable_display = models.FloatField(_("indeks sebanding"), null=True, blank=True)
    comparable_previous_display = models.FloatField(
        _("indeks sebanding sebelumnya"), null=True, blank=True
    )
    comparable_coverage = models.FloatField(_("cakupan sebanding"), null=True, blank=True)
    # {node code: score 0–100} for aspects, dimensions and elements of both breakdowns.
    scores = models.JSONField(_("skor per simpul"), default=dict)
    # [{code, value, score, not_applicable, method}] the settled value of every indicator.
    values = models.JSONField(_("nilai akhir indikator"), default=list)
    # {indicator code: [note, ...]}: assessors' notes, shown to the region and admins only.
    notes = models.JSONField(_("catatan asesor"), default=dict)
    # [{code, question, question_en, from, to, gain}] the indicators whose next step adds most.
    what_if = models.JSONField(_("simulasi peningkatan"), default=list)
    # {predicate, band, index, target, gap, reachable, best, steps: [...]}: the road to the next
    # predicate band (services/nextband.py); {} in snapshots computed before it existed.
    next_band = models.JSONField(_("menuju predikat berikutnya"), default=dict)
    # {"weaknesses": [...], "strengths": [...], "recommendations": [...]}
    feedback = models.JSONField(_("umpan balik"), default=dict)
    letter_number = models.CharField(_("nomor surat"), max_length=80, blank=True)

    class Meta:
        ordering = ["snapshot", "rank", "region__code"]
        verbose_name = _("hasil daerah")
        verbose_name_plural = _("hasil daerah")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "region"], name="region_once_per_snapshot"),
        ]
        indexes = [models.Index(fields=["snapshot", "rank"], name="result_rank")]

    def __str__(self) -> str:
        return f"{self.region} · {self.snapshot}"

    def score_display(self, node: str) -> float | None:
        """A node's score on the snapshot's display scale."""
        score = self.scores.get(node)
        return None if score is None else score * self.snapshot.scale / 100


class Computation(BackgroundJob):
    """One computation of a cycle's results, done by a background task
    (``services/computation.py``): who asked, why (``purpose``), with how many Monte Carlo
    samples and which note for the snapshot; then the snapshot it wrote, or its error."""

    cycle = models.ForeignKey(
        "evaluations.Cycle", on_delete=models.CASCADE, related_name="result_computations"
    )
    state = models.CharField(
        _("status"),
        max_length=8,
        choices=ComputationState.choices,
        default=ComputationState.QUEUED,
    )
    purpose = models.CharField(
        _("keperluan"),
        max_length=10,
        choices=ComputationPurpose.choices,
        default=ComputationPurpose.COMPUTE,
    )
    samples = models.PositiveIntegerField(_("sampel Monte Carlo"), default=1000)
    # The snapshot's note: the republication's reason, or the appeal it follows.
    note = models.TextField(_("catatan"), blank=True)
    # A republication's release time (None: when published).
    release_at = models.DateTimeField(_("waktu rilis"), null=True, blank=True)
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(BackgroundJob.Meta):
        verbose_name = _("perhitungan hasil")
        verbose_name_plural = _("perhitungan hasil")

    def __str__(self) -> str:
        return f"{self.cycle} · {self.get_purpose_display()} · {self.get_state_display()}"


class FlagReview(models.Model):
    """An admin's mark that a flag of the integrity page has been looked at, with a short note
    ("sudah diklarifikasi: Perda provinsi yang sama").

    Keyed by the flag's ``fingerprint`` (``services/reviews.py``: SHA-256 of the kind and what
    the flag concerns), so the mark holds while the flag is unchanged and no longer applies once
    it changes (a new region joins a group). Un-reviewing deletes the row; the history keeps
    who marked, changed and removed it, and when."""

    cycle = models.ForeignKey(
        "evaluations.Cycle", on_delete=models.CASCADE, related_name="flag_reviews"
    )
    kind = models.CharField(_("jenis tanda"), max_length=10, choices=FlagKind.choices)
    fingerprint = models.CharField(_("sidik tanda"), max_length=64)
    note = models.CharField(_("catatan"), max_length=300)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("ditinjau pada"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["cycle", "kind", "-reviewed_at"]
        verbose_name = _("tinjauan tanda integritas")
        verbose_name_plural = _("tinjauan tanda integritas")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "fingerprint"], name="flag_review_once_per_flag"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.get_kind_display()} · {self.fingerprint[:12]}"
