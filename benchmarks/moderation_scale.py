"""Moderation at national scale: ``prepare``, ``queue`` and ``unresolved`` for a whole cycle.

What it does:
1. Migrates the database named by ``DATABASE_URL`` (use a scratch one: everything in it is
   replaced), loads the official regions and the default instrument as cycle 2022 (with
   ``--repeat 5`` every indicator five times: 300 indicators, the product's upper size).
2. Enrols every kabupaten/kota and province (552 regions, ``--regions`` fewer), all submitted,
   with ``--assessors`` assessors per region drawn from a pool of 60, and a score from each of
   them for every indicator: mostly agreeing, about ``--disagree`` of the pairs two levels or more
   apart (bulk inserts, no history: this measures moderation, not data entry).
3. Times the admin's move from review to moderation (``lifecycle.transition``: it commits the
   state and enqueues the preparation on the configured task backend, by default the database
   one), then the preparation as the worker runs it (``preparation.run``: creates the automatic
   final values step by step), ``moderation.prepare`` again (the idempotent re-check in one
   transaction), ``moderation.queue``, ``moderation.unresolved`` and the home page's admin
   overview (``overview.for_admin``: the queue's length and the check of the next step).

Not part of the test suite; results go in docs/benchmarks.md ("Moderation at national scale").

Usage (from the repository root):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_moderation_bench \\
        .venv/bin/python benchmarks/moderation_scale.py
    DATABASE_URL=sqlite:////tmp/moderation-bench.sqlite3 .venv/bin/python benchmarks/moderation_scale.py
"""

from __future__ import annotations

import random
from decimal import Decimal

from national_db import arguments, fresh_database, national_instrument, setup, timed


def main() -> None:
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--disagree", type=float, default=0.05)
    options = parser.parse_args()
    setup()

    from django.db import connection

    from kotacerdas.accounts.models import User
    from kotacerdas.accounts.roles import Role
    from kotacerdas.evaluations.models import (
        Assignment,
        Cycle,
        CycleState,
        Score,
        Submission,
        SubmissionState,
    )
    from kotacerdas.evaluations.services import lifecycle, moderation, overview, preparation
    from kotacerdas.instruments.models import IndicatorType
    from kotacerdas.regions.models import Region

    fresh_database()
    instrument = national_instrument("kc-2022", options.repeat)
    cycle = Cycle.objects.create(
        year=2022, name="Benchmark 2022", instrument=instrument, state=CycleState.REVIEW
    )
    regions = list(Region.objects.order_by("code")[: options.regions])
    Submission.objects.bulk_create(
        Submission(cycle=cycle, region=region, state=SubmissionState.SUBMITTED)
        for region in regions
    )
    pool = User.objects.bulk_create(
        User(username=f"bench.asesor{n}", role=Role.ASSESSOR) for n in range(60)
    )
    rng = random.Random(2022)
    assignments = Assignment.objects.bulk_create(
        Assignment(cycle=cycle, region=region, assessor=assessor)
        for region in regions
        for assessor in rng.sample(pool, options.assessors)
    )
    indicators = list(instrument.indicators.all())
    by_region: dict[int, list[Assignment]] = {}
    for assignment in assignments:
        by_region.setdefault(assignment.region_id, []).append(assignment)
    scores = []
    for panel in by_region.values():
        for indicator in indicators:
            base = rng.randint(1, 4)
            for position, assignment in enumerate(panel):
                value = base + (2 if position and rng.random() < options.disagree else 0)
                if indicator.type == IndicatorType.YESNO:
                    value = 1
                elif indicator.type == IndicatorType.PERCENT:
                    value = 20 * base + (30 if value != base else rng.randint(0, 10))
                elif indicator.type == IndicatorType.NUMBER:
                    low, high = indicator.goal_min, indicator.goal_max
                    value = low + (high - low) * Decimal(min(value, 5)) / 5
                scores.append(
                    Score(assignment=assignment, indicator=indicator, value=Decimal(value))
                )
    Score.objects.bulk_create(scores, batch_size=5000)
    print(
        f"{connection.vendor}: {len(regions)} regions × {len(indicators)} indicators × "
        f"{options.assessors} assessors = {len(scores)} scores"
    )

    admin = User.objects.create(username="bench.admin", role=Role.ADMIN)
    timed(
        "move to moderation (enqueue only)",
        lambda: lifecycle.transition(cycle, CycleState.MODERATION, by=admin),
    )
    job = preparation.current(cycle)
    timed("preparation task (first run)", lambda: preparation.run(job.pk))
    job.refresh_from_db()
    assert job.state == "done", (job.state, job.error)
    timed("prepare (again, nothing to do)", lambda: moderation.prepare(cycle))
    items = timed("queue", lambda: moderation.queue(cycle))
    timed("queue (one region)", lambda: moderation.queue(cycle, region_code=regions[0].code))
    problems = timed("unresolved", lambda: moderation.unresolved(cycle))
    timed("home page: admin overview", overview.for_admin)
    print(f"queued items: {len(items)}; unresolved lines: {len(problems)}")


if __name__ == "__main__":
    main()
