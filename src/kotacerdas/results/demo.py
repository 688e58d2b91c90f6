"""Demo step: five published cycles (2018–2022) with results, and a live 2023 cycle in review.

Runs after ``kotacerdas.evaluations.demo.load`` (which leaves the synthetic 2022 cycle in
review) and reuses its ``build_demo_cycle`` for every year, with the same cohort of 26 regions
including Kota Jambi:

- 2018–2021: instruments that evolve towards the packaged default instrument (kc-2022): six
  indicators did not exist yet (four arrive in 2020, two in 2022), the public service mall
  indicator was called ``GOV.MPP.01`` until 2020 and renamed ``GOV.SVC.01`` in 2021, and the
  aspect weights were equal until 2019. Each cycle is built to ``final``, its results computed
  and published through the lifecycle, on 15 December of its year.
- 2022: brought from review to ``final`` with the same generated data, computed, and, before
  publication, Kota Jambi's appeal filed and decided (``kotacerdas.appeals.demo``; one item
  accepted, which recomputes the results, one rejected), then published.
- Crosswalks link consecutive instruments (same, renamed, new, retired), so the profile's trend
  and the improvement on the previous cycle work on the comparable subset.
- 2023: a copy of the 2022 instrument, in review, for the operators' and assessors' workflow.
  Kota Jambi's submission is the one returned for corrections, so ``operator.jambi`` can try
  the self-assessment (autosave, evidence, submit again) while the assessors score.
  A synthetic strict assessor scores a few regions (the outlier of the integrity checks).

Everything is labelled "[Data sintetis]". Idempotent: a cycle already published with current
results is left as it is; results are computed only when missing or stale.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.test import override_settings

from kotacerdas.accounts.models import User
from kotacerdas.core.moments import WIB
from kotacerdas.core.taxonomy import Aspect
from kotacerdas.evaluations import demo as evaluation_demo
from kotacerdas.evaluations.models import Cycle, CycleState
from kotacerdas.evaluations.services import cycles, lifecycle
from kotacerdas.instruments import services as instrument_services
from kotacerdas.instruments.models import Crosswalk, CrosswalkKind, Indicator, Instrument
from kotacerdas.instruments.services.crosswalk import EntryRow, save_entries, suggest_crosswalk

from .models import Snapshot
from .services import compute, publication, published

SYNTHETIC = evaluation_demo.SYNTHETIC
HISTORY = (2018, 2019, 2020, 2021)
PUBLISHED_YEARS = (*HISTORY, 2022)
LIVE_YEAR = 2023
LIVE_RETURNED = (evaluation_demo.JAMBI,)  # returned for corrections in the live cycle
SAMPLES = 1000
# Indicators of the default instrument that did not exist yet, by the year they arrived.
ARRIVALS = {
    2020: ("GOV.POL.03", "ECO.TRX.03", "ENV.ENE.04", "LIV.HAR.02"),
    2022: ("GOV.BUR.04", "BRA.BUS.03"),
}
RENAMED = ("GOV.MPP.01", "GOV.SVC.01", 2021)  # old code, new code, year of the rename
EQUAL_WEIGHTS_UNTIL = 2019
APPEAL_YEAR = 2022  # the cycle with a decided appeal (Kota Jambi's)


def load() -> list[str]:
    """The demo step (see the module docstring)."""
    admin = User.objects.get(username="admin")
    lines = []
    previous = None
    for year in PUBLISHED_YEARS:
        cycle = _published_cycle(year, previous, admin)
        snapshot = published.current_snapshot(cycle, preview=True)
        jambi = snapshot.regions.filter(region__code=evaluation_demo.JAMBI).first()
        lines.append(
            f"{cycle}: hasil versi {snapshot.version} dipublikasikan, "
            f"{snapshot.regions.count()} daerah"
            + (f"; Kota Jambi {jambi.display:.2f} (peringkat {jambi.rank})" if jambi else "")
        )
        previous = cycle
    live = _live_cycle(previous, admin)
    lines.append(f"{live} ({live.get_state_display()}): siklus berjalan untuk asesor dan operator")
    return lines


# --- Instruments --------------------------------------------------------------------------------


def instrument_for(year: int) -> Instrument:
    """The instrument of a historical ``year``: the default one as it was then (see above)."""
    code = f"kc-{year}"
    existing = Instrument.objects.filter(code=code).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        instrument = instrument_services.load_default_instrument(
            code, f"Instrumen Evaluasi Smart City {year} {SYNTHETIC}"
        )
        missing = [c for arrival, codes in ARRIVALS.items() if year < arrival for c in codes]
        Indicator.objects.filter(instrument=instrument, code__in=missing).delete()
        old, new, renamed_in = RENAMED
        if year < renamed_in:
            Indicator.objects.filter(instrument=instrument, code=new).update(code=old)
        if year <= EQUAL_WEIGHTS_UNTIL:
            instrument_services.set_aspect_weights(instrument, dict.fromkeys(Aspect.values, 20))
    return instrument


def link(source: Instrument, target: Instrument) -> Crosswalk:
    """The crosswalk source → target: suggested by code, with the rename as ``renamed``."""
    crosswalk = suggest_crosswalk(source, target)
    old, new, _year = RENAMED
    codes_before = set(source.indicators.values_list("code", flat=True))
    codes_after = set(target.indicators.values_list("code", flat=True))
    if old in codes_before and old not in codes_after and new in codes_after:
        rows = [
            EntryRow(
                f"entri {n}",
                e.kind,
                e.source_code,
                e.target_code,
                e.rescale,
                e.note,
                e.needs_review,
            )
            for n, e in enumerate(crosswalk.entries.all(), start=1)
            if e.source_code != old and e.target_code != new
        ]
        rows.append(
            EntryRow(
                "entri GOV.SVC.01",
                CrosswalkKind.RENAMED,
                old,
                new,
                note=f"{SYNTHETIC} Indikator MPP berganti kode pada {RENAMED[2]}.",
            )
        )
        save_entries(crosswalk, rows)
    return crosswalk


# --- Cycles -------------------------------------------------------------------------------------


def _published_cycle(year: int, previous: Cycle | None, admin) -> Cycle:
    """The cycle of ``year`` published with current results (built and computed if needed)."""
    cycle = Cycle.objects.filter(year=year).first()
    if cycle is not None and cycle.state == CycleState.PUBLISHED:
        snapshot = published.current_snapshot(cycle, preview=True)
        if snapshot is not None and publication.is_current(snapshot) and _with_texts(snapshot):
            return cycle
    if year == 2022:
        # The evaluation demo's 2022 cycle (its own instrument, kc-2022), brought to final.
        evaluation_demo.build_demo_cycle(
            year,
            state=CycleState.FINAL,
            regions=evaluation_demo.DEMO_REGIONS_2022,
            seed=year,
            not_submitted=evaluation_demo.NOT_SUBMITTED_2022,
            session_day=date(year, 9, 26),
        )
    else:
        evaluation_demo.build_demo_cycle(
            year,
            state=CycleState.FINAL,
            regions=evaluation_demo.DEMO_REGIONS_2022,
            seed=year,
            instrument=instrument_for(year),
            session_day=date(year, 9, 26),
        )
    cycle = Cycle.objects.select_related("instrument").get(year=year)
    if previous is not None:
        link(previous.instrument, cycle.instrument)
        if cycle.previous_id != previous.pk:
            cycle.previous = previous
            cycle.save(update_fields=["previous"])
    latest = publication.latest(cycle)
    if latest is None or not publication.is_current(latest) or not _with_texts(latest):
        compute.compute_results(cycle, by=admin, samples=SAMPLES)
    if year == APPEAL_YEAR:
        # Kota Jambi's appeal, filed and decided while the cycle is final (docs/appeals.md).
        from kotacerdas.appeals import demo as appeals_demo

        appeals_demo.appeal_before_publication(cycle, admin)
    _publish(cycle, admin)
    cycle.refresh_from_db()
    return cycle


def _with_texts(snapshot: Snapshot) -> bool:
    """Whether ``snapshot`` stores the instrument's English texts (computed since demo version
    6); an older demo's snapshot is computed again on ``--reset``."""
    return all("question_en" in row for row in snapshot.indicators)


def _publish(cycle: Cycle, admin) -> None:
    """Publish through the lifecycle (its checks and effects), dated 15 December of the year.
    The announcement emails are kept in memory: the demo prints no mail."""
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        lifecycle.transition(cycle, CycleState.PUBLISHED, by=admin, reason=f"{SYNTHETIC} demo")
    when = datetime(cycle.year, 12, 15, 10, tzinfo=WIB)
    with transaction.atomic():
        Cycle.objects.filter(pk=cycle.pk).update(published_at=when)
        snapshot = publication.latest(cycle)
        Snapshot.objects.filter(pk=snapshot.pk).update(
            published_at=when, released_at=when, announced_at=when
        )
        snapshot.refresh_from_db()
        publication.number_letters(snapshot)


def _live_cycle(previous: Cycle, admin) -> Cycle:
    """The 2023 cycle in review: a copy of the 2022 instrument (crosswalk all same)."""
    cycle = Cycle.objects.filter(year=LIVE_YEAR).first()
    if cycle is None:
        cycles.create_cycle(
            LIVE_YEAR,
            f"Evaluasi Smart City {LIVE_YEAR} {SYNTHETIC}",
            copy_from=previous,
            by=admin,
        )
    evaluation_demo.build_demo_cycle(
        LIVE_YEAR,
        state=CycleState.REVIEW,
        regions=evaluation_demo.DEMO_REGIONS_2022,
        seed=LIVE_YEAR,
        not_submitted=evaluation_demo.NOT_SUBMITTED_2022,
        returned=LIVE_RETURNED,
        session_day=date(LIVE_YEAR, 9, 25),
        strict=evaluation_demo.STRICT_REGIONS,
    )
    return Cycle.objects.get(year=LIVE_YEAR)
