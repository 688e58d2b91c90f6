"""Monte Carlo uncertainty: every run is a build under its drawn assumptions; reproducible."""

from __future__ import annotations

import dataclasses
import sys

import numpy as np
import pandas as pd
import pytest

from kotacerdas.index import Config, InputError, Tree, Values, build, uncertainty
from kotacerdas.index.sampling import Design, uniform_bytes
from kotacerdas.index.synthetic import synthetic_cycle
from kotacerdas.index.uncertainty import _Model, _rank_quantiles

uncertainty_module = sys.modules["kotacerdas.index.uncertainty"]  # the package exports a function


@pytest.fixture(scope="module")
def cycle():
    return synthetic_cycle(units=25, dimensions=2, elements=2, indicators=6, assessors=3, seed=2)


def test_without_perturbation_every_run_is_the_build(cycle):
    config = Config(aggregate="geometric", missing="exclude")
    result = uncertainty(
        cycle.tree,
        cycle.values,
        config,
        samples=12,
        delta=0.0,
        aggregations=("geometric",),
        normalisations=("rubric",),
        draw_assessors=False,
    )
    index = build(cycle.tree, cycle.values, config).index.to_numpy()
    np.testing.assert_array_equal(result.score_samples, np.tile(index, (12, 1)))
    assert (result.summary["rank_p05"] == result.summary["rank"]).all()
    assert not result.sensitivity["active"].any()


@pytest.mark.parametrize("chunk", [65_536, 1])  # one gather for all parents, or one each
@pytest.mark.parametrize("normalisation", ["rubric", "minmax", "zscore"])
def test_each_run_equals_a_build_on_its_drawn_assumptions(cycle, normalisation, chunk, monkeypatch):
    monkeypatch.setattr(uncertainty_module, "CHUNK_ELEMENTS", chunk)
    config = Config(missing="zero")
    prepared = Values.from_frame(cycle.values, cycle.tree)
    samples, seed, delta = 10, 7, 0.3
    aggregations = ("arithmetic", "geometric")
    result = uncertainty(
        cycle.tree, prepared, config, samples=samples, seed=seed, delta=delta,
        aggregations=aggregations, normalisations=(normalisation,),
    )  # fmt: skip
    # Re-derive each run's draws and rebuild it with build() from plain inputs.
    model = _Model(cycle.tree, prepared, config, aggregations, (normalisation,), True)
    design = Design.draw(model, samples, seed, delta)
    plan = cycle.tree.plan
    step = plan.steps[0]
    used = (step.child < step.prev_size).ravel()
    indicator_of_column = step.child.ravel()[used]
    count = np.maximum(prepared.count, 1)
    for run in range(samples):
        bits = np.random.PCG64(design.draw_seeds[design.draw_id[run]])
        draws = uniform_bytes(bits, model.base.size, model.lcm).reshape(-1, len(prepared.units))
        pick = np.empty(prepared.raw.shape[:2], dtype=np.intp)
        pick[:, indicator_of_column] = draws[used].T  # the draw table is (column, unit)
        chosen = np.take_along_axis(prepared.raw, (pick % count)[..., None], axis=2)
        drawn = Values(
            units=prepared.units,
            indicators=prepared.indicators,
            raw=chosen,
            assessor=np.full(chosen.shape, -1, dtype=np.int32),
            assessors=(),
            not_applicable=prepared.not_applicable,
        )
        weights = [node.weight for node in cycle.tree.nodes] * design.multipliers[run]
        nodes = zip(cycle.tree.nodes, weights, strict=True)
        tree = Tree([dataclasses.replace(node, weight=weight) for node, weight in nodes])
        run_config = config.replace(
            aggregate=aggregations[design.aggregation[run]], normalise=normalisation
        )
        expected = build(tree, drawn, run_config).index.to_numpy()
        np.testing.assert_allclose(result.score_samples[run], expected, rtol=0, atol=1e-9)


def test_the_same_seed_gives_the_same_output_whatever_the_threads(cycle):
    runs = [
        uncertainty(
            cycle.tree, cycle.values, Config(), samples=40, seed=3, groups=cycle.groups, jobs=jobs
        )
        for jobs in (1, 2, 1)
    ]
    for other in runs[1:]:
        np.testing.assert_array_equal(other.score_samples, runs[0].score_samples)
        np.testing.assert_array_equal(other.rank_samples, runs[0].rank_samples)
        pd.testing.assert_frame_equal(other.summary, runs[0].summary)
        pd.testing.assert_frame_equal(other.sensitivity, runs[0].sensitivity)
        assert other.fingerprint == runs[0].fingerprint
    different = uncertainty(cycle.tree, cycle.values, Config(), samples=40, seed=4)
    assert not np.array_equal(different.score_samples, runs[0].score_samples)


def test_the_summary_orders_its_percentiles(cycle):
    result = uncertainty(
        cycle.tree, cycle.values, Config(), samples=60, seed=1, groups=cycle.groups
    )
    summary = result.summary
    assert (summary["rank_p05"] <= summary["rank_median"]).all()
    assert (summary["rank_median"] <= summary["rank_p95"]).all()
    assert (summary["score_p05"] <= summary["score_p95"]).all()
    assert summary["rank_p95"].max() <= len(summary)
    assert {"rank_province_median", "rank_kind_p05", "rank_kind_p95"} <= set(summary.columns)
    assert result.rank_samples.shape == (60, 25)
    assert (result.score_samples >= 0).all() and (result.score_samples <= 100).all()


def test_a_single_active_assumption_explains_all_the_variance(cycle):
    result = uncertainty(
        cycle.tree, cycle.values, Config(), samples=40, seed=5, delta=0.0,
        normalisations=("rubric",), draw_assessors=False,
    )  # fmt: skip
    sensitivity = result.sensitivity
    assert sensitivity["active"].to_dict() == {
        "weights": False,
        "aggregation": True,
        "normalisation": False,
        "assessors": False,
    }
    # The pick-freeze partner of each base run differs only in inactive inputs: the same run.
    assert sensitivity.loc["aggregation", "first_order"] == pytest.approx(1.0)
    assert np.isnan(sensitivity.loc["weights", "first_order"])


def test_all_four_assumptions_can_be_active(cycle):
    result = uncertainty(cycle.tree, cycle.values, Config(), samples=50, seed=9)
    assert result.sensitivity["active"].all()
    assert result.sensitivity_by_unit.shape == (25, 4)


def test_the_draw_of_a_slot_isuniform_bytes():
    bits = np.random.PCG64(12345)
    for bound in (2, 3, 6, 12, 60):
        draws = uniform_bytes(bits, 120_000, bound)
        counts = np.bincount(draws, minlength=bound)
        assert counts.size == bound
        expected = 120_000 / bound
        # Within 5 standard deviations of a fair die.
        assert np.all(np.abs(counts - expected) < 5 * np.sqrt(expected))
    assert not uniform_bytes(bits, 10, 1).any()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"samples": 0}, "samples must be a positive integer"),
        ({"delta": 1.5}, "delta must be in"),
        ({"aggregations": ("median",)}, "unknown aggregation"),
        ({"normalisations": ("rank",)}, "unknown normalisation"),
    ],
)
def test_it_refuses_bad_arguments(cycle, arguments, message):
    with pytest.raises(InputError, match=message):
        uncertainty(cycle.tree, cycle.values, Config(), **arguments)


def test_other_percentiles_name_their_columns(cycle):
    result = uncertainty(cycle.tree, cycle.values, Config(), samples=20, quantiles=(0.1, 0.9))
    assert {"rank_p10", "rank_p90", "score_p10", "score_p90"} <= set(result.summary.columns)
    assert (result.summary["rank_p10"] <= result.summary["rank_p90"]).all()


def test_rank_percentiles_by_counting_equal_numpys_inverted_cdf():
    rng = np.random.default_rng(4)
    for runs in (1, 2, 7, 20, 101):
        ranks = rng.integers(1, 9, size=(runs, 8)).astype(np.float32)
        ranks[:, 3] = np.nan  # a unit that never has a score
        quantiles = (0.5, 0.05, 0.95, 0.0, 1.0, 0.1)
        expected = np.quantile(ranks, quantiles, axis=0, method="inverted_cdf")
        np.testing.assert_array_equal(_rank_quantiles(ranks, quantiles), expected)
