"""The demo data set that `kotacerdas demo` loads, step by step.

Each step is a function taking no arguments; it must be idempotent (safe to run again) and may
return lines to print. Apps add their step to DEMO_STEPS in the order their data depends on.
"""

from importlib import import_module

DEMO_STEPS = [
    "kotacerdas.accounts.demo.load",
    "kotacerdas.masterplans.demo.load",
    "kotacerdas.evaluations.demo.load",
    "kotacerdas.results.demo.load",
    "kotacerdas.surveys.demo.load",
]


def run_steps(write) -> None:
    """Run every demo step in order, writing what each reports."""
    for dotted in DEMO_STEPS:
        module_name, _, function_name = dotted.rpartition(".")
        step = getattr(import_module(module_name), function_name)
        write(f"- {dotted}")
        for line in step() or []:
            if isinstance(line, str):
                write(f"    {line}")
