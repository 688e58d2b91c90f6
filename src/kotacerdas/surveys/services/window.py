"""A cycle's survey window: looked up, opened now or closed now (admins), described for people.

Moments are aware datetimes; pages show them in WIB (Asia/Jakarta).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.errors import ServiceError
from kotacerdas.core.moments import wib
from kotacerdas.evaluations.models import Cycle

from ..models import SurveyWindow

# How long a window opened "now" stays open unless its end is later already.
DEFAULT_LENGTH = timedelta(days=30)


def window_for_year(year: int) -> SurveyWindow | None:
    """The survey window of the cycle of ``year`` (with its cycle), or None."""
    return SurveyWindow.objects.select_related("cycle").filter(cycle__year=year).first()


def open_windows(now: datetime | None = None) -> list[SurveyWindow]:
    """The windows accepting responses now, newest cycle first."""
    now = now or timezone.now()
    return list(
        SurveyWindow.objects.select_related("cycle")
        .filter(starts_at__lte=now, ends_at__gt=now)
        .order_by("-cycle__year")
    )


def _check_admin(by) -> None:
    if not by.has_perm("surveys.manage_window", None):
        raise PermissionDenied(_("Hanya admin yang dapat membuka atau menutup masa survei."))


def open_now(window: SurveyWindow, *, by) -> SurveyWindow:
    """Open the window at once: it starts now and ends at its end, or 30 days from now if that
    has passed. Guarantees: admins only (PermissionDenied); refused (ServiceError) when the
    window is open already; history records who and when."""
    _check_admin(by)
    with transaction.atomic():
        locked = SurveyWindow.objects.select_for_update().get(pk=window.pk)
        now = timezone.now()
        if locked.is_open(now):
            raise ServiceError(_("Masa survei %(cycle)s sudah dibuka.") % {"cycle": locked.cycle})
        locked.starts_at = now
        if locked.ends_at <= now:
            locked.ends_at = now + DEFAULT_LENGTH
        locked.updated_by = by
        locked._history_user = by
        locked.save()
    return locked


def close_now(window: SurveyWindow, *, by) -> SurveyWindow:
    """Close the window at once (its end becomes now). Guarantees: admins only
    (PermissionDenied); refused (ServiceError) unless it is open; responses stay stored."""
    _check_admin(by)
    with transaction.atomic():
        locked = SurveyWindow.objects.select_for_update().get(pk=window.pk)
        now = timezone.now()
        if not locked.is_open(now):
            raise ServiceError(
                _("Masa survei %(cycle)s tidak sedang dibuka.") % {"cycle": locked.cycle}
            )
        locked.ends_at = now
        locked.updated_by = by
        locked._history_user = by
        locked.save()
    return locked


def describe(window: SurveyWindow | None, cycle: Cycle | None = None) -> str:
    """One sentence for the public page: when the survey opens, until when it is open, or when
    it closed."""
    if window is None:
        return _("Belum ada survei warga untuk siklus ini.")
    state = window.state()
    if state == "upcoming":
        return _("Survei dibuka pada %(start)s sampai %(end)s.") % {
            "start": wib(window.starts_at),
            "end": wib(window.ends_at),
        }
    if state == "open":
        return _("Survei dibuka sampai %(end)s.") % {"end": wib(window.ends_at)}
    return _("Survei ini sudah ditutup pada %(end)s. Terima kasih atas perhatian Anda.") % {
        "end": wib(window.ends_at)
    }
