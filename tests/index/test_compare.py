"""Comparability across cycles, by hand on two small instruments.

Cycle A: R -> a1 (level 0..4), a2 (level 0..5), old (yes/no, weight 2).
Cycle B: R -> a1 (level 0..5), b2 (level 0..5), fresh (yes/no, weight 2).
Crosswalk: a1 rescaled 0:0;1:1;2:3;3:4;4:5; a2 renamed b2; old retired; fresh new.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kotacerdas.index import Config, InputError, Node, Tree, compare, resolve_crosswalk

TREE_A = Tree(
    [
        Node("R"),
        Node("a1", "R", type="level", min=0, max=4),
        Node("a2", "R", type="level"),
        Node("old", "R", weight=2, type="yesno"),
    ]
)
TREE_B = Tree(
    [
        Node("R"),
        Node("a1", "R", type="level"),
        Node("b2", "R", type="level"),
        Node("fresh", "R", weight=2, type="yesno"),
    ]
)
CROSSWALK = pd.DataFrame(
    {
        "code_a": ["a1", "a2", "old", ""],
        "code_b": ["a1", "b2", "", "fresh"],
        "kind": ["rescaled", "renamed", "retired", "new"],
        "mapping": ["0:0;1:1;2:3;3:4;4:5", "", "", ""],
    }
)


def long(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unit", "indicator", "value"])


VALUES_A = long([("U1", "a1", 2), ("U1", "a2", 3), ("U1", "old", 1)])
VALUES_B = long([("U1", "a1", 4), ("U1", "b2", 5), ("U1", "fresh", 0), ("U2", "a1", 1)])


def test_both_cycles_are_scored_on_the_comparable_subset():
    result = compare(TREE_A, VALUES_A, TREE_B, VALUES_B, CROSSWALK, Config())
    assert result.tree.indicators == ("a1", "b2")
    u1 = result.index.loc["U1"]
    # A: a1 = 2 maps to 3, 3/5 = 60; a2 = 3 is b2 = 60; index 60. B: 4/5 = 80, 5/5 = 100: 90.
    assert u1["score_a"] == pytest.approx(60.0)
    assert u1["score_b"] == pytest.approx(90.0)
    assert u1["progress"] == pytest.approx(30.0)
    assert u1["display_progress"] == pytest.approx(1.5)
    # U2 only took part in B: no progress. It missed b2, which scores 0: (20 + 0) / 2.
    assert np.isnan(result.index.loc["U2", "score_a"])
    assert np.isnan(result.index.loc["U2", "progress"])
    assert result.index.loc["U2", "score_b"] == pytest.approx(10.0)
    assert result.index.loc["U2", "coverage_b"] == pytest.approx(0.5)


def test_the_subset_carries_half_of_each_cycles_weight():
    result = compare(TREE_A, VALUES_A, TREE_B, VALUES_B, CROSSWALK, Config())
    # a1 and a2 weigh 1 + 1 of 1 + 1 + 2 in A; a1 and b2 the same in B.
    assert result.weight_share == {"a": 0.5, "b": 0.5}
    node_rows = result.scores[result.scores["unit"] == "U1"].set_index("node")
    assert node_rows.loc["a1", "progress"] == pytest.approx(20.0)


def test_unmentioned_indicators_are_same_when_both_trees_have_them():
    links = resolve_crosswalk(None, TREE_B, TREE_B)
    assert links["kind"].tolist() == ["same", "same", "same"]
    partial = resolve_crosswalk(CROSSWALK.iloc[[0]], TREE_A, TREE_B)
    assert dict(zip(partial["code_a"].fillna("-"), partial["kind"], strict=True)) == {
        "a1": "rescaled",
        "a2": "retired",
        "old": "retired",
        "-": "new",
    }


def test_cohort_normalisation_is_pooled_over_both_cycles():
    tree = Tree([Node("R"), Node("n", "R", type="number")])
    a = long([("U", "n", 10.0)])
    b = long([("U", "n", 30.0)])
    result = compare(tree, a, tree, b, None, Config(normalise="minmax"))
    # One cohort 10..30: A scores 0 and B 100. Each cycle alone would score 50 and show no progress.
    assert result.index.loc["U", ["score_a", "score_b", "progress"]].tolist() == [0.0, 100.0, 100.0]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"code_a": "a1", "code_b": "a1", "kind": "moved"}, "kind must be one of"),
        ({"code_a": "a2", "code_b": "b2", "kind": "same"}, "is renamed"),
        ({"code_a": "a1", "code_b": "a1", "kind": "same"}, "differ in type, range or direction"),
        ({"code_a": "a1", "code_b": "a1", "kind": "rescaled"}, "needs a mapping"),
        (
            {"code_a": "a1", "code_b": "a1", "kind": "rescaled", "mapping": "0:0;4:7"},
            "leaves the range",
        ),
        ({"code_a": "a1", "code_b": "a1", "kind": "rescaled", "mapping": "2:1;1:0"}, "increasing"),
        ({"code_a": "zz", "code_b": "a1", "kind": "renamed"}, "not an indicator of cycle A"),
        ({"code_a": "a1", "code_b": "", "kind": "renamed"}, "needs both code_a and code_b"),
        (
            {"code_a": "a2", "code_b": "b2", "kind": "renamed", "mapping": "0:0;5:5"},
            "only a rescaled",
        ),
    ],
)
def test_it_refuses_a_bad_crosswalk_row(row, message):
    crosswalk = pd.DataFrame([{"mapping": "", **row}], index=[7])
    crosswalk.attrs["source"] = "crosswalk.csv"
    with pytest.raises(InputError, match=f"crosswalk.csv, row 7: .*{message}"):
        resolve_crosswalk(crosswalk, TREE_A, TREE_B)


def test_a_code_links_once():
    crosswalk = pd.DataFrame(
        {"code_a": ["a2", "a2"], "code_b": ["b2", "a1"], "kind": ["renamed", "renamed"]},
        index=[2, 3],
    )
    with pytest.raises(
        InputError, match="row 3: cycle A indicator 'a2' is already linked at row 2"
    ):
        resolve_crosswalk(crosswalk, TREE_A, TREE_B)


def test_nothing_comparable_is_an_error():
    crosswalk = pd.DataFrame(
        {"code_a": ["a1", "a2", "old"], "code_b": ["", "", ""], "kind": ["retired"] * 3}
    )
    with pytest.raises(InputError, match="no indicator is comparable"):
        compare(TREE_A, VALUES_A, TREE_B, VALUES_B, crosswalk, Config())
