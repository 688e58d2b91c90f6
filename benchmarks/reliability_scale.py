"""The reliability report at national scale: ``reliability.report`` and its XLSX over several
scored cycles.

What it does:
1. Migrates the database named by ``DATABASE_URL`` (use a scratch one: everything in it is
   replaced), loads the official regions and, for each of ``--cycles`` years from 2019, the
   default instrument (``--repeat`` times each indicator) as a published cycle.
2. Every cycle: ``--assessors`` assessors per region (552 regions, ``--regions`` fewer) from a
   pool of 60, each scoring every indicator (levels, yes/no, percents and numbers around a
   region's "true" level, some assessors leaning one level up or down; bulk inserts, no
   history).
3. Times ``reliability.report`` (the page's and the API's data) and ``reliability.to_xlsx``,
   twice each, and counts the report's queries.

Not part of the test suite; results go in docs/benchmarks.md ("Reliability report").

Usage (from the repository root):
    DATABASE_URL=sqlite:////tmp/reliability-bench.sqlite3 .venv/bin/python \\
        benchmarks/reliability_scale.py --cycles 5
"""

from __future__ import annotations

import random
from decimal import Decimal

from national_db import arguments, fresh_database, national_instrument, setup, timed


def main() -> None:
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=5)
    options = parser.parse_args()
    setup()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kotacerdas.accounts.models import User
    from kotacerdas.accounts.roles import Role
    from kotacerdas.evaluations.models import Assignment, Cycle, CycleState, Score
    from kotacerdas.instruments.models import IndicatorType
    from kotacerdas.regions.models import Region
    from kotacerdas.results.services import reliability

    fresh_database()
    rng = random.Random(2019)
    regions = list(Region.objects.order_by("code")[: options.regions])
    pool = User.objects.bulk_create(
        User(username=f"bench.asesor{n}", role=Role.ASSESSOR) for n in range(60)
    )
    lean = {user.pk: rng.choice([-1, 0, 0, 0, 1]) for user in pool}
    total = 0
    for offset in range(options.cycles):
        year = 2019 + offset
        instrument = national_instrument(f"kc-{year}", options.repeat)
        cycle = Cycle.objects.create(
            year=year, name=f"Benchmark {year}", instrument=instrument, state=CycleState.PUBLISHED
        )
        indicators = list(instrument.indicators.all())
        assignments = Assignment.objects.bulk_create(
            Assignment(cycle=cycle, region=region, assessor=assessor)
            for region in regions
            for assessor in rng.sample(pool, options.assessors)
        )
        truth = {(r.pk, i.pk): rng.randint(0, 5) for r in regions for i in indicators}
        scores = []
        for assignment in assignments:
            for indicator in indicators:
                level = truth[(assignment.region_id, indicator.pk)]
                if rng.random() < 0.2:
                    level += lean[assignment.assessor_id]
                level = min(5, max(0, level + rng.choice([-1, 0, 0, 0, 0, 1])))
                if indicator.type == IndicatorType.YESNO:
                    value = Decimal(int(level >= 3))
                elif indicator.type == IndicatorType.LEVEL:
                    value = Decimal(level)
                else:
                    value = Decimal(level * 20)
                scores.append(Score(assignment=assignment, indicator=indicator, value=value))
        # ``updated_at`` is auto_now: the scores keep their insert times (seconds apart), which
        # is all the timing needs; the halves are cut by count, not by date.
        Score.objects.bulk_create(scores, batch_size=5000)
        total += len(scores)
    print(
        f"{connection.vendor}: {options.cycles} cycles × {len(regions)} regions × "
        f"{len(indicators)} indicators × {options.assessors} assessors; {total} scores"
    )

    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            found = timed("report", reliability.report)
        workbook = timed("to_xlsx", lambda found=found: reliability.to_xlsx(found))
    print(
        f"queries: {len(queries)}; indicators {len(found.indicators)} "
        f"({found.flagged_indicators} flagged), assessors {len(found.assessors)} "
        f"({found.flagged_assessors} flagged), halves {len(found.halves)} "
        f"({found.flagged_halves} flagged), workbook {len(workbook) // 1024} KiB"
    )


if __name__ == "__main__":
    main()
