"""Demo step: the citizen survey, with synthetic responses labelled "[Data sintetis]".

Runs after ``kotacerdas.results.demo.load`` (cycles 2018–2022 published, 2023 in review):

- 2022: a survey window from 10 October to 10 December 2022 (closed), with synthetic responses
  about Kota Jambi's six 2022 quick wins (one of them with fewer responses than the minimum, so
  the pages show "belum cukup tanggapan") and those of three other regions. The 2022 cycle is
  published, so the figures appear on the regions' public profiles.
- 2023 (the live cycle): a window that is open now, so a visitor can try the form for a region
  with 2023 quick wins, with a few synthetic responses already.

Every comment starts with "[Data sintetis]"; fingerprints are made up (no address exists).
Idempotent: a programme that has responses in the window gets none added; an existing live
window is only extended when it is not open.
"""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from kotacerdas.core.moments import WIB
from kotacerdas.evaluations.demo import JAMBI, SYNTHETIC
from kotacerdas.evaluations.models import Cycle
from kotacerdas.masterplans.models import Programme
from kotacerdas.regions.models import Region

from .models import SurveyResponse, SurveyWindow
from .services import programmes

PAST_YEAR, LIVE_YEAR = 2022, 2023
PAST_WINDOW = (datetime(2022, 10, 10, 8, 0, tzinfo=WIB), datetime(2022, 12, 10, 23, 59, tzinfo=WIB))
LIVE_START = datetime(2023, 9, 1, 8, 0, tzinfo=WIB)
LIVE_LENGTH = timedelta(days=365)
OTHER_REGIONS = 3  # besides Kota Jambi, the first regions (by code) with quick wins of the year
# Responses per programme, in the order of the region's quick wins (the last, below the minimum).
JAMBI_SIZES = (34, 22, 15, 18, 12, 7)
COMMENTS = (
    "Pelayanan jadi lebih cepat, tidak perlu bolak-balik ke banyak kantor.",
    "Belum banyak warga di kelurahan kami yang tahu program ini.",
    "Bagus, tetapi jam layanannya perlu diperpanjang.",
    "Sangat membantu usaha kecil kami.",
    "Perlu sosialisasi lewat RT dan media sosial.",
    "Manfaatnya terasa, semoga dilanjutkan tahun depan.",
)


def _window(cycle: Cycle, start: datetime, end: datetime, *, keep_open: bool) -> SurveyWindow:
    window = SurveyWindow.objects.filter(cycle=cycle).first()
    if window is None:
        window = SurveyWindow.objects.create(cycle=cycle, starts_at=start, ends_at=end)
    elif keep_open and not window.is_open():
        window.starts_at = min(window.starts_at, timezone.now())
        window.ends_at = timezone.now() + LIVE_LENGTH
        window.save()
    return window


def _responses(window: SurveyWindow, region: Region, programme: Programme, size: int) -> int:
    """Add ``size`` synthetic responses about ``programme`` unless it has some; return how many."""
    if window.responses.filter(programme=programme).exists():
        return 0
    rng = random.Random(f"kotacerdas-survey-{window.cycle.year}-{region.code}-{programme.code}")
    until = min(window.ends_at, timezone.now())
    span = max((until - window.starts_at).total_seconds(), 1)
    rows = []
    for number in range(size):
        knows = rng.random() < 0.8
        used = rng.random() < (0.6 if knows else 0.1)
        rating = rng.choices((1, 2, 3, 4, 5), (1, 2, 4, 6, 4))[0] if used else None
        if not used and rng.random() < 0.2:
            rating = rng.choice((2, 3))
        comment = f"{SYNTHETIC} {rng.choice(COMMENTS)}" if rng.random() < 0.35 else ""
        mark = f"demo|{window.pk}|{programme.pk}|{number}"
        rows.append(
            SurveyResponse(
                window=window,
                region=region,
                programme=programme,
                knows=knows,
                used=used,
                rating=rating,
                comment=comment,
                created_at=window.starts_at + timedelta(seconds=rng.random() * span),
                fingerprint=hashlib.sha256(mark.encode()).hexdigest(),
            )
        )
    SurveyResponse.objects.bulk_create(rows)
    return size


def _regions(year: int) -> list[Region]:
    others = [r for r in programmes.regions_with_quick_wins(year) if r.code != JAMBI]
    return others[:OTHER_REGIONS]


@transaction.atomic
def load() -> list[str]:
    """The demo step (see the module docstring)."""
    lines = []
    past = Cycle.objects.get(year=PAST_YEAR)
    window = _window(past, *PAST_WINDOW, keep_open=False)
    added = 0
    jambi = Region.objects.get(code=JAMBI)
    for programme, size in zip(programmes.quick_wins(jambi, PAST_YEAR), JAMBI_SIZES, strict=False):
        added += _responses(window, jambi, programme, size)
    for region in _regions(PAST_YEAR):
        for programme in programmes.quick_wins(region, PAST_YEAR):
            added += _responses(window, region, programme, 12)
    lines.append(f"survei {PAST_YEAR} (ditutup): {added} tanggapan sintetis ditambahkan")
    live = Cycle.objects.filter(year=LIVE_YEAR).first()
    if live is not None:
        window = _window(live, LIVE_START, timezone.now() + LIVE_LENGTH, keep_open=True)
        added = 0
        regions = _regions(LIVE_YEAR)
        for region in regions:
            for programme in programmes.quick_wins(region, LIVE_YEAR):
                added += _responses(window, region, programme, 4)
        lines.append(
            f"survei {LIVE_YEAR} dibuka sampai {window.ends_at.astimezone(WIB):%d-%m-%Y}: "
            f"{added} tanggapan sintetis; coba /survei/{LIVE_YEAR}/"
            + (regions[0].code if regions else "")
            + "/"
        )
    return lines
