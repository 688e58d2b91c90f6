"""Conformance with COINr 1.1.14 on its ASEM example (../shared/data/coinr_asem/README.md).

The main reference build (raw data, min-max over the 51 units after multiplying by the
direction, weighted arithmetic mean level by level with missing children dropped) must come out
of ``kotacerdas-index build --normalise minmax --aggregate arithmetic --missing exclude`` to
1e-9 at every level: indicators, pillars, sub-indices and index.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kotacerdas.index.cli import main

from .builders import ASEM

TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def asem_results(tmp_path_factory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("asem")
    meta = pd.read_csv(ASEM / "aggregation_meta.csv")
    # COINr's tree in the tree.csv format: indicators are numbers without goalposts.
    tree = pd.DataFrame(
        {
            "code": meta["iCode"],
            "parent": meta["Parent"].fillna(""),
            "weight": meta["Weight"],
            "type": np.where(meta["Type"] == "Indicator", "number", ""),
            "direction": meta["Direction"],
            "min": "",
            "max": "",
        }
    )
    tree.to_csv(folder / "tree.csv", index=False)
    data = pd.read_csv(ASEM / "iData.csv")
    indicators = meta.loc[meta["Type"] == "Indicator", "iCode"].tolist()
    values = data.melt(id_vars="uCode", value_vars=indicators, var_name="indicator")
    values.rename(columns={"uCode": "unit"}).to_csv(folder / "values.csv", index=False)
    status = main(
        [
            "build",
            "--tree", str(folder / "tree.csv"),
            "--values", str(folder / "values.csv"),
            "--normalise", "minmax",
            "--aggregate", "arithmetic",
            "--missing", "exclude",
            "--out", str(folder / "results.csv"),
        ]
    )  # fmt: skip
    assert status == 0
    return pd.read_csv(folder / "results.csv", keep_default_na=False, na_values=[""])


def test_every_level_matches_coinr_to_1e_9(asem_results):
    reference = pd.read_csv(ASEM / "reference_results_long.csv")
    merged = reference.merge(
        asem_results, left_on=["uCode", "iCode"], right_on=["unit", "node"], how="left"
    )
    assert len(merged) == len(reference) == 51 * 60
    assert merged["node"].notna().all()
    both_missing = merged["Value"].isna() & merged["score"].isna()
    assert merged["Value"].isna().sum() == 63
    assert (merged["Value"].isna() == merged["score"].isna()).all()
    difference = (merged["score"] - merged["Value"]).abs()[~both_missing]
    for level in (1, 2, 3, 4):
        at_level = difference[merged.loc[~both_missing, "Level"] == level]
        assert at_level.max() < TOLERANCE, f"level {level} differs by {at_level.max()}"


def test_the_index_ranking_matches_coinr(asem_results):
    reference = pd.read_csv(ASEM / "reference_results_ranked_aggs.csv")
    ours = asem_results[asem_results["node"] == "Index"].set_index("unit")
    assert (ours.loc[reference["uCode"], "rank"].to_numpy() == reference["Rank"].to_numpy()).all()
    top = ours.sort_values("rank").index[:5].tolist()
    assert top == ["DEU", "GBR", "FRA", "CHE", "NLD"]
