"""Benchmark: the path to the next predicate band for every unit (``index.paths_to``).

Run: ``.venv/bin/python benchmarks/index_path.py``. On the benchmark cycle (552 units x 300
indicators x 3 assessors), every unit below the top band gets the greedy path to the band above
it, as the results computation does; ``what_if`` for every unit (top 5, what the computation
already does) is timed beside it for scale. Also prints the number of steps per path.
"""

from __future__ import annotations

import statistics

from index_common import ASSESSORS, HEADER, UNITS, cycle, machine, row, timed

from kotacerdas.index import Config, Values, build, next_band, paths_to, what_if
from kotacerdas.index.synthetic import synthetic_cycle


def targets(data, prepared, config: Config) -> dict[str, float]:
    built = build(data.tree, prepared, config)
    out = {}
    for unit, score in built.index.items():
        band = next_band(config, float(score))
        if band is not None:
            out[unit] = band.min * 20.0
    return out


def main() -> None:
    print(f"machine: {machine()}")
    print(HEADER)
    # The packaged instrument's size (60 indicators), then the benchmark cycle's (300).
    small = synthetic_cycle(UNITS, 6, 5, 2, ASSESSORS, seed=0)
    for data, size in ((small, "60 indicators"), (cycle(), "300 indicators")):
        run(data, size)


def run(data, size: str) -> None:
    prepared = Values.from_frame(data.values, data.tree)
    for name, config in (
        ("rubric, arithmetic", Config()),
        ("rubric, arithmetic, exclude", Config(missing="exclude")),
        ("rubric, geometric", Config(aggregate="geometric")),
    ):
        goals = targets(data, prepared, config)
        paths = paths_to(data.tree, prepared, config, goals)
        lengths = [len(path.steps) for path in paths.values()]
        print(
            row(
                f"paths_to, {size}, {len(goals)} units, {name} (steps: median "
                f"{statistics.median(lengths):g}, max {max(lengths)})",
                *timed(lambda c=config, g=goals: paths_to(data.tree, prepared, c, g), 2),
                "—",
            )
        )
    config = Config()
    print(
        row(
            f"what_if, {size}, top 5, all 552 units, rubric, arithmetic",
            *timed(
                lambda: [what_if(data.tree, prepared, config, u, top=5) for u in prepared.units], 1
            ),
            "—",
        )
    )


if __name__ == "__main__":
    main()
