"""The reply window of a cycle: opened (or its deadline moved) and closed by an admin.

A window may open only on a final cycle whose results have been computed (a preview snapshot
exists): the regions appeal against numbers they can see. Deadlines are aware datetimes; forms
read them in WIB (Asia/Jakarta).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.errors import Locked, ServiceError
from kotacerdas.core.moments import wib
from kotacerdas.evaluations.models import Cycle, CycleState
from kotacerdas.results.services.publication import latest

from ..models import AppealWindow


def window_of(cycle: Cycle) -> AppealWindow | None:
    return AppealWindow.objects.filter(cycle=cycle).first()


def is_open(cycle: Cycle, now: datetime | None = None) -> bool:
    """Whether regions may file appeals for the cycle now."""
    window = window_of(cycle)
    return window is not None and window.is_open(now)


def open_window(cycle: Cycle, *, deadline: datetime, by) -> AppealWindow:
    """Open the cycle's reply window until ``deadline``, or move the deadline of its window
    (which reopens a window closed early), and return it.

    Guarantees: admins only (PermissionDenied); the cycle is final (else Locked) and has computed
    results (else ServiceError); the deadline is aware and in the future (else ServiceError);
    the regions' operators are told by email after the commit (the first opening only);
    history records who and when.
    """
    if not by.has_perm("appeals.decide", cycle):
        raise PermissionDenied(_("Hanya admin yang dapat membuka masa sanggah."))
    if timezone.is_naive(deadline):
        raise ServiceError(_("Batas sanggahan harus disertai zona waktu (WIB)."))
    if deadline <= timezone.now():
        raise ServiceError(
            _("Batas sanggahan %(when)s sudah lewat; pilih waktu yang akan datang.")
            % {"when": wib(deadline)}
        )
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if locked.state != CycleState.FINAL:
            raise Locked(
                _("Masa sanggah dibuka pada tahap Final; siklus %(cycle)s pada tahap %(state)s.")
                % {"cycle": locked, "state": locked.get_state_display()}
            )
        if latest(locked) is None:
            raise ServiceError(
                _(
                    "Hasil belum dihitung: hitung hasil dahulu agar daerah melihat hasil sementaranya."
                )
            )
        window = AppealWindow.objects.select_for_update().filter(cycle=locked).first()
        first = window is None
        if first:
            window = AppealWindow(cycle=locked, opened_by=by)
        window.deadline = deadline
        window.closed_at = None
        window.closed_by = None
        window._history_user = by
        window.save()
        if first:
            from . import notifications

            notifications.window_opened(window)
    return window


def close_window(cycle: Cycle, *, by) -> AppealWindow:
    """Close the cycle's reply window now, before its deadline.

    Guarantees: admins only (PermissionDenied); a window exists and is open (else ServiceError);
    drafts not submitted by now stay stored, unsent; history records who and when.
    """
    if not by.has_perm("appeals.decide", cycle):
        raise PermissionDenied(_("Hanya admin yang dapat menutup masa sanggah."))
    with transaction.atomic():
        window = AppealWindow.objects.select_for_update().filter(cycle=cycle).first()
        if window is None or not window.is_open():
            raise ServiceError(
                _("Masa sanggah siklus %(cycle)s tidak sedang dibuka.") % {"cycle": cycle}
            )
        window.closed_at = timezone.now()
        window.closed_by = by
        window._history_user = by
        window.save(update_fields=["closed_at", "closed_by"])
    return window
