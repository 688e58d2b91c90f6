"""Near-duplicate texts: Jaccard similarity of word shingles, found without comparing all pairs.

Pure Python, no Django: the integrity service (``services/integrity.py``) normalises and masks
the texts and reads them from the database; this module only finds the similar pairs.

A text is the set of its **shingles**: every run of ``SHINGLE_WORDS`` (3) consecutive words (a
text shorter than that is one shingle). Two texts are *near-duplicates* when the Jaccard
similarity of their shingle sets, |A ∩ B| / |A ∪ B|, is at least the threshold
(``THRESHOLD``, 0.8). One word changed in the middle of a text of n words replaces three
shingles: J = (n − 5) / (n + 1), 0.8 from n = 29 words on; two words changed far apart in a
60-word text give 0.81.

Candidates come from **prefix filtering** on an inverted index (Chaudhuri et al. 2006, "A
primitive operator for similarity joins"; Bayardo et al. 2007, "All-pairs"): order every
shingle by how many indexed texts contain it (rarest first); if J(A, B) >= t then the first
|A| − ⌈t·|A|⌉ + 1 shingles of A and the first |B| − ⌈t·|B|⌉ + 1 of B share at least one
shingle. Only those prefixes are indexed, so a pair is examined only when the two texts share a
*rare* shingle, and every candidate is then verified exactly. Unlike MinHash-LSH the result is
exact (no pair at or above the threshold is missed, none below is reported) and deterministic;
like it, the work grows with the number of similar texts, not with the square of all texts.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

SHINGLE_WORDS = 3
THRESHOLD = 0.8
# Float slack when comparing |A ∩ B| with t·|A ∪ B| (4/5 must count as 0.8).
_EPSILON = 1e-9


def shingles(words: Sequence[str], size: int = SHINGLE_WORDS) -> set[str]:
    """The set of runs of ``size`` consecutive words (the whole text when it is shorter)."""
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


def _prefix_length(size: int, threshold: float) -> int:
    return size - math.ceil(threshold * size - _EPSILON) + 1


@dataclass(frozen=True)
class Item:
    """A text to compare: ``key`` identifies it to the caller; only texts of the same ``block``
    are compared (None: one block), never two of the same ``owner``."""

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


class ShingleIndex:
    """The prefix-filter index of a set of texts.

    ``pairs()`` finds every similar pair among the indexed texts; ``matches(item)`` every
    indexed text similar to another text (a *probe*, e.g. one of a previous year, streamed and
    not kept). Shingles are interned as small integers, so memory is one set of integers per
    indexed text plus the vocabulary.
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
        self.threshold = threshold
        self.size = size
        self._vocabulary: dict[str, int] = {}
        self.items: list[Item] = []
        self._sets: list[frozenset[int]] = []
        for item in items:
            tokens = frozenset(
                self._vocabulary.setdefault(shingle, len(self._vocabulary))
                for shingle in shingles(item.words, size)
            )
            if tokens:
                self.items.append(item)
                self._sets.append(tokens)
        frequency: dict[int, int] = defaultdict(int)
        for tokens in self._sets:
            for token in tokens:
                frequency[token] += 1
        # Rank: rarest first, ties by first appearance; every text and probe uses this order.
        self._rank = {
            token: rank
            for rank, token in enumerate(sorted(frequency, key=lambda t: (frequency[t], t)))
        }
        self._postings: dict[tuple[Hashable, int], list[int]] = defaultdict(list)
        for position, (item, tokens) in enumerate(zip(self.items, self._sets, strict=True)):
            ordered = sorted(tokens, key=self._rank.__getitem__)
            for token in ordered[: _prefix_length(len(tokens), threshold)]:
                self._postings[(item.block, token)].append(position)

    def _similar(self, tokens: frozenset[int], size: int, position: int) -> float | None:
        other = self._sets[position]
        # Length filter: J <= min/max, so sizes further apart than t cannot reach it.
        if min(size, len(other)) < self.threshold * max(size, len(other)) - _EPSILON:
            return None
        common = len(tokens & other)
        union = size + len(other) - common
        if common < self.threshold * union - _EPSILON:
            return None
        return common / union

    def pairs(self) -> list[Match]:
        """Every pair of indexed texts (same block, different owners) with similarity at least
        the threshold, each once, ``first`` indexed before ``second``."""
        found = []
        for position, (item, tokens) in enumerate(zip(self.items, self._sets, strict=True)):
            ordered = sorted(tokens, key=self._rank.__getitem__)
            candidates: set[int] = set()
            for token in ordered[: _prefix_length(len(tokens), self.threshold)]:
                candidates.update(self._postings.get((item.block, token), ()))
            for other in sorted(candidates):
                if other >= position:
                    continue
                if self.items[other].owner == item.owner and item.owner is not None:
                    continue
                similarity = self._similar(tokens, len(tokens), other)
                if similarity is not None:
                    found.append(Match(self.items[other].key, item.key, similarity))
        return found

    def matches(self, probe: Item) -> list[Match]:
        """Every indexed text of the probe's block and another owner at least ``threshold``
        similar to it (``first``: the indexed key, ``second``: the probe's)."""
        known: set[int] = set()
        unknown = 0
        for shingle in shingles(probe.words, self.size):
            token = self._vocabulary.get(shingle)
            if token is None:
                unknown += 1
            else:
                known.add(token)
        size = len(known) + unknown
        if not known:
            return []
        # Unknown shingles are rarer than every indexed one: they fill the prefix first.
        prefix = _prefix_length(size, self.threshold) - unknown
        if prefix <= 0:
            return []
        ordered = sorted(known, key=self._rank.__getitem__)
        candidates: set[int] = set()
        for token in ordered[:prefix]:
            candidates.update(self._postings.get((probe.block, token), ()))
        found = []
        tokens = frozenset(known)
        for other in sorted(candidates):
            if self.items[other].owner == probe.owner and probe.owner is not None:
                continue
            similarity = self._similar(tokens, size, other)
            if similarity is not None:
                found.append(Match(self.items[other].key, probe.key, similarity))
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
