"""The statistical audit (``kotacerdas.index.audit``) against independent computations (pandas,
numpy and scipy formulas written here), on COINr's ASEM data and on synthetic cycles with
planted defects that the flags must find, and a clean cycle where they must not."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from kotacerdas import index
from kotacerdas.index import AuditThresholds, Config, Node, Tree, audit, audit_build
from kotacerdas.index.audit import cronbach_alpha, pearson, spearman_rho
from kotacerdas.index.synthetic import synthetic_cycle

from .builders import ASEM, small_tree, small_values

# -- elementary statistics -------------------------------------------------------------------


def _alpha_by_formula(frame: pd.DataFrame) -> float:
    complete = frame.dropna()
    k = complete.shape[1]
    return k / (k - 1) * (1 - complete.var(ddof=1).sum() / complete.sum(axis=1).var(ddof=1))


def test_cronbach_alpha_is_the_textbook_formula_on_complete_units():
    rng = np.random.default_rng(3)
    latent = rng.normal(size=80)
    items = latent[:, None] + rng.normal(scale=0.8, size=(80, 4))
    items[5, 2] = np.nan
    items[9, 0] = np.nan
    value, n = cronbach_alpha(items)
    assert n == 78
    assert value == pytest.approx(_alpha_by_formula(pd.DataFrame(items)), abs=1e-12)


def test_cronbach_alpha_is_undefined_without_two_items_units_or_variance():
    assert math.isnan(cronbach_alpha(np.ones((10, 1)))[0])
    assert math.isnan(cronbach_alpha(np.array([[1.0, 2.0]]))[0])
    assert math.isnan(cronbach_alpha(np.full((5, 3), 2.0))[0])


def test_pearson_and_spearman_equal_scipy_on_complete_pairs():
    rng = np.random.default_rng(4)
    x = rng.normal(size=50)
    y = 0.5 * x + rng.normal(size=50)
    x[3] = np.nan
    y[7] = np.nan
    keep = ~(np.isnan(x) | np.isnan(y))
    assert pearson(x, y) == (pytest.approx(stats.pearsonr(x[keep], y[keep])[0], abs=1e-12), 48)
    rho = stats.spearmanr(x[keep], y[keep])[0]
    assert spearman_rho(x, y)[0] == pytest.approx(rho, abs=1e-12)
    assert math.isnan(pearson(np.ones(5), np.arange(5.0))[0])
    assert math.isnan(pearson(np.array([1.0, 2.0]), np.array([2.0, 1.0]))[0])


# -- COINr's ASEM data -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def asem():
    meta = pd.read_csv(ASEM / "aggregation_meta.csv")
    nodes = [
        Node(
            str(row.iCode),
            None if pd.isna(row.Parent) else str(row.Parent),
            weight=float(row.Weight),
            type="number" if row.Type == "Indicator" else None,
            direction=int(row.Direction) if row.Type == "Indicator" else 1,
        )
        for row in meta.itertuples()
    ]
    tree = Tree(nodes, source="asem")
    data = pd.read_csv(ASEM / "iData.csv")
    long = data.melt(id_vars="uCode", value_vars=list(tree.indicators), var_name="indicator")
    long = long.rename(columns={"uCode": "unit"})
    config = Config(normalise="minmax", aggregate="arithmetic", missing="exclude")
    built = index.build(tree, long, config)
    wide = data.set_index("uCode")[list(tree.indicators)].sort_index()
    return tree, built, wide, audit_build(built, long)


def test_asem_indicator_statistics_match_pandas(asem):
    tree, _built, wide, found = asem
    table = found.indicators
    assert list(table.index) == list(tree.indicators)
    assert (table["answered"] == wide.notna().sum()).all()
    assert np.allclose(table["missing"], wide.isna().mean())
    assert (table["not_applicable"] == 0).all()
    assert np.allclose(table["mean"], wide.mean())
    assert np.allclose(table["sd"], wide.std(ddof=1))
    assert np.allclose(table["min"], wide.min()) and np.allclose(table["max"], wide.max())
    # pandas' skew and kurt are the bias-corrected (e1071 type 2) estimators COINr uses.
    assert np.allclose(table["skew"], wide.skew(), atol=1e-10)
    assert np.allclose(table["kurtosis"], wide.kurt(), atol=1e-10)
    assert (table["distinct"] == wide.nunique()).all()
    assert table["ceiling"].isna().all()  # numbers without goalposts have no fixed scale


def test_asem_outlier_flags_follow_coinr_rule(asem):
    _tree, _built, wide, found = asem
    expected = {
        code for code in wide.columns if abs(wide[code].skew()) > 2 and wide[code].kurt() > 3.5
    }
    flagged = set(found.flags.loc[found.flags["flag"] == "outlier", "node"])
    assert flagged == expected
    assert expected  # the ASEM data does have skewed indicators


def test_asem_correlations_match_pandas(asem):
    tree, built, _wide, found = asem
    scores = built.scores
    for code, row in found.correlations.iterrows():
        parent = tree.node(code).parent
        pair = scores[[code, parent]].dropna()
        assert row["parent"] == parent
        assert row["n_parent"] == len(pair)
        assert row["pearson_parent"] == pytest.approx(pair.corr().iloc[0, 1], abs=1e-10)
        rho = pair.corr(method="spearman").iloc[0, 1]
        assert row["spearman_parent"] == pytest.approx(rho, abs=1e-10)
        both = scores[[code, tree.root]].dropna()
        assert row["pearson_index"] == pytest.approx(both.corr().iloc[0, 1], abs=1e-10)
    assert tree.root not in found.correlations.index


def test_asem_sibling_pairs_and_alpha_match_formulas(asem):
    tree, built, _wide, found = asem
    scores = built.scores
    assert len(found.pairs) == sum(
        len(tree.children(code)) * (len(tree.children(code)) - 1) // 2 for code in tree.aggregates
    )
    expected_pairs = scores.corr()
    for row in found.pairs.itertuples():
        assert row.pearson == pytest.approx(expected_pairs.loc[row.a, row.b], abs=1e-10)
    for code, row in found.alpha.iterrows():
        kids = scores[list(tree.children(code))]
        assert row["units"] == len(kids.dropna())
        assert row["alpha"] == pytest.approx(_alpha_by_formula(kids), abs=1e-10)


def test_asem_weights_side_by_side(asem):
    tree, _built, _wide, found = asem
    weights = found.weights
    assert np.allclose(weights["effective"], tree.effective_weights())
    assert weights["effective"].sum() == pytest.approx(1.0)
    for code in tree.indicators:
        siblings = tree.children(tree.node(code).parent)
        assert weights.loc[code, "nominal"] == pytest.approx(1 / len(siblings))
    assert np.allclose(
        weights["pearson_index"], found.correlations.loc[weights.index, "pearson_index"]
    )
    assert weights["correlation_share"].sum() == pytest.approx(1.0)


def test_redundant_pairs_are_flagged_on_both_sides(asem):
    _tree, _built, _wide, found = asem
    high = found.pairs[found.pairs["pearson"] > 0.9]
    flags = found.flags[found.flags["flag"] == "redundant"]
    expected = {(row.a, row.b) for row in high.itertuples()} | {
        (row.b, row.a) for row in high.itertuples()
    }
    assert set(zip(flags["node"], flags["other"], strict=True)) == expected


# -- synthetic cycles with planted defects ---------------------------------------------------


def _cycle():
    return synthetic_cycle(
        units=240,
        dimensions=2,
        elements=2,
        indicators=8,
        assessors=1,
        seed=11,
        missing=0.0,
        not_applicable=0.0,
    )


def _levels_of(values: pd.DataFrame, code: str) -> pd.Series:
    return values.loc[values["indicator"] == code, "value"]


def test_planted_defects_are_found():
    cycle = _cycle()
    values = cycle.values.copy()
    rng = np.random.default_rng(0)
    # Ceiling: 93 % of the units at level 5.
    at = values["indicator"] == "D1E1I01"
    values.loc[at, "value"] = np.where(rng.random(at.sum()) < 0.93, 5.0, 3.0)
    # Redundant pair: D1E2I02 repeats D1E2I01.
    source = _levels_of(values, "D1E2I01").to_numpy()
    values.loc[values["indicator"] == "D1E2I02", "value"] = source
    # Negatively correlated: D2E1I01 is the mirror image of a sibling.
    mirror = 5.0 - _levels_of(values, "D2E1I02").to_numpy()
    values.loc[values["indicator"] == "D2E1I01", "value"] = mirror
    built = index.build(cycle.tree, values)
    found = audit_build(built, values)
    flags = found.flags[found.flags["node"].isin(cycle.tree.indicators)]
    by_flag = {flag: set(group["node"]) for flag, group in flags.groupby("flag")}
    assert by_flag["ceiling"] == {"D1E1I01"}
    assert found.indicators.loc["D1E1I01", "ceiling"] == pytest.approx(
        (_levels_of(values, "D1E1I01") == 5).mean()
    )
    assert by_flag["redundant"] == {"D1E2I01", "D1E2I02"}
    assert found.flags_of("D1E2I01") == ["redundant"]
    assert by_flag["negative"] == {"D2E1I01"}
    assert found.correlations.loc["D2E1I01", "pearson_parent"] < -0.4
    assert "D2E1I01" in found.flagged


def test_a_clean_cycle_raises_no_ceiling_redundancy_or_negative_flag():
    cycle = _cycle()
    built = index.build(cycle.tree, cycle.values)
    found = audit_build(built, cycle.values)
    flags = found.flags[found.flags["node"].isin(cycle.tree.indicators)]
    assert not set(flags["flag"]) & {"ceiling", "floor", "redundant", "negative", "weak"}
    # Only the heavy-tailed (log-normal) numbers may trip COINr's outlier rule.
    outliers = flags[flags["flag"] == "outlier"]["node"]
    assert all(found.indicators.loc[code, "type"] == "number" for code in outliers)


def test_weak_and_sparse_flags_and_thresholds_are_parameters():
    cycle = _cycle()
    values = cycle.values.copy()
    rng = np.random.default_rng(5)
    at = values["indicator"] == "D1E1I03"
    values.loc[at, "value"] = rng.integers(2, 4, size=at.sum()).astype(float)  # noise
    sparse = values["indicator"] == "D2E2I03"
    values.loc[sparse & (rng.random(len(values)) < 0.5), "value"] = np.nan
    built = index.build(cycle.tree, values)
    found = audit_build(built, values)
    assert "weak" in found.flags_of("D1E1I03")
    assert "sparse" in found.flags_of("D2E2I03")
    strict = audit_build(built, values, thresholds=AuditThresholds(weak=-1.0, availability=0.0))
    assert "weak" not in strict.flags_of("D1E1I03")
    assert "sparse" not in strict.flags_of("D2E2I03")
    assert strict.thresholds.to_dict()["weak"] == -1.0


def test_small_tree_shares_direction_and_not_applicable(tree: Tree):
    values = small_values()
    built = index.build(tree, values)
    found = audit_build(built, values)
    table = found.indicators
    assert table.loc["b2", "not_applicable"] == pytest.approx(1 / 3)
    assert table.loc["a2", "missing"] == pytest.approx(1 / 3)
    # b2 is lower-is-better on 0..200: the best end is 0, none of the units reaches it.
    assert table.loc["b2", "ceiling"] == 0.0 and table.loc["b2", "floor"] == 0.0
    assert table.loc["a1", "ceiling"] == pytest.approx(1 / 3)
    assert table.loc["b1", "ceiling"] == pytest.approx(2 / 3)
    assert found.units == 3


def test_audit_on_scores_alone_and_refuses_missing_columns(tree: Tree):
    built = index.build(tree, small_values())
    found = audit(tree, built.scores)
    assert found.indicators.loc["a1", "ceiling"] == pytest.approx(
        (built.scores["a1"] >= 100).mean()
    )
    with pytest.raises(index.InputError):
        audit(tree, built.scores.drop(columns="A"))
    assert small_tree().indicators == tree.indicators
