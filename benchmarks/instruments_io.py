"""Benchmark: import, export, copy and crosswalk of a 300-indicator instrument (the product's
upper size for one cycle).

Run: ``DATABASE_URL=sqlite:////tmp/kc-bench-instruments.sqlite3 .venv/bin/python
benchmarks/instruments_io.py`` (or a PostgreSQL URL). The instrument is the packaged default with
every indicator repeated five times under new codes (60 → 300 indicators, 175 → 875 rubrics).
Prints a markdown table (median of five runs) for docs/benchmarks.md.
"""

from __future__ import annotations

import copy
import os
import platform
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotacerdas.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/kc-bench-instruments.sqlite3")
django.setup()

from django.core.management import call_command  # noqa: E402

from kotacerdas.instruments.models import Crosswalk, Instrument  # noqa: E402
from kotacerdas.instruments.services import (  # noqa: E402
    DEFAULT_INSTRUMENT,
    copy_instrument,
    export_xlsx,
    export_yaml,
    import_xlsx,
    import_yaml,
    suggest_crosswalk,
)
from kotacerdas.instruments.services.yaml_format import read_yaml, tree_to_yaml  # noqa: E402

RUNS = 5


def big_yaml() -> str:
    tree = read_yaml(DEFAULT_INSTRUMENT.read_text(encoding="utf-8"))
    for dimension in tree["dimensions"]:
        for element in dimension["elements"]:
            repeated = []
            for round_ in range(5):
                for indicator in element["indicators"]:
                    clone = copy.deepcopy(indicator)
                    clone["code"] = f"{indicator['code']}.{round_}"
                    repeated.append(clone)
            element["indicators"] = repeated
    tree["code"] = "bench-300"
    return tree_to_yaml(tree)


def timed(action, cleanup=None) -> float:
    times = []
    for _run in range(RUNS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
        if cleanup:
            cleanup()
    return statistics.median(times)


def drop(*codes: str) -> None:
    Crosswalk.objects.filter(target__code__in=codes).delete()
    Instrument.objects.filter(code__in=codes).delete()


def main() -> None:
    call_command("migrate", verbosity=0)
    drop("bench-300", "bench-xlsx", "bench-copy")
    text = big_yaml()
    base = import_yaml(text)
    xlsx = export_xlsx(base)
    rows = [
        (
            "import YAML",
            timed(lambda: import_yaml(text, code="bench-xlsx"), lambda: drop("bench-xlsx")),
        ),
        ("export YAML", timed(lambda: export_yaml(base))),
        (
            "import XLSX",
            timed(lambda: import_xlsx(xlsx, code="bench-xlsx"), lambda: drop("bench-xlsx")),
        ),
        ("export XLSX", timed(lambda: export_xlsx(base))),
        (
            "copy with crosswalk",
            timed(
                lambda: copy_instrument(base, code="bench-copy", name="Salinan"),
                lambda: drop("bench-copy"),
            ),
        ),
    ]
    other = copy_instrument(base, code="bench-copy", name="Salinan")
    Crosswalk.objects.filter(target=other).delete()
    rows.append(
        (
            "suggest crosswalk (new)",
            timed(
                lambda: suggest_crosswalk(base, other),
                lambda: Crosswalk.objects.filter(target=other).delete(),
            ),
        )
    )
    suggest_crosswalk(base, other)
    rows.append(
        ("suggest crosswalk (complete existing)", timed(lambda: suggest_crosswalk(base, other)))
    )
    indicators = base.indicators.count()
    drop("bench-300", "bench-copy")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"database {django.db.connection.vendor}"
    )
    print(
        f"instrument: {indicators} indicators; YAML {len(text) // 1024} KiB, XLSX {len(xlsx) // 1024} KiB"
    )
    print("| operation | median of 5 (s) |\n| --- | --- |")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.3f} |")


if __name__ == "__main__":
    main()
