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


@dataclass(frozen=True)
class Standing:
    """A region's headline figures in one version: the index on the display scale (to 2
    decimals), the national rank and the predicate ("" when the results have none)."""

    display: float
    rank: int
    predicate: str


@dataclass(frozen=True)
class RegionCorrection:
    """What going from version ``old_version`` to ``new_version`` changed for one region: its
    standing in each (None: the region has no result in that version)."""

    code: str
    old_version: int
    new_version: int
    old: Standing | None
    new: Standing | None

    @property
    def changed(self) -> bool:
        """Index, rank or predicate differ, or the region is in only one of the versions."""
        return self.old != self.new

    @property
    def index_changed(self) -> bool:
        return _field(self.old, "display") != _field(self.new, "display")

    @property
    def rank_changed(self) -> bool:
        return _field(self.old, "rank") != _field(self.new, "rank")

    @property
    def predicate_changed(self) -> bool:
        return _field(self.old, "predicate") != _field(self.new, "predicate")

    @property
    def has_predicate(self) -> bool:
        """Whether the results give this region a predicate in either version."""
        return bool(_field(self.old, "predicate") or _field(self.new, "predicate"))


def _field(standing: Standing | None, name: str):
    return None if standing is None else getattr(standing, name)


def _rows(snapshot: Snapshot, codes=None) -> dict[str, tuple[str, Standing]]:
    """Region code → (name, standing) in ``snapshot``, for ``codes`` (None: every region)."""
    rows = RegionResult.objects.filter(snapshot=snapshot)
    if codes is not None:
        rows = rows.filter(region__code__in=list(codes))
    return {
        code: (name, Standing(round(display, 2), rank, predicate))
        for code, name, display, rank, predicate in rows.values_list(
            "region__code", "region__name", "display", "rank", "predicate"
        )
    }


def diff(old: Snapshot, new: Snapshot) -> list[Change]:
    """The regions whose index (display scale, to 2 decimals) or national rank differs from
    ``old`` to ``new`` (a region in only one of them counts as changed), by region code."""
    before, after = _rows(old), _rows(new)
    changes = []
    for code in sorted(before.keys() | after.keys()):
        old_row, new_row = before.get(code), after.get(code)
        old_standing = old_row[1] if old_row else None
        new_standing = new_row[1] if new_row else None
        if (
            old_standing is not None
            and new_standing is not None
            and (old_standing.display, old_standing.rank)
            == (new_standing.display, new_standing.rank)
        ):
            continue
        changes.append(
            Change(
                code=code,
                name=(new_row or old_row)[0],
                old_display=_field(old_standing, "display"),
                new_display=_field(new_standing, "display"),
                old_rank=_field(old_standing, "rank"),
                new_rank=_field(new_standing, "rank"),
            )
        )
    return changes


def compare_regions(old: Snapshot, new: Snapshot, codes) -> dict[str, RegionCorrection]:
    """For each region code in ``codes``: its standing (index on the display scale to 2
    decimals, national rank, predicate) in ``old`` and in ``new``, None where it has no result.

    Every code given gets an entry, whether it is in both versions, one or neither; two queries
    whatever the number of regions. Reads the snapshots' rows only (nothing about publication).
    """
    codes = list(codes)
    before, after = _rows(old, codes), _rows(new, codes)
    return {
        code: RegionCorrection(
            code=code,
            old_version=old.version,
            new_version=new.version,
            old=before[code][1] if code in before else None,
            new=after[code][1] if code in after else None,
        )
        for code in codes
    }


def compare_region(old: Snapshot, new: Snapshot, code: str) -> RegionCorrection:
    """What going from ``old`` to ``new`` changed for region ``code`` (see ``compare_regions``)."""
    return compare_regions(old, new, [code])[code]


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
