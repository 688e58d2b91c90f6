"""build(): every aggregation, missing-value policy and the tie rule, by hand on a small tree.

The small tree (builders.small_tree): ROOT -> A (weight 2) -> a1 (level, weight 1), a2 (level,
weight 3); ROOT -> B (weight 1) -> b1 (yes/no), b2 (number 0..200, lower is better).
X answers a1 = 4, a2 = 2, b1 = 1, b2 = 50; Y answers a1 = 5, b1 = 0, misses a2, and b2 does not
apply to it; Z answers as X.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kotacerdas.index import Config, InputError, Node, Tree, Values, build

from .builders import ragged_tree, small_tree, small_values


def test_arithmetic_weighted_means_level_by_level(tree, values):
    result = build(tree, values, Config())
    x = result.scores.loc["X"]
    # Indicators: 4/5 = 80, 2/5 = 40, yes = 100, (200 - 50) / 200 = 75.
    assert x[["a1", "a2", "b1", "b2"]].tolist() == [80.0, 40.0, 100.0, 75.0]
    # A = (1 * 80 + 3 * 40) / 4 = 50; B = (100 + 75) / 2 = 87.5; ROOT = (2 * 50 + 87.5) / 3.
    assert x["A"] == 50.0
    assert x["B"] == 87.5
    assert x["ROOT"] == pytest.approx(62.5)


def test_missing_scores_zero_by_default_and_not_applicable_is_excluded(tree, values):
    y = build(tree, values, Config(missing="zero")).scores.loc["Y"]
    # a2 is missing: 0. A = (1 * 100 + 3 * 0) / 4 = 25. b2 does not apply: B = b1 alone = 0.
    assert y["a2"] == 0.0
    assert np.isnan(y["b2"])
    assert y["A"] == 25.0
    assert y["B"] == 0.0
    assert y["ROOT"] == pytest.approx((2 * 25 + 1 * 0) / 3)


def test_missing_can_be_excluded_with_weights_renormalised(tree, values):
    y = build(tree, values, Config(missing="exclude")).scores.loc["Y"]
    # a2 drops out: A = a1 alone = 100; B = 0; ROOT = (2 * 100 + 0) / 3.
    assert np.isnan(y["a2"])
    assert y["A"] == 100.0
    assert y["ROOT"] == pytest.approx(200 / 3)


def test_a_node_with_nothing_applicable_is_left_out_of_its_parent():
    tree = Tree(
        [
            Node("R"),
            Node("P", "R", weight=1),
            Node("p", "P", type="level"),
            Node("Q", "R", weight=4),
            Node("q", "Q", type="level"),
        ]
    )
    frame = pd.DataFrame(
        {
            "unit": ["U", "U"],
            "indicator": ["p", "q"],
            "value": [3.0, np.nan],
            "not_applicable": [False, True],
        }
    )
    scores = build(tree, frame, Config()).scores.loc["U"]
    # Q has nothing applicable: it is NaN and R is P alone, 3/5 = 60, despite Q's weight 4.
    assert np.isnan(scores["Q"])
    assert scores["R"] == 60.0


def test_coverage_is_the_share_of_applicable_weight_answered(tree, values):
    coverage = build(tree, values, Config(missing="exclude")).coverage
    # Y: A has a1 (weight 1) of 1 + 3 answered: 0.25; B has b1 of b1 (b2 does not apply): 1;
    # ROOT = (2 * 0.25 + 1 * 1) / 3 = 0.5. X answered everything.
    assert coverage.loc["Y", ["a1", "a2", "A", "B", "ROOT"]].tolist() == [1.0, 0.0, 0.25, 1.0, 0.5]
    assert np.isnan(coverage.loc["Y", "b2"])
    assert (coverage.loc["X"] == 1.0).all()


def test_geometric_mean_shifts_by_the_offset(tree, values):
    x = build(tree, values, Config(aggregate="geometric")).scores.loc["X"]
    # With offset 1: A = 81^(1/4) * 41^(3/4) - 1, B = (101 * 76)^(1/2) - 1,
    # ROOT = (A + 1)^(2/3) * (B + 1)^(1/3) - 1.
    a = 81 ** (1 / 4) * 41 ** (3 / 4) - 1
    b = math.sqrt(101 * 76) - 1
    assert x["A"] == pytest.approx(a, abs=1e-12)
    assert x["B"] == pytest.approx(b, abs=1e-12)
    assert x["ROOT"] == pytest.approx((a + 1) ** (2 / 3) * (b + 1) ** (1 / 3) - 1, abs=1e-12)


def test_pure_geometric_mean_lets_a_zero_child_zero_its_parent(tree, values):
    y = build(tree, values, Config(aggregate="geometric", geometric_offset=0.0)).scores.loc["Y"]
    # Y's a2 is missing (0): A = 100^(1/4) * 0^(3/4) = 0; B = b1 = 0; ROOT = 0.
    assert y[["A", "B", "ROOT"]].tolist() == [0.0, 0.0, 0.0]
    x = build(tree, values, Config(aggregate="geometric", geometric_offset=0.0)).scores.loc["X"]
    assert x["A"] == pytest.approx(80 ** (1 / 4) * 40 ** (3 / 4), abs=1e-12)


def test_ties_share_the_best_rank(tree, values):
    result = build(tree, values, Config())
    # X and Z both 62.5: rank 1 together; Y (16.7) is third, not second.
    assert result.rank.to_dict() == {"X": 1, "Y": 3, "Z": 1}
    # Every node is ranked: on a2, X and Z (40) lead Y (0).
    assert result.ranks.loc[["X", "Y", "Z"], "a2"].tolist() == [1, 3, 1]


def test_the_policy_can_change_the_order(tree, values):
    result = build(tree, values, Config(missing="exclude"))
    # Y = 66.7 now leads X = Z = 62.5, who share second place.
    assert result.rank.to_dict() == {"X": 2, "Y": 1, "Z": 2}


def test_ranks_within_groups(tree, values):
    groups = pd.DataFrame({"unit": ["X", "Y", "Z", "W"], "province": ["P1", "P1", "P2", "P3"]})
    result = build(tree, values, Config(), groups)
    # W has no answers and is ignored; within P1 X leads Y, Z is alone in P2.
    assert result.group_ranks["province"][["ROOT"]].T.to_numpy().tolist() == [[1, 2, 1]]
    assert list(result.to_long().columns[:5]) == ["unit", "node", "score", "rank", "rank_province"]


def test_display_scale_and_predicate(tree, values):
    result = build(tree, values, Config())
    # 62.5 is 3.125 of 5: Baik (2.6 <= 3.125 < 3.5); Y's 16.7 is 0.83: Kurang.
    assert result.display.loc["X", "ROOT"] == pytest.approx(3.125)
    assert result.predicate.to_dict() == {"X": "Baik", "Y": "Kurang", "Z": "Baik"}
    hundred = build(tree, values, Config(display_scale=100))
    assert hundred.display.loc["X", "ROOT"] == pytest.approx(62.5)


def test_the_same_inputs_give_the_same_fingerprint_in_any_order(tree, values):
    first = build(tree, values, Config())
    again = build(
        Tree(list(reversed(tree.nodes))), values.iloc[::-1].reset_index(drop=True), Config()
    )
    assert first.fingerprint == again.fingerprint
    pd.testing.assert_frame_equal(first.scores, again.scores[first.scores.columns])
    changed = values.copy()
    changed.loc[0, "value"] = 3.0
    assert build(tree, changed, Config()).fingerprint != first.fingerprint
    assert build(tree, values, Config(combine="median")).fingerprint != first.fingerprint


def test_a_stored_config_rebuilds_the_result_exactly(tree, values):
    published = build(tree, values, Config(aggregate="geometric", missing="exclude"))
    stored = published.config.to_dict()
    rebuilt = build(tree, values, Config.from_dict(stored))
    assert rebuilt.fingerprint == published.fingerprint
    pd.testing.assert_frame_equal(rebuilt.scores, published.scores)
    pd.testing.assert_frame_equal(rebuilt.ranks, published.ranks)


def test_the_other_breakdown_comes_from_a_second_tree(tree, values):
    aspects = Tree(
        [
            Node("ASPECTS"),
            Node("Output", "ASPECTS"),
            Node("a1", "Output", type="level"),
            Node("b1", "Output", type="yesno"),
            Node("Outcome", "ASPECTS"),
            Node("a2", "Outcome", type="level"),
            Node("b2", "Outcome", type="number", direction=-1, min=0, max=200),
        ]
    )
    result = build(tree, values, Config(), secondary_tree=aspects)
    x = result.secondary.scores.loc["X"]
    # Output = (80 + 100) / 2 = 90; Outcome = (40 + 75) / 2 = 57.5; root = 73.75.
    assert x[["Output", "Outcome", "ASPECTS"]].tolist() == [90.0, 57.5, 73.75]
    assert result.scores.loc["X", "ROOT"] == pytest.approx(62.5)


def test_a_second_tree_must_cover_the_same_indicators(tree, values):
    other = Tree([Node("R"), Node("a1", "R", type="level")])
    with pytest.raises(InputError, match="same indicators"):
        build(tree, values, Config(), secondary_tree=other)


def test_a_ragged_tree_aggregates_each_node_from_its_own_children():
    tree = ragged_tree()
    frame = pd.DataFrame({"unit": ["U", "U"], "indicator": ["i0", "i1"], "value": [5.0, 0.0]})
    scores = build(tree, frame, Config(aggregate="geometric", geometric_offset=0)).scores.loc["U"]
    # R = geometric mean of i0 = 100 and D = E = i1 = 0 -> 0; arithmetic gives (100 + 0) / 2.
    assert scores["R"] == 0.0
    assert build(tree, frame, Config()).scores.loc["U", "R"] == 50.0


def test_outputs_as_long_and_wide_tables(tree, values):
    result = build(tree, values, Config())
    long = result.to_long()
    assert len(long) == 3 * len(tree)
    assert long.columns.tolist() == [
        "unit",
        "node",
        "score",
        "rank",
        "display",
        "coverage",
        "predicate",
    ]
    wide = result.to_frame()
    assert wide.loc["X", "index"] == pytest.approx(62.5)
    assert wide.loc["X", "predicate"] == "Baik"
    assert wide.loc["Y", "score_a2"] == 0.0


def test_prepared_values_and_a_frame_give_the_same_result(tree, values):
    prepared = Values.from_frame(values, tree)
    pd.testing.assert_frame_equal(
        build(tree, prepared, Config()).scores, build(tree, values, Config()).scores
    )


def test_build_refuses_values_for_another_instrument():
    frame = small_values()
    frame.loc[0, "indicator"] = "c9"
    with pytest.raises(InputError, match="values, row 0: unknown indicator 'c9'"):
        build(small_tree(), frame, Config())
