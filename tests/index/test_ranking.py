"""Competition ranking: ties share the best rank and the next rank skips ("1224")."""

from __future__ import annotations

import numpy as np

from kotacerdas.index.ranking import competition_ranks, group_ranks


def test_ties_share_the_best_rank_and_the_next_rank_skips():
    scores = np.array([[70.0, 90.0, 70.0, 50.0, 90.0, 70.0]])
    assert competition_ranks(scores).tolist() == [[3.0, 1.0, 3.0, 6.0, 1.0, 3.0]]


def test_a_missing_score_has_no_rank_and_does_not_count():
    scores = np.array([[np.nan, 10.0, 20.0]])
    ranks = competition_ranks(scores)
    assert np.isnan(ranks[0, 0])
    assert ranks[0, 1:].tolist() == [2.0, 1.0]


def test_each_row_is_ranked_on_its_own():
    scores = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
    assert competition_ranks(scores).tolist() == [[3.0, 2.0, 1.0], [1.0, 2.0, 3.0]]


def test_ranks_within_groups_restart_per_group():
    scores = np.array([[5.0, 3.0, 5.0, 1.0, 9.0, 3.0, 7.0]])
    labels = np.array(["a", "b", "a", "a", None, "b", "b"], dtype=object)
    ranks = group_ranks(scores, labels)
    # a: 5, 5, 1 -> 1, 1, 3; b: 3, 3, 7 -> 2, 2, 1; the unit without a group has no rank.
    assert ranks[0, [0, 2, 3]].tolist() == [1.0, 1.0, 3.0]
    assert ranks[0, [1, 5, 6]].tolist() == [2.0, 2.0, 1.0]
    assert np.isnan(ranks[0, 4])
