"""Near-duplicate texts: Jaccard similarity of word shingles, found without comparing all pairs.

Pure Python and numpy, no Django: the integrity service (``services/integrity.py``) normalises
and masks the texts and reads them from the database; this module only finds the similar pairs.

A text is the set of its **shingles**: every run of ``SHINGLE_WORDS`` (3) consecutive words (a
text shorter than that is one shingle, never equal to a shingle of 3 words). Two texts are
*near-duplicates* when the Jaccard similarity of their shingle sets, |A ∩ B| / |A ∪ B|, is at
least the threshold (``THRESHOLD``, 0.8). One word changed in the middle of a text of n words
replaces three shingles: J = (n − 5) / (n + 1), 0.8 from n = 29 words on; two words changed far
apart in a 60-word text give 0.81.

Candidates come from **prefix filtering** on an inverted index (Chaudhuri et al. 2006, "A
primitive operator for similarity joins"; Bayardo et al. 2007, "All-pairs"): order every
shingle by how many indexed texts contain it (rarest first); if J(A, B) >= t then the first
|A| − ⌈t·|A|⌉ + 1 shingles of A and the first |B| − ⌈t·|B|⌉ + 1 of B share at least one
shingle. Only those prefixes are indexed, so a pair is examined only when the two texts share a
*rare* shingle; sizes further apart than t cannot reach it either (J <= min/max, the length
filter); every remaining candidate is then verified exactly. Unlike MinHash-LSH the result is
exact (no pair at or above the threshold is missed, none below is reported) and deterministic;
like it, the work grows with the number of similar texts, not with the square of all texts.

The work is done on integer arrays (numpy), not on Python sets of strings:

1. Every word becomes an integer (one dictionary look-up per word, texts streamed: their lists
   of words are not kept); every shingle is ``SHINGLE_WORDS`` word ids (a shorter text: its
   words, then a padding id that no word has), combined into one integer column by column
   (w₀·B² + w₁·B + w₂), numbered again in sorted order before a combined key could leave int64.
2. Each text keeps its distinct shingles, renumbered by rank (document frequency, rarest first,
   ties by the shingle's integer): sorted, a text's first entries are its prefix.
3. Candidates: the postings (block, prefix shingle) sorted; pairs within a posting list
   (``pairs``) or the probes' prefixes joined on it (``matches_many``; a probe's shingles
   that no indexed text has are rarer than all, so they come first in its prefix), deduplicated,
   then the same owner and the length filter removed.
4. Verification: |A ∩ B| counted exactly: both texts' sorted shingles, numbered by candidate
   pair and merged by one stable sort, hold a value twice once per shared shingle; in chunks
   that bound the memory. Then |A ∩ B| >= t·|A ∪ B| decides, with a float slack of 1e-9.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

SHINGLE_WORDS = 3
THRESHOLD = 0.8
# Float slack when comparing |A ∩ B| with t·|A ∪ B| (4/5 must count as 0.8).
_EPSILON = 1e-9
# About how many array elements a candidate or verification step expands at once (memory bound).
_CHUNK = 1 << 20
# Texts read at a time: their lists of words are freed after each chunk, young enough that
# Python's garbage collector never runs for them (with 4,096 reading took half as long again).
_READ_CHUNK = 64
# A combined shingle key is factorised again before it could reach this (int64 stays exact).
_KEY_LIMIT = 1 << 62


def shingles(words: Sequence[str], size: int = SHINGLE_WORDS) -> set[str]:
    """The set of runs of ``size`` consecutive words (the whole text when it is shorter), as
    strings: the sets that :class:`ShingleIndex` compares, for words without spaces."""
    if not words:
        return set()
    if len(words) < size:
        return {" ".join(words)}
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def jaccard(first: set, second: set) -> float:
    """|A ∩ B| / |A ∪ B|; 0 when both are empty."""
    if not first and not second:
        return 0.0
    common = len(first & second)
    return common / (len(first) + len(second) - common)


def _prefix_lengths(sizes: np.ndarray, threshold: float) -> np.ndarray:
    """|A| − ⌈t·|A|⌉ + 1 for every size (the same float arithmetic as ``math.ceil``)."""
    return sizes - np.ceil(threshold * sizes - _EPSILON).astype(np.int64) + 1


class Item(NamedTuple):
    """A text to compare: ``key`` identifies it to the caller; only texts of the same ``block``
    are compared (None: one block), never two of the same ``owner`` (None: no owner). A named
    tuple, not a dataclass: made once per text, it costs half as much."""

    key: Hashable
    words: Sequence[str]
    block: Hashable = None
    owner: Hashable = None


@dataclass(frozen=True)
class Match:
    """Two texts whose similarity is at least the threshold (``first`` indexed, ``second`` the
    indexed one or the probe that matched it)."""

    first: Hashable
    second: Hashable
    similarity: float


class _Texts:
    """Texts read once, in order, a chunk at a time (so their lists of words need not all be
    kept): the ids of all their words (one array; a new word gets the next id of
    ``vocabulary``, a ``defaultdict(count().__next__)``, so the look-ups stay in C), each
    text's number of words, key, block and owner. Texts without words are left out (no
    shingle: never similar)."""

    def __init__(self, items: Iterable[Item], vocabulary: dict[str, int]) -> None:
        self.keys: list[Hashable] = []
        self.blocks: list[Hashable] = []
        self.owners: list[Hashable] = []
        words: list[np.ndarray] = []
        lengths: list[np.ndarray] = []
        items = iter(items)
        while chunk := list(itertools.islice(items, _READ_CHUNK)):
            keys, texts, blocks, owners = zip(*chunk, strict=True)
            if str in set(map(type, texts)):  # a string is a sequence of characters, not words
                raise TypeError("an item's words are a sequence of words, not a string")
            counts = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
            if not counts.all():  # leave out the texts without words
                kept = counts > 0
                keys, blocks, owners = (
                    list(itertools.compress(values, kept)) for values in (keys, blocks, owners)
                )
                counts = counts[kept]
            self.keys.extend(keys)
            self.blocks.extend(blocks)
            self.owners.extend(owners)
            lengths.append(counts)
            words.append(
                np.fromiter(
                    map(vocabulary.__getitem__, itertools.chain.from_iterable(texts)),
                    dtype=np.int64,
                    count=int(counts.sum()),
                )
            )
        self.words = np.concatenate(words) if words else np.zeros(0, dtype=np.int64)
        self.lengths = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)


def _windows(flat: np.ndarray, lengths: np.ndarray, size: int, pad: int) -> tuple[np.ndarray, ...]:
    """Every shingle as ``size`` word ids (a text shorter than ``size``: one shingle, its words
    then ``pad``) and the text of each shingle; texts without words have none. The result is
    column by column: ``columns[j]`` holds the j-th word of every shingle."""
    counts = np.where(lengths >= size, lengths - size + 1, np.minimum(lengths, 1))
    text = np.repeat(np.arange(len(lengths), dtype=np.int64), counts)
    columns = np.empty((size, len(text)), dtype=np.int64)
    if not len(text):
        return columns, text
    firsts = np.cumsum(counts) - counts
    start = (np.cumsum(lengths) - lengths - firsts)[text] + np.arange(len(text))
    short = np.flatnonzero(counts == 1)
    short = firsts[short[lengths[short] < size]]  # the shingle of every short text
    for column in range(size):
        np.take(flat, start + column, mode="clip", out=columns[column])
        columns[column, short[lengths[text[short]] <= column]] = pad
    return columns, text


# numpy's own np.unique is avoided: since numpy 2.3 it hashes when it need not return positions,
# many times slower than a sort on large int64 arrays, and its positions come from an argsort,
# slower than np.sort of an integer that packs the value with its position.


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted."""
    values = np.sort(values)
    first = np.ones(len(values), dtype=bool)
    first[1:] = values[1:] != values[:-1]
    return values[first]


def _factorise(values: np.ndarray, bound: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values (sorted) and the position of every value among them; every value
    is in [0, ``bound``)."""
    count = len(values)
    if bound * count < _KEY_LIMIT:
        values, at = np.divmod(np.sort(values * count + np.arange(count)), count)
    else:
        at = np.argsort(values)
        values = values[at]
    first = np.ones(count, dtype=bool)
    first[1:] = values[1:] != values[:-1]
    codes = np.empty(count, dtype=np.int64)
    codes[at] = np.cumsum(first) - 1
    return values[first], codes


def _sort_by(major: np.ndarray, minor: np.ndarray, bound: int) -> tuple[np.ndarray, ...]:
    """The pairs (major, minor) sorted by major, then minor; every minor is in [0, ``bound``)."""
    if not len(major) or (int(major.max()) + 1) * bound < _KEY_LIMIT:
        return np.divmod(np.sort(major * bound + minor), bound)
    order = np.lexsort((minor, major))
    return major[order], minor[order]


def _find(table: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The position of every key (>= 0) in the sorted ``table``, −1 where it is not there. The
    distinct keys are looked up once each, in order: sorted queries stay in the cache."""
    if not len(table) or not len(keys):
        return np.full(len(keys), -1, dtype=np.int64)
    queries, codes = _factorise(keys, int(keys.max()) + 1)
    at = np.minimum(np.searchsorted(table, queries), len(table) - 1)
    return np.where(table[at] == queries, at, -1)[codes]


def _ranges(table: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where every key (>= 0) starts and ends in the sorted ``table`` (as :func:`_find`)."""
    if not len(keys):
        return keys, keys
    queries, codes = _factorise(keys, int(keys.max()) + 1)
    low = np.searchsorted(table, queries, side="left")
    return low[codes], np.searchsorted(table, queries, side="right")[codes]


def _gather(csr: tuple[np.ndarray, ...], rows: np.ndarray, count: int) -> np.ndarray:
    """k · ``count`` + every value of row ``rows[k]`` of ``csr`` (starts, sizes, values), for
    every k, concatenated."""
    starts, sizes, values = csr
    lengths = sizes[rows]
    total = int(lengths.sum())
    pair = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
    at = np.repeat(starts[rows] - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)
    return pair * count + values[at]


def _numbers(
    numbering: dict, values: Iterable, count: int, missing: int | None = None
) -> np.ndarray:
    """The number of every value in ``numbering`` (a ``defaultdict`` numbers new values; with
    ``missing``, a value not there gets it)."""
    if missing is None:
        found = map(numbering.__getitem__, values)
    else:
        found = map(numbering.get, values, itertools.repeat(missing))
    return np.fromiter(found, dtype=np.int64, count=count)


class _Shingles:
    """Rows of word ids combined into one integer per row (equal rows, equal integers), small
    enough to be multiplied by ``room`` in an int64: combined column by column, and numbered
    again (the distinct values so far, 0 …) before the next column would not fit. ``lookup``
    combines other rows the same way."""

    def __init__(self, base: int) -> None:
        self.base = base
        self.tables: dict[int, np.ndarray] = {}  # column → the distinct values before it

    def fit(self, columns: np.ndarray, room: int) -> tuple[np.ndarray, int]:
        """The integer of every row, and a bound above them all."""
        key = columns[0]
        bound = self.base  # every key is below it (a Python int: exact)
        for column in range(1, len(columns) + 1):
            factor = self.base if column < len(columns) else 1
            if bound * factor * room >= _KEY_LIMIT:
                self.tables[column], key = _factorise(key, bound)
                bound = max(len(self.tables[column]), 1)
            if column < len(columns):
                key = key * self.base + columns[column]
                bound *= self.base
        return key, bound

    def lookup(self, columns: np.ndarray) -> np.ndarray:
        """The integer of every row (word ids, −1 for a word never seen), −1 for a row that
        cannot be one of those combined (the caller looks the others up in its own table)."""
        key = np.maximum(columns[0], 0)
        unknown = columns[0] < 0
        for column in range(1, len(columns) + 1):
            if column in self.tables:
                key = _find(self.tables[column], key)
                unknown |= key < 0
                key = np.maximum(key, 0)
            if column < len(columns):
                unknown |= columns[column] < 0
                key = key * self.base + np.maximum(columns[column], 0)
        key[unknown] = -1
        return key


def _expand(
    rows: np.ndarray, low: np.ndarray, high: np.ndarray, targets: np.ndarray, count: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The distinct pairs (``rows[e]``, ``targets[low[e]:high[e]]``) over every entry e, sorted
    by row then target, in chunks of about ``_CHUNK`` pairs that never split a row (``rows`` is
    sorted; every target is below ``count``)."""
    sizes = high - low
    ends = np.cumsum(sizes)
    begin = 0
    while begin < len(rows):
        done = int(ends[begin - 1]) if begin else 0
        end = max(int(np.searchsorted(ends, done + _CHUNK, side="right")), begin + 1)
        end = int(np.searchsorted(rows, rows[end - 1], side="right"))  # the whole last row
        chunk = sizes[begin:end]
        total = int(chunk.sum())
        if total:
            row = np.repeat(rows[begin:end], chunk)
            at = np.repeat(low[begin:end] - (np.cumsum(chunk) - chunk), chunk) + np.arange(total)
            yield np.divmod(_distinct(row * count + targets[at]), count)
        begin = end


class ShingleIndex:
    """The prefix-filter index of a set of texts.

    ``pairs()`` finds every similar pair among the indexed texts; ``matches_many(probes)`` every
    indexed text similar to other texts (*probes*, e.g. those of a previous year, given in
    batches and not kept), ``matches(probe)`` for one. Memory: a few integers per shingle of the
    indexed texts and their vocabulary of words; the texts themselves are not kept.
    """

    def __init__(
        self,
        items: Iterable[Item],
        *,
        threshold: float = THRESHOLD,
        size: int = SHINGLE_WORDS,
    ) -> None:
        if not 0 < threshold <= 1:
            raise ValueError(f"threshold must be in (0, 1], not {threshold}")
        if size < 1:
            raise ValueError(f"a shingle has at least one word, not {size}")
        self.threshold = threshold
        self.size = size
        vocabulary: dict[str, int] = defaultdict(itertools.count().__next__)
        read = _Texts(items, vocabulary)
        self.keys = read.keys
        texts = room = max(len(self.keys), 1)
        self._words = dict(vocabulary)
        self._pad = len(self._words)  # the word id after a short text's words
        columns, text = _windows(read.words, read.lengths, size, self._pad)
        self._shingles = _Shingles(self._pad + 1)
        key = self._shingles.fit(columns, room)[0]
        del columns
        # Each text's distinct shingles, grouped by shingle; a shingle's code is its position
        # in ``_table``, the sorted distinct shingles.
        key, text = np.divmod(_distinct(key * room + text), room)
        first = np.ones(len(key), dtype=bool)
        first[1:] = key[1:] != key[:-1]
        self._table = key[first]
        code = np.cumsum(first) - 1
        self._count = count = max(len(self._table), 1)
        # Rank: rarest first, ties by code; every text and probe uses this order.
        frequency = np.bincount(code, minlength=count)
        self._rank = np.empty(count, dtype=np.int64)
        self._rank[np.sort(frequency * count + np.arange(count)) % count] = np.arange(count)
        # Each text's shingles as ranks, sorted: its prefix first.
        text, self._tokens = _sort_by(text, self._rank[code], count)
        self._sizes = np.bincount(text, minlength=texts)
        self._starts = np.cumsum(self._sizes) - self._sizes
        # Blocks and owners as small integers (an owner of None: −1, the owner of no other text).
        self._blocks: dict[Hashable, int] = defaultdict(itertools.count().__next__)
        self._owners: dict[Hashable, int] = defaultdict(itertools.count().__next__)
        self._owners[None] = -1
        self._block = _numbers(self._blocks, read.blocks, len(self.keys))
        self._owner = _numbers(self._owners, read.owners, len(self.keys))
        self._blocks, self._owners = dict(self._blocks), dict(self._owners)
        position = np.arange(len(text)) - self._starts[text]
        prefix = position < _prefix_lengths(self._sizes, threshold)[text]
        # Postings: (block, shingle) of every prefix entry, sorted; each list in text order.
        self._posting_keys, self._posting_texts = _sort_by(
            self._block[text[prefix]] * count + self._tokens[prefix], text[prefix], texts
        )

    def _csr(self) -> tuple[np.ndarray, ...]:
        return self._starts, self._sizes, self._tokens

    def _possible(self, owners: np.ndarray, sizes: np.ndarray, rows, texts) -> np.ndarray:
        """Which pairs (row, indexed text) may reach the threshold: not of one owner
        (``owners[row]``; < 0: none, or none indexed), sizes within the length filter."""
        other = self._sizes[texts]
        own = sizes[rows]
        lengths = np.minimum(own, other) >= self.threshold * np.maximum(own, other) - _EPSILON
        return lengths & ((owners[rows] < 0) | (owners[rows] != self._owner[texts]))

    def _common(self, query: tuple[np.ndarray, ...], rows, texts) -> np.ndarray:
        """|Q ∩ S| for every pair k: Q the shingles of row ``rows[k]`` of ``query`` (starts,
        sizes, ranks), S those of the indexed text ``texts[k]``. Both lists, numbered by pair and
        sorted together, hold a value twice once per shared shingle."""
        common = np.zeros(len(rows), dtype=np.int64)
        ends = np.cumsum(query[1][rows] + self._sizes[texts])
        begin = 0
        while begin < len(rows):
            done = int(ends[begin - 1]) if begin else 0
            end = max(int(np.searchsorted(ends, done + _CHUNK, side="right")), begin + 1)
            values = np.concatenate(
                (
                    _gather(query, rows[begin:end], self._count),
                    _gather(self._csr(), texts[begin:end], self._count),
                )
            )
            values = np.sort(values, kind="stable")  # two sorted runs: one merge
            twice = values[1:][values[1:] == values[:-1]]
            common[begin:end] = np.bincount(twice // self._count, minlength=end - begin)
            begin = end
        return common

    def _found(self, first, second, second_sizes, common, second_keys) -> list[Match]:
        """The pairs whose similarity reaches the threshold, as matches."""
        union = self._sizes[first] + second_sizes - common
        similar = common >= self.threshold * union - _EPSILON
        value = common[similar] / union[similar]
        return [
            Match(self.keys[a], second_keys[b], v)
            for a, b, v in zip(
                first[similar].tolist(), second[similar].tolist(), value.tolist(), strict=True
            )
        ]

    def pairs(self) -> list[Match]:
        """Every pair of indexed texts (same block, different owners) with similarity at least
        the threshold, each once, ``first`` indexed before ``second``; in the order of
        ``second``, then of ``first``."""
        keys, texts = self._posting_keys, self._posting_texts
        entries = np.arange(len(keys))
        first = np.ones(len(keys), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        starts = np.maximum.accumulate(np.where(first, entries, 0))
        # An entry's candidates: the texts before it in its posting list (indexed before it).
        rows, entries = _sort_by(texts, entries, max(len(keys), 1))
        found = []
        for second, first in _expand(rows, starts[entries], entries, texts, len(self.keys)):
            keep = self._possible(self._owner, self._sizes, second, first)
            second, first = second[keep], first[keep]
            common = self._common(self._csr(), second, first)
            found.extend(self._found(first, second, self._sizes[second], common, self.keys))
        return found

    def matches(self, probe: Item) -> list[Match]:
        """Every indexed text of the probe's block and another owner at least ``threshold``
        similar to it (``first``: the indexed key, ``second``: the probe's)."""
        return self.matches_many([probe])

    def matches_many(self, probes: Iterable[Item]) -> list[Match]:
        """:meth:`matches` of every probe, in the probes' order (then the indexed texts'), in one
        pass: the probes are read once (a generator is best: their lists of words are not
        kept), so callers stream them in batches."""
        if not len(self._posting_keys):
            return []
        local: dict[str, int] = defaultdict(itertools.count().__next__)
        read = _Texts(probes, local)
        counted = len(read.keys)
        columns, shingle_row = _windows(read.words, read.lengths, self.size, len(local))
        if not len(shingle_row):
            return []  # no probe has a word
        indexed = _numbers(self._words, local, len(local), missing=-1)
        key = self._shingles.lookup(np.append(indexed, self._pad)[columns])
        code = np.full(len(key), -1, dtype=np.int64)
        code[key >= 0] = _find(self._table, key[key >= 0])
        known = code >= 0
        # Each probe's distinct shingles that the index has, by rank: its prefix first.
        row, token = np.divmod(
            _distinct(shingle_row[known] * self._count + self._rank[code[known]]), self._count
        )
        # And how many distinct shingles it has that the index does not (told by their words).
        unknown = np.zeros(counted, dtype=np.int64)
        if not known.all():
            key = _Shingles(len(local) + 1).fit(columns[:, ~known], counted)[0]
            distinct = _distinct(key * counted + shingle_row[~known])
            unknown = np.bincount(distinct % counted, minlength=counted)
        known_sizes = np.bincount(row, minlength=counted)
        known_starts = np.cumsum(known_sizes) - known_sizes
        sizes = known_sizes + unknown
        # Unknown shingles are rarer than every indexed one: they fill the prefix first.
        prefix = (
            np.arange(len(row)) - known_starts[row]
            < (_prefix_lengths(sizes, self.threshold) - unknown)[row]
        )
        block = _numbers(self._blocks, read.blocks, counted, missing=-1)
        prefix &= block[row] >= 0
        low, high = _ranges(self._posting_keys, block[row[prefix]] * self._count + token[prefix])
        owners = _numbers(self._owners, read.owners, counted, missing=-2)
        query = (known_starts, known_sizes, token)
        found = []
        for probe, text in _expand(row[prefix], low, high, self._posting_texts, len(self.keys)):
            keep = self._possible(owners, sizes, probe, text)
            probe, text = probe[keep], text[keep]
            common = self._common(query, probe, text)
            found.extend(self._found(text, probe, sizes[probe], common, read.keys))
        return found


def similar_pairs(
    items: Iterable[Item], *, threshold: float = THRESHOLD, size: int = SHINGLE_WORDS
) -> list[Match]:
    """Every pair of ``items`` (same block, different owners) whose shingle sets have a Jaccard
    similarity of at least ``threshold``. Exact: the same pairs as comparing all of them."""
    return ShingleIndex(items, threshold=threshold, size=size).pairs()


def groups(matches: Iterable[Match]) -> list[list[Hashable]]:
    """The connected groups of the keys that ``matches`` link (union-find), each in first-seen
    order, in the order their first key was seen."""
    parent: dict[Hashable, Hashable] = {}

    def root(key):
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for match in matches:
        first, second = root(match.first), root(match.second)
        if first != second:
            parent[second] = first
    found: dict[Hashable, list[Hashable]] = {}
    for key in parent:
        found.setdefault(root(key), []).append(key)
    return list(found.values())
