"""The integrity checks of a cycle ("Pemeriksaan integritas"), gathered for the admin's page.

Evidence reuse, copied and near-duplicate justification texts and self-assessment gaps come from ``kotacerdas.evaluations.services.integrity``;
this module adds what needs the index engine or stored results:

- **Outlier assessors**: the severity of ``kotacerdas.index.agreement`` (the mean signed
  deviation of an assessor's values from the mean of all values of the same answer, on 0–100)
  is flagged when ``|severity| >= SEVERITY_POINTS`` over at least ``MIN_ANSWERS`` compared
  answers. 20 points is one rubric level, so 15 is three quarters of a level on *every* answer
  on average. A z-score across assessors is shown for context (three or more assessors) but
  does not flag: with a handful of assessors it is unstable, and in a large pool it always
  finds someone. With only two assessors on identical panels the two severities mirror each
  other and the check cannot say which one is off.
- **Year-on-year jumps**: the comparable index (the subset the crosswalk makes comparable, as
  the results store it) of the cycle's latest snapshot against the previous cycle, flagged
  when it moved by ``JUMP_POINTS`` or more on 0–100, up or down.
- **Index and region kind**: the kind (provinsi, kabupaten, kota) is nominal. The check
  reports the median index per kind and the correlation ratio η² (the share of the index's
  variance explained by kind; the nominal analogue of a rank correlation), flagged when
  ``η² >= KIND_SHARE``.
- **Index and region size**: Spearman's rho between the index and log population, and between
  the index and population density (``kotacerdas.index.spearman``), over the kabupaten/kota of
  the snapshot, and over its provinces separately when at least ``MIN_PROVINCES`` have a
  population. Flagged when ``|rho| >= SIZE_RHO`` with ``p < SIZE_ALPHA``: the index may then
  only reflect how large or dense a region is.

Everything is read-only and computed on the fly, in a number of queries that does not depend
on the number of regions.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

import numpy as np

from kotacerdas.evaluations.models import Cycle
from kotacerdas.evaluations.services import integrity as evidence_checks
from kotacerdas.index import Association, spearman
from kotacerdas.regions.models import RegionKind

from ..choices import FlagKind
from ..models import FlagReview, RegionResult, Snapshot
from . import inputs, publication, reviews

SEVERITY_POINTS = 15.0
MIN_ANSWERS = 10
JUMP_POINTS = 15.0
KIND_SHARE = 0.25
SIZE_RHO = 0.5
SIZE_ALPHA = 0.05
MIN_PROVINCES = 5


@dataclass
class AssessorSeverity:
    """One assessor's severity (negative: stricter than the others) and whether it is flagged."""

    username: str
    name: str
    severity: float | None
    answers: int
    z: float | None = None
    flagged: bool = False


def outlier_assessors(cycle: Cycle) -> list[AssessorSeverity]:
    """Every assessor who scored an answer another assessor also scored, largest |severity|
    first, flagged as described in the module docstring. Empty before two assessors overlap."""
    found = inputs.agreement(cycle)
    if found is None:
        return []
    return assessor_rows(found.severity)


def assessor_rows(severity: list[dict]) -> list[AssessorSeverity]:
    """The rows of ``outlier_assessors`` from ``inputs.Agreement.severity`` (pure)."""
    rows = [
        AssessorSeverity(row["assessor"], row["name"], row["severity"], row["answers"])
        for row in severity
        if row["answers"] and row["severity"] is not None
    ]
    values = [row.severity for row in rows]
    if len(values) >= 3:
        mean, spread = statistics.fmean(values), statistics.pstdev(values)
        for row in rows:
            row.z = (row.severity - mean) / spread if spread > 0 else 0.0
    for row in rows:
        row.flagged = abs(row.severity) >= SEVERITY_POINTS and row.answers >= MIN_ANSWERS
    return sorted(rows, key=lambda row: (-abs(row.severity), row.username))


@dataclass
class Jump:
    """A region whose comparable index moved by ``JUMP_POINTS`` or more (0–100)."""

    result: RegionResult
    previous: float
    current: float

    @property
    def change(self) -> float:
        return self.current - self.previous

    @property
    def region(self):
        return self.result.region


def index_jumps(snapshot: Snapshot) -> list[Jump]:
    """The regions of ``snapshot`` whose comparable index changed by ``JUMP_POINTS`` or more on
    0–100 since the previous cycle, largest change first. One query."""
    factor = 100 / snapshot.scale
    jumps = []
    for result in RegionResult.objects.filter(
        snapshot=snapshot,
        comparable_display__isnull=False,
        comparable_previous_display__isnull=False,
    ).select_related("region"):
        jump = Jump(
            result,
            result.comparable_previous_display * factor,
            result.comparable_display * factor,
        )
        if abs(jump.change) >= JUMP_POINTS:
            jumps.append(jump)
    return sorted(jumps, key=lambda jump: (-abs(jump.change), jump.region.code))


@dataclass
class KindGroup:
    kind: str
    label: str
    regions: int
    median: float


@dataclass
class KindCheck:
    """The index by region kind: η² (share of variance explained by kind) and the groups."""

    share: float
    groups: list[KindGroup]

    @property
    def flagged(self) -> bool:
        return self.share >= KIND_SHARE


def kind_check(snapshot: Snapshot) -> KindCheck | None:
    """η² of the index (0–100) by region kind in ``snapshot``; None with fewer than two kinds
    or no variance. One query."""
    by_kind: dict[str, list[float]] = {}
    for kind, index in RegionResult.objects.filter(snapshot=snapshot).values_list(
        "region__kind", "index"
    ):
        by_kind.setdefault(kind, []).append(index)
    return correlation_ratio(by_kind)


def correlation_ratio(by_kind: dict[str, list[float]]) -> KindCheck | None:
    """η² = between-kind sum of squares / total sum of squares (pure)."""
    values = [value for group in by_kind.values() for value in group]
    if len(by_kind) < 2 or len(values) < 3:
        return None
    mean = statistics.fmean(values)
    total = sum((value - mean) ** 2 for value in values)
    if total <= 0 or math.isclose(total, 0):
        return None
    between = sum(len(group) * (statistics.fmean(group) - mean) ** 2 for group in by_kind.values())
    labels = dict(RegionKind.choices)
    groups = [
        KindGroup(kind, str(labels.get(kind, kind)), len(group), statistics.median(group))
        for kind, group in sorted(by_kind.items())
    ]
    return KindCheck(share=between / total, groups=groups)


@dataclass
class SizeGroup:
    """The association of the index with size within one group of regions (``scope``:
    ``kabkota`` or ``provinsi``): ``regions`` counted (with a population), ``missing`` left out
    (no population or area), rho with log population and with density (None: undefined)."""

    scope: str
    regions: int
    missing: int
    population: Association | None
    density: Association | None

    @property
    def flagged(self) -> bool:
        return any(
            found is not None and found.strong(SIZE_RHO, SIZE_ALPHA)
            for found in (self.population, self.density)
        )


@dataclass
class SizeCheck:
    """The index against region size: one group for the kabupaten/kota, one for the provinces
    when there are enough of them."""

    groups: list[SizeGroup]

    @property
    def flagged(self) -> bool:
        return any(group.flagged for group in self.groups)


def size_check(snapshot: Snapshot) -> SizeCheck | None:
    """Spearman's rho of the index with log population and with population density, over the
    kabupaten/kota of ``snapshot`` and (with at least ``MIN_PROVINCES``) over its provinces.
    None when no group has three regions with a population. One query."""
    rows: dict[str, list[tuple[float, int | None, float | None]]] = {}
    for kind, index, population, area in RegionResult.objects.filter(snapshot=snapshot).values_list(
        "region__kind", "index", "region__population", "region__area_km2"
    ):
        scope = "provinsi" if kind == RegionKind.PROVINSI else "kabkota"
        rows.setdefault(scope, []).append(
            (index, population, float(area) if area is not None else None)
        )
    groups = []
    for scope in ("kabkota", "provinsi"):
        group = size_group(scope, rows.get(scope, []))
        if group is None:
            continue
        if scope == "provinsi" and group.regions < MIN_PROVINCES:
            continue
        groups.append(group)
    return SizeCheck(groups) if groups else None


def size_group(scope: str, rows: list[tuple[float, int | None, float | None]]) -> SizeGroup | None:
    """The ``SizeGroup`` of (index, population, area km²) rows (pure); regions without a
    population or area are counted as missing. None with fewer than three complete rows."""
    complete = [row for row in rows if row[1] and row[2]]
    if len(complete) < 3:
        return None
    index = np.array([row[0] for row in complete], dtype=float)
    population = np.array([row[1] for row in complete], dtype=float)
    density = population / np.array([row[2] for row in complete], dtype=float)
    return SizeGroup(
        scope=scope,
        regions=len(complete),
        missing=len(rows) - len(complete),
        population=spearman(index, np.log(population)),
        density=spearman(index, density),
    )


@dataclass(frozen=True)
class Flag:
    """What the page needs to review a flag: its kind, its fingerprint and its review (None:
    not reviewed). Set as ``item.flag`` on every flagged item of the report."""

    kind: str
    fingerprint: str
    review: FlagReview | None = None


@dataclass
class Report:
    """Everything the integrity page shows for one cycle.

    ``open`` and ``reviewed`` hold, per check (``files``, ``links``, ``texts``, ``near``,
    ``gaps``, ``assessors``, ``jumps``, ``kinds``, ``sizes``), the flagged items not (or no longer)
    reviewed and those whose review still applies; ``sizes`` is the size check)."""

    cycle: Cycle
    snapshot: Snapshot | None
    files: list = field(default_factory=list)
    links: list = field(default_factory=list)
    texts: list = field(default_factory=list)
    near: list = field(default_factory=list)
    gaps: list = field(default_factory=list)
    assessors: list[AssessorSeverity] = field(default_factory=list)
    jumps: list[Jump] = field(default_factory=list)
    kinds: KindCheck | None = None
    sizes: SizeCheck | None = None
    open: dict[str, list] = field(default_factory=dict)
    reviewed: dict[str, list] = field(default_factory=dict)

    @property
    def flagged_regions(self) -> list:
        return [row for row in self.gaps if row.flagged]

    @property
    def flagged_gaps(self) -> int:
        return sum(len(row.flagged) for row in self.gaps)

    @property
    def flagged_assessors(self) -> list[AssessorSeverity]:
        return [row for row in self.assessors if row.flagged]

    def attach_reviews(self, found: dict[str, FlagReview]) -> None:
        """Give every flagged item its :class:`Flag` and sort it into ``open`` or
        ``reviewed``."""
        flagged = {
            "files": (FlagKind.FILE, self.files),
            "links": (FlagKind.LINK, self.links),
            "texts": (FlagKind.TEXT, self.texts),
            "near": (FlagKind.NEAR, self.near),
            "gaps": (FlagKind.GAP, self.flagged_regions),
            "assessors": (FlagKind.ASSESSOR, self.flagged_assessors),
            "jumps": (FlagKind.JUMP, self.jumps),
            "kinds": (FlagKind.KIND, [self.kinds] if self.kinds and self.kinds.flagged else []),
            "sizes": (FlagKind.SIZE, [self.sizes] if self.sizes and self.sizes.flagged else []),
        }
        for name, (kind, items) in flagged.items():
            self.open[name], self.reviewed[name] = [], []
            for item in items:
                fingerprint = reviews.fingerprint(kind, item)
                item.flag = Flag(kind, fingerprint, found.get(fingerprint))
                (self.reviewed if item.flag.review else self.open)[name].append(item)


def report(cycle: Cycle) -> Report:
    """Every integrity check of ``cycle``; results-based ones on its latest snapshot (published
    or not), when there is one; each flag with its review, if any (``Report.attach_reviews``)."""
    snapshot = publication.latest(cycle)
    found = Report(
        cycle=cycle,
        snapshot=snapshot,
        files=evidence_checks.shared_files(cycle),
        links=evidence_checks.shared_links(cycle),
        texts=evidence_checks.shared_texts(cycle),
        near=evidence_checks.cached_near_duplicate_texts(cycle),
        gaps=evidence_checks.self_assessment_gaps(cycle),
        assessors=outlier_assessors(cycle),
        jumps=index_jumps(snapshot) if snapshot is not None else [],
        kinds=kind_check(snapshot) if snapshot is not None else None,
        sizes=size_check(snapshot) if snapshot is not None else None,
    )
    found.attach_reviews(reviews.reviews_for(cycle))
    return found
