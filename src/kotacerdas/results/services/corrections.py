"""Dated corrections: what changed between released versions of a cycle's results.

Every published version of a cycle stays stored; a republication (a correction) states its
reason (``Snapshot.note``). ``diff`` compares the rows of two snapshots region by region (index on
the display scale and national rank, old → new); ``releases`` lists the versions up to a given
one with their changes (the public "Riwayat rilis"); ``for_region`` says when and why one
region's figures were corrected (the note on its profile). Everything here derives from the
snapshot passed in and the versions before it, so it may be cached with that snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..models import RegionResult, Snapshot
from . import published


@dataclass(frozen=True)
class Change:
    """One region whose index or national rank differs between two versions (None: absent)."""

    code: str
    name: str
    old_display: float | None
    new_display: float | None
    old_rank: int | None
    new_rank: int | None

    @property
    def index_changed(self) -> bool:
        return self.old_display != self.new_display

    @property
    def rank_changed(self) -> bool:
        return self.old_rank != self.new_rank


@dataclass
class Release:
    """One released version: its number, release time, reason, and (for a correction) the
    regions it changed from the version before."""

    version: int
    released_at: datetime | None
    note: str
    embargoed: bool
    correction: bool
    changes: list[Change] = field(default_factory=list)


def _rows(snapshot: Snapshot) -> dict[str, tuple[str, float, int]]:
    return {
        code: (name, round(display, 2), rank)
        for code, name, display, rank in RegionResult.objects.filter(snapshot=snapshot).values_list(
            "region__code", "region__name", "display", "rank"
        )
    }


def diff(old: Snapshot, new: Snapshot) -> list[Change]:
    """The regions whose index (display scale, to 2 decimals) or national rank differs from
    ``old`` to ``new`` (a region in only one of them counts as changed), by region code."""
    before, after = _rows(old), _rows(new)
    changes = []
    for code in sorted(before.keys() | after.keys()):
        old_row, new_row = before.get(code), after.get(code)
        if old_row is not None and new_row is not None and old_row[1:] == new_row[1:]:
            continue
        changes.append(
            Change(
                code=code,
                name=(new_row or old_row)[0],
                old_display=old_row[1] if old_row else None,
                new_display=new_row[1] if new_row else None,
                old_rank=old_row[2] if old_row else None,
                new_rank=new_row[2] if new_row else None,
            )
        )
    return changes


def releases(snapshot: Snapshot) -> list[Release]:
    """The published versions of ``snapshot``'s cycle up to ``snapshot``, newest first, each
    correction with its changes from the version before it."""
    versions = published.released_versions(snapshot)
    out = []
    for position, version in enumerate(versions):
        previous = versions[position - 1] if position else None
        out.append(
            Release(
                version=version.version,
                released_at=version.released_at,
                note=version.note,
                embargoed=version.is_embargoed,
                correction=previous is not None,
                changes=diff(previous, version) if previous is not None else [],
            )
        )
    return out[::-1]


def for_region(snapshot: Snapshot, code: str) -> list[Release]:
    """The corrections (up to ``snapshot``) that changed region ``code``'s index or rank,
    newest first (each Release carries only that region's change)."""
    found = []
    for release in releases(snapshot):
        mine = [change for change in release.changes if change.code == code]
        if mine:
            release.changes = mine
            found.append(release)
    return found
