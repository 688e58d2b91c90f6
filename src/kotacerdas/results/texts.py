"""Instrument texts in the reader's language.

Snapshots store the instrument's texts as they were at compute time: an indicator's
``question`` and a node's ``name`` in Bahasa Indonesia, each with its English twin
(``question_en``, ``name_en``) when the instrument has one. Snapshots computed before the twins
were stored have only the Indonesian text; every reader falls back to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language


def reads_english() -> bool:
    """Whether the active language is English (the reader's language on an English page)."""
    return (get_language() or "").startswith("en")


def in_reader_language(item: Mapping[str, Any] | None, field: str) -> str:
    """``item[field]`` of a stored dict in the reader's language: its English twin
    (``<field>_en``) on an English page when it has a non-empty one, otherwise the Indonesian
    text; "" for no item or no text."""
    if not item:
        return ""
    if reads_english():
        english = item.get(f"{field}_en") or ""
        if english:
            return english
    return item.get(field) or ""
