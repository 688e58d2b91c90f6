"""The kotacerdas-index command line: formats, errors that name the file and row, no partial output."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from kotacerdas.index.cli import main

from .builders import write_csv

TREE = """code,parent,weight,type,direction,min,max
ROOT,,,,,,
A,ROOT,2,,,,
a1,A,1,level,,0,5
a2,A,3,level,,0,5
B,ROOT,1,,,,
b1,B,1,yesno,,,
b2,B,1,number,-1,0,200
"""
VALUES = """unit,indicator,value,assessor
X,a1,4,p
X,a1,4,q
X,a2,2,p
X,a2,2,q
X,b1,1,p
X,b2,50,p
Y,a1,5,p
Y,a1,3,q
Y,a2,,p
Y,b1,0,q
Y,b2,NA,p
Z,a1,4,r
Z,a2,2,r
Z,b1,1,r
Z,b2,50,r
"""
GROUPS = "unit,province,kind\nX,P1,kota\nY,P1,kabupaten\nZ,P2,kota\n"


@pytest.fixture
def files(tmp_path):
    return {
        "tree": write_csv(tmp_path / "tree.csv", TREE),
        "values": write_csv(tmp_path / "values.csv", VALUES),
        "groups": write_csv(tmp_path / "groups.csv", GROUPS),
        "out": tmp_path / "results.csv",
        "dir": tmp_path,
    }


def run(*arguments: object) -> int:
    return main([str(argument) for argument in arguments])


def test_build_writes_unit_node_score_rank(files, capsys):
    status = run(
        "build", "--tree", files["tree"], "--values", files["values"], "--out", files["out"]
    )
    assert status == 0
    results = pd.read_csv(files["out"], dtype={"unit": str})
    assert results.columns.tolist() == ["unit", "node", "score", "rank"]
    assert len(results) == 3 * 7
    root = results[results["node"] == "ROOT"].set_index("unit")
    # Y's a1 is the mean of 5 and 3: 4 -> 80, a2 missing scores 0: A = 20; B = b1 = 0.
    assert root.loc["X", "score"] == pytest.approx(62.5)
    assert root.loc["Y", "score"] == pytest.approx(2 * 20 / 3)
    assert root["rank"].to_dict() == {"X": 1, "Y": 3, "Z": 1}
    assert "fingerprint" in capsys.readouterr().out


def test_groups_add_a_rank_column_each(files):
    run(
        "build", "--tree", files["tree"], "--values", files["values"], "--groups", files["groups"],
        "--details", "--out", files["out"],
    )  # fmt: skip
    results = pd.read_csv(files["out"])
    assert results.columns.tolist() == [
        "unit", "node", "score", "rank", "rank_province", "rank_kind", "display", "coverage", "predicate"
    ]  # fmt: skip
    root = results[results["node"] == "ROOT"].set_index("unit")
    assert root["rank_province"].to_dict() == {"X": 1, "Y": 2, "Z": 1}
    assert root["rank_kind"].to_dict() == {"X": 1, "Y": 1, "Z": 1}
    assert root.loc["X", "predicate"] == "Baik"


def test_method_options_reach_the_build(files):
    run(
        "build", "--tree", files["tree"], "--values", files["values"], "--missing", "exclude",
        "--aggregate", "geometric", "--out", files["out"],
    )  # fmt: skip
    results = pd.read_csv(files["out"]).set_index(["unit", "node"])
    # Excluding Y's missing a2: A = a1 = 80 (geometric of one value is the value).
    assert results.loc[("Y", "A"), "score"] == pytest.approx(80.0)


def test_a_json_config_is_read_and_flags_override_it(files):
    config = write_csv(
        files["dir"] / "config.json", json.dumps({"missing": "exclude", "display_scale": 100})
    )
    run(
        "build", "--tree", files["tree"], "--values", files["values"], "--config", config,
        "--missing", "zero", "--details", "--out", files["out"],
    )  # fmt: skip
    results = pd.read_csv(files["out"]).set_index(["unit", "node"])
    assert results.loc[("X", "ROOT"), "display"] == pytest.approx(62.5)  # display 100 kept
    assert results.loc[("Y", "a2"), "score"] == 0.0  # missing zero from the flag


@pytest.mark.parametrize(
    ("target", "text", "expected"),
    [
        (
            "tree",
            TREE.replace("A,ROOT,2", "A,ROOT,0"),
            "tree.csv, row 3: weight must be greater than 0",
        ),
        (
            "tree",
            TREE.replace("A,ROOT,2", "A,B,2").replace("B,ROOT,1", "B,A,1"),
            "tree.csv, row 3: cycle in the tree: A -> B -> A",
        ),
        ("tree", TREE + "a1,A,1,level,,0,5\n", "tree.csv, row 9: duplicate code 'a1'"),
        (
            "tree",
            TREE.replace("b2,B,1,number", "b2,C,1,number"),
            "tree.csv, row 8: unknown parent 'C'",
        ),
        ("values", VALUES + "Z,c9,1,r\n", "values.csv, row 17: unknown indicator 'c9'"),
        (
            "values",
            VALUES.replace("Y,b1,0,q", "Y,b1,0,q,extra"),
            "values.csv, row 11: expected 4 fields",
        ),
        ("values", VALUES.replace("X,a2,2,q", "X,a2,7,q"), "values.csv, row 5: level 7"),
        ("groups", GROUPS + "X,P3,kota\n", "groups.csv, row 5: unit 'X' is listed twice"),
        ("config", "{not json", "config.json, row 1: not JSON"),
        ("config", '{"normalise": "rank"}', "config: normalise must be one of"),
    ],
)
def test_bad_input_names_the_file_and_row_and_writes_nothing(files, capsys, target, text, expected):
    config = files["dir"] / "config.json"
    write_csv(config, "{}")
    if target == "config":
        write_csv(config, text)
    else:
        write_csv(files[target], text)
    files["out"].write_text("previous results\n")
    status = run(
        "build", "--tree", files["tree"], "--values", files["values"], "--groups", files["groups"],
        "--config", config, "--out", files["out"],
    )  # fmt: skip
    assert status == 2
    error = capsys.readouterr().err
    assert error.startswith("kotacerdas-index: error: ")
    assert expected in error
    assert files["out"].read_text() == "previous results\n"
    assert sorted(path.name for path in files["dir"].iterdir()) == [
        "config.json", "groups.csv", "results.csv", "tree.csv", "values.csv"
    ]  # fmt: skip


def test_a_missing_file_is_named(files, capsys):
    status = run(
        "build",
        "--tree",
        files["dir"] / "nope.csv",
        "--values",
        files["values"],
        "--out",
        files["out"],
    )
    assert status == 2
    assert "nope.csv: file not found" in capsys.readouterr().err
    assert not files["out"].exists()


def test_usage_errors_exit_with_status_2(files):
    with pytest.raises(SystemExit) as caught:
        run("build", "--tree", files["tree"], "--values", files["values"])  # no --out
    assert caught.value.code == 2


def test_uncertainty_writes_rank_intervals_reproducibly(files):
    first, second = files["dir"] / "ranks1.csv", files["dir"] / "ranks2.csv"
    sensitivity = files["dir"] / "sensitivity.csv"
    for out in (first, second):
        status = run(
            "uncertainty", "--tree", files["tree"], "--values", files["values"], "--groups",
            files["groups"], "--samples", 30, "--seed", 4, "--out", out, "--sensitivity", sensitivity,
        )  # fmt: skip
        assert status == 0
    assert first.read_bytes() == second.read_bytes()
    ranks = pd.read_csv(first)
    assert ranks.columns.tolist()[:9] == [
        "unit", "rank", "score", "rank_median", "rank_p05", "rank_p95",
        "score_median", "score_p05", "score_p95",
    ]  # fmt: skip
    assert "rank_province_p95" in ranks.columns
    assert pd.read_csv(sensitivity)["assumption"].tolist() == [
        "weights", "aggregation", "normalisation", "assessors"
    ]  # fmt: skip


def test_agreement_writes_alpha_severity_and_disagreements(files):
    alpha, severity, pairs = (
        files["dir"] / name for name in ("alpha.csv", "severity.csv", "pairs.csv")
    )
    status = run(
        "agreement", "--values", files["values"], "--tree", files["tree"], "--out", alpha,
        "--severity", severity, "--disagreements", pairs,
    )  # fmt: skip
    assert status == 0
    table = pd.read_csv(alpha, keep_default_na=False)
    assert table.columns.tolist() == ["scope", "code", "alpha", "level", "units", "values"]
    assert table[table["scope"] == "node"]["code"].tolist() == ["ROOT", "A", "B"]
    # Only Y's a1 was scored twice apart (5 and 3): two levels, flagged.
    flagged = pd.read_csv(pairs)
    assert flagged[["unit", "indicator", "assessor", "value"]].to_numpy().tolist() == [
        ["Y", "a1", "p", 5.0],
        ["Y", "a1", "q", 3.0],
    ]
    assert pd.read_csv(severity)["assessor"].tolist() == ["p", "q", "r"]


def test_agreement_without_a_tree_names_the_values_file(files, capsys):
    write_csv(files["values"], VALUES + "Z,a1,x,q\n")
    status = run("agreement", "--values", files["values"], "--out", files["dir"] / "alpha.csv")
    assert status == 2
    assert "values.csv, row 17: value must be a number" in capsys.readouterr().err


def test_what_if_and_compare(files):
    out = files["dir"] / "whatif.csv"
    assert (
        run(
            "what-if",
            "--tree",
            files["tree"],
            "--values",
            files["values"],
            "--unit",
            "X",
            "--out",
            out,
        )
        == 0
    )
    assert pd.read_csv(out)["indicator"].tolist() == ["a2", "b2", "a1"]
    progress = files["dir"] / "progress.csv"
    status = run(
        "compare", "--tree-a", files["tree"], "--values-a", files["values"], "--tree-b", files["tree"],
        "--values-b", files["values"], "--out", progress,
    )  # fmt: skip
    assert status == 0
    assert pd.read_csv(progress)["progress"].tolist() == [0.0, 0.0, 0.0]


def test_python_dash_m_runs_the_same_command(files):
    completed = subprocess.run(
        [sys.executable, "-m", "kotacerdas.index", "build", "--tree", str(files["tree"]),
         "--values", str(files["values"]), "--out", str(files["out"])],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert pd.read_csv(files["out"]).shape == (21, 4)
