"""The citizen survey on the impact of quick wins: a survey window per cycle and the responses.

One response is one citizen's answers about one quick-win programme of a region for the cycle's
year: whether they know it, whether they used it or felt its benefit, how much it improved
services or their life (1–5, optional when not used) and an optional comment that is never
public. The survey never enters the index (docs/decisions.md): it is shown as context.

Privacy: the client's address is never stored. ``fingerprint`` is a salted SHA-256 of (address,
programme, day in WIB), which is enough to limit responses per address and day
(``services/submission.py``) and cannot link one person's answers across programmes or days.
Responses are never edited; nothing is deleted (foreign keys protect).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModel
from simple_history.models import HistoricalRecords

from kotacerdas.accounts.predicates import is_admin
from kotacerdas.core.moments import in_wib, wib

from .choices import WindowState

COMMENT_MAX_LENGTH = 1000


class SurveyWindow(RulesModel):
    """When the public survey of a cycle accepts responses: from ``starts_at`` until
    ``ends_at``. Optional: a cycle without a window has no survey. Admins set it in the Django
    admin (and may open or close it at once with the admin's actions)."""

    cycle = models.OneToOneField(
        "evaluations.Cycle",
        verbose_name=_("siklus"),
        on_delete=models.PROTECT,
        related_name="survey_window",
    )
    starts_at = models.DateTimeField(_("dibuka pada"))
    ends_at = models.DateTimeField(_("ditutup pada"))
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
        ordering = ["-cycle__year"]
        verbose_name = _("masa survei warga")
        verbose_name_plural = _("masa survei warga")
        rules_permissions = {
            "view": is_admin,
            "add": is_admin,
            "change": is_admin,
            "delete": is_admin,
        }
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="survey_window_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        if self.starts_at is None or self.ends_at is None:
            return str(self.cycle)
        return f"{self.cycle} · {in_wib(self.starts_at):%Y-%m-%d} – {in_wib(self.ends_at):%Y-%m-%d}"

    def clean(self) -> None:
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError(
                {"ends_at": _("Masa survei harus ditutup sesudah waktu dibukanya.")}
            )

    def state(self, now: datetime | None = None) -> WindowState:
        now = now or timezone.now()
        if now < self.starts_at:
            return WindowState.UPCOMING
        if now < self.ends_at:
            return WindowState.OPEN
        return WindowState.CLOSED

    def is_open(self, now: datetime | None = None) -> bool:
        return self.state(now) == WindowState.OPEN


class SurveyResponse(RulesModel):
    """One citizen's answers about one quick-win programme (never edited, never deleted)."""

    window = models.ForeignKey(
        SurveyWindow,
        verbose_name=_("masa survei"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("daerah"), on_delete=models.PROTECT, related_name="+"
    )
    programme = models.ForeignKey(
        "masterplans.Programme",
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="survey_responses",
    )
    knows = models.BooleanField(_("mengetahui program"))
    used = models.BooleanField(_("pernah memanfaatkan/merasakan manfaatnya"))
    rating = models.PositiveSmallIntegerField(
        _("penilaian (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.CharField(
        _("komentar"),
        max_length=COMMENT_MAX_LENGTH,
        blank=True,
        help_text=_("Tidak pernah ditampilkan kepada publik."),
    )
    created_at = models.DateTimeField(_("diterima pada"), default=timezone.now, db_index=True)
    fingerprint = models.CharField(
        _("sidik anti-penyalahgunaan"),
        max_length=64,
        db_index=True,
        help_text=_("SHA-256 bergaram dari alamat jaringan, program dan hari; bukan alamatnya."),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("tanggapan survei warga")
        verbose_name_plural = _("tanggapan survei warga")
        rules_permissions = {"view": is_admin}
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="survey_rating_from_one_to_five",
            ),
            models.CheckConstraint(
                condition=models.Q(used=False) | models.Q(rating__isnull=False),
                name="survey_rating_when_used",
            ),
        ]
        indexes = [models.Index(fields=["window", "region"], name="survey_window_region")]

    def __str__(self) -> str:
        return f"{self.programme} · {wib(self.created_at, 'short') if self.created_at else '—'}"

    def clean(self) -> None:
        super().clean()
        if self.used and self.rating is None:
            raise ValidationError(
                {"rating": _("Beri nilai 1–5 bila Anda pernah memanfaatkan program ini.")}
            )


class SurveyDailyCount(models.Model):
    """How many responses one fingerprint (salted address, programme, WIB day) has had: the
    counter behind ``SURVEY_MAX_PER_DAY``.

    ``services.submission`` takes a slot with one conditional update (``responses < limit``), so
    two submissions at once cannot both take the last one, on SQLite and on PostgreSQL alike
    (docs/decisions.md). A row is made the first time a fingerprint answers, starting from the
    responses it already has; it holds no address, only the fingerprint its responses carry.
    """

    fingerprint = models.CharField(_("sidik anti-penyalahgunaan"), max_length=64, unique=True)
    day = models.DateField(_("hari (WIB)"))
    responses = models.PositiveIntegerField(_("tanggapan"), default=0)

    class Meta:
        verbose_name = _("hitungan harian survei")
        verbose_name_plural = _("hitungan harian survei")

    def __str__(self) -> str:
        return f"{self.day} · {self.responses}"
