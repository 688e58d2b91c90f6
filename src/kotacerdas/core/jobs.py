"""What every background job of the platform has in common (moderation's preparation, the
computation of results): a row the admin watches, claimed once by a worker, finished with its
state and error, and counted as stalled when its worker has stopped touching it.

Each job model adds its own ``state`` field (values ``queued``, ``running``, ``done``, ``failed``,
``stopped``; labels of its own) and what it produces; the task and its steps stay with the app.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

QUEUED, RUNNING = "queued", "running"
ACTIVE = (QUEUED, RUNNING)
# A queued or running job untouched for this long has lost its worker.
STALLED_AFTER = timedelta(minutes=10)


class BackgroundJob(models.Model):
    """Who asked for the job and when, when it started and finished, its error; ``updated_at``
    is touched at every step so that a job whose worker died shows as stalled."""

    error = models.TextField(_("galat"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE

    @property
    def is_stalled(self) -> bool:
        """Queued or running, but not touched for ``STALLED_AFTER`` (no worker, or it died)."""
        return self.is_active and self.updated_at < timezone.now() - STALLED_AFTER


def claim(model: type[BackgroundJob], pk: int) -> bool:
    """Move the queued job ``pk`` to running; False when it is not queued (already claimed by
    another worker, stopped, or finished), so that a job runs at most once."""
    now = timezone.now()
    return bool(
        model.objects.filter(pk=pk, state=QUEUED).update(
            state=RUNNING, started_at=now, updated_at=now
        )
    )


def finish(model: type[BackgroundJob], pk: int, state: str, error: str = "", **fields) -> None:
    """Record the end of job ``pk``: its state, its error (at most 2,000 characters) and any
    other ``fields``, with the time."""
    now = timezone.now()
    model.objects.filter(pk=pk).update(
        state=state, error=error[:2000], finished_at=now, updated_at=now, **fields
    )
