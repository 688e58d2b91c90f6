"""Texts in the reader's language: an instrument text and its English twin.

The instrument's texts (an indicator's ``question``, a node's ``name``, a level's
``description``, ...) are written in Bahasa Indonesia, each with an English twin
(``question_en``, ...) when the instrument has one. Model objects carry both as fields;
snapshots store both as keys (those computed before 2026-12-08 have only the Indonesian text).
Every reader falls back to the Indonesian text where there is no English one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language


def reads_english() -> bool:
    """Whether the active language is English (the reader's language on an English page)."""
    return (get_language() or "").startswith("en")


def in_reader_language(source: Mapping[str, Any] | object | None, field: str) -> str:
    """``field`` of ``source`` (a stored dict or an object with attributes) in the reader's
    language: its English twin (``<field>_en``) on an English page when that is not empty,
    otherwise the Indonesian text; "" for no source or no text."""
    if not source:
        return ""
    if isinstance(source, Mapping):
        english, text = source.get(f"{field}_en"), source.get(field)
    else:
        english, text = getattr(source, f"{field}_en", ""), getattr(source, field, "")
    if english and reads_english():
        return english
    return text or ""
