"""Assessor agreement: alpha equal to the krippendorff package, severity, disagreements."""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest

from kotacerdas.index import (
    Node,
    Tree,
    agreement,
    deviations,
    krippendorff_alpha,
    severity_over_time,
)
from kotacerdas.index.synthetic import synthetic_cycle

TOLERANCE = 1e-9


def reliability(frame: pd.DataFrame, indicator: str) -> np.ndarray:
    """The package's (coders x units) matrix for one indicator."""
    rows = frame[frame["indicator"] == indicator]
    return rows.pivot(index="assessor", columns="unit", values="value").to_numpy(dtype=float)


@pytest.fixture(scope="module")
def cycle():
    return synthetic_cycle(units=40, dimensions=2, elements=2, indicators=8, assessors=3, seed=5)


def test_alpha_per_indicator_equals_the_krippendorff_package(cycle):
    result = agreement(cycle.values, tree=cycle.tree)
    levels = {"level": "ordinal", "yesno": "nominal", "number": "interval", "percent": "interval"}
    checked = 0
    for code, row in result.by_indicator.iterrows():
        expected_level = levels[cycle.tree.node(code).type]
        assert row["level"] == expected_level
        expected = krippendorff.alpha(
            reliability(cycle.values, code), level_of_measurement=expected_level
        )
        assert row["alpha"] == pytest.approx(expected, abs=TOLERANCE)
        checked += 1
    assert checked == 2 * 2 * 8


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_alpha_with_missing_values_equals_the_package_on_random_data(level):
    rng = np.random.default_rng(11)
    for _ in range(60):
        coders, units = rng.integers(2, 6), rng.integers(2, 25)
        data = rng.integers(0, rng.integers(2, 7), size=(coders, units)).astype(float)
        data[rng.random(data.shape) < 0.35] = np.nan
        if (
            np.sum(np.sum(~np.isnan(data), axis=0) >= 2) == 0
            or len(np.unique(data[~np.isnan(data)])) < 2
        ):
            continue  # the package raises here; the engine answers NaN (next test)
        expected = krippendorff.alpha(data, level_of_measurement=level)
        ours = krippendorff_alpha(data, level)
        if np.isnan(expected):
            assert np.isnan(ours)
        else:
            assert ours == pytest.approx(expected, abs=TOLERANCE)


def test_the_published_example_of_the_package():
    data = [
        [np.nan, np.nan, np.nan, np.nan, np.nan, 3, 4, 1, 2, 1, 1, 3, 3, np.nan, 3],
        [1, np.nan, 2, 1, 3, 3, 4, 3, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan],
        [np.nan, np.nan, 2, 1, 3, 4, 4, np.nan, 2, 1, 1, 3, 3, np.nan, 4],
    ]
    assert round(krippendorff_alpha(data, "nominal"), 6) == 0.691358
    assert round(krippendorff_alpha(data, "interval"), 6) == 0.810845


def test_alpha_is_nan_without_two_values_in_any_unit():
    assert np.isnan(krippendorff_alpha([[1, np.nan], [np.nan, 2]], "ordinal"))
    assert np.isnan(krippendorff_alpha([[3, 3], [3, 3]], "interval"))  # no variation at all


def test_pooled_node_alpha_equals_the_package_on_the_stacked_answers():
    # Levels only (fewer than six indicators per element), so every node pools ordinally.
    cycle = synthetic_cycle(units=30, dimensions=2, elements=2, indicators=4, seed=8)
    result = agreement(cycle.values, tree=cycle.tree)
    for node in ("D1E2", "D2", "INDEX"):
        members = cycle.tree.indicators_under(node)
        stacked = np.concatenate([reliability(cycle.values, code) for code in members], axis=1)
        # On the comparable scale a level is 100 * level / 5.
        expected = krippendorff.alpha(stacked * 20.0, level_of_measurement="ordinal")
        assert result.by_node.loc[node, "level"] == "ordinal"
        assert result.by_node.loc[node, "alpha"] == pytest.approx(expected, abs=TOLERANCE)
    assert result.overall == result.by_node.loc["INDEX", "alpha"]


def test_pooled_alpha_is_interval_when_a_number_is_below(cycle):
    result = agreement(cycle.values, tree=cycle.tree)
    members = cycle.tree.indicators_under("D1E1")
    frames = []
    for code in members:
        matrix = reliability(cycle.values, code)
        node = cycle.tree.node(code)
        if node.type == "level":
            matrix = matrix * 20.0
        elif node.type == "yesno":
            matrix = matrix * 100.0
        elif node.type == "number" and node.min is not None:  # goalposts 0..100, lower is better
            matrix = 100.0 - matrix
        elif node.type == "number":  # no goalposts: the smallest and largest value given
            low, high = np.nanmin(matrix), np.nanmax(matrix)
            matrix = (matrix - low) / (high - low) * 100.0
        frames.append(matrix)
    expected = krippendorff.alpha(np.concatenate(frames, axis=1), level_of_measurement="interval")
    assert result.by_node.loc["D1E1", "level"] == "interval"
    assert result.by_node.loc["D1E1", "alpha"] == pytest.approx(expected, abs=TOLERANCE)


def small_panel() -> tuple[Tree, pd.DataFrame]:
    tree = Tree(
        [
            Node("R"),
            Node("a1", "R", type="level"),
            Node("a2", "R", type="level"),
            Node("n", "R", type="number", min=0, max=100),
            Node("y", "R", type="yesno"),
        ]
    )
    rows = [
        ("X", "a1", 1, "p"), ("X", "a1", 3, "q"),
        ("X", "a2", 4, "p"), ("X", "a2", 4, "q"),
        ("X", "n", 10, "p"), ("X", "n", 35, "q"),
        ("X", "y", 1, "p"), ("X", "y", 0, "q"),
        ("Y", "a1", 2, "p"), ("Y", "a1", 3, "q"),
        ("Y", "n", 50, "p"), ("Y", "n", 60, "q"),
        ("Y", "a2", 5, "r"),
    ]  # fmt: skip
    return tree, pd.DataFrame(rows, columns=["unit", "indicator", "value", "assessor"])


def test_severity_is_the_mean_signed_deviation_from_the_answers_mean():
    tree, frame = small_panel()
    severity = agreement(frame, tree=tree).severity
    # On 0-100: X a1 20 vs 60 (mean 40): p -20, q +20; X a2 80, 80: 0, 0; X n 10 vs 35
    # (mean 22.5): p -12.5, q +12.5; X y 100 vs 0: p +50, q -50; Y a1 40 vs 60: p -10, q +10;
    # Y n 50 vs 60: p -5, q +5. r only answered alone, so has nothing to compare.
    assert severity.loc["p", "severity"] == pytest.approx((-20 + 0 - 12.5 + 50 - 10 - 5) / 6)
    assert severity.loc["q", "severity"] == pytest.approx((20 + 0 + 12.5 - 50 + 10 + 5) / 6)
    assert severity.loc["p", "answers"] == 6
    assert severity.loc["r", "answers"] == 0
    assert np.isnan(severity.loc["r", "severity"])


def test_disagreements_follow_the_thresholds():
    tree, frame = small_panel()
    flagged = agreement(frame, tree=tree).disagreements
    answers = set(map(tuple, flagged[["unit", "indicator"]].drop_duplicates().to_numpy()))
    # X a1 is 2 levels apart; X n 25 points (> 20); X y yes against no. Y a1 (1 level) and
    # Y n (10 points) are close enough.
    assert answers == {("X", "a1"), ("X", "n"), ("X", "y")}
    first = flagged[(flagged["unit"] == "X") & (flagged["indicator"] == "a1")]
    assert first[["assessor", "value"]].to_numpy().tolist() == [["p", 1.0], ["q", 3.0]]
    assert first["gap"].tolist() == [2.0, 2.0]
    looser = agreement(frame, tree=tree, level_gap=1, number_gap=5).disagreements
    assert {("Y", "a1"), ("Y", "n")} <= set(map(tuple, looser[["unit", "indicator"]].to_numpy()))


def test_without_a_tree_every_indicator_is_ordinal_and_pooled_overall():
    _, frame = small_panel()
    result = agreement(frame)
    assert set(result.by_indicator["level"]) == {"ordinal"}
    assert result.by_node.empty
    assert not np.isnan(result.overall)
    overall = result.to_frame().iloc[-1]
    # Six answers have two values (X: a1, a2, n, y; Y: a1, n); Y a2 has one.
    assert (overall["scope"], overall["units"], overall["values"]) == ("overall", 6, 12)
    interval = agreement(frame, level_of_measurement="interval")
    expected = krippendorff.alpha(reliability(frame, "n"), level_of_measurement="interval")
    assert interval.by_indicator.loc["n", "alpha"] == pytest.approx(expected, abs=TOLERANCE)


def test_levels_can_be_given_per_indicator():
    tree, frame = small_panel()
    result = agreement(frame, {"a1": "interval"}, tree)
    assert result.by_indicator["level"].to_dict() == {
        "a1": "interval",
        "a2": "ordinal",
        "n": "interval",
        "y": "nominal",
    }


def test_the_alpha_table_lists_indicators_then_nodes(cycle):
    table = agreement(cycle.values, tree=cycle.tree).to_frame()
    assert table.columns.tolist() == ["scope", "code", "alpha", "level", "units", "values"]
    assert table["scope"].value_counts().to_dict() == {"indicator": 32, "node": 7}


def test_deviations_average_to_each_assessors_severity():
    frame = pd.DataFrame(
        {
            "unit": ["u1", "u1", "u1", "u2", "u2", "u3"],
            "indicator": ["a"] * 6,
            "value": [1.0, 2.0, 6.0, 4.0, 4.0, 9.0],
            "assessor": ["x", "y", "z", "x", "y", "x"],
        }
    )

    found = deviations(frame)
    severity = agreement(frame).severity["severity"]

    # u1: mean 3, so -2, -1, +3 (the flat tree's scale: 100 (v - 1) / 8); u3 has one value.
    assert list(found["unit"]) == ["u1", "u1", "u1", "u2", "u2"]
    assert list(found["deviation"]) == pytest.approx([-25.0, -12.5, 37.5, 0.0, 0.0])
    means = found.groupby("assessor")["deviation"].mean()
    assert means.to_dict() == pytest.approx(severity.to_dict())


def test_severity_over_time_cuts_each_assessors_values_into_equal_runs_by_time():
    rows = pd.DataFrame(
        {
            "assessor": ["x"] * 5 + ["y"],
            "time": [5, 1, 4, 2, 3, 7],
            "deviation": [10.0, -4.0, 6.0, -2.0, 0.0, 1.0],
        }
    )

    found = severity_over_time(rows, parts=2)

    # x by time: -4 (1), -2 (2), 0 (3) | 6 (4), 10 (5); the first run takes the odd one.
    x = found[found["assessor"] == "x"]
    assert list(x["severity"]) == pytest.approx([-2.0, 8.0])
    assert list(x["answers"]) == [3, 2]
    assert list(x["start"]) == [1, 4] and list(x["end"]) == [3, 5]
    # y has one value: its empty second run is left out.
    assert found[found["assessor"] == "y"][["part", "answers"]].values.tolist() == [[1, 1]]
