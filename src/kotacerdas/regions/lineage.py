"""Administrative changes of regions: old codes, splits, and how history follows a region.

Indonesia changes its register: in 2022 four provinces were formed out of Papua and Papua Barat
and the kabupaten/kota that moved got new codes (Kabupaten Merauke 91.01 became 93.01). The
register keeps one row per region; a code change updates the row in place and is recorded as a
``RegionChange`` whose ``old_code`` resolves to the row (see docs/decisions.md, "Region
continuity").
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Q

from .csvfiles import records
from .models import ChangeKind, Region, RegionChange, RegionKind

DATA_DIR = Path(__file__).resolve().parent / "data"
CHANGES_CSV = DATA_DIR / "changes.csv"

CHANGES_HEADER = [
    "code",
    "kind",
    "old_code",
    "old_name",
    "old_parent_code",
    "origin_code",
    "origin_name",
    "effective_date",
    "legal_basis",
]
_CODE = re.compile(r"^\d{2}(\.\d{2})?$")
# Kinds whose row must name the code the region had before.
_NEEDS_OLD_CODE = {ChangeKind.RECODE, ChangeKind.MOVE}
# Kinds whose row must name the region it came out of.
_NEEDS_ORIGIN = {ChangeKind.SPLIT, ChangeKind.MERGE}


class ChangesFileError(ValueError):
    """A changes file that cannot be loaded; the message names the file and line."""


@dataclass(frozen=True)
class ChangeRow:
    line: int
    code: str
    kind: str
    old_code: str
    old_name: str
    old_parent_code: str
    origin_code: str
    origin_name: str
    effective_date: datetime.date
    legal_basis: str

    @property
    def renumbers(self) -> bool:
        """True when the region's code changed (the old row must be updated in place)."""
        return bool(self.old_code) and self.old_code != self.code


@dataclass(frozen=True)
class Resolution:
    """What a typed code means: the current region, and the change that retired the code (None
    when the code is current)."""

    region: Region
    change: RegionChange | None = None

    @property
    def is_old(self) -> bool:
        return self.change is not None


@dataclass
class ChangesReport:
    recorded: int = 0
    unchanged: int = 0
    recoded: int = 0
    skipped: list[str] = field(default_factory=list)


def read_changes_file(path: Path) -> list[ChangeRow]:
    """Parse and validate a changes CSV completely.

    Guarantees: either every row is valid (known kind, well-formed codes, an ISO date, a legal
    basis; a recode or move names its old code, different from the new one; a split or merge
    names its origin; no row repeated) and the rows are returned, or ChangesFileError names the
    file and the first bad line. Nothing is read from or written to the database.
    """
    rows: list[ChangeRow] = []
    seen: dict[tuple, int] = {}
    for line, where, cells in records(path, CHANGES_HEADER, ChangesFileError):
        row = _row(where, line, dict(zip(CHANGES_HEADER, cells, strict=True)))
        key = (row.code, row.kind, row.old_code, row.effective_date)
        if key in seen:
            raise ChangesFileError(f"{where}: the same change as on line {seen[key]}")
        seen[key] = line
        rows.append(row)
    return rows


def _row(where: str, line: int, values: dict[str, str]) -> ChangeRow:
    if values["kind"] not in ChangeKind.values:
        raise ChangesFileError(
            f"{where}: kind {values['kind']!r} is not one of {', '.join(ChangeKind.values)}"
        )
    for name in ("code", "old_code", "origin_code"):
        if values[name] and not _CODE.match(values[name]):
            raise ChangesFileError(
                f"{where}: {name} {values[name]!r} is not of the form NN or NN.NN"
            )
    if not values["code"]:
        raise ChangesFileError(f"{where}: the code is empty")
    if values["old_parent_code"] and not re.match(r"^\d{2}$", values["old_parent_code"]):
        raise ChangesFileError(
            f"{where}: old_parent_code {values['old_parent_code']!r} is not of the form NN"
        )
    kind = ChangeKind(values["kind"])
    if kind in _NEEDS_OLD_CODE and not values["old_code"]:
        raise ChangesFileError(f"{where}: a {kind.value} names its old_code")
    if kind in _NEEDS_OLD_CODE and values["old_code"] == values["code"]:
        raise ChangesFileError(f"{where}: old_code and code are the same ({values['code']})")
    if values["old_code"] and len(values["old_code"]) != len(values["code"]):
        raise ChangesFileError(f"{where}: old_code and code are not of the same level")
    if kind in _NEEDS_ORIGIN and not values["origin_code"]:
        raise ChangesFileError(f"{where}: a {kind.value} names its origin_code")
    try:
        effective = datetime.date.fromisoformat(values["effective_date"])
    except ValueError as exc:
        raise ChangesFileError(
            f"{where}: effective_date {values['effective_date']!r} is not a date YYYY-MM-DD"
        ) from exc
    if not values["legal_basis"]:
        raise ChangesFileError(f"{where}: the legal_basis is empty")
    return ChangeRow(
        line=line,
        code=values["code"],
        kind=kind.value,
        old_code=values["old_code"],
        old_name=values["old_name"],
        old_parent_code=values["old_parent_code"],
        origin_code=values["origin_code"],
        origin_name=values["origin_name"],
        effective_date=effective,
        legal_basis=values["legal_basis"],
    )


def renumber(rows: list[ChangeRow], register_codes: set[str], report: ChangesReport) -> None:
    """Update the code of existing rows in place for every change that renumbered a region whose
    new code is in the register, provinces first.

    Guarantees: a row keeps its primary key, so every submission, score, masterplan and snapshot
    keeps pointing at the same region. Idempotent: nothing happens when the old code is no longer
    in the database or the new one already is. Never touches a row whose old code is itself a
    current code of the register (a reused code belongs to its current region); when both the old
    and the new row exist the change is only reported in ``report.skipped`` (their histories are
    not merged). Call inside the register's transaction.
    """
    for row in sorted(rows, key=lambda r: (len(r.code), r.code)):
        if not row.renumbers or row.code not in register_codes:
            continue
        if row.old_code in register_codes:
            continue
        old = Region.objects.filter(code=row.old_code).first()
        if old is None:
            continue
        if Region.objects.filter(code=row.code).exists():
            report.skipped.append(
                f"line {row.line}: both {row.old_code} and {row.code} exist; not merged"
            )
            continue
        old.code = row.code
        if old.kind != RegionKind.PROVINSI:
            parent = Region.objects.filter(code=row.code[:2]).first()
            if parent is not None:
                old.parent = parent
        old.save()
        report.recoded += 1


def record(rows: list[ChangeRow], report: ChangesReport) -> None:
    """Record a RegionChange for every row whose region is in the database.

    Guarantees: idempotent (keyed by region, kind and old code, and by the date as well for
    changes without an old code such as splits; an existing record is brought in line with the
    file, so a corrected date or legal basis updates it); the origin of a split or merge is the region its code meant
    the day before the change (``resolve_code``); rows whose region is missing are listed in
    ``report.skipped``.
    """
    regions = {r.code: r for r in Region.objects.filter(code__in={row.code for row in rows})}
    for row in rows:
        region = regions.get(row.code)
        if region is None:
            report.skipped.append(f"line {row.line}: region {row.code} is not in the register")
            continue
        origin = None
        if row.origin_code:
            found = resolve_code(
                row.origin_code, on=row.effective_date - datetime.timedelta(days=1)
            )
            origin = found.region if found and found.region != region else None
        wanted = {
            "old_name": row.old_name,
            "old_parent_code": row.old_parent_code,
            "origin": origin,
            "origin_code": row.origin_code,
            "origin_name": row.origin_name,
            "legal_basis": row.legal_basis,
        }
        key = {"region": region, "kind": row.kind, "old_code": row.old_code}
        if row.old_code:
            # An old code names the change: a corrected date updates it, never adds a second.
            wanted["effective_date"] = row.effective_date
        else:
            key["effective_date"] = row.effective_date
        change, created = RegionChange.objects.get_or_create(**key, defaults=wanted)
        if created:
            report.recorded += 1
        elif any(getattr(change, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(change, name, value)
            change.save()
            report.recorded += 1
        else:
            report.unchanged += 1


def resolve_code(code: str, on: datetime.date | None = None) -> Resolution | None:
    """The region a typed Kemendagri code stands for.

    Guarantees:
    - ``on`` None (today): a current code always wins and resolves to its own region with no
      change; else an old code resolves to the current row of the region that carried it, through
      the most recent change that retired it; else None. Never guesses from a prefix or a name.
    - ``on`` a date: the code as it was meant on that day: a code retired by a change that took
      effect after ``on`` resolves to the region that carried it then (even when the code was
      reused since), otherwise as for today.
    - Reads only; at most two queries.
    """
    code = (code or "").strip()
    if not _CODE.match(code):
        return None
    retired = RegionChange.objects.select_related("region", "region__parent").filter(old_code=code)
    if on is not None:
        then = retired.filter(effective_date__gt=on).order_by("effective_date").first()
        if then is not None:
            return Resolution(then.region, then)
    current = Region.objects.select_related("parent").filter(code=code).first()
    if current is not None:
        return Resolution(current)
    latest = retired.order_by("-effective_date").first()
    return Resolution(latest.region, latest) if latest else None


def old_code_matches(text: str):
    """Changes whose old code starts with ``text`` or whose old name contains it (for search)."""
    text = text.strip()
    if not text:
        return RegionChange.objects.none()
    return RegionChange.objects.with_old_codes().filter(
        Q(old_code__startswith=text) | Q(old_name__icontains=text)
    )


def territory_change(region: Region) -> RegionChange | None:
    """The earliest change that took territory from ``region``: a split or merge whose origin it
    is (Papua lost Papua Selatan, Papua Tengah and Papua Pegunungan in 2022). None when its
    territory never changed in the register."""
    return (
        RegionChange.objects.filter(origin=region, kind__in=[ChangeKind.SPLIT, ChangeKind.MERGE])
        .order_by("effective_date")
        .first()
    )


def formation(region: Region) -> RegionChange | None:
    """The split that formed ``region`` (Papua Selatan out of Papua), or None."""
    return region.changes.filter(kind=ChangeKind.SPLIT).order_by("effective_date").first()
