"""Benchmark: Monte Carlo of 10,000 samples on the whole cycle (target: 10 s, 2 GB peak).

Run: ``.venv/bin/python benchmarks/index_uncertainty.py [samples] [jobs] [repeat]`` in a fresh
process (the peak memory is the process's maximum resident set size, interpreter and
libraries included). All four assumptions are active: weights ±25 %, arithmetic or geometric,
rubric / min-max / z-score (on the 60 number indicators), one assessor drawn per answer. On a
shared machine, repeat and read the best run with the load average beside it.
"""

from __future__ import annotations

import os
import resource
import sys
import time

from index_common import cycle, machine

from kotacerdas.index import Config, Values, uncertainty


def main() -> None:
    samples = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    jobs = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2] != "auto" else None
    repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    data = cycle()
    prepared = Values.from_frame(data.values, data.tree)
    print(f"machine: {machine()}")
    print("| run | samples | jobs | wall | CPU | peak memory | load (1 min) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for run in range(1, repeat + 1):
        load = os.getloadavg()[0]
        wall, cpu = time.perf_counter(), time.process_time()
        result = uncertainty(
            data.tree, prepared, Config(), samples=samples, seed=2022, groups=data.groups, jobs=jobs
        )
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
        print(
            f"| {run} | {samples:,} | {jobs or 'auto'} | {wall:.2f} s | {cpu:.2f} s | "
            f"{peak:,.0f} MB | {load:.1f} |"
        )
    print(result.sensitivity.to_string())


if __name__ == "__main__":
    main()
