"""``kotacerdas-index``: the index engine on CSV files, for analysts (formats: docs/methodology.md).

Every command reads its inputs, computes, and only then writes its outputs (each file appears
whole or not at all). Bad input prints ``kotacerdas-index: error: <file>, row <n>: <what>`` on
stderr and exits with status 2, writing nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .agreement import LEVELS, agreement
from .build import build, read_groups
from .compare import compare, read_crosswalk
from .config import AGGREGATIONS, COMBINATIONS, MISSING_POLICIES, NORMALISATIONS, SCOPES, Config
from .csvio import read_table, write_frame
from .errors import InputError
from .tree import Tree
from .uncertainty import uncertainty
from .values import Values
from .whatif import what_if

__all__ = ["main"]

PROGRAM = "kotacerdas-index"


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the exit status (0 done, 2 bad input or usage)."""
    parser = _parser()
    arguments = parser.parse_args(list(argv) if argv is not None else None)
    command: Callable[[argparse.Namespace], list[tuple[pd.DataFrame, Path]]] = arguments.run
    try:
        outputs = command(arguments)
    except InputError as error:
        print(f"{PROGRAM}: error: {error}", file=sys.stderr)
        return 2
    for frame, path in outputs:
        write_frame(frame, path)
    return 0


# -- commands --------------------------------------------------------------------------------


def _build(arguments: argparse.Namespace) -> list[tuple[pd.DataFrame, Path]]:
    tree, values, config, groups = _inputs(arguments)
    result = build(tree, values, config, groups)
    long = result.to_long()
    columns = ["unit", "node", "score", "rank", *(f"rank_{name}" for name in result.groups.columns)]
    if arguments.details:
        columns += ["display", "coverage", "predicate"]
    print(
        f"{PROGRAM} build: {len(result.units)} units x {len(tree)} nodes -> {arguments.out} "
        f"(fingerprint {result.fingerprint})"
    )
    return [(long[columns], arguments.out)]


def _uncertainty(arguments: argparse.Namespace) -> list[tuple[pd.DataFrame, Path]]:
    tree, values, config, groups = _inputs(arguments)
    result = uncertainty(
        tree,
        values,
        config,
        samples=arguments.samples,
        seed=arguments.seed,
        delta=arguments.delta,
        groups=groups,
        draw_assessors=not arguments.no_assessor_draw,
        jobs=arguments.jobs,
    )
    outputs = [(result.to_frame(), arguments.out)]
    if arguments.sensitivity:
        outputs.append((result.sensitivity.reset_index(), arguments.sensitivity))
    active = ", ".join(
        f"{name} {row.first_order:.3f}" for name, row in result.sensitivity.iterrows() if row.active
    )
    print(
        f"{PROGRAM} uncertainty: {result.samples} samples, seed {result.seed}; first order: {active or 'none'}"
    )
    return outputs


def _agreement(arguments: argparse.Namespace) -> list[tuple[pd.DataFrame, Path]]:
    tree = Tree.from_csv(arguments.tree) if arguments.tree else None
    values = read_table(arguments.values, required=("unit", "indicator", "value"))
    result = agreement(
        values,
        arguments.level,
        tree,
        level_gap=arguments.level_gap,
        number_gap=arguments.number_gap,
    )
    outputs = [(result.to_frame(), arguments.out)]
    if arguments.severity:
        outputs.append((result.severity.reset_index(), arguments.severity))
    if arguments.disagreements:
        outputs.append((result.disagreements, arguments.disagreements))
    print(
        f"{PROGRAM} agreement: overall alpha {result.overall:.3f}; "
        f"{result.disagreements.groupby(['unit', 'indicator']).ngroups} answers to moderate"
    )
    return outputs


def _what_if(arguments: argparse.Namespace) -> list[tuple[pd.DataFrame, Path]]:
    tree, values, config, _ = _inputs(arguments)
    frame = what_if(tree, values, config, arguments.unit, top=arguments.top)
    print(f"{PROGRAM} what-if: {len(frame)} raises for {arguments.unit}")
    return [(frame, arguments.out)]


def _compare(arguments: argparse.Namespace) -> list[tuple[pd.DataFrame, Path]]:
    tree_a = Tree.from_csv(arguments.tree_a)
    tree_b = Tree.from_csv(arguments.tree_b)
    values_a = Values.from_csv(arguments.values_a, tree_a)
    values_b = Values.from_csv(arguments.values_b, tree_b)
    crosswalk = read_crosswalk(arguments.crosswalk) if arguments.crosswalk else None
    result = compare(tree_a, values_a, tree_b, values_b, crosswalk, _config(arguments))
    share = result.weight_share
    print(
        f"{PROGRAM} compare: {len(result.tree.indicators)} comparable indicators, "
        f"{share['a']:.1%} of cycle A's weight and {share['b']:.1%} of cycle B's"
    )
    return [(result.index.reset_index(), arguments.out)]


# -- inputs ----------------------------------------------------------------------------------


def _inputs(arguments: argparse.Namespace) -> tuple[Tree, Values, Config, pd.DataFrame | None]:
    tree = Tree.from_csv(arguments.tree)
    values = Values.from_csv(arguments.values, tree)
    groups = read_groups(arguments.groups) if getattr(arguments, "groups", None) else None
    return tree, values, _config(arguments), groups


def _config(arguments: argparse.Namespace) -> Config:
    settings: dict[str, Any] = {}
    if arguments.config:
        try:
            settings = json.loads(Path(arguments.config).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError(Path(arguments.config).name, None, "file not found") from None
        except json.JSONDecodeError as error:
            raise InputError(
                Path(arguments.config).name, error.lineno, f"not JSON: {error.msg}"
            ) from None
        if not isinstance(settings, dict):
            raise InputError(Path(arguments.config).name, None, "expected a JSON object")
    for option, field in (
        ("normalise", "normalise"),
        ("scope", "scope"),
        ("aggregate", "aggregate"),
        ("geometric_offset", "geometric_offset"),
        ("missing", "missing"),
        ("combine", "combine"),
        ("scale", "display_scale"),
    ):
        value = getattr(arguments, option)
        if value is not None:
            settings[field] = value
    return Config.from_dict(settings)


# -- parser ----------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROGRAM,
        description="Kota Cerdas index engine: composite index, rank uncertainty, assessor "
        "agreement, comparability and what-if, on CSV files (see docs/methodology.md).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")

    command = commands.add_parser("build", help="score every unit at every node and rank them")
    _cycle_options(command)
    command.add_argument("--groups", type=Path, help="unit,<group>,... (adds rank_<group>)")
    command.add_argument(
        "--details", action="store_true", help="also write display, coverage and predicate"
    )
    command.add_argument("--out", type=Path, required=True, help="results.csv to write")
    command.set_defaults(run=_build)

    command = commands.add_parser("uncertainty", help="Monte Carlo rank intervals and sensitivity")
    _cycle_options(command)
    command.add_argument("--groups", type=Path, help="unit,<group>,... (adds group rank intervals)")
    command.add_argument("--samples", type=_positive, default=1000, help="runs (default 1000)")
    command.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    command.add_argument(
        "--delta", type=float, default=0.25, help="weight perturbation (default 0.25)"
    )
    command.add_argument("--jobs", type=_positive, default=None, help="threads (default: CPUs)")
    command.add_argument(
        "--no-assessor-draw", action="store_true", help="combine assessors instead of drawing one"
    )
    command.add_argument("--sensitivity", type=Path, help="also write sensitivity.csv")
    command.add_argument("--out", type=Path, required=True, help="ranks.csv to write")
    command.set_defaults(run=_uncertainty)

    command = commands.add_parser("agreement", help="Krippendorff's alpha, severity, disagreements")
    command.add_argument("--values", type=Path, required=True, help="values.csv (with assessor)")
    command.add_argument("--tree", type=Path, help="tree.csv: types and per-node alphas")
    command.add_argument(
        "--level", choices=LEVELS, help="level of measurement for all indicators (default: by type)"
    )
    command.add_argument("--level-gap", type=float, default=2, help="levels apart to flag (2)")
    command.add_argument("--number-gap", type=float, default=20.0, help="points apart to flag (20)")
    command.add_argument("--severity", type=Path, help="also write severity.csv")
    command.add_argument("--disagreements", type=Path, help="also write disagreements.csv")
    command.add_argument("--out", type=Path, required=True, help="alpha.csv to write")
    command.set_defaults(run=_agreement)

    command = commands.add_parser(
        "what-if", help="the raises that would add most to a unit's index"
    )
    _cycle_options(command)
    command.add_argument("--unit", required=True, help="the unit's code")
    command.add_argument("--top", type=_positive, default=10, help="rows to keep (default 10)")
    command.add_argument("--out", type=Path, required=True, help="what-if.csv to write")
    command.set_defaults(run=_what_if)

    command = commands.add_parser("compare", help="two cycles on their comparable subset")
    command.add_argument("--tree-a", type=Path, required=True, help="the earlier cycle's tree.csv")
    command.add_argument("--values-a", type=Path, required=True, help="the earlier values.csv")
    command.add_argument("--tree-b", type=Path, required=True, help="the later cycle's tree.csv")
    command.add_argument("--values-b", type=Path, required=True, help="the later values.csv")
    command.add_argument("--crosswalk", type=Path, help="code_a,code_b,kind[,mapping]")
    _config_options(command)
    command.add_argument("--out", type=Path, required=True, help="progress.csv to write")
    command.set_defaults(run=_compare)
    return parser


def _cycle_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--tree", type=Path, required=True, help="tree.csv")
    command.add_argument("--values", type=Path, required=True, help="values.csv")
    _config_options(command)


def _config_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--config", type=Path, help="a JSON config (flags below override it)")
    command.add_argument("--normalise", choices=NORMALISATIONS, help="default rubric")
    command.add_argument(
        "--scope", choices=SCOPES, help="indicators normalise applies to (numbers)"
    )
    command.add_argument("--aggregate", choices=AGGREGATIONS, help="default arithmetic")
    command.add_argument("--geometric-offset", type=float, help="zero policy of geometric (1)")
    command.add_argument("--missing", choices=MISSING_POLICIES, help="default zero")
    command.add_argument("--combine", choices=COMBINATIONS, help="several assessors (mean)")
    command.add_argument("--scale", type=int, choices=(5, 100), help="display scale (5)")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, found {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, found {text!r}")
    return value
