"""Loading the official region list into the database, and counting what it holds."""

import csv
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.db.models import Count

from .csvfiles import records
from .lineage import CHANGES_CSV, ChangesReport, read_changes_file, record, renumber
from .models import Region, RegionKind

DATA_DIR = Path(__file__).resolve().parent / "data"
REGIONS_CSV = DATA_DIR / "regions.csv"
CENTROIDS_CSV = DATA_DIR / "centroids.csv"
POPULATION_CSV = DATA_DIR / "population.csv"
# The year of the packaged population figures (Dukcapil, semester II, December 2024).
POPULATION_YEAR = 2024
POPULATION_HEADER = ["code", "population", "area_km2"]
_AREA = re.compile(r"^\d{1,7}(\.\d{1,3})?$")

EXPECTED_HEADER = ["code", "name", "kind", "parent_code"]
_CODE = re.compile(r"^\d{2}(\.\d{2})?$")


class RegionFileError(ValueError):
    """A region file that cannot be loaded; the message names the file and line."""


@dataclass(frozen=True)
class RegionRow:
    line: int
    code: str
    name: str
    kind: str
    parent_code: str


@dataclass(frozen=True)
class LoadReport:
    created: int
    updated: int
    unchanged: int
    changes: ChangesReport = field(default_factory=ChangesReport)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def read_region_file(path: Path) -> list[RegionRow]:
    """Parse and validate a region CSV completely.

    Guarantees: either every row is valid (known kind, well-formed unique code, a province has no
    parent, a kabupaten/kota names the province its code starts with, and that province is in the
    file) and the rows are returned, or RegionFileError names the file and the first bad line.
    """
    rows = [
        RegionRow(line, *cells)
        for line, _where, cells in records(path, EXPECTED_HEADER, RegionFileError)
    ]
    _validate(path.name, rows)
    return rows


def _validate(filename: str, rows: list[RegionRow]) -> None:
    seen: dict[str, int] = {}
    provinces = {row.code for row in rows if row.kind == RegionKind.PROVINSI}
    for row in rows:
        where = f"{filename}, line {row.line}"
        if not _CODE.match(row.code):
            raise RegionFileError(f"{where}: code {row.code!r} is not of the form NN or NN.NN")
        if row.code in seen:
            raise RegionFileError(
                f"{where}: code {row.code} appears again (first on line {seen[row.code]})"
            )
        seen[row.code] = row.line
        if not row.name:
            raise RegionFileError(f"{where}: the name is empty")
        if row.kind not in RegionKind.values:
            raise RegionFileError(
                f"{where}: kind {row.kind!r} is not one of {', '.join(RegionKind.values)}"
            )
        if row.kind == RegionKind.PROVINSI:
            if len(row.code) != 2 or row.parent_code:
                raise RegionFileError(
                    f"{where}: a province has a two-digit code and no parent_code"
                )
        else:
            if len(row.code) != 5 or row.parent_code != row.code[:2]:
                raise RegionFileError(
                    f"{where}: a {row.kind} has a code NN.NN and parent_code {row.code[:2]}"
                )
            if row.parent_code not in provinces:
                raise RegionFileError(
                    f"{where}: parent province {row.parent_code} is not in the file"
                )


@dataclass(frozen=True)
class PopulationRow:
    line: int
    code: str
    population: int
    area_km2: Decimal


def read_population_file(path: Path) -> dict[str, PopulationRow]:
    """Parse and validate a population CSV (``code,population,area_km2``) completely.

    Guarantees: either every row is valid (a well-formed code appearing once, a positive whole
    number of inhabitants, a positive area in km² with at most three decimals) and the rows are
    returned by code, or RegionFileError names the file and the first bad line.
    """
    rows: dict[str, PopulationRow] = {}
    try:
        for line, where, (code, population, area) in records(
            path, POPULATION_HEADER, RegionFileError
        ):
            if not _CODE.match(code):
                raise RegionFileError(f"{where}: code {code!r} is not of the form NN or NN.NN")
            if code in rows:
                raise RegionFileError(
                    f"{where}: code {code} appears again (first on line {rows[code].line})"
                )
            if not population.isdigit() or int(population) <= 0:
                raise RegionFileError(
                    f"{where}: population {population!r} is not a positive whole number"
                )
            if not _AREA.match(area) or Decimal(area) <= 0:
                raise RegionFileError(
                    f"{where}: area_km2 {area!r} is not a positive number of km² "
                    "with at most three decimals"
                )
            rows[code] = PopulationRow(line, code, int(population), Decimal(area))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only decimals
        raise RegionFileError(f"{path.name}: {exc}") from exc
    return rows


def _check_population_codes(
    filename: str, rows: dict[str, PopulationRow], register: set[str]
) -> None:
    for row in sorted(rows.values(), key=lambda row: row.line):
        if row.code not in register:
            raise RegionFileError(
                f"{filename}, line {row.line}: code {row.code} is not in the region register"
            )


def read_centroids(path: Path) -> dict[str, tuple[float, float]]:
    """Map each code to a point inside its boundary (for labels and markers)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return {
            row["code"]: (float(row["inner_lat"]), float(row["inner_lng"]))
            for row in csv.DictReader(handle)
        }


@transaction.atomic
def load_regions(
    path: Path = REGIONS_CSV,
    centroids: Path | None = CENTROIDS_CSV,
    changes: Path | None = CHANGES_CSV,
    population: Path | None = None,
    population_year: int = POPULATION_YEAR,
) -> LoadReport:
    """Bring the Region table in line with a region CSV and its administrative changes.

    Guarantees: idempotent (a second run changes nothing and reports everything unchanged);
    a malformed register or changes file raises RegionFileError / ChangesFileError (naming the
    line) before anything is written; the whole load is one transaction. Changes are applied
    before the register: a region whose code changed keeps its row (its code is updated in place,
    ``lineage.renumber``), so its history stays attached; then every change is recorded
    (``lineage.record``). Regions missing from the file are kept (history may refer to them).

    With a ``population`` file (None: the packaged one when loading the packaged register, else
    no file, which leaves the fields as they are), every region of the register gets its
    population, area and ``population_year`` from it (None when the file has no row for it); a
    malformed population file, or one with a code the register does not hold, raises
    RegionFileError naming the line before anything is written.
    """
    rows = read_region_file(path)
    change_rows = read_changes_file(changes) if changes else []
    points = read_centroids(centroids) if centroids else {}
    register_codes = {row.code for row in rows}
    figures = None
    if population is None and path == REGIONS_CSV:
        population = POPULATION_CSV
    if population is not None:
        figures = read_population_file(population)
        _check_population_codes(population.name, figures, register_codes)
    change_report = ChangesReport()
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    # Provinces first (renumbered, then loaded), so that every kabupaten/kota finds its parent.
    provinces = [row for row in rows if row.kind == RegionKind.PROVINSI]
    others = [row for row in rows if row.kind != RegionKind.PROVINSI]
    renumber([r for r in change_rows if len(r.code) == 2], register_codes, change_report)
    sizes = (figures, population_year)
    _apply(provinces, points, counts, sizes)
    renumber([r for r in change_rows if len(r.code) == 5], register_codes, change_report)
    _apply(others, points, counts, sizes)
    record(change_rows, change_report)
    return LoadReport(changes=change_report, **counts)


def _apply(
    rows: list[RegionRow],
    points: dict,
    counts: dict[str, int],
    sizes: tuple[dict[str, PopulationRow] | None, int],
) -> None:
    existing = {region.code: region for region in Region.objects.all()}
    figures, year = sizes
    for row in sorted(rows, key=lambda r: r.code):
        lat, lng = points.get(row.code, (None, None))
        parent = existing[row.parent_code] if row.parent_code else None
        wanted = {
            "name": row.name,
            "kind": row.kind,
            "parent_id": parent.pk if parent else None,
            "latitude": lat,
            "longitude": lng,
        }
        if figures is not None:
            found = figures.get(row.code)
            wanted["population"] = found.population if found else None
            wanted["area_km2"] = found.area_km2 if found else None
            wanted["population_year"] = year if found else None
        region = existing.get(row.code)
        if region is None:
            region = Region.objects.create(code=row.code, **wanted)
            existing[row.code] = region
            counts["created"] += 1
        elif any(getattr(region, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(region, name, value)
            region.save()
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1


def register_counts() -> dict[str, int]:
    """How many regions the register holds of each kind ({kind: count}, every kind present,
    zero when none), in one query."""
    counts = dict.fromkeys(RegionKind.values, 0)
    for kind, count in Region.objects.values_list("kind").annotate(n=Count("id")).order_by():
        counts[kind] = count
    return counts


def data_version() -> str:
    """A short fingerprint of the region data that published pages show beside the results.

    Guarantees: changes whenever a region's code, name, kind, parent, population, area or
    population year changes (a loader run with new figures), and only then; the results cache
    puts it in its keys so that size classes and names on cached pages follow the region data.
    """
    digest = hashlib.sha256()
    rows = Region.objects.order_by("code").values_list(
        "code", "name", "kind", "parent_id", "population", "area_km2", "population_year"
    )
    for row in rows:
        digest.update(repr(row).encode())
    return digest.hexdigest()[:16]
