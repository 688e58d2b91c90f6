"""The operations view at national scale: ``operations.overview`` and its XLSX for a whole cycle.

What it does:
1. Migrates the database named by ``DATABASE_URL`` (use a scratch one: everything in it is
   replaced), loads the official regions and the default instrument as cycle 2022, open (with
   ``--repeat 5`` every indicator five times: 300 indicators, the product's upper size).
2. Enrols every kabupaten/kota and province (552 regions, ``--regions`` fewer): two thirds
   submitted with every indicator answered, the rest drafts with none to all answered, a third of
   those untouched for 10 to 30 days; ``--assessors`` assessors per region from a pool of 60, each
   with a score for every indicator of the submitted regions (bulk inserts, no history).
3. Times ``operations.overview`` (the page's and the API's data) and ``operations.to_xlsx``,
   twice each, and counts the overview's queries.

Not part of the test suite; results go in docs/benchmarks.md ("Operations view").

Usage (from the repository root):
    DATABASE_URL=sqlite:////tmp/operations-bench.sqlite3 .venv/bin/python \\
        benchmarks/operations_scale.py --repeat 5
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_operations_bench .venv/bin/python \\
        benchmarks/operations_scale.py --repeat 5
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from national_db import arguments, fresh_database, national_instrument, setup, timed


def main() -> None:
    options = arguments(__doc__.splitlines()[0]).parse_args()
    setup()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from kotacerdas.accounts.models import User
    from kotacerdas.accounts.roles import Role
    from kotacerdas.evaluations.models import (
        Answer,
        Assignment,
        Cycle,
        CycleState,
        Score,
        Submission,
        SubmissionState,
    )
    from kotacerdas.evaluations.services import operations
    from kotacerdas.regions.models import Region

    fresh_database()
    instrument = national_instrument("kc-2022", options.repeat)
    now = timezone.now()
    cycle = Cycle.objects.create(
        year=2022,
        name="Benchmark 2022",
        instrument=instrument,
        state=CycleState.OPEN,
        submission_deadline=now + timedelta(days=5),
        review_deadline=now + timedelta(days=40),
    )
    rng = random.Random(2022)
    regions = list(Region.objects.order_by("code")[: options.regions])
    states = [
        SubmissionState.SUBMITTED if rng.random() < 2 / 3 else SubmissionState.DRAFT
        for _ in regions
    ]
    submissions = Submission.objects.bulk_create(
        Submission(cycle=cycle, region=region, state=state)
        for region, state in zip(regions, states, strict=True)
    )
    indicators = list(instrument.indicators.all())
    answers = []
    for submission in submissions:
        count = (
            len(indicators)
            if submission.state == SubmissionState.SUBMITTED
            else rng.randint(0, len(indicators))
        )
        answers += [
            Answer(submission=submission, indicator=indicator, value=Decimal(1), justification="x")
            for indicator in indicators[:count]
        ]
    Answer.objects.bulk_create(answers, batch_size=5000)
    drafts = [s.pk for s in submissions if s.state == SubmissionState.DRAFT]
    for pk in rng.sample(drafts, len(drafts) // 3):
        Answer.objects.filter(submission_id=pk).update(
            updated_at=now - timedelta(days=rng.randint(10, 30))
        )
    pool = User.objects.bulk_create(
        User(username=f"bench.asesor{n}", role=Role.ASSESSOR) for n in range(60)
    )
    assignments = Assignment.objects.bulk_create(
        Assignment(cycle=cycle, region=region, assessor=assessor)
        for region in regions
        for assessor in rng.sample(pool, options.assessors)
    )
    submitted = {s.region_id for s in submissions if s.state == SubmissionState.SUBMITTED}
    scores = [
        Score(assignment=assignment, indicator=indicator, value=Decimal(3))
        for assignment in assignments
        if assignment.region_id in submitted
        for indicator in indicators
        if rng.random() < 0.8
    ]
    Score.objects.bulk_create(scores, batch_size=5000)
    print(
        f"{connection.vendor}: {len(regions)} regions × {len(indicators)} indicators; "
        f"{len(answers)} answers, {len(assignments)} assignments, {len(scores)} scores"
    )

    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            view = timed("overview", lambda: operations.overview(cycle))
        workbook = timed("to_xlsx", lambda view=view: operations.to_xlsx(view))
    print(
        f"queries: {len(queries)}; provinces {len(view.provinces)}, stalled {len(view.stalled)}, "
        f"assessors {len(view.assessors)}, workbook {len(workbook) // 1024} KiB"
    )


if __name__ == "__main__":
    main()
