"""Normalisation to 0-100, each rule by hand on small numbers."""

from __future__ import annotations

import numpy as np
import pytest

from kotacerdas.index import InputError, Node, Tree
from kotacerdas.index.normalise import apply, resolve


def tree_of(*indicators: Node) -> Tree:
    return Tree([Node("R"), *indicators])


def scores(tree: Tree, raw: list[list[float]], method: str = "rubric", scope: str = "numbers"):
    return apply(resolve(tree, method, scope), np.array(raw, dtype=float))


def test_rubric_levels_are_level_over_max_times_100():
    tree = tree_of(
        Node("l", "R", type="level", min=0, max=5), Node("k", "R", type="level", min=1, max=4)
    )
    out = scores(tree, [[3, 2], [5, 4], [0, 1]])
    # 3/5 = 60, 5/5 = 100, 0/5 = 0; on 1..4: 2/4 = 50, 4/4 = 100, 1/4 = 25.
    assert out.tolist() == [[60.0, 50.0], [100.0, 100.0], [0.0, 25.0]]


def test_rubric_yes_no_and_percent():
    tree = tree_of(Node("y", "R", type="yesno"), Node("p", "R", type="percent"))
    out = scores(tree, [[1, 37.5], [0, 120.0], [1, -5.0]])
    # yes 100, no 0; a percent as is, clipped to 0..100.
    assert out.tolist() == [[100.0, 37.5], [0.0, 100.0], [100.0, 0.0]]


def test_goalposts_respect_direction_and_clip():
    tree = tree_of(
        Node("up", "R", type="number", min=10, max=50),
        Node("down", "R", type="number", direction=-1, min=0, max=200),
    )
    out = scores(tree, [[20, 50], [60, 250], [0, 0]], method="goalposts")
    # up: (20-10)/40 = 25, 60 is past 50 -> 100, 0 is below 10 -> 0.
    # down: (200-50)/200 = 75, 250 is past 200 -> 0, 0 -> 100.
    assert out.tolist() == [[25.0, 75.0], [100.0, 0.0], [0.0, 100.0]]


def test_rubric_numbers_without_goalposts_use_min_max_over_the_units():
    tree = tree_of(Node("n", "R", type="number"), Node("m", "R", type="number", direction=-1))
    out = scores(tree, [[10, 10], [20, 20], [40, np.nan]])
    # n: (x - 10) / 30: 0, 33.33, 100. m (lower is better) over 10..20: 100, 0, missing.
    assert out[:, 0] == pytest.approx([0.0, 100 / 3, 100.0])
    assert out[:2, 1].tolist() == [100.0, 0.0]
    assert np.isnan(out[2, 1])


def test_min_max_of_equal_values_is_50():
    tree = tree_of(Node("n", "R", type="number"))
    assert scores(tree, [[7], [7], [np.nan]], method="minmax")[:2, 0].tolist() == [50.0, 50.0]


def test_z_scores_are_50_plus_10_z_with_the_sample_sd():
    tree = tree_of(Node("n", "R", type="number"), Node("m", "R", type="number", direction=-1))
    out = scores(tree, [[2, 2], [4, 4], [6, 6]], method="zscore")
    # mean 4, sample sd sqrt(((2-4)^2 + 0 + (6-4)^2) / 2) = 2: z = -1, 0, 1 -> 40, 50, 60.
    assert out[:, 0].tolist() == [40.0, 50.0, 60.0]
    assert out[:, 1].tolist() == [60.0, 50.0, 40.0]


def test_z_scores_are_clipped_to_0_100():
    tree = tree_of(Node("n", "R", type="number"))
    raw = [[0.0]] * 99 + [[1000.0]]
    out = scores(tree, raw, method="zscore")
    # mean 10; squared deviations 99 * 10^2 + 990^2 = 990000; sample sd sqrt(990000 / 99) = 100.
    # The outlier: 50 + 10 * 9.9 = 149, clipped to 100; the others 50 + 10 * (-0.1) = 49.
    assert out[-1, 0] == 100.0
    assert out[0, 0] == pytest.approx(49.0)


def test_the_scope_decides_whether_levels_follow_the_method():
    tree = tree_of(Node("l", "R", type="level"), Node("n", "R", type="number"))
    raw = [[1, 1], [3, 3]]
    numbers_only = scores(tree, raw, method="minmax", scope="numbers")
    everything = scores(tree, raw, method="minmax", scope="all")
    # numbers only: the level keeps 1/5 = 20 and 3/5 = 60; with scope all it is 0 and 100.
    assert numbers_only.tolist() == [[20.0, 0.0], [60.0, 100.0]]
    assert everything.tolist() == [[0.0, 0.0], [100.0, 100.0]]


def test_goalposts_on_levels_use_the_level_range_with_scope_all():
    tree = tree_of(Node("l", "R", type="level", min=1, max=5))
    # (3 - 1) / (5 - 1) = 50, where the rubric would give 3/5 = 60.
    assert scores(tree, [[3]], method="goalposts", scope="all").tolist() == [[50.0]]
    assert scores(tree, [[3]], method="rubric", scope="all").tolist() == [[60.0]]


def test_goalposts_need_goalposts():
    tree = tree_of(Node("n", "R", type="number"))
    with pytest.raises(InputError, match="'n' has no goalposts"):
        resolve(tree, "goalposts", "numbers")


def test_cohort_statistics_are_per_leading_index():
    tree = tree_of(Node("n", "R", type="number"))
    raw = np.array([[[0.0], [10.0]], [[0.0], [20.0]]])  # two samples of two units
    out = apply(resolve(tree, "minmax", "numbers"), raw)
    assert out[:, :, 0].tolist() == [[0.0, 100.0], [0.0, 100.0]]


def test_a_subnormal_spread_counts_as_flat_rather_than_giving_nan():
    """Found by the property test: values 0 and 2.2e-313 made 100 / spread overflow, and the
    unit at the minimum scored 0 × inf = NaN; both now score 50, as equal values do."""
    import pandas as pd

    from kotacerdas.index import Config, Tree, build

    tree = Tree.from_records(
        [
            {"code": "R", "parent": ""},
            {"code": "i1", "parent": "R", "type": "number"},
        ]
    )
    values = pd.DataFrame(
        {"unit": ["U0", "U1"], "indicator": ["i1", "i1"], "value": [0.0, 2.225074e-313]}
    )
    for method in ("minmax", "zscore"):
        result = build(tree, values, Config(normalise=method, scope="all"))
        assert result.scores["i1"].tolist() == [50.0, 50.0], method
