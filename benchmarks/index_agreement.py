"""Benchmark: assessor agreement for the whole cycle (target: 1 s).

Run: ``.venv/bin/python benchmarks/index_agreement.py``. Krippendorff's alpha for the 300
indicators and the 37 aggregate nodes, severity of the 60 assessors, and the disagreement list.
"""

from __future__ import annotations

from index_common import HEADER, cycle, machine, row, timed

from kotacerdas.index import Values, agreement


def main() -> None:
    data = cycle()
    prepared = Values.from_frame(data.values, data.tree)
    print(f"machine: {machine()}")
    print(HEADER)
    print(
        row(
            "agreement (prepared values, with the tree)",
            *timed(lambda: agreement(prepared, tree=data.tree), 10),
            "≤ 1 s",
        )
    )
    print(
        row(
            "agreement from the long table (with the tree)",
            *timed(lambda: agreement(data.values, tree=data.tree), 5),
            "—",
        )
    )


if __name__ == "__main__":
    main()
