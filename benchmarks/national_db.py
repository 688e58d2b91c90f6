"""Shared set-up of the benchmarks that fill a database at national scale: empty the database
named by ``DATABASE_URL`` and load the official regions, and the default instrument with every
indicator repeated ``repeat`` times (5: 300 indicators, the product's upper size).

``arguments`` and ``setup`` come first; the other functions need Django set up.
"""

from __future__ import annotations

import argparse
import copy
import os
import time
from collections.abc import Callable


def arguments(description: str) -> argparse.ArgumentParser:
    """The options every national benchmark takes: ``--regions``, ``--assessors``, ``--repeat``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--regions", type=int, default=552)
    parser.add_argument("--assessors", type=int, default=3)
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="repeat every indicator of the default instrument N times (5: 300 indicators)",
    )
    return parser


def setup() -> None:
    """Django with the project's settings and DEBUG off, as in production (no SQL kept or
    formatted per query); the database is the one ``DATABASE_URL`` names."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotacerdas.settings")
    os.environ.setdefault("DEBUG", "0")
    django.setup()


def fresh_database() -> None:
    """Everything in the database is replaced: migrated, emptied, the 552 regions loaded."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)


def national_instrument(code: str, repeat: int = 1):
    """The packaged default instrument under ``code``, each indicator ``repeat`` times (codes
    suffixed ``.0``, ``.1``, ...)."""
    from kotacerdas.instruments.services import (
        DEFAULT_INSTRUMENT,
        import_yaml,
        load_default_instrument,
    )
    from kotacerdas.instruments.services.yaml_format import read_yaml, tree_to_yaml

    if repeat <= 1:
        return load_default_instrument(code)
    tree = read_yaml(DEFAULT_INSTRUMENT.read_text(encoding="utf-8"))
    for dimension in tree["dimensions"]:
        for element in dimension["elements"]:
            element["indicators"] = [
                {**copy.deepcopy(indicator), "code": f"{indicator['code']}.{round_}"}
                for round_ in range(repeat)
                for indicator in element["indicators"]
            ]
    tree["code"] = code
    return import_yaml(tree_to_yaml(tree))


def timed(label: str, function: Callable[[], object]):
    """Run ``function`` once, print ``label`` and the seconds it took; return its result."""
    start = time.perf_counter()
    result = function()
    print(f"{label:<34} {time.perf_counter() - start:7.2f} s")
    return result
