"""Accepting a citizen's responses from the public form, with the anti-abuse rules.

Without CAPTCHA or a third party, three rules keep the survey from being flooded (their limits
are documented in docs/surveys.md): a honeypot field in the form (``forms.py``), one response per
programme per browser per window (a signed cookie, read and written by the view) and at most
``SURVEY_MAX_PER_DAY`` responses per programme from one network address per day (counted on the
salted fingerprint, in ``SurveyDailyCount``; the address itself is never stored).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kotacerdas.core.errors import ServiceError
from kotacerdas.core.moments import in_wib
from kotacerdas.masterplans.models import Programme
from kotacerdas.regions.models import Region

from ..models import SurveyDailyCount, SurveyResponse, SurveyWindow
from . import programmes
from .window import describe

COOKIE_SALT = "kotacerdas.surveys.answered"


@dataclass(frozen=True)
class Answer:
    """One programme's answers as the form parsed them."""

    programme: Programme
    knows: bool
    used: bool
    rating: int | None
    comment: str = ""


def salt() -> str:
    """The fingerprint's secret salt: ``SURVEY_FINGERPRINT_SALT``, or one derived from
    ``SECRET_KEY`` (so no installation shares another's)."""
    configured = settings.SURVEY_FINGERPRINT_SALT
    if configured:
        return configured
    return hashlib.sha256(f"kotacerdas.surveys|{settings.SECRET_KEY}".encode()).hexdigest()


def day_of(now: datetime | None = None) -> date:
    """The calendar day in WIB that a moment belongs to (the unit of the daily limit)."""
    return in_wib(now or timezone.now()).date()


def fingerprint(client_ip: str, programme_id: int, day: date) -> str:
    """SHA-256 (hex) of the salt, the client's address, the programme and the day. The same
    address answering the same programme on the same day gives the same value; nothing else
    does, and without the salt the address cannot be recovered by trying all addresses."""
    text = f"{salt()}|{client_ip}|{programme_id}|{day.isoformat()}"
    return hashlib.sha256(text.encode()).hexdigest()


def cookie_name(window: SurveyWindow) -> str:
    """The signed cookie that remembers which programmes this browser answered in ``window``."""
    return f"kc_survei_{window.pk}"


def take_daily_slot(mark: str, day: date, limit: int) -> bool:
    """Count one more response against fingerprint ``mark`` if it has fewer than ``limit`` today;
    whether it did.

    Guarantees: atomic on its own, whatever runs at the same time: the slot is taken by one
    conditional update (``responses < limit``), which PostgreSQL re-checks on the row once a
    concurrent update of it commits and SQLite runs one writer at a time, so the counter never
    passes ``limit``. Rolled back with the caller's transaction (a refused submission takes no
    slot). The counter row is made on first use, starting from the responses the fingerprint
    already has (responses stored before counters existed count too)."""
    if not SurveyDailyCount.objects.filter(fingerprint=mark).exists():
        existing = SurveyResponse.objects.filter(fingerprint=mark).count()
        SurveyDailyCount.objects.bulk_create(  # a concurrent first use: one row, the other no-op
            [SurveyDailyCount(fingerprint=mark, day=day, responses=existing)],
            ignore_conflicts=True,
        )
    taken = SurveyDailyCount.objects.filter(fingerprint=mark, responses__lt=limit).update(
        responses=F("responses") + 1
    )
    return taken == 1


def accepting(window: SurveyWindow | None, now: datetime | None = None) -> None:
    """Refuse (ServiceError, with when it opens or closed) unless ``window`` is open."""
    if window is None or not window.is_open(now):
        raise ServiceError(_("Survei ini tidak sedang dibuka.") + " " + describe(window))


def submit(
    window: SurveyWindow,
    region: Region,
    answers: list[Answer],
    *,
    client_ip: str,
    answered: frozenset[int] | set[int] = frozenset(),
    now: datetime | None = None,
) -> list[SurveyResponse]:
    """Store one response per answer and return them.

    Guarantees, all or nothing (a refusal is a ServiceError that names the programme and writes
    nothing): the window is open now; there is at least one answer; every programme is a
    published quick win of ``region`` in the cycle's year; none is in ``answered`` (the
    programmes this browser answered already in this window); no programme has reached
    ``SURVEY_MAX_PER_DAY`` responses from ``client_ip`` today (WIB); whoever uses a programme
    rates it (1–5). The address is stored only as its salted fingerprint.
    """
    now = now or timezone.now()
    if not answers:
        raise ServiceError(_("Isi jawaban untuk setidaknya satu program."))
    limit = settings.SURVEY_MAX_PER_DAY
    eligible = {p.pk for p in programmes.quick_wins(region, window.cycle.year)}
    with transaction.atomic():
        # The daily limit is held by take_daily_slot's conditional update, per fingerprint; the
        # window is read again only to refuse a window closed since the form was shown.
        locked = SurveyWindow.objects.select_related("cycle").get(pk=window.pk)
        accepting(locked, now)
        rows = []
        for answer in answers:
            programme = answer.programme
            if programme.pk not in eligible:
                raise ServiceError(
                    _("«%(name)s» bukan quick win %(year)s %(region)s yang disurvei.")
                    % {"name": programme.name, "year": locked.cycle.year, "region": region.name}
                )
            if programme.pk in answered:
                raise ServiceError(
                    _(
                        "Anda sudah menanggapi «%(name)s» dari peramban ini. Terima kasih; "
                        "satu tanggapan per program sudah cukup."
                    )
                    % {"name": programme.name}
                )
            if answer.used and answer.rating is None:
                raise ServiceError(
                    _("«%(name)s»: beri nilai 1–5 karena Anda pernah memanfaatkannya.")
                    % {"name": programme.name}
                )
            mark = fingerprint(client_ip, programme.pk, day_of(now))
            if not take_daily_slot(mark, day_of(now), limit):
                raise ServiceError(
                    _(
                        "Maaf, hari ini sudah ada %(limit)d tanggapan untuk «%(name)s» dari "
                        "jaringan yang Anda pakai; itu batas harian kami. Silakan coba lagi besok."
                    )
                    % {"limit": limit, "name": programme.name}
                )
            rows.append(
                SurveyResponse(
                    window=locked,
                    region=region,
                    programme=programme,
                    knows=answer.knows,
                    used=answer.used,
                    rating=answer.rating,
                    comment=answer.comment.strip(),
                    created_at=now,
                    fingerprint=mark,
                )
            )
        return SurveyResponse.objects.bulk_create(rows)
