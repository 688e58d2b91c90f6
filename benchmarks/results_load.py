"""Publication day: the public ranking and region profiles of a 552-region cycle under load.

What it does:
1. Creates a fresh PostgreSQL database (production settings, as ``autosave_load.py`` does, whose
   helpers it reuses), migrates, loads the 552 official regions, collects the static files.
2. Builds cycle 2022 from the packaged default instrument with every region enrolled, submitted
   and scored by two assessors (``evaluations.demo.build_demo_cycle``, synthetic data), settles
   it to ``final``, computes the results (``results.services.compute``, 1,000 Monte Carlo samples;
   timed) and publishes them through the lifecycle.
3. Starts Redis (the shared cache) and gunicorn (gthread workers), warms the cache with one pass
   over every ranking variant and every profile, then lets ``--clients`` anonymous readers request, for
   ``--seconds``, the ranking (unfiltered, or filtered by a random province, kind or search) or
   a random region's profile, half and half, waiting ``--think`` seconds between pages.

Reports p50/p95/p99/max latency per page, throughput and errors. Keeps the database (``--keep``)
for ``reports_pdf.py``. Results go in docs/benchmarks.md ("Published results").

Usage (from the repository root):
    .venv/bin/python benchmarks/results_load.py --clients 50 --seconds 60 --keep
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from autosave_load import (
    ROOT,
    environment,
    free_port,
    manage,
    percentile,
    recreate_database,
    start_server,
    stop_server,
)

YEAR = 2022
SEARCHES = ("kota", "jambi", "bandung", "kabupaten", "15.7", "barat")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(0.5, 1.5),
        metavar=("MIN", "MAX"),
        help="seconds a reader waits between two pages (uniform; default 0.5 1.5; 0 0 saturates)",
    )
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--database", default="kc_bench_results")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="keep the database and files")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database as it is")
    return parser.parse_args()


def prepare_cycle(samples: int) -> dict:
    """The published 552-region cycle; returns timings and sizes."""
    import django

    django.setup()
    from datetime import date

    from django.test import override_settings

    from kotacerdas.accounts import demo as accounts_demo
    from kotacerdas.accounts.models import User
    from kotacerdas.evaluations.demo import build_demo_cycle
    from kotacerdas.evaluations.models import Cycle, CycleState
    from kotacerdas.evaluations.services import lifecycle
    from kotacerdas.regions.models import Region
    from kotacerdas.results.services import compute

    accounts_demo.load()
    admin = User.objects.get(username="admin")
    codes = list(Region.objects.order_by("code").values_list("code", flat=True))
    started = time.perf_counter()
    build_demo_cycle(
        YEAR, state=CycleState.FINAL, regions=codes, seed=YEAR, session_day=date(YEAR, 9, 1)
    )
    built = time.perf_counter() - started
    cycle = Cycle.objects.get(year=YEAR)
    started = time.perf_counter()
    snapshot = compute.compute_results(cycle, by=admin, samples=samples)
    computed = time.perf_counter() - started
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        lifecycle.transition(cycle, CycleState.PUBLISHED, by=admin)
    return {
        "regions": snapshot.regions.count(),
        "indicators": cycle.instrument.indicators.count(),
        "build_cycle_s": round(built, 1),
        "compute_results_s": round(computed, 1),
        "monte_carlo_samples": samples,
    }


def region_codes() -> list[str]:
    from kotacerdas.results.models import RegionResult

    return list(
        RegionResult.objects.filter(snapshot__cycle__year=YEAR).values_list(
            "region__code", flat=True
        )
    )


def start_redis(port: int, folder: Path) -> subprocess.Popen:
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(1)
    return redis


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    slow: list[tuple[float, float]] = field(default_factory=list)  # (start offset, seconds)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


def ranking_url(rng: random.Random) -> str:
    choice = rng.randrange(4)
    if choice == 0:
        return f"/hasil/{YEAR}/"
    if choice == 1:
        return f"/hasil/{YEAR}/?province={rng.randint(11, 94)}"
    if choice == 2:
        return f"/hasil/{YEAR}/?kind={rng.choice(['provinsi', 'kabupaten', 'kota'])}"
    return f"/hasil/{YEAR}/?q={rng.choice(SEARCHES)}"


def reader(
    base: str,
    codes: list[str],
    number: int,
    stop_at: float,
    think: tuple[float, float],
    results: Results,
) -> None:
    rng = random.Random(number)  # load generation, not security
    latencies: dict[str, list[float]] = defaultdict(list)
    statuses: Counter = Counter()
    slow = []
    begin = time.monotonic()
    with requests.Session() as http:
        while time.monotonic() < stop_at:
            if rng.random() < 0.5:
                page, path = "ranking", ranking_url(rng)
            else:
                page, path = "profile", f"/hasil/{YEAR}/daerah/{rng.choice(codes)}/"
            started = time.perf_counter()
            try:
                response = http.get(base + path, timeout=30)
            except requests.RequestException as exc:
                with results.lock:
                    results.errors[type(exc).__name__] += 1
                continue
            elapsed = time.perf_counter() - started
            latencies[page].append(elapsed)
            statuses[response.status_code] += 1
            if elapsed > 1:
                slow.append((round(time.monotonic() - begin - elapsed, 1), round(elapsed, 2)))
            if think[1] > 0:
                time.sleep(rng.uniform(*think))
    with results.lock:
        for page, values in latencies.items():
            results.latencies[page].extend(values)
        results.statuses.update(statuses)
        results.slow.extend(slow)


def warm(base: str, codes: list[str]) -> float:
    """One pass over every ranking variant the readers ask for and every profile (what the first
    readers after publication do); return its seconds."""
    variants = [
        f"/hasil/{YEAR}/",
        *(f"/hasil/{YEAR}/?province={number}" for number in range(11, 95)),
        *(f"/hasil/{YEAR}/?kind={kind}" for kind in ("provinsi", "kabupaten", "kota")),
        *(f"/hasil/{YEAR}/?q={text}" for text in SEARCHES),
        *(f"/hasil/{YEAR}/daerah/{code}/" for code in codes),
    ]
    started = time.perf_counter()
    with requests.Session() as http:
        for path in variants:
            http.get(base + path, timeout=60).raise_for_status()
    return time.perf_counter() - started


def summary(values: list[float]) -> dict:
    ms = [value * 1000 for value in values]
    return {
        "requests": len(ms),
        "p50_ms": round(percentile(ms, 0.50), 1),
        "p95_ms": round(percentile(ms, 0.95), 1),
        "p99_ms": round(percentile(ms, 0.99), 1),
        "max_ms": round(max(ms), 1),
        "mean_ms": round(statistics.fmean(ms), 1),
    }


def main() -> None:
    args = parse_args()
    var = Path(os.environ.get("KC_BENCH_VAR") or tempfile.mkdtemp(prefix="kc-results-"))
    var.mkdir(parents=True, exist_ok=True)
    redis_port = free_port()
    env = {**environment(args, var), "CACHE_URL": f"redis://127.0.0.1:{redis_port}/0"}
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    print(f"database {args.database}, files in {var}", flush=True)
    report: dict = {}
    if not args.reuse:
        recreate_database(args)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_regions")
        manage(env, "collectstatic", "--noinput", "-v0")
        report.update(prepare_cycle(args.samples))
    else:
        import django

        django.setup()
    codes = region_codes()
    redis = start_redis(redis_port, var)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(args, env, port)
    try:
        report["warm_up_s"] = round(warm(base, codes), 1)
        results = Results()
        load_before = os.getloadavg()
        stop_at = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=reader, args=(base, codes, n, stop_at, tuple(args.think), results)
            )
            for n in range(args.clients)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        stop_server(server)
        redis.terminate()
        redis.wait(timeout=30)
    everything = [value for values in results.latencies.values() for value in values]
    report.update(
        {
            "clients": args.clients,
            "think_time_s": list(args.think),
            "load_average_before": [round(value, 2) for value in load_before],
            "load_average_after": [round(value, 2) for value in os.getloadavg()],
            "seconds": round(elapsed, 1),
            "gunicorn": f"gthread, {args.workers} workers x {args.threads} threads",
            "cache": "redis",
            "requests_per_second": round(len(everything) / elapsed, 1),
            "all": summary(everything),
            **{page: summary(values) for page, values in sorted(results.latencies.items())},
            "statuses": dict(results.statuses),
            "errors": sum(n for s, n in results.statuses.items() if s != 200)
            + sum(results.errors.values()),
            "client_errors": dict(results.errors),
            # When the requests slower than 1 s started (seconds into the run) and how long
            # they took: all at one moment points at the machine, spread out at the server.
            "slow_requests": sorted(results.slow),
        }
    )
    print(json.dumps(report, indent=2))
    if not args.keep:
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
