"""Autosave under load: many operators saving answers at once (deadline day), over real HTTP.

What it does:
1. Creates a fresh PostgreSQL database, migrates it, loads the official regions and collects the
   static files, all with production settings (``KOTACERDAS_ENV=production``).
2. Creates cycle 2022 from the packaged default instrument, enrols ``--operators`` kabupaten/kota,
   gives each region its own operator account and opens the cycle (through the services).
3. Starts gunicorn (gthread workers) on 127.0.0.1 and signs every operator in through the login
   form (each its own session and CSRF token), then loads its self-assessment form once.
4. For ``--seconds``, every operator autosaves answers the way the form does (htmx POST of one
   indicator: ``value``, ``justification``, ``version``), picking a random indicator and a valid
   random value, waiting a random think time between saves. The version each save returns is used
   for the next save of that indicator, as the page does.
5. Stops gunicorn and reads every answer back from the database: the value of each indicator must
   be the one its operator saved last (a "lost save" otherwise).

Reports p50/p95/p99/max latency of the autosave requests, throughput, failures by status, and
lost saves. Not part of the test suite; results go in docs/benchmarks.md ("Autosave under load").

Usage (from the repository root):
    .venv/bin/python benchmarks/autosave_load.py --operators 50 --seconds 60
    .venv/bin/python benchmarks/autosave_load.py --think 0 0   # no think time: saturation
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PASSWORD = "autosave-benchmark-password"  # noqa: S105 - throwaway accounts in a throwaway database
VERSION = re.compile(r'name="version" value="(\d+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--operators", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(0.5, 1.5),
        metavar=("MIN", "MAX"),
        help="seconds an operator waits between two saves (uniform; default 0.5 1.5)",
    )
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--database", default="kc_bench_autosave")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(args: argparse.Namespace, var: Path) -> dict[str, str]:
    return {
        **os.environ,
        "KOTACERDAS_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"{args.pg}/{args.database}",
        "KOTACERDAS_VAR": str(var),
        "MEDIA_ROOT": str(var / "media"),
        "STATIC_ROOT": str(var / "static"),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "kotacerdas.settings",
    }


def recreate_database(args: argparse.Namespace) -> None:
    with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{args.database}"')


def manage(env: dict[str, str], *command: str) -> None:
    subprocess.run([str(BIN / "kotacerdas"), *command], env=env, check=True, cwd=ROOT)


@dataclass
class Operator:
    username: str
    region_code: str
    indicators: list[tuple[str, str]]  # (code, type)
    cookies: dict[str, str] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    last_saved: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → (value, text)


def prepare_data(args: argparse.Namespace) -> list[Operator]:
    """Cycle 2022 (default instrument), enrolled regions with one operator each, opened."""
    import django

    django.setup()
    from datetime import timedelta

    from django.utils import timezone

    from kotacerdas.accounts.models import User
    from kotacerdas.accounts.roles import Role
    from kotacerdas.evaluations.models import CycleState
    from kotacerdas.evaluations.services import cycles, enrolment, lifecycle
    from kotacerdas.regions.models import Region, RegionKind

    admin = User.objects.create(username="bench.admin", role=Role.ADMIN)
    cycle = cycles.create_cycle(2022, "Evaluasi Smart City 2022 (benchmark)", by=admin)
    regions = list(
        Region.objects.exclude(kind=RegionKind.PROVINSI).order_by("code")[: args.operators]
    )
    enrolment.enrol(cycle, regions, by=admin)
    cycles.update_settings(
        cycle, {"submission_deadline": timezone.now() + timedelta(days=1)}, by=admin
    )
    lifecycle.transition(cycle, CycleState.OPEN, by=admin)
    indicators = list(cycle.instrument.indicators.values_list("code", "type"))
    operators = []
    for number, region in enumerate(regions, start=1):
        user = User(username=f"bench.op{number:03d}", role=Role.OPERATOR, region=region)
        user.set_password(PASSWORD)
        user.save()
        operators.append(Operator(user.username, region.code, indicators))
    return operators


def start_server(args: argparse.Namespace, env: dict[str, str], port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "kotacerdas.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            "--worker-class=gthread",
            f"--workers={args.workers}",
            f"--threads={args.threads}",
            # Longer than the longest think time, so the server never closes a kept-alive
            # connection just as the client reuses it.
            "--keep-alive=5",
            "--log-level=warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/", timeout=10).status_code == 200:
                return server
        except requests.RequestException:
            time.sleep(0.5)
    stop_server(server)
    raise SystemExit("gunicorn did not start")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


def _process_cpu(stat: Path) -> tuple[int, float, str] | None:
    """(parent pid, user + system CPU seconds, command line) of one /proc/<pid>/stat."""
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks, command


def cpu_seconds(parent: int, database: str) -> tuple[float, float]:
    """CPU seconds used so far by the server's workers (children of ``parent``) and by the
    PostgreSQL backends serving ``database``."""
    server = postgres = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        found = _process_cpu(stat)
        if found is None:
            continue
        ppid, seconds, command = found
        if ppid == parent:
            server += seconds
        elif command.startswith("postgres:") and f" {database} " in command:
            postgres += seconds
    return server, postgres


def system_busy_seconds() -> float:
    """CPU seconds all processes of the machine have used (busy time from /proc/stat)."""
    ticks = os.sysconf("SC_CLK_TCK")
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / ticks


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cookie_header(cookies: dict[str, str]) -> str:
    # Production cookies are Secure; over plain HTTP on localhost we send them ourselves.
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def sign_in(base: str, operator: Operator) -> float:
    """Sign in through the login form, then load the self-assessment; return the form's time."""
    with requests.Session() as http:
        page = http.get(f"{base}/akun/masuk/")
        operator.cookies.update(page.cookies.get_dict())
        token = CSRF.search(page.text).group(1)
        response = http.post(
            f"{base}/akun/masuk/",
            data={
                "username": operator.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token,
            },
            headers={"Cookie": cookie_header(operator.cookies), "Referer": f"{base}/akun/masuk/"},
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise SystemExit(f"sign-in of {operator.username} failed: {response.status_code}")
        operator.cookies.update(response.cookies.get_dict())
        started = time.perf_counter()
        form = http.get(
            f"{base}/evaluasi/penilaian/2022/{operator.region_code}/",
            headers={"Cookie": cookie_header(operator.cookies)},
        )
        elapsed = time.perf_counter() - started
        if form.status_code != 200:
            raise SystemExit(f"form of {operator.username}: {form.status_code}")
        return elapsed


def random_value(kind: str, rng: random.Random) -> str:
    if kind == "level":
        return str(rng.randint(0, 5))
    if kind == "yesno":
        return str(rng.randint(0, 1))
    if kind == "percent":
        return f"{rng.uniform(0, 100):.1f}"
    return str(rng.randint(0, 2000))


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


def run_operator(
    base: str, operator: Operator, stop_at: float, think: tuple[float, float], results: Results
) -> None:
    rng = random.Random(operator.username)  # load generation, not security
    latencies, statuses = [], Counter()
    with requests.Session() as http:
        headers = {
            "Cookie": cookie_header(operator.cookies),
            "X-CSRFToken": operator.cookies["csrftoken"],
            "HX-Request": "true",
        }
        while time.monotonic() < stop_at:
            code, kind = rng.choice(operator.indicators)
            value = random_value(kind, rng)
            text = f"Penjelasan {operator.username} {rng.randint(0, 10**6)}"
            data = {
                "value": value,
                "justification": text,
                "version": operator.versions.get(code, 0),
            }
            url = f"{base}/evaluasi/penilaian/2022/{operator.region_code}/jawaban/{code}/"
            started = time.perf_counter()
            try:
                response = http.post(url, data=data, headers=headers, timeout=30)
            except requests.RequestException as exc:
                with results.lock:
                    results.errors[type(exc).__name__] += 1
                continue
            latencies.append(time.perf_counter() - started)
            statuses[response.status_code] += 1
            if response.status_code == 200:
                operator.versions[code] = int(VERSION.search(response.text).group(1))
                operator.last_saved[code] = (value, text)
            if think[1] > 0:
                time.sleep(rng.uniform(*think))
    with results.lock:
        results.latencies.extend(latencies)
        results.statuses.update(statuses)


def lost_saves(operators: list[Operator]) -> tuple[int, int]:
    """(saved indicators checked, those whose stored value differs from the last save)."""
    from kotacerdas.evaluations.models import Answer

    checked = lost = 0
    for operator in operators:
        stored = {
            answer.indicator.code: answer
            for answer in Answer.objects.filter(
                submission__region__code=operator.region_code
            ).select_related("indicator")
        }
        for code, (value, text) in operator.last_saved.items():
            checked += 1
            answer = stored.get(code)
            if answer is None or answer.value != Decimal(value) or answer.justification != text:
                lost += 1
    return checked, lost


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    args = parse_args()
    var = Path(tempfile.mkdtemp(prefix="kc-autosave-"))
    env = environment(args, var)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    print(f"database {args.database}, files in {var}", flush=True)
    recreate_database(args)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_regions")
    manage(env, "collectstatic", "--noinput", "-v0")
    operators = prepare_data(args)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(args, env, port)
    try:
        form_times = [sign_in(base, operator) for operator in operators]
        results = Results()
        stop_at = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=run_operator, args=(base, op, stop_at, tuple(args.think), results)
            )
            for op in operators
        ]
        load_before = load_average()
        server_cpu, postgres_cpu = cpu_seconds(server.pid, args.database)
        busy = system_busy_seconds()
        client_cpu = time.process_time()
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        server_after, postgres_after = cpu_seconds(server.pid, args.database)
        server_cpu, postgres_cpu = server_after - server_cpu, postgres_after - postgres_cpu
        busy = system_busy_seconds() - busy
        client_cpu = time.process_time() - client_cpu
        load_after = load_average()
    finally:
        stop_server(server)
    checked, lost = lost_saves(operators)
    ms = [value * 1000 for value in results.latencies]
    failures = sum(n for status, n in results.statuses.items() if status != 200)
    report = {
        "operators": args.operators,
        "seconds": round(elapsed, 1),
        "think_time_s": list(args.think),
        "gunicorn": f"gthread, {args.workers} workers x {args.threads} threads",
        "indicators": len(operators[0].indicators),
        "saves": len(ms),
        "saves_per_second": round(len(ms) / elapsed, 1),
        "p50_ms": round(percentile(ms, 0.50), 1),
        "p95_ms": round(percentile(ms, 0.95), 1),
        "p99_ms": round(percentile(ms, 0.99), 1),
        "max_ms": round(max(ms), 1),
        "mean_ms": round(statistics.fmean(ms), 1),
        "statuses": dict(results.statuses),
        "failed_saves": failures + sum(results.errors.values()),
        "client_errors": dict(results.errors),
        "answers_checked": checked,
        "lost_saves": lost,
        "server_cpu_ms_per_save": round(1000 * server_cpu / max(1, len(ms)), 1),
        "postgres_cpu_ms_per_save": round(1000 * postgres_cpu / max(1, len(ms)), 1),
        "cpu_seconds": {
            "gunicorn": round(server_cpu, 1),
            "postgres": round(postgres_cpu, 1),
            "load_generator": round(client_cpu, 1),
            "other_processes": round(busy - server_cpu - postgres_cpu - client_cpu, 1),
            "machine_capacity": round(elapsed * (os.cpu_count() or 1), 1),
        },
        "load_average_before_after": [load_before, load_after],
        "form_load_p50_ms": round(percentile([t * 1000 for t in form_times], 0.5), 1),
        "form_load_max_ms": round(max(form_times) * 1000, 1),
    }
    print(json.dumps(report, indent=2))
    shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
