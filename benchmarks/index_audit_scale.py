"""The statistical audit of the index at national scale: ``index_audit.audit_snapshot``, its
XLSX and the instrument page's "last year" flags, on a computed 552-region cycle.

What it does:
1. Migrates the database named by ``DATABASE_URL`` (use a scratch one: everything in it is
   replaced), loads the official regions and the demo accounts, and builds cycle 2022 in
   ``final`` from the default instrument (``--repeat`` times each indicator) with every region
   submitted and scored (``evaluations.demo.build_demo_cycle``, synthetic data).
2. Computes its results (``results.services.compute``, ``--samples`` Monte Carlo samples).
3. Times, three times each: the engine alone (``kotacerdas.index.audit`` on the loaded frames),
   ``audit_snapshot`` (load + engine + wording, the page's and the API's data: once on an empty
   cache, then twice from the cached engine result), ``to_xlsx``, and
   ``previous_flags`` for a copy of the instrument linked by a crosswalk (the instrument page's
   extra work: a cache miss, then two hits); counts the queries of ``audit_snapshot``.
   ``--reuse`` skips steps 1 and 2 on the database a previous run built.

Not part of the test suite; results go in docs/benchmarks.md ("Statistical audit of the index").

Usage (from the repository root):
    DATABASE_URL=sqlite:////tmp/audit-bench.sqlite3 .venv/bin/python \\
        benchmarks/index_audit_scale.py --repeat 5
"""

from __future__ import annotations

import time
from datetime import date

from national_db import arguments, fresh_database, national_instrument, setup, timed


def main() -> None:
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument(
        "--reuse", action="store_true", help="time again on the database a previous run built"
    )
    options = parser.parse_args()
    setup()

    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kotacerdas import index
    from kotacerdas.accounts import demo as accounts_demo
    from kotacerdas.accounts.models import User
    from kotacerdas.evaluations.demo import build_demo_cycle
    from kotacerdas.evaluations.models import Cycle, CycleState
    from kotacerdas.instruments.models import Crosswalk, CrosswalkEntry, CrosswalkKind, Instrument
    from kotacerdas.regions.models import Region
    from kotacerdas.results.services import compute, index_audit

    if options.reuse:
        cycle = Cycle.objects.get(year=2022)
        snapshot = cycle.result_snapshots.order_by("-version").first()
        instrument = cycle.instrument
    else:
        fresh_database()
        accounts_demo.load()
        admin = User.objects.get(username="admin")
        regions = Region.objects.order_by("code").values_list("code", flat=True)
        codes = list(regions)[: options.regions]
        instrument = national_instrument("kc-2022", options.repeat)
        timed(
            "build cycle",
            lambda: build_demo_cycle(
                2022,
                state=CycleState.FINAL,
                regions=codes,
                seed=2022,
                instrument=instrument,
                session_day=date(2022, 9, 1),
            ),
        )
        cycle = Cycle.objects.get(year=2022)
        snapshot = timed(
            "compute results",
            lambda: compute.compute_results(cycle, by=admin, samples=options.samples),
        )
    print(f"regions {snapshot.regions.count()}, indicators {instrument.indicators.count()}")
    tree = index_audit.snapshot_tree(snapshot)
    frames = index_audit._frames(snapshot, tree)
    for _ in range(3):
        timed("engine: index.audit", lambda: index.audit(tree, *frames))
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        found = timed("audit_snapshot (cache miss)", lambda: index_audit.audit_snapshot(snapshot))
    print(f"audit_snapshot queries (miss)      {len(queries)}")
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            found = timed("audit_snapshot (cached)", lambda: index_audit.audit_snapshot(snapshot))
    print(f"audit_snapshot queries (cached)    {len(queries)}")
    print(
        f"flagged indicators {found.flagged_indicators} of {len(found.indicators)}, "
        f"redundant pairs {len(found.pairs)}"
    )
    for _ in range(3):
        workbook = timed("to_xlsx", lambda: index_audit.to_xlsx(found))
    print(f"workbook {len(workbook) / 1024:.0f} KiB")
    revised = Instrument.objects.filter(code="kc-2023").first()
    if revised is None:
        revised = national_instrument("kc-2023", options.repeat)
        walk = Crosswalk.objects.create(source=instrument, target=revised)
        CrosswalkEntry.objects.bulk_create(
            CrosswalkEntry(
                crosswalk=walk, kind=CrosswalkKind.SAME, source_code=code, target_code=code
            )
            for code in instrument.indicators.values_list("code", flat=True)
        )
    cache.clear()
    for label in (
        "previous_flags (cache miss)",
        "previous_flags (cached)",
        "previous_flags (cached)",
    ):
        started = time.perf_counter()
        previous = index_audit.previous_flags(revised)
        print(f"{label:<34} {time.perf_counter() - started:7.2f} s")
    assert previous is not None
    print(f"carried-over indicators with last year's flags: {len(previous.flags)}")


if __name__ == "__main__":
    main()
