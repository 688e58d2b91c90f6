"""Path to a target: the greedy raises, their exact gains, and when they are the fewest."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from kotacerdas.index import (
    Band,
    Config,
    InputError,
    Node,
    Tree,
    build,
    next_band,
    path_to,
    paths_to,
    reaches,
)

from .builders import small_tree, small_values


def raised(frame: pd.DataFrame, unit: str, steps: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every step of ``steps`` applied to ``unit`` (for every assessor)."""
    changed = frame.copy()
    for step in steps.itertuples(index=False):
        mask = (changed["unit"] == unit) & (changed["indicator"] == step.indicator)
        changed.loc[mask, "value"] = step.new_value
    return changed


def test_the_first_steps_are_the_largest_gains_by_hand(tree, values):
    # X: ROOT = (2 A + B) / 3 = 62.5 (3.125); a2 2 -> 3 adds 10 (see test_whatif): 72.5 >= 70.
    path = path_to(tree, values, Config(), "X", 70.0)
    assert path.start == pytest.approx(62.5)
    assert path.reachable and path.best == pytest.approx(100.0)
    assert path.steps["indicator"].tolist() == ["a2"]
    assert path.steps["new_value"].tolist() == [3.0]
    assert path.steps["gain_display"].tolist() == pytest.approx([0.5])
    assert path.final == pytest.approx(72.5)
    # To 90 a2 keeps gaining most (10 a step, b2's goalpost gives 4.17, a1 3.33).
    steps = path_to(tree, values, Config(), "X", 90.0).steps
    assert steps["indicator"].tolist() == ["a2", "a2", "a2"]
    assert steps["value"].tolist() == [2.0, 3.0, 4.0]
    assert steps["index"].tolist() == pytest.approx([72.5, 82.5, 92.5])
    assert steps["index_display"].tolist() == pytest.approx([3.625, 4.125, 4.625])


def test_a_missing_level_starts_at_the_lowest_and_not_applicable_is_never_raised(tree, values):
    steps = path_to(tree, values, Config(), "Y", 100.0).steps
    # Y: b1 no -> yes first (+33.3), then a2 missing -> 1 -> ... -> 5; b2 does not apply.
    assert steps["indicator"].tolist() == ["b1", "a2", "a2", "a2", "a2", "a2"]
    assert np.isnan(steps.loc[1, "value"]) and steps.loc[1, "new_value"] == 1.0
    assert steps["index"].iloc[-1] == pytest.approx(100.0)


def test_a_reached_target_needs_no_step_and_an_unreachable_one_gets_none(tree, values):
    assert path_to(tree, values, Config(), "X", 60.0).steps.empty
    beyond = path_to(tree, values, Config(), "X", 101.0)
    assert not beyond.reachable and beyond.steps.empty
    assert beyond.best == pytest.approx(100.0)
    assert beyond.final == beyond.start


def test_zscore_can_make_a_band_unreachable():
    # Under z-scores the best value of three scores 50 + 10 z < 100: 80 is out of reach.
    tree = Tree([Node("R"), Node("n", "R", type="number")])
    frame = pd.DataFrame({"unit": ["U1", "U2", "U3"], "indicator": "n", "value": [1.0, 2.0, 9.0]})
    config = Config(normalise="zscore")
    path = path_to(tree, frame, config, "U1", 80.0)
    assert not path.reachable and path.steps.empty
    top = pd.DataFrame({"indicator": ["n"], "new_value": [9.0]})
    assert path.best == pytest.approx(build(tree, raised(frame, "U1", top), config).index["U1"])
    assert path.best < 80.0


def test_next_band_is_the_one_above_and_none_at_the_top():
    config = Config()
    assert next_band(config, 61.6) == Band("Sangat Baik", 3.5)
    assert next_band(config, 70.0) == Band("Memuaskan", 4.2)  # 3.50 is already Sangat Baik
    assert next_band(config, 84.0) is None
    assert next_band(config, float("nan")) is None
    assert reaches(config, 70.0, 70.0) and not reaches(config, 69.99, 70.0)


def test_an_unknown_unit_is_refused():
    with pytest.raises(InputError, match="unknown unit 'Q'"):
        path_to(small_tree(), small_values(), Config(), "Q", 50.0)


def test_paths_to_gives_each_unit_its_own_path(tree, values):
    both = paths_to(tree, values, Config(), {"X": 70.0, "Y": 50.0})
    assert both["X"].steps.equals(path_to(tree, values, Config(), "X", 70.0).steps)
    assert both["Y"].steps["indicator"].tolist() == ["b1"]


TYPES = ("level", "level", "yesno", "number", "percent")


def random_case(
    seed: int, *, whole: bool = True, missing: bool = True
) -> tuple[Tree, pd.DataFrame]:
    """A small random tree (2-4 indicators under 1-2 aggregates) and answers of four units."""
    rng = np.random.default_rng(seed)
    nodes = [Node("R")]
    groups = int(rng.integers(1, 3))
    for g in range(groups):
        nodes.append(Node(f"G{g}", "R", weight=float(rng.uniform(0.5, 3))))
    count = int(rng.integers(2, 5))
    for i in range(count):
        kind = str(rng.choice(TYPES))
        extra = (
            {"min": 0.0, "max": 10.0, "direction": int(rng.choice([1, -1]))}
            if kind == "number"
            else {}
        )
        if kind == "level":
            extra = {"min": 0, "max": int(rng.choice([3, 4, 5]))}
        nodes.append(
            Node(f"i{i}", f"G{i % groups}", weight=float(rng.uniform(0.5, 3)), type=kind, **extra)
        )
    tree = Tree(nodes)
    rows = []
    for unit in ("U1", "U2", "U3", "U4"):
        for node in nodes[groups + 1 :]:
            low, high = node.bounds() or (0.0, 10.0)
            if node.type == "level":
                value = float(rng.integers(int(low), int(high) + 1))
            elif node.type == "yesno":
                value = float(rng.integers(0, 2))
            else:
                value = float(np.round(rng.uniform(low, high), 1))
            if missing and rng.random() < 0.15:
                value = np.nan
            # Two assessors; with ``whole=False`` they may be a level apart (a mean of x.5).
            other = value
            if not whole and node.type == "level" and value < high and rng.random() < 0.5:
                other = value + 1.0
            rows += [(unit, node.code, "a", value), (unit, node.code, "b", other)]
    return tree, pd.DataFrame(rows, columns=["unit", "indicator", "assessor", "value"])


CONFIGS = [
    Config(),
    Config(missing="exclude"),
    Config(aggregate="geometric"),
    Config(aggregate="geometric", missing="exclude", geometric_offset=0.0),
    Config(normalise="minmax", scope="all"),
    Config(normalise="zscore"),
    Config(normalise="goalposts", scope="all", missing="exclude"),
]


@pytest.mark.parametrize(
    "config", CONFIGS, ids=lambda c: f"{c.normalise}-{c.aggregate}-{c.missing}"
)
@pytest.mark.parametrize("seed", range(12))
def test_every_running_index_is_what_build_gives_with_the_raises_applied(config, seed):
    tree, frame = random_case(seed, whole=seed % 2 == 0)
    start = build(tree, frame, config).index
    for unit in ("U1", "U3"):
        target = min(100.0, float(start[unit]) + 15.0)
        path = path_to(tree, frame, config, unit, target)
        assert path.start == pytest.approx(start[unit], abs=1e-9)
        for k in range(len(path.steps)):
            rebuilt = build(tree, raised(frame, unit, path.steps.iloc[: k + 1]), config)
            assert path.steps["index"].iloc[k] == pytest.approx(rebuilt.index[unit], abs=1e-9)
        assert reaches(config, path.final, target) == path.reachable
        # No step after the target is reached.
        assert all(not reaches(config, i, target) for i in path.steps["index"].iloc[:-1])


def chains(tree: Tree, frame: pd.DataFrame, unit: str) -> dict[str, list[float]]:
    """Every indicator's successive raised values for ``unit`` (what a path may take, in order)."""
    mine = frame[frame["unit"] == unit].groupby("indicator")["value"].mean()
    best_high = frame.groupby("indicator")["value"].max()
    best_low = frame.groupby("indicator")["value"].min()
    out = {}
    for code in tree.indicators:
        node, value = tree.node(code), mine[code]
        low, high = node.bounds() or (best_low[code], best_high[code])
        if node.type == "level":
            current = low if np.isnan(value) else np.floor(value)
            out[code] = [float(level) for level in np.arange(current + 1, high + 0.5)]
        elif node.type == "yesno":
            out[code] = [] if value == 1 else [1.0]
        else:
            goal = high if node.direction > 0 else low
            out[code] = [] if value == goal else [goal]
    return out


def fewest_steps(tree, frame, config, unit, target) -> int | None:
    """The fewest raises reaching ``target`` by trying every combination (brute force)."""
    ladder = chains(tree, frame, unit)
    codes = list(ladder)
    best = None
    for counts in itertools.product(*(range(len(ladder[code]) + 1) for code in codes)):
        total = sum(counts)
        if best is not None and total >= best:
            continue
        steps = pd.DataFrame(
            [(code, ladder[code][n - 1]) for code, n in zip(codes, counts, strict=True) if n],
            columns=["indicator", "new_value"],
        )
        index = build(tree, raised(frame, unit, steps), config).index[unit]
        if reaches(config, index, target):
            best = total
    return best


@pytest.mark.parametrize("seed", range(25))
def test_greedy_takes_the_fewest_steps_when_the_index_is_additive(seed):
    # Arithmetic, fixed normalisation, whole levels, missing scored zero: the module's claim.
    tree, frame = random_case(seed)
    config = Config()
    start = build(tree, frame, config).index
    for unit in ("U1", "U2"):
        for lift in (5.0, 20.0, 45.0):
            target = min(100.0, float(start[unit]) + lift)
            path = path_to(tree, frame, config, unit, target)
            assert path.reachable
            assert len(path.steps) == fewest_steps(tree, frame, config, unit, target)


def test_greedy_is_not_always_the_fewest_with_half_levels():
    # l: 2.5 -> 3 gains 0.5 step, then 3 -> 4 -> 5 a full step each; y (yes/no) gains 0.9 of a
    # level step at once. Greedy takes y first and needs four steps; l alone needs three.
    tree = Tree(
        [
            Node("R"),
            Node("l", "R", weight=1, type="level"),
            Node("y", "R", weight=0.18, type="yesno"),
        ]
    )
    frame = pd.DataFrame(
        {
            "unit": "U",
            "indicator": ["l", "l", "y", "y"],
            "assessor": ["a", "b", "a", "b"],
            "value": [2.0, 3.0, 0.0, 0.0],
        }
    )
    config = Config()
    start = build(tree, frame, config).index["U"]
    step = 100.0 / 5 / 1.18  # one level, in index points
    target = start + 2.45 * step
    path = path_to(tree, frame, config, "U", target)
    assert path.steps["indicator"].tolist() == ["y", "l", "l", "l"]
    assert fewest_steps(tree, frame, config, "U", target) == 3
