"""A region's own results for its operator: published only, with the assessors' notes."""

from __future__ import annotations

from dataclasses import dataclass

from kotacerdas.core import texts
from kotacerdas.regions.models import Region

from ..models import RegionResult
from . import published


@dataclass
class NoteRow:
    dimension: str  # the dimension's name, in the reader's language
    code: str
    question: str  # in the reader's language
    value: object
    not_applicable: bool
    score: float | None
    notes: list[str]


def published_results(region: Region) -> list[RegionResult]:
    """The region's results in every published cycle, oldest first (never a draft)."""
    return published.region_history(region)


def notes(result: RegionResult, *, with_notes: bool = True) -> list[NoteRow]:
    """Every indicator with its dimension, final value and score and (``with_notes``) the
    assessors' notes, in instrument order; the dimension's name and the question in the active
    language (English only where the snapshot stored it)."""
    values = {value["code"]: value for value in result.values}
    names = {
        node["code"]: texts.in_reader_language(node, "name")
        for node in published.dimensions(result.snapshot)
    }
    rows = []
    for indicator in result.snapshot.indicators:
        value = values.get(indicator["code"], {})
        rows.append(
            NoteRow(
                dimension=names.get(indicator["dimension"], ""),
                code=indicator["code"],
                question=texts.in_reader_language(indicator, "question"),
                value=value.get("value"),
                not_applicable=bool(value.get("not_applicable")),
                score=value.get("score"),
                notes=result.notes.get(indicator["code"], []) if with_notes else [],
            )
        )
    return rows
