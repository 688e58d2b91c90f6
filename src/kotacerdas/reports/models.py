"""A background job that writes every report of a cycle into one zip file."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kotacerdas.core.jobs import BackgroundJob

from .choices import JobState


class ReportJob(BackgroundJob):
    """All report cards and letters of one published snapshot, plus the national summary, as a
    zip in the default storage. ``done`` of ``total`` documents tells the admin how far it is.
    Who asked, when, its error and whether it stalled come from ``core.jobs.BackgroundJob``."""

    snapshot = models.ForeignKey(
        "results.Snapshot", on_delete=models.PROTECT, related_name="report_jobs"
    )
    state = models.CharField(
        _("status"), max_length=8, choices=JobState.choices, default=JobState.QUEUED
    )
    total = models.PositiveIntegerField(_("jumlah dokumen"), default=0)
    done = models.PositiveIntegerField(_("dokumen selesai"), default=0)
    file = models.FileField(_("berkas zip"), upload_to="reports/", max_length=300, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("pembuatan laporan")
        verbose_name_plural = _("pembuatan laporan")

    def __str__(self) -> str:
        return f"{self.snapshot} · {self.get_state_display()}"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0
