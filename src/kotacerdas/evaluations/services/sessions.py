"""Virtual sessions: the interview of each region, scheduled by the admin.

One session per region and cycle, in WIB (Asia/Jakarta). The region's operators and its assessors
see it and download it as an iCalendar file. The event's UID never changes; its SEQUENCE grows
with every reschedule so calendar programs replace the invitation instead of adding a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from kotacerdas.accounts.predicates import is_admin, is_assessor, is_operator
from kotacerdas.core.errors import Locked, ServiceError
from kotacerdas.core.moments import WIB
from kotacerdas.regions.models import Region

from ..models import Assignment, Cycle, CycleState, Submission, VirtualSession
from . import notifications

SCHEDULE_STATES = frozenset({CycleState.OPEN, CycleState.REVIEW})
PRODID = "-//Kota Cerdas//Sesi evaluasi Smart City//ID"
UID_DOMAIN = "kotacerdas"


class SessionRefused(ServiceError):
    """A session that cannot be scheduled as asked (place, assessors, region)."""


def schedule(
    cycle: Cycle,
    region: Region,
    *,
    starts_at: datetime,
    duration_minutes: int,
    meeting_url: str = "",
    location: str = "",
    assessors: Iterable,
    note: str = "",
    by,
) -> VirtualSession:
    """Schedule (or reschedule) the session of ``region`` in ``cycle`` and return it.

    Guarantees: only an admin (else PermissionDenied); the cycle is open or in review (else
    Locked); the region is enrolled; the start is a date and time with a time zone; there is a
    meeting link or a place; the assessors are at least one of the region's assigned assessors
    (else SessionRefused). A change to an existing session increases its ``sequence``; an
    unchanged one is returned as it is. Once the transaction commits, the region's operators and
    the session's assessors get an email with the .ics (``notifications.session_scheduled``).
    """
    if not is_admin(by):
        raise PermissionDenied(_("Hanya admin yang dapat menjadwalkan sesi evaluasi."))
    if timezone.is_naive(starts_at):
        raise SessionRefused(_("Waktu mulai harus disertai zona waktu (WIB)."))
    meeting_url, location, note = meeting_url.strip(), location.strip(), note.strip()
    if not meeting_url and not location:
        raise SessionRefused(_("Isi tautan rapat daring atau tempat pertemuan."))
    chosen = {user.pk: user for user in assessors}
    if not chosen:
        raise SessionRefused(_("Pilih paling sedikit satu asesor untuk sesi ini."))
    with transaction.atomic():
        locked = Cycle.objects.select_for_update(no_key=True).get(pk=cycle.pk)
        if locked.state not in SCHEDULE_STATES:
            raise Locked(
                _(
                    "Sesi evaluasi dijadwalkan selama tahap Penilaian mandiri atau Penilaian "
                    "asesor; siklus %(cycle)s pada tahap %(state)s."
                )
                % {"cycle": locked, "state": locked.get_state_display()}
            )
        if not Submission.objects.filter(cycle=locked, region=region).exists():
            raise SessionRefused(
                _("%(region)s tidak terdaftar pada siklus %(cycle)s.")
                % {"region": region.name, "cycle": locked}
            )
        panel = set(
            Assignment.objects.filter(cycle=locked, region=region).values_list(
                "assessor_id", flat=True
            )
        )
        strangers = [user.display_name for pk, user in chosen.items() if pk not in panel]
        if strangers:
            raise SessionRefused(
                _("Bukan asesor yang ditugaskan ke %(region)s: %(names)s.")
                % {"region": region.name, "names": ", ".join(sorted(strangers))}
            )
        session = (
            VirtualSession.objects.select_for_update().filter(cycle=locked, region=region).first()
        )
        fields = {
            "starts_at": starts_at,
            "duration_minutes": duration_minutes,
            "meeting_url": meeting_url,
            "location": location,
            "note": note,
        }
        if session is None:
            session = VirtualSession(cycle=locked, region=region, sequence=0, **fields)
        else:
            unchanged = all(getattr(session, k) == v for k, v in fields.items()) and set(
                session.assessors.values_list("pk", flat=True)
            ) == set(chosen)
            if unchanged:
                return session
            for name, value in fields.items():
                setattr(session, name, value)
            session.sequence += 1
        session.scheduled_by = by
        session._history_user = by
        try:
            session.full_clean(exclude=["assessors"], validate_unique=False)
        except ValidationError as error:
            raise SessionRefused(_("Jadwal sesi tidak valid."), details=error.messages) from error
        session.save()
        session.assessors.set(chosen.values())
        notifications.session_scheduled(session)
    return session


def visible_to(user, cycle: Cycle | None = None) -> QuerySet[VirtualSession]:
    """The sessions a user may see, soonest first: an admin all, an assessor those of the regions
    assigned to them, an operator those of their region. Nobody else sees any."""
    sessions = VirtualSession.objects.select_related("cycle", "region").prefetch_related(
        "assessors"
    )
    if cycle is not None:
        sessions = sessions.filter(cycle=cycle)
    if is_admin(user):
        return sessions
    if is_assessor(user):
        assigned = Assignment.objects.filter(
            assessor=user, cycle_id=OuterRef("cycle_id"), region_id=OuterRef("region_id")
        )
        return sessions.filter(Exists(assigned))
    if is_operator(user):
        return sessions.filter(region_id=user.region_id)
    return sessions.none()


def session_of(cycle: Cycle, region: Region) -> VirtualSession | None:
    """The region's session in ``cycle`` (cycle and region loaded), or None when not scheduled."""
    return (
        VirtualSession.objects.select_related("cycle", "region")
        .filter(cycle=cycle, region=region)
        .first()
    )


def upcoming(user, *, now: datetime | None = None, limit: int = 10) -> list[VirtualSession]:
    """The next ``limit`` sessions the user may see (``visible_to``) that have not started yet,
    soonest first."""
    starting = visible_to(user).filter(starts_at__gte=now or timezone.now())
    return list(starting.order_by("starts_at")[:limit])


# --- iCalendar ----------------------------------------------------------------------------------


def uid(session: VirtualSession) -> str:
    """The session's iCalendar UID: stable for the session's whole life."""
    return f"sesi-{session.pk}-{session.cycle.year}-{session.region.code}@{UID_DOMAIN}"


def ends_at(session: VirtualSession) -> datetime:
    return session.starts_at + timedelta(minutes=session.duration_minutes)


def summary(session: VirtualSession) -> str:
    return _("Sesi evaluasi Smart City %(year)s: %(region)s") % {
        "year": session.cycle.year,
        "region": session.region.name,
    }


def _event(session: VirtualSession) -> Event:
    event = Event()
    event.add("uid", uid(session))
    event.add("sequence", session.sequence)
    event.add("dtstamp", session.updated_at or timezone.now())
    event.add("dtstart", session.starts_at.astimezone(WIB))
    event.add("dtend", ends_at(session).astimezone(WIB))
    event.add("summary", summary(session))
    if session.location:
        event.add("location", session.location)
    elif session.meeting_url:
        event.add("location", session.meeting_url)
    if session.meeting_url:
        event.add("url", session.meeting_url)
    lines = []
    if session.meeting_url:
        lines.append(_("Tautan rapat: %(url)s") % {"url": session.meeting_url})
    names = ", ".join(a.display_name for a in session.assessors.all())
    lines.append(_("Asesor: %(names)s") % {"names": names})
    if session.note:
        lines.append(session.note)
    event.add("description", "\n".join(lines))
    return event


def to_ics(sessions: Iterable[VirtualSession]) -> bytes:
    """An iCalendar file with one event per session, times in Asia/Jakarta (with its VTIMEZONE)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    for session in sessions:
        calendar.add_component(_event(session))
    calendar.add_missing_timezones()
    return calendar.to_ical()
