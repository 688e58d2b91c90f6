"""The near-duplicate check with its database: ``near_duplicate_texts`` on a national cycle.

What it does:
1. Migrates the database named by ``DATABASE_URL`` (use a scratch one: everything in it is
   replaced), loads the official regions and, for each of ``--cycles`` years, the default
   instrument (60 indicators, with its rubric levels) as that year's cycle.
2. Enrols every kabupaten/kota and province (552 regions, ``--regions`` fewer) in every cycle
   and writes an answer with a justification for every indicator (bulk inserts, no history):
   synthetic texts of 25–60 words from a vocabulary of 3,000 words with the region's name in
   them, as in ``integrity_near_duplicates.py``; per indicator and cycle ``--copies`` regions
   copy a neighbour's text (their own name, one word changed) and, in earlier cycles,
   ``--carried`` regions wrote a near-copy of another region's text of the last cycle.
3. Times ``near_duplicate_texts`` for the last cycle twice (wall and CPU time of this process;
   the database's own work is in the wall time only) and counts its queries. With ``--reuse``
   steps 1 and 2 are skipped when the database already has cycles (to time another version of
   the code on the same data).

Not part of the test suite; results go in docs/benchmarks.md ("Near-duplicate justifications").

Usage (from the repository root):
    DATABASE_URL=sqlite:////tmp/near-bench.sqlite3 .venv/bin/python \\
        benchmarks/integrity_near_duplicates_db.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_near_bench .venv/bin/python \\
        benchmarks/integrity_near_duplicates_db.py
"""

from __future__ import annotations

import argparse
import os
import random
import time
from decimal import Decimal

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=552)
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--carried", type=int, default=3)
    parser.add_argument(
        "--reuse", action="store_true", help="time again on the data of an earlier run"
    )
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotacerdas.settings")
    os.environ.setdefault("DEBUG", "0")  # as in production: no SQL kept or formatted per query
    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kotacerdas.evaluations.models import (
        Answer,
        Cycle,
        CycleState,
        Submission,
        SubmissionState,
    )
    from kotacerdas.evaluations.services import integrity
    from kotacerdas.instruments.services import load_default_instrument
    from kotacerdas.regions.models import Region

    def make_data() -> None:
        call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", verbosity=0)
        call_command("load_regions", verbosity=0)
        rng = random.Random(2026)
        vocabulary = [f"kata{n}" for n in range(3000)]
        regions = list(Region.objects.order_by("code")[: options.regions])

        def text(region) -> str:
            words = [rng.choice(vocabulary) for _ in range(rng.randint(25, 60))]
            words.insert(rng.randrange(len(words)), region.name)
            return " ".join(words)

        def near_copy(body: str, source, target) -> str:
            words = body.replace(source.name, target.name).split()
            words[rng.randrange(len(words))] = "diubah"
            return " ".join(words)

        years = list(range(2026 - options.cycles, 2026))
        texts: dict[int, dict[tuple[int, int], str]] = {}  # year → (indicator, region) → text
        cycles = {}
        for year in years:
            instrument = load_default_instrument(f"kc-{year}")
            state = CycleState.REVIEW if year == years[-1] else CycleState.PUBLISHED
            cycles[year] = Cycle.objects.create(
                year=year, name=f"Benchmark {year}", instrument=instrument, state=state
            )
            codes = sorted(instrument.indicators.values_list("code", flat=True))
            texts[year] = {
                (number, index): text(region)
                for number in range(len(codes))
                for index, region in enumerate(regions)
            }
            for number in range(len(codes)):
                for _ in range(options.copies):
                    source, target = rng.sample(range(len(regions)), 2)
                    body = texts[year][(number, source)]
                    texts[year][(number, target)] = near_copy(
                        body, regions[source], regions[target]
                    )
        last = texts[years[-1]]
        for year in years[:-1]:
            for number in range(len(codes)):
                for _ in range(options.carried):
                    source, target = rng.sample(range(len(regions)), 2)
                    body = last[(number, source)]
                    texts[year][(number, target)] = near_copy(
                        body, regions[source], regions[target]
                    )
        answers = 0
        for year, cycle in cycles.items():
            submissions = Submission.objects.bulk_create(
                Submission(cycle=cycle, region=region, state=SubmissionState.SUBMITTED)
                for region in regions
            )
            indicators = sorted(cycle.instrument.indicators.all(), key=lambda item: item.code)
            rows = [
                Answer(
                    submission=submission,
                    indicator=indicator,
                    value=Decimal(2),
                    justification=texts[year][(number, index)],
                )
                for number, indicator in enumerate(indicators)
                for index, submission in enumerate(submissions)
            ]
            Answer.objects.bulk_create(rows, batch_size=5000)
            answers += len(rows)
        print(
            f"{connection.vendor}: {len(regions)} regions × {len(indicators)} indicators × "
            f"{len(cycles)} cycles = {answers} answers"
        )

    if not (options.reuse and Cycle.objects.exists()):
        make_data()
    cycle = Cycle.objects.order_by("-year").first()
    print(
        f"{connection.vendor}: {Answer.objects.count()} answers in {Cycle.objects.count()} cycles"
    )
    for run in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            groups = integrity.near_duplicate_texts(cycle)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(
            f"near_duplicate_texts, run {run}: {wall:.2f} s ({cpu:.2f} s CPU), "
            f"{len(queries)} queries, {len(groups)} groups"
        )


if __name__ == "__main__":
    main()
