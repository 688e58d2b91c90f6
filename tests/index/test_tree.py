"""The instrument tree: construction, validation with the offending row, derived views."""

from __future__ import annotations

import pytest

from kotacerdas.index import InputError, Node, Tree

from .builders import ragged_tree, small_tree, write_csv

HEADER = "code,parent,weight,type,direction,min,max\n"


def test_it_reads_a_csv_tree_in_depth_first_order(tmp_path):
    path = write_csv(
        tmp_path / "tree.csv",
        HEADER + "R,,,,,,\nD2,R,1,,,,\nD1,R,2,,,,\ni3,D2,1,percent,,,\ni1,D1,1,level,1,0,4\n"
        "i2,D1,0.5,number,-1,10,20\n",
    )
    tree = Tree.from_csv(path)
    assert tree.root == "R"
    assert tree.indicators == ("i3", "i1", "i2")
    assert tree.aggregates == ("R", "D2", "D1")
    assert tree.node("i2") == Node("i2", "D1", 0.5, "number", -1, 10.0, 20.0)
    assert tree.node("i1").bounds() == (0.0, 4.0)
    assert tree.node("i3").bounds() == (0.0, 100.0)
    assert tree.node("D2").weight == 1.0  # empty weight means 1
    assert tree.depth("i1") == 2


def test_it_defaults_levels_to_0_5_and_yes_no_to_0_1():
    tree = Tree([Node("R"), Node("l", "R", type="level"), Node("y", "R", type="yesno")])
    assert tree.node("l").bounds() == (0.0, 5.0)
    assert tree.node("y").bounds() == (0.0, 1.0)


def test_effective_weights_are_products_of_sibling_shares():
    # A has 2/3 of the root, a1 1/4 of A, a2 3/4; B 1/3, b1 and b2 half of B each.
    weights = small_tree().effective_weights()
    assert weights["a1"] == pytest.approx(2 / 3 * 1 / 4)
    assert weights["a2"] == pytest.approx(2 / 3 * 3 / 4)
    assert weights["b1"] == pytest.approx(1 / 3 * 1 / 2)
    assert weights.sum() == pytest.approx(1.0)


def test_records_round_trip():
    tree = small_tree()
    again = Tree.from_records(tree.to_records())
    assert again.nodes == tree.nodes


def test_subtree_keeps_the_aggregates_above_the_kept_indicators():
    sub = small_tree().subtree(["a2", "b1"])
    assert sub.indicators == ("a2", "b1")
    assert sub.aggregates == ("ROOT", "A", "B")
    assert sub.node("a2").weight == 3


@pytest.mark.parametrize(
    ("rows", "row", "message"),
    [
        ("R,,,,,,\nA,R,1,level,,,\nA,R,1,level,,,\n", 4, "duplicate code 'A' (first at row 3)"),
        ("R,,,,,,\nA,X,1,level,,,\n", 3, "unknown parent 'X'"),
        ("R,,,,,,\nA,R,0,level,,,\n", 3, "weight must be greater than 0"),
        ("R,,,,,,\nA,R,-2,level,,,\n", 3, "weight must be greater than 0"),
        ("R,,,,,,\nA,R,heavy,level,,,\n", 3, "weight must be a number"),
        ("R,,,,,,\nS,,,,,,\nA,R,1,level,,,\n", 3, "a second root 'S'"),
        ("R,,,,,,\nA,R,1,level,,,\nB,A,1,level,,,\n", 3, "indicator 'A' has children"),
        ("R,,,,,,\nA,R,1,,,,\nB,R,1,level,,,\n", 3, "aggregate 'A' has no children"),
        ("R,,,,,,\nA,R,1,scale,,,\n", 3, "unknown type 'scale'"),
        ("R,,,,,,\nA,R,1,level,2,,\n", 3, "direction must be 1 or -1"),
        ("R,,,,,,\nA,R,1,level,,5,5\n", 3, "min must be less than max"),
        ("R,,,,,,\nA,R,1,number,,0,\n", 3, "goalposts need both min and max"),
        (",R,1,level,,,\n", 2, "code is empty"),
    ],
)
def test_it_refuses_a_bad_tree_naming_the_row(tmp_path, rows, row, message):
    path = write_csv(tmp_path / "tree.csv", HEADER + rows)
    with pytest.raises(InputError) as caught:
        Tree.from_csv(path)
    assert caught.value.source == "tree.csv"
    assert caught.value.row == row
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"tree.csv, row {row}: ")


def test_it_finds_a_cycle_and_names_its_first_row(tmp_path):
    path = write_csv(
        tmp_path / "tree.csv", HEADER + "R,,,,,,\nA,C,1,,,,\nB,A,1,,,,\nC,B,1,,,,\ni,R,1,level,,,\n"
    )
    with pytest.raises(InputError, match=r"tree.csv, row 3: cycle in the tree: A -> C -> B -> A"):
        Tree.from_csv(path)


def test_it_refuses_a_csv_without_a_needed_column(tmp_path):
    path = write_csv(tmp_path / "tree.csv", "code,parent\nR,\n")
    with pytest.raises(InputError, match=r"tree.csv, row 1: missing column\(s\) weight"):
        Tree.from_csv(path)


def test_it_refuses_a_ragged_csv_row(tmp_path):
    path = write_csv(tmp_path / "tree.csv", HEADER + "R,,,,,,\nA,R,1,level\n")
    with pytest.raises(InputError, match=r"tree.csv, row 3: expected 7 fields"):
        Tree.from_csv(path)


def test_records_are_numbered_from_one_without_rows():
    with pytest.raises(InputError, match=r"tree, row 2: unknown parent"):
        Tree.from_records([{"code": "R"}, {"code": "x", "parent": "nowhere", "type": "level"}])


def test_the_plan_carries_shallow_indicators_up_unchanged():
    # A ragged tree: i0 sits right under the root beside a two-level branch.
    tree = ragged_tree(Node("i2", "E", type="level"))
    plan = tree.plan
    assert plan.levels == (("i0", "i1", "i2"), ("i0", "E"), ("i0", "D"), ("R",))
    assert plan.location["E"] == (1, 1)
    assert plan.location["i0"] == (0, 0)


def test_a_tree_without_a_root_is_a_cycle(tmp_path):
    path = write_csv(tmp_path / "tree.csv", HEADER + "A,B,1,,,,\nB,A,1,,,,\n")
    with pytest.raises(InputError, match=r"tree.csv, row 2: cycle in the tree: A -> B -> A"):
        Tree.from_csv(path)
