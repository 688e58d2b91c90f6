"""The near-duplicate check at the product's size, without a database.

Synthetic justifications: 552 regions × 100 indicators in the current cycle and the same
number in each of ``--cycles`` − 1 earlier cycles (texts of 25–60 words drawn from a
vocabulary of ``--vocabulary`` words, 3,000 by default, so unrelated texts share few 3-word
runs; a smaller vocabulary makes shared runs, and so candidates, common). Per indicator,
``--copies`` regions copy a neighbour's text with their own name and one or two words changed,
and in every earlier cycle ``--carried`` regions (none by default) wrote a near-copy of another
region's text of the current cycle. Times what ``near_duplicate_texts`` does after the query,
as it does it: normalising and masking every text (``_masked``; also timed alone), this
cycle's texts streamed into the index (``similarity.ShingleIndex``), the pairs within it, and
the earlier cycles' texts probed in batches of ``PROBE_BATCH`` (``matches_many``); with
``--memory`` the peak memory while this cycle is read and indexed (tracemalloc, which slows
the run).

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
    parser.add_argument("--carried", type=int, default=0)
    parser.add_argument("--vocabulary", type=int, default=3000)
    parser.add_argument(
        "--memory", action="store_true", help="trace memory (tracemalloc; slows everything)"
    )
    options = parser.parse_args()
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotacerdas.settings")
    django.setup()
    from kotacerdas.evaluations import similarity
    from kotacerdas.evaluations.services.integrity import (
        PROBE_BATCH,
        _masked,
        normalise_text,
        region_names,
    )

    rng = random.Random(2026)
    vocabulary = [f"kata{n}" for n in range(options.vocabulary)]
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
    carry = random.Random(7)  # its own generator: without --carried the texts are unchanged
    for rows in earlier:
        for indicator in range(options.indicators):
            for _ in range(options.carried):
                source, target = carry.sample(range(len(regions)), 2)
                first = indicator * len(regions)
                body = current[first + source][2].replace(regions[source][1], regions[target][1])
                words = body.split()
                words[carry.randrange(len(words))] = "diubah"
                rows[first + target] = (target, rows[first + target][1], " ".join(words))
    names = {number: region_names(name, code) for number, name, code in regions}

    def item(key, row):
        number, indicator, body = row
        return similarity.Item(
            key, _masked(normalise_text(body), names[number], ()).split(), indicator, number
        )

    def clock() -> tuple[float, float]:
        # Wall time and this process's CPU time: on a shared machine the two differ.
        return time.perf_counter(), time.process_time()

    def took(since: tuple[float, float], until: tuple[float, float]) -> str:
        return f"{until[0] - since[0]:.2f} s ({until[1] - since[1]:.2f} s CPU)"

    # Normalising and masking alone (each result dropped at once), for the step table.
    start = clock()
    for n, row in enumerate(current):
        item(("c", n), row)
    prepared = clock()

    if options.memory:
        tracemalloc.start()
    begin = clock()
    # As the service does: this cycle's texts streamed into the index (no list of word lists).
    index = similarity.ShingleIndex(item(("c", n), row) for n, row in enumerate(current))
    indexed = clock()
    peak = tracemalloc.get_traced_memory()[1] if options.memory else 0
    tracemalloc.stop()
    pairs = index.pairs()
    paired = clock()
    probed = 0
    for cycle_number, rows in enumerate(earlier):
        # In batches, as the service streams them (earlier cycles are never all in memory).
        for first in range(0, len(rows), PROBE_BATCH):
            batch = rows[first : first + PROBE_BATCH]
            probes = (item((cycle_number, n), row) for n, row in enumerate(batch, first))
            probed += len(index.matches_many(probes))
    done = clock()
    print(f"texts: {len(current)} current, {sum(map(len, earlier))} earlier")
    print(f"normalise + mask current, alone: {took(start, prepared)}")
    print(
        f"normalise + mask + index current: {took(begin, indexed)}"
        f" (peak traced {peak / 2**20:.0f} MiB)"
    )
    print(f"pairs within current: {took(indexed, paired)}, {len(pairs)} pairs")
    print(f"probe earlier (normalise + mask + match): {took(paired, done)}, {probed} matches")
    print(f"total (without the step alone): {took(begin, done)}")


if __name__ == "__main__":
    main()
