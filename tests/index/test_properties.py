"""Properties that hold for any instrument, answers and config (hypothesis)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kotacerdas.index import Config, Node, Tree, build, uncertainty
from kotacerdas.index.ranking import competition_ranks

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TYPES = ("level", "number", "percent", "yesno")


@st.composite
def instruments(draw) -> Tree:
    """A random two- or three-level tree with random weights, types and directions."""
    nodes = [Node("R")]
    counter = 0
    for d in range(draw(st.integers(1, 3))):
        weight = draw(st.floats(0.1, 10))
        nodes.append(Node(f"D{d}", "R", weight=weight))
        parents = [f"D{d}"]
        if draw(st.booleans()):
            parents = [f"D{d}E{e}" for e in range(draw(st.integers(1, 2)))]
            nodes.extend(Node(code, f"D{d}", weight=draw(st.floats(0.1, 10))) for code in parents)
        for parent in parents:
            for _ in range(draw(st.integers(1, 3))):
                kind = draw(st.sampled_from(TYPES))
                direction = draw(st.sampled_from([1, -1])) if kind in ("number", "percent") else 1
                goalposts = kind == "number" and draw(st.booleans())
                nodes.append(
                    Node(
                        f"i{counter}",
                        parent,
                        weight=draw(st.floats(0.1, 10)),
                        type=kind,
                        direction=direction,
                        min=0.0 if goalposts else None,
                        max=100.0 if goalposts else None,
                    )
                )
                counter += 1
    return Tree(nodes)


@st.composite
def cycles(draw) -> tuple[Tree, pd.DataFrame]:
    tree = draw(instruments())
    units = [f"U{k}" for k in range(draw(st.integers(2, 6)))]
    rows = []
    for unit in units:
        for code in tree.indicators:
            kind = tree.node(code).type
            state = draw(st.sampled_from(["answer", "answer", "answer", "missing", "na"]))
            if state == "na":
                rows.append((unit, code, np.nan, True))
                continue
            if state == "missing":
                rows.append((unit, code, np.nan, False))
                continue
            if kind == "level":
                value = float(draw(st.integers(0, 5)))
            elif kind == "yesno":
                value = float(draw(st.integers(0, 1)))
            else:
                value = draw(st.floats(-20, 150, allow_nan=False))
            rows.append((unit, code, value, False))
    frame = pd.DataFrame(rows, columns=["unit", "indicator", "value", "not_applicable"])
    return tree, frame


configs = st.builds(
    Config,
    normalise=st.sampled_from(["rubric", "minmax", "zscore"]),
    scope=st.sampled_from(["numbers", "all"]),
    aggregate=st.sampled_from(["arithmetic", "geometric"]),
    geometric_offset=st.sampled_from([0.0, 1.0]),
    missing=st.sampled_from(["zero", "exclude"]),
)


@SETTINGS
@given(cycles(), configs, st.randoms(use_true_random=False))
def test_permuting_the_units_changes_nothing(cycle, config, random):
    tree, frame = cycle
    order = list(range(len(frame)))
    random.shuffle(order)
    units = sorted(set(frame["unit"]))
    renamed = {unit: f"V{k}" for k, unit in enumerate(random.sample(units, len(units)))}
    first = build(tree, frame, config)
    second = build(tree, frame.iloc[order].reset_index(drop=True), config)
    pd.testing.assert_frame_equal(first.scores, second.scores)
    pd.testing.assert_frame_equal(first.ranks, second.ranks)
    assert first.fingerprint == second.fingerprint
    # New names that sort in another order: each unit keeps its scores.
    third = build(tree, frame.assign(unit=frame["unit"].map(renamed)), config)
    for unit, name in renamed.items():
        pd.testing.assert_series_equal(
            first.scores.loc[unit], third.scores.loc[name], check_names=False
        )
        pd.testing.assert_series_equal(
            first.ranks.loc[unit], third.ranks.loc[name], check_names=False
        )


@SETTINGS
@given(cycles(), configs, st.integers(-8, 8), st.floats(0.01, 100))
def test_scaling_all_weights_changes_nothing(cycle, config, power, factor):
    tree, frame = cycle
    first = build(tree, frame, config)
    exact = Tree(
        [dataclasses.replace(node, weight=node.weight * 2.0**power) for node in tree.nodes]
    )
    second = build(exact, frame, config)
    # A power of two scales without rounding: the very same numbers.
    pd.testing.assert_frame_equal(first.scores, second.scores)
    pd.testing.assert_frame_equal(first.ranks, second.ranks)
    scaled = Tree([dataclasses.replace(node, weight=node.weight * factor) for node in tree.nodes])
    third = build(scaled, frame, config)
    np.testing.assert_allclose(third.scores, first.scores, rtol=0, atol=1e-9)


@SETTINGS
@given(cycles(), configs, st.data())
def test_under_arithmetic_raising_an_answer_never_lowers_the_index(cycle, config, data):
    tree, frame = cycle
    config = config.replace(aggregate="arithmetic")
    answered = frame.index[frame["value"].notna()]
    if answered.empty:
        return
    row = data.draw(st.sampled_from(list(answered)))
    node = tree.node(frame.loc[row, "indicator"])
    old = frame.loc[row, "value"]
    if node.type == "level":
        new = float(data.draw(st.integers(int(old), 5)))
    elif node.type == "yesno":
        new = 1.0
    else:
        step = data.draw(st.floats(0, 200))
        new = old + step if node.direction > 0 else old - step  # better, whichever direction
    raised = frame.copy()
    raised.loc[row, "value"] = new
    unit = frame.loc[row, "unit"]
    before = build(tree, frame, config).index[unit]
    after = build(tree, raised, config).index[unit]
    assert after >= before - 1e-9


@SETTINGS
@given(cycles(), configs)
def test_scores_stay_within_0_and_100(cycle, config):
    tree, frame = cycle
    result = build(tree, frame, config)
    scores = result.scores.to_numpy()
    present = scores[~np.isnan(scores)]
    assert (present >= 0).all() and (present <= 100).all()
    coverage = result.coverage.to_numpy()
    coverage = coverage[~np.isnan(coverage)]
    assert (coverage >= 0).all() and (coverage <= 1 + 1e-12).all()


@settings(max_examples=15, deadline=None)
@given(cycles(), st.integers(0, 2**32 - 1))
def test_the_same_seed_gives_identical_monte_carlo_output(cycle, seed):
    tree, frame = cycle
    first = uncertainty(tree, frame, Config(), samples=12, seed=seed)
    second = uncertainty(tree, frame, Config(), samples=12, seed=seed)
    np.testing.assert_array_equal(first.score_samples, second.score_samples)
    np.testing.assert_array_equal(first.rank_samples, second.rank_samples)
    pd.testing.assert_frame_equal(first.summary, second.summary)


@SETTINGS
@given(st.lists(st.integers(0, 6), min_size=1, max_size=12))
def test_a_rank_is_one_plus_the_number_of_better_scores(levels):
    scores = np.array([levels], dtype=float)
    ranks = competition_ranks(scores)[0]
    for k, score in enumerate(levels):
        assert ranks[k] == 1 + sum(other > score for other in levels)
