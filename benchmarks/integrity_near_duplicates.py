"""The near-duplicate check at the product's size, without a database.

Synthetic justifications: 552 regions × 100 indicators in the current cycle and the same
number in each of ``--cycles`` − 1 earlier cycles (texts of 25–60 words drawn from a
vocabulary of 3,000 words, so unrelated texts share few 3-word runs). Per indicator, ``--copies``
regions copy a neighbour's text with their own name and one or two words changed. Times what
``near_duplicate_texts`` does after the query: normalising and masking every text
(``_masked``), indexing the current cycle (``similarity.ShingleIndex``), the pairs within it
and probing every text of the earlier cycles; with ``--memory`` the peak memory of the index (tracemalloc, which slows the run).

Not part of the test suite; results go in docs/benchmarks.md ("Near-duplicate justifications").

Usage (from the repository root):
    PYTHONPATH=src .venv/bin/python benchmarks/integrity_near_duplicates.py
"""

from __future__ import annotations

import argparse
import random
import time
import tracemalloc

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=552)
    parser.add_argument("--indicators", type=int, default=100)
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument(
        "--memory", action="store_true", help="trace memory (tracemalloc; slows everything)"
    )
    options = parser.parse_args()
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotacerdas.settings")
    django.setup()
    from kotacerdas.evaluations import similarity
    from kotacerdas.evaluations.services.integrity import _masked, normalise_text, region_names

    rng = random.Random(2026)
    vocabulary = [f"kata{n}" for n in range(3000)]
    regions = [(n, f"Kabupaten Contoh {n}", f"{n // 100:02d}.{n % 100:02d}") for n in range(552)]
    regions = regions[: options.regions]

    def text(name: str) -> str:
        words = [rng.choice(vocabulary) for _ in range(rng.randint(25, 60))]
        words.insert(rng.randrange(len(words)), name)
        return " ".join(words)

    def cycle_texts() -> list[tuple[int, str, str]]:
        rows = []
        for indicator in range(options.indicators):
            block = []
            for number, name, _code in regions:
                block.append((number, f"IND.{indicator:03d}", text(name)))
            for _ in range(options.copies):
                source, target = rng.sample(range(len(regions)), 2)
                words = block[source][2].replace(regions[source][1], regions[target][1]).split()
                words[rng.randrange(len(words))] = "diubah"
                block[target] = (target, block[target][1], " ".join(words))
            rows.extend(block)
        return rows

    current = cycle_texts()
    earlier = [cycle_texts() for _ in range(options.cycles - 1)]
    names = {number: region_names(name, code) for number, name, code in regions}

    def item(key, row):
        number, indicator, body = row
        return similarity.Item(
            key, _masked(normalise_text(body), names[number], ()).split(), indicator, number
        )

    if options.memory:
        tracemalloc.start()
    start = time.perf_counter()
    items = [item(("c", n), row) for n, row in enumerate(current)]
    prepared = time.perf_counter()
    index = similarity.ShingleIndex(items)
    indexed = time.perf_counter()
    peak = tracemalloc.get_traced_memory()[1] if options.memory else 0
    tracemalloc.stop()
    pairs = index.pairs()
    paired = time.perf_counter()
    probed = 0
    for cycle_number, rows in enumerate(earlier):
        for n, row in enumerate(rows):
            probed += len(index.matches(item((cycle_number, n), row)))
    done = time.perf_counter()
    print(f"texts: {len(current)} current, {sum(map(len, earlier))} earlier")
    print(f"normalise + mask current: {prepared - start:.2f} s")
    print(f"index current: {indexed - prepared:.2f} s (peak traced {peak / 2**20:.0f} MiB)")
    print(f"pairs within current: {paired - indexed:.2f} s, {len(pairs)} pairs")
    print(f"probe earlier (normalise + mask + match): {done - paired:.2f} s, {probed} matches")
    print(f"total: {done - start:.2f} s")


if __name__ == "__main__":
    main()
