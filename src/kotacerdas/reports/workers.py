"""Entry points of the processes that render a cycle's reports (spawned by ``services.batch``).

This module imports nothing from Django at import time: a spawned process imports it before
Django is set up, and ``start`` sets it up.
"""

from __future__ import annotations


def start() -> None:
    """Set Django up in a new report process (its settings come from the parent's environment)."""
    import django

    django.setup()


def render(snapshot_id: int, code: str) -> tuple[str, bytes, bytes]:
    """(code, report card with the assessors' notes, letter) of one region of a snapshot."""
    from .services.batch import region_documents

    return region_documents(snapshot_id, code)
