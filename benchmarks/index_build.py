"""Benchmark: one build of the whole cycle (target: 0.05 s for 552 x 300 x 3).

Run: ``.venv/bin/python benchmarks/index_build.py``. Prints a markdown table for
docs/benchmarks.md. "build" starts from the answers already in matrix form (``Values``, the
analogue of a COINr coin's data) and includes normalising, aggregating, coverage, bands, ranks
(national and within province and kind) and the fingerprint; the Values object is rebuilt from
its arrays for every call so nothing cached is reused. The other rows time turning the long
table into that matrix (validation included) and the build straight from the long table.
"""

from __future__ import annotations

from index_common import HEADER, cycle, machine, row, timed

from kotacerdas.index import Config, Values, build


def main() -> None:
    data = cycle()
    tree, frame, groups = data.tree, data.values, data.groups
    prepared = Values.from_frame(frame, tree)
    categorical = frame.astype(
        {"unit": "category", "indicator": "category", "assessor": "category"}
    )

    def fresh() -> Values:
        return Values(
            units=prepared.units,
            indicators=prepared.indicators,
            raw=prepared.raw,
            assessor=prepared.assessor,
            assessors=prepared.assessors,
            not_applicable=prepared.not_applicable,
        )

    print(f"machine: {machine()}")
    print(
        f"cycle: {len(prepared.units)} units x {len(tree.indicators)} indicators x 3 assessors, "
        f"{len(frame)} answer rows"
    )
    print(HEADER)
    for name, config in (
        ("build (rubric, arithmetic)", Config()),
        (
            "build (min-max, geometric, exclude)",
            Config(normalise="minmax", aggregate="geometric", missing="exclude"),
        ),
    ):
        print(
            row(
                name,
                *timed(lambda config=config: build(tree, fresh(), config, groups), 20),
                "≤ 0.05 s",
            )
        )
    print(
        row(
            "long table → Values, categorical keys",
            *timed(lambda: Values.from_frame(categorical, tree), 10),
            "—",
        )
    )
    print(
        row(
            "long table → Values, text keys",
            *timed(lambda: Values.from_frame(frame, tree), 10),
            "—",
        )
    )
    print(
        row(
            "build from the long table (text keys)",
            *timed(lambda: build(tree, frame, Config(), groups), 10),
            "—",
        )
    )


if __name__ == "__main__":
    main()
