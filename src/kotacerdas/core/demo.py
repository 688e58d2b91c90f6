"""The demo data set that `kotacerdas demo` loads, step by step.

Each step is a function taking no arguments; it must be idempotent (safe to run again) and may
return lines to print. Apps add their step to DEMO_STEPS in the order their data depends on.

The data set is loaded once: ``load`` runs every step and records the load (``DemoLoad``) in one
transaction, so a load that fails half way records nothing and the next run loads again. Later
runs keep the data, and what users changed in it, unless asked to reset (``kotacerdas demo
--reset``), which runs the steps again and brings every demo row back to its generated value.
The demo accounts (``ALWAYS_STEPS``) are ensured on every run.
"""

from importlib import import_module

from django.db import transaction
from django.test import override_settings

from .models import DemoLoad

# Bump when the demo data set changes in a way an existing demo database should pick up; a
# database loaded with an older version is kept, and the command says that --reset reloads it.
DEMO_VERSION = 6  # 6: snapshots store the English texts of indicators and nodes
MEMORY_EMAIL = "django.core.mail.backends.locmem.EmailBackend"

ALWAYS_STEPS = ["kotacerdas.accounts.demo.load"]

DEMO_STEPS = [
    "kotacerdas.accounts.demo.load",
    "kotacerdas.masterplans.demo.load",
    "kotacerdas.evaluations.demo.load",
    "kotacerdas.results.demo.load",
    "kotacerdas.evaluations.demo_open.load",
    "kotacerdas.evaluations.demo_calibration.load",
    "kotacerdas.surveys.demo.load",
]


def current_load() -> DemoLoad | None:
    """The record of the last successful demo load, or None when the data was never loaded."""
    return DemoLoad.objects.order_by("-loaded_at", "-pk").first()


def run_steps(write, steps=None) -> None:
    """Run the demo steps (every step by default) in order, writing what each reports."""
    for dotted in DEMO_STEPS if steps is None else steps:
        module_name, _, function_name = dotted.rpartition(".")
        step = getattr(import_module(module_name), function_name)
        write(f"- {dotted}")
        for line in step() or []:
            if isinstance(line, str):
                write(f"    {line}")


def load(write, *, reset: bool = False) -> DemoLoad | None:
    """Load the demo data set unless it was loaded before; return the record of the earlier
    load when it was kept, None when the data was (re)loaded now.

    Guarantees: the demo accounts are ensured on every call; without ``reset`` an earlier
    successful load is kept untouched (no demo step runs); a load (first or ``reset``) runs every
    step and writes its ``DemoLoad`` in one transaction, so nothing is recorded unless every step
    succeeded."""
    previous = None if reset else current_load()
    if previous is not None:
        run_steps(write, ALWAYS_STEPS)
        return previous
    # The steps' emails (appeal windows, announcements) leave through the outbox when the load
    # commits: they are kept in memory, so the demo's output holds no mail.
    with override_settings(EMAIL_BACKEND=MEMORY_EMAIL), transaction.atomic():
        run_steps(write)
        DemoLoad.objects.all().delete()
        DemoLoad.objects.create(version=DEMO_VERSION)
    return None
