"""Shared helpers of the index benchmarks: the benchmark cycle, timing and the machine.

The cycle is the size the issue names: 552 units x 300 indicators (6 dimensions x 5 elements
x 10 indicators) x 3 assessors, from ``kotacerdas.index.synthetic`` (synthetic data).
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd

from kotacerdas.index.synthetic import SyntheticCycle, synthetic_cycle

UNITS, DIMENSIONS, ELEMENTS, INDICATORS, ASSESSORS = 552, 6, 5, 10, 3


@cache
def cycle() -> SyntheticCycle:
    """The benchmark cycle (the same every time: seed 0)."""
    return synthetic_cycle(UNITS, DIMENSIONS, ELEMENTS, INDICATORS, ASSESSORS, seed=0)


def machine() -> str:
    """CPU model, cores, Python and numpy versions, and the load when the benchmark started."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{model}, {os.cpu_count()} cores; Python {platform.python_version()}, "
        f"numpy {np.__version__}, pandas {pd.__version__}; load average {load}"
    )


def timed(function: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """Median and best wall time and median CPU time (seconds) of ``repeat`` calls after one warm-up."""
    function()
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), min(walls), statistics.median(cpus)


def row(name: str, wall: float, best: float, cpu: float, target: str) -> str:
    """A markdown table row: what, median wall, best wall, median CPU, target."""
    return f"| {name} | {wall:.4f} s | {best:.4f} s | {cpu:.4f} s | {target} |"


HEADER = "| what | median wall | best wall | median CPU | target |\n| --- | --- | --- | --- | --- |"
