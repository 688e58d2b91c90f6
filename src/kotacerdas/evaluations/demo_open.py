"""Demo step: a cycle open for self-assessment now, so that the operations view, reminders and
deadline extensions have something to show (synthetic, labelled "[Data sintetis]").

The cycle is this calendar year's (at least the year after the newest demo cycle), copied from
the newest demo cycle's instrument, and its dates follow the day of the load: opened three weeks
ago, the self-assessment deadline ten days ahead. Eleven regions of the demo cohort are enrolled,
never Kota Jambi (operator.jambi keeps working on its returned 2023 self-assessment):

- three have submitted;
- two have not started (Nusa Tenggara Barat's Kabupaten Lombok Barat and Kalimantan Timur), and
  Kalimantan Timur has two more weeks (an extension with its reason);
- two drafts have not changed for nine and twelve days (the operations view lists them);
- the rest are drafting, two thirds answered.

No assessor is assigned yet. Of these regions only Kota Semarang (drafting) has an operator
account, ``operator.semarang``: it can finish and submit its self-assessment, and it is the one
region a reminder reaches; the cycle page shows the others as regions a reminder cannot reach.
Runs after the results step; idempotent, and ``--reset`` brings it back to what the day of the
reset gives.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from kotacerdas.accounts.models import User
from kotacerdas.core.moments import WIB
from kotacerdas.instruments import services as instrument_services
from kotacerdas.instruments.models import Indicator
from kotacerdas.regions.models import Region

from . import demo
from .models import Answer, Cycle, CycleState, Evidence, Submission, SubmissionState
from .services import cycles

REGIONS = (
    "15.05",  # Kabupaten Muaro Jambi
    "15.72",  # Kota Sungai Penuh
    "32",  # Jawa Barat
    "32.73",  # Kota Bandung
    "33.74",  # Kota Semarang
    "35.78",  # Kota Surabaya
    "51",  # Bali
    "52.01",  # Kabupaten Lombok Barat
    "63.71",  # Kota Banjarmasin
    "64",  # Kalimantan Timur
    "73.71",  # Kota Makassar
)
SUBMITTED = ("32.73", "35.78", "51")
NOT_STARTED = ("52.01", "64")
IDLE_DAYS = {"15.05": 12, "63.71": 9}  # drafts untouched for so many days
EXTENDED = {
    "64": (
        14,
        f"{demo.SYNTHETIC} Operator Diskominfo berganti pada pekan batas waktu; operator baru "
        "diberi tambahan dua pekan.",
    )
}
OPENED_DAYS_AGO = 21
DEADLINE_IN_DAYS = 10


def open_year() -> int:
    """This calendar year, but never at or before the newest other demo cycle."""
    newest = Cycle.objects.exclude(state=CycleState.OPEN).order_by("-year").first()
    floor = newest.year + 1 if newest else 2024
    return max(timezone.localdate().year, floor)


@transaction.atomic
def load() -> list[str]:
    """Demo step: the open cycle (see the module docstring)."""
    admin = User.objects.get(username="admin")
    report = demo.DemoReport(cycle=None)
    year = open_year()
    cycle = _cycle(year, admin, report)
    report.cycle = cycle
    indicators = list(
        Indicator.objects.filter(instrument=cycle.instrument)
        .select_related("element__dimension")
        .prefetch_related("levels")
    )
    now = timezone.now()
    today = timezone.localdate()

    def days_ago(days: int, hour: int) -> datetime:
        # Moments of whole days and hours, so that loading again on the same day changes nothing.
        return datetime.combine(today - timedelta(days=days), time(hour), tzinfo=WIB)

    for number, code in enumerate(REGIONS):
        region = Region.objects.get(code=code)
        state = SubmissionState.SUBMITTED if code in SUBMITTED else SubmissionState.DRAFT
        submission = demo._put(
            Submission, {"cycle": cycle, "region": region}, {"enrolled_by": admin}, report
        )
        demo._set(submission, {"state": state}, report)
        if code in NOT_STARTED:
            Answer.objects.filter(submission=submission).delete()
        else:
            rng = random.Random(f"{year}:{code}")
            demo._answers(submission, indicators, rng, rng.uniform(1.5, 4.0), report, None, year)
            demo._evidence(submission, indicators, report, None)
        if state == SubmissionState.SUBMITTED:
            sent = days_ago(1 + number % 4, 9 + number % 5)
            demo._set(submission, {"submitted_at": sent, "submitted_by": None}, report)
        if code in IDLE_DAYS:
            idle = now - timedelta(days=IDLE_DAYS[code])
            Answer.objects.filter(submission=submission).update(updated_at=idle)
            Evidence.objects.filter(submission=submission).update(uploaded_at=idle)
        extension = EXTENDED.get(code)
        demo._set(
            submission,
            {
                "deadline_extended_to": cycle.submission_deadline + timedelta(days=extension[0])
                if extension
                else None,
                "extension_reason": extension[1] if extension else "",
                "extended_by": admin if extension else None,
                "extended_at": days_ago(2, 10) if extension else None,
            },
            report,
        )
    report.regions = len(REGIONS)
    report.states = {
        str(SubmissionState(value).label): n
        for value in SubmissionState.values
        if (n := cycle.submissions.filter(state=value).count())
    }
    return report.lines()


def _cycle(year: int, admin, report) -> Cycle:
    """The open cycle, its instrument a frozen copy of the newest other cycle's, its dates
    around today."""
    cycle = Cycle.objects.filter(year=year).first()
    name = f"Evaluasi Smart City {year} {demo.SYNTHETIC}"
    if cycle is None:
        source = Cycle.objects.filter(year__lt=year).order_by("-year").first()
        cycle = cycles.create_cycle(year, name, copy_from=source, by=admin)
    instrument_services.freeze(cycle.instrument)
    today = timezone.localdate()

    def at(days: int) -> datetime:
        return datetime.combine(today + timedelta(days=days), time(23, 59), tzinfo=WIB)

    schedule = {
        "name": name,
        "opens_on": today - timedelta(days=OPENED_DAYS_AGO),
        "submission_deadline": at(DEADLINE_IN_DAYS),
        "review_deadline": at(DEADLINE_IN_DAYS + 45),
        "moderation_deadline": at(DEADLINE_IN_DAYS + 75),
        "publication_date": today + timedelta(days=DEADLINE_IN_DAYS + 100),
        "state": CycleState.OPEN,
    }
    return demo._set(cycle, schedule, report)
