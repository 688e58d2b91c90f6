"""What-if: the exact index gain of raising one answer, by hand on the small tree."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kotacerdas.index import Config, InputError, Node, Tree, build, what_if

from .builders import small_tree, small_values


def test_raises_are_ranked_by_their_exact_gain(tree, values):
    frame = what_if(tree, values, Config(), "X", top=None)
    # X: ROOT = (2 * A + B) / 3 with A = (a1 + 3 a2) / 4 = 50 and B = (b1 + b2) / 2 = 87.5.
    # a2 2 -> 3 (+20 points): A + 15, ROOT + 10. b2 50 -> 0, its goalpost (+25): B + 12.5,
    # ROOT + 4.1667. a1 4 -> 5 (+20): A + 5, ROOT + 3.3333. b1 is already yes.
    assert frame["indicator"].tolist() == ["a2", "b2", "a1"]
    assert frame["gain"].tolist() == pytest.approx([10.0, 12.5 / 3, 10 / 3])
    assert frame["new_value"].tolist() == [3.0, 0.0, 5.0]
    assert frame["new_score"].tolist() == [60.0, 100.0, 100.0]
    assert frame["gain_display"].tolist() == pytest.approx([0.5, 12.5 / 3 / 20, 10 / 3 / 20])
    # X shares first place with Z; any raise puts it first alone.
    assert frame["rank"].tolist() == [1, 1, 1]
    assert frame["new_rank"].tolist() == [1, 1, 1]


def test_missing_answers_start_from_the_lowest_level_and_not_applicable_is_skipped(tree, values):
    frame = what_if(tree, values, Config(), "Y", top=None)
    # Y: A = (100 + 3 * 0) / 4 = 25, B = b1 = 0, ROOT = 50 / 3. b1 no -> yes: B = 100, ROOT =
    # 150 / 3, gain 33.33; a2 missing -> level 1 (20): A = 40, ROOT = 80 / 3, gain 10. a1 is at
    # the top and b2 does not apply.
    assert frame["indicator"].tolist() == ["b1", "a2"]
    assert frame["gain"].tolist() == pytest.approx([100 / 3, 10.0])
    assert frame["new_rank"].tolist() == [3, 3]
    assert np.isnan(frame.loc[1, "value"])


def test_top_keeps_the_best(tree, values):
    assert what_if(tree, values, Config(), "X", top=2)["indicator"].tolist() == ["a2", "b2"]


@pytest.mark.parametrize("normalise", ["rubric", "minmax", "zscore"])
@pytest.mark.parametrize("unit", ["U1", "U2", "U3"])
def test_the_new_index_is_what_build_gives_with_the_raise(normalise, unit):
    tree = Tree(
        [
            Node("R"),
            Node("n", "R", type="number"),  # no goalposts: min-max over the units
            Node("l", "R", type="level"),
        ]
    )
    frame = pd.DataFrame(
        {
            "unit": ["U1", "U1", "U2", "U2", "U3", "U3"],
            "indicator": ["n", "l", "n", "l", "n", "l"],
            "value": [5.0, 1.0, 10.0, 4.0, 20.0, 2.0],
        }
    )
    # U1's n (5) is the smallest: raising it moves every unit's min-max score of n; U2's (10)
    # is inside the range: only U2 moves. Z-scores move everyone.
    config = Config(normalise=normalise)
    raises = what_if(tree, frame, config, unit, top=None).set_index("indicator")
    for code, row in raises.iterrows():
        changed = frame.copy()
        changed.loc[(changed["unit"] == unit) & (changed["indicator"] == code), "value"] = row[
            "new_value"
        ]
        rebuilt = build(tree, changed, config)
        assert row["new_index"] == pytest.approx(rebuilt.index[unit], abs=1e-12)
        assert row["new_rank"] == rebuilt.rank[unit]
    if unit != "U3":  # U3 gave the best n already
        assert raises.loc["n", "new_value"] == 20.0


def test_an_unknown_unit_is_refused():
    with pytest.raises(InputError, match="unknown unit 'Q'"):
        what_if(small_tree(), small_values(), Config(), "Q")
