"""PDF reports of a published 552-region cycle: one report card, one letter, the national summary,
and every report of the cycle as one zip (what the background job does).

Needs the database that ``results_load.py --keep`` leaves (cycle 2022 published, 552 regions):

    .venv/bin/python benchmarks/results_load.py --keep          # once
    .venv/bin/python benchmarks/reports_pdf.py                  # then this

Reports wall times (the first report card separately: it starts vl-convert's JavaScript runtime)
and, for the zip, documents per second. Results go in docs/benchmarks.md ("Published results").
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2022


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="kc_bench_results")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--region", default="15.71")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-zip", action="store_true")
    parser.add_argument("--workers", type=int, default=2, help="processes for the zip")
    args = parser.parse_args()
    os.environ.update(
        {
            "DATABASE_URL": f"{args.pg}/{args.database}",
            "DJANGO_SETTINGS_MODULE": "kotacerdas.settings",
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from kotacerdas.regions.models import Region
    from kotacerdas.reports.services import batch, documents
    from kotacerdas.results.services import published

    snapshot = published.snapshot_for_year(YEAR)
    region = Region.objects.get(code=args.region)
    report: dict = {"regions": snapshot.regions.count(), "load_average_before": os.getloadavg()}
    first = timed(lambda: documents.report_card(snapshot, region), 1)[0]
    cards = timed(lambda: documents.report_card(snapshot, region), args.repeat)
    notes = timed(lambda: documents.report_card(snapshot, region, include_notes=True), args.repeat)
    letters = timed(lambda: documents.letter(snapshot, region), args.repeat)
    national = timed(lambda: documents.national(snapshot), 1)
    report.update(
        {
            "report_card_first_s": round(first, 2),
            "report_card_median_s": round(statistics.median(cards), 2),
            "report_card_max_s": round(max(cards), 2),
            "report_card_with_notes_median_s": round(statistics.median(notes), 2),
            "letter_median_s": round(statistics.median(letters), 2),
            "national_summary_s": round(national[0], 2),
        }
    )
    print(json.dumps(report, indent=2), flush=True)
    if not args.skip_zip:
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "reports.zip"
            started = time.perf_counter()
            count = batch.build_zip(snapshot, target, workers=args.workers)
            elapsed = time.perf_counter() - started
            report.update(
                {
                    "zip_documents": count,
                    "zip_workers": args.workers,
                    "zip_minutes": round(elapsed / 60, 2),
                    "zip_documents_per_second": round(count / elapsed, 2),
                    "zip_megabytes": round(target.stat().st_size / 2**20, 1),
                }
            )
    report["load_average_after"] = os.getloadavg()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
