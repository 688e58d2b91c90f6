"""The near-duplicate search of the integrity checks (``kotacerdas.evaluations.similarity``):
pure functions, no database. Known pairs, the threshold's boundary, and the prefix-filter index
against comparing every pair (seeded cases, and a hypothesis property over random texts,
thresholds, shingle sizes and tiny chunks)."""

import itertools
import random
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kotacerdas.evaluations import similarity
from kotacerdas.evaluations.similarity import Item, ShingleIndex, jaccard, shingles, similar_pairs


def words(count: int, prefix: str = "w") -> list[str]:
    return [f"{prefix}{n}" for n in range(count)]


def changed(text: list[str], position: int, word: str = "lain") -> list[str]:
    return [*text[:position], word, *text[position + 1 :]]


def test_shingles_are_runs_of_three_words():
    assert shingles(["a", "b", "c", "d"]) == {"a b c", "b c d"}
    assert shingles(["a", "b"]) == {"a b"}
    assert shingles([]) == set()


def test_one_word_changed_in_a_long_text_is_a_near_duplicate():
    text = words(40)
    found = similar_pairs([Item("a", text, owner=1), Item("b", changed(text, 20), owner=2)])
    # 38 shingles each, 3 of them replaced: 35 / 41.
    assert [(m.first, m.second) for m in found] == [("a", "b")]
    assert found[0].similarity == pytest.approx(35 / 41)


def test_dissimilar_texts_are_not_near_duplicates():
    first = [
        "peraturan",
        "wali",
        "kota",
        "tentang",
        "mal",
        "pelayanan",
        "publik",
        "sudah",
        "ditetapkan",
        "dan",
        "berjalan",
    ]
    second = [
        "aplikasi",
        "pengaduan",
        "masyarakat",
        "terhubung",
        "dengan",
        "lapor",
        "dan",
        "dipantau",
        "setiap",
        "minggu",
    ]
    assert similar_pairs([Item("a", first, owner=1), Item("b", second, owner=2)]) == []
    # Sharing half of their words is not enough either.
    half = first[:6] + second[6:]
    assert similar_pairs([Item("a", first, owner=1), Item("b", half, owner=2)]) == []


def test_the_threshold_is_inclusive():
    # One word changed in the middle of n words: J = (n - 5) / (n + 1); n = 29 gives 24/30.
    at = words(29)
    found = similar_pairs([Item("a", at, owner=1), Item("b", changed(at, 14), owner=2)])
    assert len(found) == 1 and found[0].similarity == pytest.approx(0.8)
    below = words(28)  # 23/29 = 0.793
    assert similar_pairs([Item("a", below, owner=1), Item("b", changed(below, 14), owner=2)]) == []
    assert similarity.THRESHOLD == 0.8


def test_the_same_owner_and_other_blocks_are_not_compared():
    text = words(30)
    same_owner = [Item("a", text, owner=1), Item("b", changed(text, 3), owner=1)]
    assert similar_pairs(same_owner) == []
    other_block = [Item("a", text, "GOV.1", 1), Item("b", changed(text, 3), "GOV.2", 2)]
    assert similar_pairs(other_block) == []
    same_block = [Item("a", text, "GOV.1", 1), Item("b", changed(text, 3), "GOV.1", 2)]
    assert len(similar_pairs(same_block)) == 1


def test_probes_find_indexed_texts_including_unknown_shingles():
    text = words(40)
    index = ShingleIndex([Item("a", text, owner=1), Item("x", words(40, "x"), owner=3)])
    probe = Item("p", changed(text, 10, "baru"), owner=2)  # "baru" makes three unknown shingles
    found = index.matches(probe)
    assert [(m.first, m.second) for m in found] == [("a", "p")]
    assert found[0].similarity == pytest.approx(35 / 41)
    assert index.matches(Item("q", changed(text, 10), owner=1)) == []  # the same owner


def brute_force(items, threshold):
    sets = [shingles(item.words) for item in items]
    found = set()
    for (i, a), (j, b) in itertools.combinations(enumerate(items), 2):
        if a.block != b.block or a.owner == b.owner:
            continue
        value = jaccard(sets[i], sets[j])
        if value >= threshold - 1e-9:
            found.add((a.key, b.key, round(value, 9)))
    return found


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("threshold", [0.5, 0.8, 0.9])
def test_the_index_finds_exactly_what_comparing_every_pair_finds(seed, threshold):
    rng = random.Random(seed)
    vocabulary = [f"k{n}" for n in range(40)]
    sources = [[rng.choice(vocabulary) for _ in range(rng.randint(8, 40))] for _ in range(12)]
    items = []
    for key in range(80):
        text = list(rng.choice(sources))
        for _ in range(rng.randint(0, 4)):
            text[rng.randrange(len(text))] = rng.choice(vocabulary)
        items.append(Item(key, text, block=rng.randint(0, 1), owner=rng.randint(0, 20)))
    found = {
        (m.first, m.second, round(m.similarity, 9))
        for m in similar_pairs(items, threshold=threshold)
    }
    assert found == brute_force(items, threshold)
    # Probing with the second half of the items finds the same cross pairs.
    index = ShingleIndex(items[:40], threshold=threshold)
    probed = {
        (m.first, m.second, round(m.similarity, 9)) for p in items[40:] for m in index.matches(p)
    }
    assert probed == {pair for pair in brute_force(items, threshold) if pair[1] >= 40 > pair[0]}


def every_pair(indexed, probes, threshold, size):
    """What the index must return, by comparing every pair with the module's definition
    (|A ∩ B| >= t·|A ∪ B| with its float slack; owner None: compared with everyone), in the
    documented order: ``pairs()`` by second then first, ``matches_many`` by probe then text."""
    texts = [item for item in indexed if item.words]
    sets = [shingles(item.words, size) for item in texts]

    def similar(a, first, b, second):
        if a.block != b.block or (a.owner is not None and a.owner == b.owner):
            return None
        common = len(first & second)
        union = len(first) + len(second) - common
        return common / union if common >= threshold * union - 1e-9 else None

    pairs = [
        (texts[i].key, texts[j].key, value)
        for j in range(len(texts))
        for i in range(j)
        if (value := similar(texts[i], sets[i], texts[j], sets[j])) is not None
    ]
    matches = [
        (texts[i].key, probe.key, value)
        for probe in probes
        for i in range(len(texts))
        if (value := similar(texts[i], sets[i], probe, shingles(probe.words, size))) is not None
    ]
    return pairs, matches


@st.composite
def corpora(draw):
    """Texts from a vocabulary of a few words (so that shingles repeat and pairs reach any
    threshold), some shorter than a shingle or empty, in two blocks, with owners (some None);
    probes also use words that no indexed text has."""
    sources = draw(
        st.lists(st.lists(st.sampled_from("abcde"), max_size=14), min_size=1, max_size=4)
    )

    def text(words):
        source = list(draw(st.sampled_from(sources)))
        for _ in range(draw(st.integers(0, 3))):
            if source:
                source[draw(st.integers(0, len(source) - 1))] = draw(st.sampled_from(words))
        cut = draw(st.integers(0, len(source)))
        return source[cut:] if draw(st.booleans()) else source

    def item(key, words):
        block = draw(st.sampled_from([0, 1]))
        owner = draw(st.sampled_from([None, 1, 2, 3]))
        return Item(key, text(words), block, owner)

    indexed = [item(key, "abcde") for key in range(draw(st.integers(0, 25)))]
    probes = [item(("p", key), "abcdexy") for key in range(draw(st.integers(0, 10)))]
    return indexed, probes


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    corpus=corpora(),
    threshold=st.sampled_from([0.2, 0.5, 2 / 3, 0.8, 0.9, 1.0]) | st.floats(0.05, 1.0),
    size=st.sampled_from([3, 3, 1, 2, 4]),
    tight=st.booleans(),
)
def test_the_index_returns_exactly_the_pairs_of_comparing_every_pair(
    corpus, threshold, size, tight
):
    indexed, probes = corpus
    # tight: chunks of a few elements or texts and keys factorised at every step, as at a huge
    # scale.
    limits = {"_CHUNK": 3, "_KEY_LIMIT": 1 << 8, "_READ_CHUNK": 2}
    if not tight:
        limits = {"_CHUNK": similarity._CHUNK}
    with mock.patch.multiple(similarity, **limits):
        index = ShingleIndex(indexed, threshold=threshold, size=size)
        pairs = [(m.first, m.second, m.similarity) for m in index.pairs()]
        matches = [(m.first, m.second, m.similarity) for m in index.matches_many(probes)]
        one_by_one = [
            (m.first, m.second, m.similarity) for probe in probes for m in index.matches(probe)
        ]
    assert (pairs, matches) == every_pair(indexed, probes, threshold, size)
    assert one_by_one == matches


def test_groups_join_linked_pairs():
    pairs = [
        similarity.Match("a", "b", 0.9),
        similarity.Match("c", "d", 0.8),
        similarity.Match("b", "e", 0.85),
    ]
    assert similarity.groups(pairs) == [["a", "b", "e"], ["c", "d"]]


def test_words_given_as_one_string_are_refused():
    with pytest.raises(TypeError, match="not a string"):
        ShingleIndex([Item("a", "peraturan wali kota sudah ditetapkan")])


def test_a_threshold_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match="threshold"):
        ShingleIndex([], threshold=0)
