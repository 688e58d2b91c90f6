"""The yearly evaluation: cycle, enrolment and self-assessment, evidence, assessors' scores,
virtual sessions, moderation and final values.

Layers are kept apart, as in COINr: what the region answered (Answer) → what each assessor scored
(Score) → the settled value (FinalValue). Nothing a region submitted is deleted: evidence that is
replaced stays, marked as superseded. Every change is recorded by django-simple-history.
State transitions and locks live in ``services/``; models only hold data and invariants.
"""

from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModel
from simple_history.models import HistoricalRecords

from kotacerdas.accounts.predicates import is_admin
from kotacerdas.core.jobs import BackgroundJob
from kotacerdas.core.moments import wib


def default_predicate_bands() -> list[dict]:
    """The default predicate bands on the 0–5 display scale (borrowed from SPBE)."""
    return [
        {"label": "Memuaskan", "min": 4.2},
        {"label": "Sangat Baik", "min": 3.5},
        {"label": "Baik", "min": 2.6},
        {"label": "Cukup", "min": 1.8},
        {"label": "Kurang", "min": 0},
    ]


class CycleState(models.TextChoices):
    DRAFT = "draft", _("Draf")
    OPEN = "open", _("Penilaian mandiri")
    REVIEW = "review", _("Penilaian asesor")
    MODERATION = "moderation", _("Moderasi")
    FINAL = "final", _("Final")
    PUBLISHED = "published", _("Dipublikasikan")
    ARCHIVED = "archived", _("Diarsipkan")


class AggregationTree(models.TextChoices):
    ASPECTS = "aspects", _("Aspek evaluasi (Baseline, Output, Outcome, Impact, Quick Win)")
    DIMENSIONS = "dimensions", _("Dimensi → elemen")


class AggregationMethod(models.TextChoices):
    ARITHMETIC = "arithmetic", _("Rata-rata aritmetika berbobot")
    GEOMETRIC = "geometric", _("Rata-rata geometrik berbobot")


class MissingPolicy(models.TextChoices):
    ZERO = "zero", _("Jawaban kosong bernilai 0")
    EXCLUDE = "exclude", _("Jawaban kosong dikeluarkan, bobot dinormalkan ulang")


class FinalRule(models.TextChoices):
    MEAN = "mean", _("Rata-rata nilai asesor")
    MEDIAN = "median", _("Median nilai asesor")


class DisplayScale(models.IntegerChoices):
    FIVE = 5, _("0–5 (Indeks Pencapaian)")
    HUNDRED = 100, _("0–100")


class Cycle(RulesModel):
    """One year's evaluation with its own instrument and method settings."""

    year = models.PositiveSmallIntegerField(_("tahun"), unique=True)
    name = models.CharField(_("nama"), max_length=200)
    instrument = models.OneToOneField(
        "instruments.Instrument",
        verbose_name=_("instrumen"),
        on_delete=models.PROTECT,
        related_name="cycle",
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("siklus sebelumnya"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_cycles",
    )
    state = models.CharField(
        _("tahap"), max_length=12, choices=CycleState.choices, default=CycleState.DRAFT
    )
    # Schedule
    opens_on = models.DateField(_("penilaian mandiri dibuka"), null=True, blank=True)
    submission_deadline = models.DateTimeField(_("batas penilaian mandiri"), null=True, blank=True)
    review_deadline = models.DateTimeField(_("batas penilaian asesor"), null=True, blank=True)
    moderation_deadline = models.DateTimeField(_("batas moderasi"), null=True, blank=True)
    publication_date = models.DateField(_("rencana publikasi"), null=True, blank=True)
    # Method
    aggregate_along = models.CharField(
        _("agregasi menurut"),
        max_length=10,
        choices=AggregationTree.choices,
        default=AggregationTree.ASPECTS,
    )
    aggregation = models.CharField(
        _("metode agregasi"),
        max_length=10,
        choices=AggregationMethod.choices,
        default=AggregationMethod.ARITHMETIC,
    )
    missing_policy = models.CharField(
        _("jawaban kosong"),
        max_length=10,
        choices=MissingPolicy.choices,
        default=MissingPolicy.ZERO,
    )
    final_rule = models.CharField(
        _("nilai akhir tanpa perbedaan"),
        max_length=6,
        choices=FinalRule.choices,
        default=FinalRule.MEAN,
    )
    display_scale = models.PositiveSmallIntegerField(
        _("skala tampilan"), choices=DisplayScale.choices, default=DisplayScale.FIVE
    )
    predicate_bands = models.JSONField(
        _("predikat"),
        default=default_predicate_bands,
        help_text=_("Daftar {label, min} pada skala tampilan, dari yang tertinggi."),
    )
    disagreement_levels = models.DecimalField(
        _("selisih tingkat untuk moderasi"), max_digits=4, decimal_places=2, default=Decimal(2)
    )
    disagreement_points = models.DecimalField(
        _("selisih poin (0–100) untuk moderasi"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(20),
    )
    min_assessors = models.PositiveSmallIntegerField(
        _("asesor minimal per daerah"), default=2, validators=[MinValueValidator(1)]
    )
    published_at = models.DateTimeField(_("dipublikasikan pada"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("siklus evaluasi")
        verbose_name_plural = pgettext_lazy("jamak", "siklus evaluasi")
        rules_permissions = {
            "view": is_admin,
            "add": is_admin,
            "change": is_admin,
            "delete": is_admin,
        }

    def __str__(self) -> str:
        return self.name or str(self.year)


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("Sedang diisi")
    SUBMITTED = "submitted", _("Dikirim")
    RETURNED = "returned", _("Dikembalikan")


class Submission(RulesModel):
    """A region's enrolment in a cycle and its self-assessment (one per cycle and region)."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("siklus"), on_delete=models.PROTECT, related_name="submissions"
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("daerah"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    state = models.CharField(
        _("status"), max_length=10, choices=SubmissionState.choices, default=SubmissionState.DRAFT
    )
    enrolled_at = models.DateTimeField(_("didaftarkan"), auto_now_add=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("didaftarkan oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("dikirim pada"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dikirim oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("dikembalikan pada"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dikembalikan oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    return_reason = models.TextField(_("alasan pengembalian"), blank=True)
    # A later deadline for this region alone (services/extensions.py); the cycle's deadline binds
    # the others. Empty when none was granted or it was cancelled (the history keeps both).
    deadline_extended_to = models.DateTimeField(
        _("batas waktu diperpanjang sampai"), null=True, blank=True
    )
    extension_reason = models.TextField(_("alasan perpanjangan"), blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diperpanjang oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    extended_at = models.DateTimeField(_("diperpanjang pada"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["cycle", "region__code"]
        verbose_name = _("penilaian mandiri")
        verbose_name_plural = pgettext_lazy("jamak", "penilaian mandiri")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "region"], name="one_submission_per_region"),
            # An extension always has its reason and its moment; no extension leaves neither.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        deadline_extended_to__isnull=True,
                        extension_reason="",
                        extended_at__isnull=True,
                    )
                    | (
                        models.Q(deadline_extended_to__isnull=False, extended_at__isnull=False)
                        & ~models.Q(extension_reason="")
                    )
                ),
                name="submission_extension_is_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.cycle.year}"


#: ``Reminder.kind`` of a reminder an admin sent; automatic ones are named by their schedule step.
MANUAL_REMINDER = "manual"


class Reminder(RulesModel):
    """A reminder emailed to a region's operators that its self-assessment is not sent yet
    (``services.reminders``). ``kind`` is the schedule step of an automatic reminder, the days
    before the deadline as text ("7", "3", "1"), or ``manual`` for one an admin sent. An
    automatic step is recorded once per submission (a database constraint), so that two runs of
    ``kotacerdas send_reminders`` never send it twice for the same deadline (an extended
    deadline starts the schedule again); manual reminders may repeat (the service
    allows one per 24 hours). A row is written only when the email went to at least one
    operator. Never changed afterwards."""

    submission = models.ForeignKey(
        Submission,
        verbose_name=_("penilaian mandiri"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(_("jenis"), max_length=10)
    sent_at = models.DateTimeField(_("dikirim pada"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dikirim oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recipients = models.PositiveSmallIntegerField(_("jumlah penerima"), default=0)
    # The deadline the reminder announced: a step counts for that deadline only, so a region
    # whose deadline is extended is reminded again before its new one.
    deadline = models.DateTimeField(_("batas yang diingatkan"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("pengingat")
        verbose_name_plural = pgettext_lazy("jamak", "pengingat")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "kind", "deadline"],
                condition=~models.Q(kind=MANUAL_REMINDER),
                name="automatic_reminder_once",
            ),
        ]
        indexes = [models.Index(fields=["submission", "kind", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.submission} · {self.kind}"

    @property
    def is_manual(self) -> bool:
        return self.kind == MANUAL_REMINDER


class Answer(RulesModel):
    """A region's answer to one indicator. ``version`` guards against stale saves."""

    submission = models.ForeignKey(
        Submission,
        verbose_name=_("penilaian mandiri"),
        on_delete=models.PROTECT,
        related_name="answers",
    )
    indicator = models.ForeignKey(
        "instruments.Indicator",
        verbose_name=_("indikator"),
        on_delete=models.PROTECT,
        related_name="answers",
    )
    value = models.DecimalField(_("nilai"), max_digits=20, decimal_places=6, null=True, blank=True)
    not_applicable = models.BooleanField(_("tidak berlaku"), default=False)
    justification = models.TextField(_("penjelasan"), blank=True)
    version = models.PositiveIntegerField(_("versi"), default=1)
    updated_at = models.DateTimeField(_("diperbarui pada"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diperbarui oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jawaban")
        verbose_name_plural = pgettext_lazy("jamak", "jawaban")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "indicator"], name="one_answer_per_indicator"
            ),
            models.CheckConstraint(
                condition=models.Q(not_applicable=False) | models.Q(value__isnull=True),
                name="answer_not_applicable_has_no_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission} · {self.indicator.code}"

    @property
    def is_answered(self) -> bool:
        return self.not_applicable or self.value is not None


def evidence_path(instance: "Evidence", filename: str) -> str:
    """Storage path: cycle/region/uuid-name. The name is sanitised by the evidence service."""
    submission = instance.submission
    return f"evidence/{submission.cycle.year}/{submission.region.code}/{filename}"


class EvidenceKindStored(models.TextChoices):
    FILE = "file", _("Berkas")
    LINK = "link", _("Tautan")


class Evidence(RulesModel):
    """A file or link supporting a region's answer ("data dukung").

    Never deleted. Replacing evidence creates a new row whose ``replaces`` points at the old one;
    the old one gets ``superseded=True`` and stays readable in the history.
    """

    submission = models.ForeignKey(
        Submission,
        verbose_name=_("penilaian mandiri"),
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    indicator = models.ForeignKey(
        "instruments.Indicator",
        verbose_name=_("indikator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        help_text=_("Kosong untuk data dukung umum"),
    )
    kind = models.CharField(_("jenis"), max_length=4, choices=EvidenceKindStored.choices)
    file = models.FileField(_("berkas"), upload_to=evidence_path, max_length=300, blank=True)
    original_name = models.CharField(_("nama berkas"), max_length=255, blank=True)
    content_type = models.CharField(_("tipe isi"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("ukuran (bita)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    url = models.URLField(_("tautan"), max_length=1000, blank=True)
    description = models.CharField(_("keterangan"), max_length=500, blank=True)
    valid_until = models.DateField(
        _("berlaku sampai"),
        null=True,
        blank=True,
        help_text=_("Untuk SK, sertifikat, MoU dan dokumen lain yang punya masa berlaku"),
    )
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
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["submission", "indicator", "uploaded_at"]
        verbose_name = _("data dukung")
        verbose_name_plural = pgettext_lazy("jamak", "data dukung")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="file", url="") & ~models.Q(file="")
                    | models.Q(kind="link", file="") & ~models.Q(url="")
                ),
                name="evidence_is_a_file_or_a_link",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name or self.url

    def get_absolute_url(self) -> str:
        return reverse("evaluations:evidence_download", args=[self.pk])


def link_archive_path(instance: "LinkCheck", filename: str) -> str:
    """Storage path of a link's archived copy: link-archive/cycle/region/name (name chosen by
    the link-check service)."""
    submission = instance.evidence.submission
    return f"link-archive/{submission.cycle.year}/{submission.region.code}/{filename}"


class LinkCheckState(models.TextChoices):
    QUEUED = "queued", _("Menunggu")
    RUNNING = "running", _("Berjalan")
    DONE = "done", _("Selesai")
    STALE = "stale", _("Terhenti")


# A check still queued or running this long after it was asked for will not finish: its worker
# died, or no worker runs. It is shown as stale, and a new request replaces it
# (``services.links.request_check``). A real check ends within ``links.TIMEOUT`` (10 s) of the
# worker taking it; the margin covers a queue that is busy with reports and computations.
LINK_CHECK_STALE_AFTER = timedelta(minutes=15)


def stale_reason() -> str:
    """Why a stale check has no result, in the active language."""
    minutes = int(LINK_CHECK_STALE_AFTER.total_seconds() // 60)
    return gettext(
        "pemeriksaan tidak selesai dalam %(minutes)d menit (pekerja latar belakang berhenti?)"
    ) % {"minutes": minutes}


class LinkCheck(RulesModel):
    """One check of a link given as evidence: the server fetched the URL (in the background,
    ``evaluations.services.links``) and recorded what came back, with a copy of the content.

    Never deleted: every check is its own row, the newest is the one shown; ``error`` says why a
    link could not be reached (then there is no copy).

    Not a ``core.jobs.BackgroundJob``, on purpose: although a worker carries it out, the row is
    the record of what the link answered on a day (evidence for the assessor, kept with its
    history and shown in the API), not a job the admin watches and restarts. An unreachable link
    is a result (``done`` with ``error``), never a failed job, so it has no ``failed`` or
    ``stopped`` state and no started/finished/updated times; who asked and when are
    ``requested_by``/``requested_at``, and ``error`` is the short reason shown next to the link.
    Its worker claims it with the same conditional update as ``jobs.claim`` (queued to running,
    once), in ``services.links.run``. A check that never finished (its worker died) is ``stale``
    once ``LINK_CHECK_STALE_AFTER`` has passed since it was asked for (``is_stale``); a new
    request then records it as ``stale``, with the reason in ``error``, and is not blocked by it.
    """

    evidence = models.ForeignKey(
        Evidence,
        verbose_name=_("data dukung"),
        on_delete=models.PROTECT,
        related_name="link_checks",
    )
    state = models.CharField(
        _("status"), max_length=8, choices=LinkCheckState.choices, default=LinkCheckState.QUEUED
    )
    requested_at = models.DateTimeField(_("diminta"), auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diminta oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("diperiksa"), null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(_("kode HTTP"), null=True, blank=True)
    final_url = models.URLField(_("tautan akhir"), max_length=1000, blank=True)
    content_type = models.CharField(_("tipe isi"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("ukuran (bita)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    archive = models.FileField(
        _("salinan arsip"), upload_to=link_archive_path, max_length=300, blank=True
    )
    error = models.CharField(_("kesalahan"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("pemeriksaan tautan")
        verbose_name_plural = pgettext_lazy("jamak", "pemeriksaan tautan")

    def __str__(self) -> str:
        return f"{self.evidence} · {self.get_state_display()}"

    @property
    def is_stale(self) -> bool:
        """Will not finish: recorded ``stale``, or still queued/running
        ``LINK_CHECK_STALE_AFTER`` after it was asked for."""
        if self.state == LinkCheckState.STALE:
            return True
        return (
            self.state in (LinkCheckState.QUEUED, LinkCheckState.RUNNING)
            and self.requested_at is not None
            and timezone.now() - self.requested_at >= LINK_CHECK_STALE_AFTER
        )

    @property
    def shown_state(self) -> str:
        """The state to show (UI, API): ``stale`` for a check that will not finish, else its
        recorded state."""
        return LinkCheckState.STALE if self.is_stale else self.state

    @property
    def shown_error(self) -> str:
        """``error``, or for a stale check that no request has replaced yet, why it is stale."""
        if self.error or not self.is_stale:
            return self.error
        return stale_reason()

    @property
    def reachable(self) -> bool:
        """Checked and answered with a status below 400 (``error`` may still say why there is
        no copy, e.g. the content was too large)."""
        return (
            self.state == LinkCheckState.DONE
            and self.status_code is not None
            and self.status_code < 400
        )

    @property
    def status_text(self) -> str:
        """The status code with its reason phrase ("200 OK", "404 Not Found"), or ""."""
        if self.status_code is None:
            return ""
        try:
            return f"{self.status_code} {HTTPStatus(self.status_code).phrase}"
        except ValueError:
            return str(self.status_code)


class Assignment(RulesModel):
    """An assessor assigned to review one region in one cycle, with the assessor's own
    written judgement of the region and the notes of the interview."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("siklus"), on_delete=models.PROTECT, related_name="assignments"
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("daerah"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asesor"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    assigned_at = models.DateTimeField(_("ditugaskan pada"), auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ditugaskan oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    weaknesses = models.TextField(_("kelemahan"), blank=True, help_text=_("Satu butir per baris"))
    strengths = models.TextField(_("kekuatan"), blank=True, help_text=_("Satu butir per baris"))
    recommendations = models.TextField(
        _("rekomendasi"), blank=True, help_text=_("Satu butir per baris")
    )
    interview_notes = models.TextField(_("catatan wawancara"), blank=True)
    # Version of the written judgement above (0: never saved); guards against stale saves.
    version = models.PositiveIntegerField(_("versi"), default=0)
    completed_at = models.DateTimeField(_("selesai dinilai"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["cycle", "region__code", "assessor__username"]
        verbose_name = _("penugasan asesor")
        verbose_name_plural = pgettext_lazy("jamak", "penugasan asesor")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "region", "assessor"], name="assessor_once_per_region"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessor} → {self.region} ({self.cycle.year})"


class ConflictOfInterest(RulesModel):
    """An assessor may not review this region (e.g. own province, former employer)."""

    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asesor"),
        on_delete=models.CASCADE,
        related_name="conflicts",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("daerah"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("alasan"), max_length=300)
    declared_at = models.DateTimeField(_("dinyatakan pada"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("konflik kepentingan")
        verbose_name_plural = pgettext_lazy("jamak", "konflik kepentingan")
        constraints = [
            models.UniqueConstraint(fields=["assessor", "region"], name="conflict_once"),
        ]

    def __str__(self) -> str:
        return f"{self.assessor} ✕ {self.region}"


class Score(RulesModel):
    """One assessor's value for one indicator of one region, with a note."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("penugasan asesor"),
        on_delete=models.PROTECT,
        related_name="scores",
    )
    indicator = models.ForeignKey(
        "instruments.Indicator",
        verbose_name=_("indikator"),
        on_delete=models.PROTECT,
        related_name="scores",
    )
    value = models.DecimalField(_("nilai"), max_digits=20, decimal_places=6, null=True, blank=True)
    not_applicable = models.BooleanField(_("tidak berlaku"), default=False)
    note = models.TextField(_("catatan"), blank=True)
    evidence_missing = models.BooleanField(_("data dukung kurang"), default=False)
    version = models.PositiveIntegerField(_("versi"), default=1)
    updated_at = models.DateTimeField(_("diperbarui pada"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nilai asesor")
        verbose_name_plural = pgettext_lazy("jamak", "nilai asesor")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "indicator"], name="one_score_per_indicator"
            ),
            models.CheckConstraint(
                condition=models.Q(not_applicable=False) | models.Q(value__isnull=True),
                name="score_not_applicable_has_no_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.indicator.code}"


class VirtualSession(RulesModel):
    """The interview of one region in one cycle (usually a video call)."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("siklus"), on_delete=models.PROTECT, related_name="sessions"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("daerah"), on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("mulai"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("durasi (menit)"), default=90, validators=[MinValueValidator(15), MaxValueValidator(600)]
    )
    meeting_url = models.URLField(_("tautan rapat"), max_length=500, blank=True)
    location = models.CharField(_("tempat (jika tatap muka)"), max_length=200, blank=True)
    assessors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("asesor"), related_name="virtual_sessions"
    )
    note = models.TextField(_("catatan"), blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dijadwalkan oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # iCalendar SEQUENCE: 0 when first scheduled, +1 on every reschedule, so calendar clients
    # replace the old invitation (same UID) instead of adding a second one.
    sequence = models.PositiveIntegerField(_("revisi jadwal"), default=0)
    updated_at = models.DateTimeField(_("diperbarui pada"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[assessors])

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("sesi evaluasi")
        verbose_name_plural = pgettext_lazy("jamak", "sesi evaluasi")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "region"], name="one_session_per_region"),
        ]

    def __str__(self) -> str:
        return f"{self.region} · {wib(self.starts_at, 'short') if self.starts_at else '—'}"


class FinalMethod(models.TextChoices):
    MEAN = "mean", _("Rata-rata asesor")
    MEDIAN = "median", _("Median asesor")
    MODERATED = "moderated", _("Diputuskan moderator")


class FinalValue(RulesModel):
    """The settled value of one indicator for one region: the assessors' mean (or median), or
    the moderator's decision with its reason."""

    submission = models.ForeignKey(
        Submission,
        verbose_name=_("penilaian mandiri"),
        on_delete=models.PROTECT,
        related_name="finals",
    )
    indicator = models.ForeignKey(
        "instruments.Indicator",
        verbose_name=_("indikator"),
        on_delete=models.PROTECT,
        related_name="finals",
    )
    value = models.DecimalField(_("nilai"), max_digits=20, decimal_places=6, null=True, blank=True)
    not_applicable = models.BooleanField(_("tidak berlaku"), default=False)
    method = models.CharField(_("cara"), max_length=10, choices=FinalMethod.choices)
    reason = models.TextField(_("alasan"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ditetapkan oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("ditetapkan pada"), auto_now=True)
    version = models.PositiveIntegerField(_("versi"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nilai akhir")
        verbose_name_plural = pgettext_lazy("jamak", "nilai akhir")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "indicator"], name="one_final_per_indicator"
            ),
            models.CheckConstraint(
                condition=~models.Q(method="moderated") | ~models.Q(reason=""),
                name="moderated_final_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission} · {self.indicator.code} = {self.value}"


class Feedback(RulesModel):
    """The region's settled weaknesses, strengths and recommendations (one item per line),
    drawn from its assessors' texts in moderation. Published with the results."""

    submission = models.OneToOneField(
        Submission,
        verbose_name=_("penilaian mandiri"),
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    weaknesses = models.TextField(_("kelemahan"), blank=True)
    strengths = models.TextField(_("kekuatan"), blank=True)
    recommendations = models.TextField(_("rekomendasi"), blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ditetapkan oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    settled_at = models.DateTimeField(_("ditetapkan pada"), auto_now=True)
    # Guards the moderator's text against stale saves (0: never settled).
    version = models.PositiveIntegerField(_("versi"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("umpan balik")
        verbose_name_plural = pgettext_lazy("jamak", "umpan balik")

    def __str__(self) -> str:
        return f"{self.submission}"


class PreparationState(models.TextChoices):
    QUEUED = "queued", _("Dalam antrean")
    RUNNING = "running", _("Sedang disiapkan")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")
    STOPPED = "stopped", _("Dihentikan")


class ModerationPreparation(BackgroundJob):
    """One run of the preparation of moderation (the automatic final values of every submitted
    region), done by a background task. ``done`` of ``total`` regions tells the admin how far it
    is; the cycle's newest run decides whether moderation is open for decisions."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="preparations")
    state = models.CharField(
        _("status"),
        max_length=8,
        choices=PreparationState.choices,
        default=PreparationState.QUEUED,
    )
    total = models.PositiveIntegerField(_("jumlah daerah"), default=0)
    done = models.PositiveIntegerField(_("daerah selesai"), default=0)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("persiapan moderasi")
        verbose_name_plural = pgettext_lazy("jamak", "persiapan moderasi")

    def __str__(self) -> str:
        return f"{self.cycle} · {self.get_state_display()}"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


# --- Calibration of assessors on gold-standard cases (services/calibration.py) ------------------


class CalibrationState(models.TextChoices):
    DRAFT = "draft", _("Draf")
    OPEN = "open", _("Dibuka")
    CLOSED = "closed", _("Ditutup")


#: Share of cases an assessor must score within one level of the gold level to pass.
DEFAULT_PASS_THRESHOLD = Decimal("0.80")


class CalibrationRound(RulesModel):
    """A calibration round of a cycle: assessors score the same gold-standard cases blind, before
    they score regions, so that the ministry sees whether they read the rubric the same way.
    Draft (cases are prepared) → open (assessors score) → closed (results and rationales shown)."""

    cycle = models.ForeignKey(
        Cycle,
        verbose_name=_("siklus"),
        on_delete=models.PROTECT,
        related_name="calibration_rounds",
    )
    title = models.CharField(_("judul"), max_length=200)
    state = models.CharField(
        _("status"), max_length=6, choices=CalibrationState.choices, default=CalibrationState.DRAFT
    )
    pass_threshold = models.DecimalField(
        _("ambang lulus"),
        max_digits=3,
        decimal_places=2,
        default=DEFAULT_PASS_THRESHOLD,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("Bagian kasus yang dinilai paling jauh satu tingkat dari tingkat acuan."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    opened_at = models.DateTimeField(_("dibuka pada"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["cycle", "-created_at", "-pk"]
        verbose_name = _("putaran kalibrasi")
        verbose_name_plural = pgettext_lazy("jamak", "putaran kalibrasi")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_threshold__gte=0, pass_threshold__lte=1),
                name="calibration_threshold_is_a_share",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.cycle.year})"


class CalibrationCase(RulesModel):
    """One gold-standard case: a situation as a region would write it for a level indicator of
    the round's cycle, with the level the ministry agreed on (``gold_level``) and why
    (``rationale``, shown to assessors only once the round is closed). ``source_answer`` is the
    answer of an earlier cycle the text was taken from; its region is never shown to assessors."""

    round = models.ForeignKey(
        CalibrationRound,
        verbose_name=_("putaran kalibrasi"),
        on_delete=models.CASCADE,
        related_name="cases",
    )
    indicator = models.ForeignKey(
        "instruments.Indicator",
        verbose_name=_("indikator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    situation = models.TextField(_("situasi"))
    source_answer = models.ForeignKey(
        Answer,
        verbose_name=_("jawaban sumber"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    gold_level = models.PositiveSmallIntegerField(
        _("tingkat acuan"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(5)],
    )
    rationale = models.TextField(_("alasan tingkat acuan"), blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "order", "pk"]
        verbose_name = _("kasus kalibrasi")
        verbose_name_plural = pgettext_lazy("jamak", "kasus kalibrasi")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(gold_level__isnull=True) | models.Q(gold_level__lte=5),
                name="calibration_gold_is_a_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.order}. {self.indicator.code}"


class CalibrationScore(RulesModel):
    """One assessor's level for one calibration case, with a note; changeable while the round is
    open."""

    case = models.ForeignKey(
        CalibrationCase,
        verbose_name=_("kasus kalibrasi"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asesor"),
        on_delete=models.PROTECT,
        related_name="calibration_scores",
    )
    level = models.PositiveSmallIntegerField(
        _("tingkat"), validators=[MinValueValidator(0), MaxValueValidator(5)]
    )
    note = models.TextField(_("catatan"), blank=True)
    scored_at = models.DateTimeField(_("dinilai pada"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "assessor__username"]
        verbose_name = _("nilai kalibrasi")
        verbose_name_plural = pgettext_lazy("jamak", "nilai kalibrasi")
        constraints = [
            models.UniqueConstraint(fields=["case", "assessor"], name="calibration_score_once"),
            models.CheckConstraint(
                condition=models.Q(level__lte=5), name="calibration_score_is_a_level"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.assessor} = {self.level}"
