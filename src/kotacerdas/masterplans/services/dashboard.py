"""The figures of the masterplan dashboards, as plain data (no HTML, no charts), so that tables
today and Vega-Lite charts later draw on the same numbers.

Every function takes the programmes the viewer may see (``rules.visible_programmes`` or a
region's published programmes for the public), so a dashboard never counts what its reader may
not see. Sums are in whole rupiah; percentages are Decimals (None where the base is zero).

Completion is counted as the ministry reports it ("Smart Living: 9 of 10 programmes done, 90%"):
done programmes over the dimension's programmes, cancelled ones left out of both.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from kotacerdas.core.taxonomy import DIMENSION_BY_CODE, DIMENSIONS, ProgramKind

from ..choices import ProgrammeStatus
from ..models import Budget, KpiValue, Programme, QuickWin

HUNDRED = Decimal(100)


def percent(part, whole) -> Decimal | None:
    """``part`` as a percentage of ``whole``, or None when ``whole`` is zero."""
    if not whole:
        return None
    return Decimal(part) * HUNDRED / Decimal(whole)


@dataclass(frozen=True)
class MoneyRow:
    """Planned against realised budget for one group (a year, a dimension, a kind, all)."""

    key: str
    label: str
    planned: int
    realised: int

    @property
    def percent(self) -> Decimal | None:
        return percent(self.realised, self.planned)

    @property
    def overrun(self) -> bool:
        return self.realised > self.planned


def largest(rows: list[MoneyRow]) -> int:
    """The largest planned or realised amount of ``rows`` (0 for none), for scaling bars."""
    return max([0, *(max(row.planned, row.realised) for row in rows)])


@dataclass(frozen=True)
class CompletionRow:
    key: str
    label: str
    done: int
    counted: int
    cancelled: int

    @property
    def percent(self) -> Decimal | None:
        return percent(self.done, self.counted)


@dataclass(frozen=True)
class KpiYearRow:
    """KPI attainment in one year: KPIs with a target, with a realisation, achieved."""

    year: int
    with_target: int
    reported: int
    achieved: int

    @property
    def percent(self) -> Decimal | None:
        return percent(self.achieved, self.reported)


@dataclass(frozen=True)
class QuickWinEntry:
    year: int
    code: str
    name: str
    dimension: str
    region: str
    programme_id: int

    @property
    def dimension_name(self) -> str:
        return DIMENSION_BY_CODE[self.dimension].name


@dataclass
class RegionDashboard:
    years: list[int]
    by_year: list[MoneyRow]
    by_dimension: list[MoneyRow]
    by_kind: list[MoneyRow]
    total: MoneyRow
    completion: list[CompletionRow]
    quick_wins: dict[int, list[QuickWinEntry]]
    kpi_years: list[KpiYearRow] | None
    programme_count: int


@dataclass(frozen=True)
class CoverageRow:
    key: str
    label: str
    regions: int
    programmes: int


@dataclass
class NationalDashboard:
    regions: int
    programmes: int
    dimension_coverage: list[CoverageRow]
    kind_coverage: list[CoverageRow]
    matrix: dict[str, dict[str, int]]
    quick_win_years: list[int]
    quick_wins: dict[str, dict[int, int]]
    budget_by_year: list[MoneyRow]
    total: MoneyRow
    completion: list[CompletionRow] = field(default_factory=list)


def _money_rows(budgets: QuerySet[Budget], by: str, keys: list[tuple[str, str]]) -> list[MoneyRow]:
    sums = {
        str(row[by]): row
        for row in budgets.values(by).annotate(p=Sum("planned"), r=Sum("realised")).order_by(by)
    }
    return [
        MoneyRow(
            key, label, int(sums.get(key, {}).get("p") or 0), int(sums.get(key, {}).get("r") or 0)
        )
        for key, label in keys
    ]


def _total(budgets: QuerySet[Budget]) -> MoneyRow:
    sums = budgets.aggregate(p=Sum("planned"), r=Sum("realised"))
    return MoneyRow("total", "Total", int(sums["p"] or 0), int(sums["r"] or 0))


DIMENSION_KEYS = [(d.code, d.name) for d in DIMENSIONS]


def _kind_keys() -> list[tuple[str, str]]:
    """The programme kinds (key, label), the labels in the language active now (not at import:
    an English page got the Indonesian names)."""
    return [(str(value), str(label)) for value, label in ProgramKind.choices]


def completion(programmes: QuerySet[Programme]) -> list[CompletionRow]:
    """Done over not-cancelled programmes per dimension (all six, in framework order)."""
    counts = {
        row["dimension"]: row
        for row in programmes.order_by()
        .values("dimension")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=ProgrammeStatus.DONE)),
            cancelled=Count("id", filter=Q(status=ProgrammeStatus.CANCELLED)),
        )
    }
    rows = []
    for key, label in DIMENSION_KEYS:
        row = counts.get(key, {"total": 0, "done": 0, "cancelled": 0})
        rows.append(
            CompletionRow(
                key, label, row["done"], row["total"] - row["cancelled"], row["cancelled"]
            )
        )
    return rows


def kpi_attainment(programmes: QuerySet[Programme], years: list[int]) -> list[KpiYearRow]:
    """Per year: KPI values with a target, with a realisation, and achieved (by direction)."""
    values = KpiValue.objects.filter(kpi__programme__in=programmes).select_related("kpi")
    rows: dict[int, list[int]] = {year: [0, 0, 0] for year in years}
    for value in values:
        counts = rows.setdefault(value.year, [0, 0, 0])
        counts[0] += 1
        if value.realisation is not None:
            counts[1] += 1
            counts[2] += bool(value.achieved)
    return [KpiYearRow(year, *rows[year]) for year in sorted(rows)]


def quick_wins_by_year(programmes: QuerySet[Programme]) -> dict[int, list[QuickWinEntry]]:
    """Quick-win programmes per year, in framework (dimension) then code order."""
    order = {code: index for index, (code, _label) in enumerate(DIMENSION_KEYS)}
    entries = [
        QuickWinEntry(
            quick_win.year,
            quick_win.programme.code,
            quick_win.programme.name,
            quick_win.programme.dimension,
            quick_win.programme.masterplan.region.name,
            quick_win.programme_id,
        )
        for quick_win in QuickWin.objects.filter(programme__in=programmes).select_related(
            "programme__masterplan__region"
        )
    ]
    entries.sort(key=lambda e: (e.year, order.get(e.dimension, 9), e.region, e.code))
    grouped: dict[int, list[QuickWinEntry]] = defaultdict(list)
    for entry in entries:
        grouped[entry.year].append(entry)
    return dict(grouped)


def region_dashboard(
    programmes: QuerySet[Programme], years: list[int], *, with_kpis: bool
) -> RegionDashboard:
    """The dashboard of one masterplan over ``programmes`` (its programmes the reader may see):
    budget planned and realised by year, dimension and kind; completion by dimension; quick
    wins by year; KPI attainment by year (only when ``with_kpis``: KPIs are not public)."""
    budgets = Budget.objects.filter(programme__in=programmes)
    return RegionDashboard(
        years=years,
        by_year=_money_rows(budgets, "year", [(str(year), str(year)) for year in years]),
        by_dimension=_money_rows(budgets, "programme__dimension", DIMENSION_KEYS),
        by_kind=_money_rows(budgets, "programme__kind", _kind_keys()),
        total=_total(budgets),
        completion=completion(programmes),
        quick_wins=quick_wins_by_year(programmes),
        kpi_years=kpi_attainment(programmes, years) if with_kpis else None,
        programme_count=programmes.count(),
    )


def _coverage(programmes: QuerySet[Programme], by: str, keys) -> list[CoverageRow]:
    counts = {
        row[by]: row
        for row in programmes.order_by()
        .values(by)
        .annotate(regions=Count("masterplan__region", distinct=True), programmes=Count("id"))
    }
    return [
        CoverageRow(
            key,
            label,
            counts.get(key, {}).get("regions", 0),
            counts.get(key, {}).get("programmes", 0),
        )
        for key, label in keys
    ]


def national_dashboard(programmes: QuerySet[Programme]) -> NationalDashboard:
    """Figures across regions over ``programmes``: how many regions cover each dimension and
    kind, programmes per dimension × kind, quick wins per dimension and year, budget planned
    and realised per year, completion per dimension."""
    kinds = [key for key, _label in _kind_keys()]
    matrix = {key: dict.fromkeys(kinds, 0) for key, _label in DIMENSION_KEYS}
    for row in programmes.order_by().values("dimension", "kind").annotate(n=Count("id")):
        matrix[row["dimension"]][row["kind"]] = row["n"]
    quick_wins: dict[str, dict[int, int]] = {key: {} for key, _ in DIMENSION_KEYS}
    rows = (
        QuickWin.objects.filter(programme__in=programmes)
        .order_by()
        .values("programme__dimension", "year")
        .annotate(n=Count("id"))
    )
    years = set()
    for row in rows:
        quick_wins[row["programme__dimension"]][row["year"]] = row["n"]
        years.add(row["year"])
    budgets = Budget.objects.filter(programme__in=programmes)
    budget_years = sorted(set(budgets.values_list("year", flat=True)))
    return NationalDashboard(
        regions=programmes.order_by().values("masterplan__region").distinct().count(),
        programmes=programmes.count(),
        dimension_coverage=_coverage(programmes, "dimension", DIMENSION_KEYS),
        kind_coverage=_coverage(programmes, "kind", _kind_keys()),
        matrix=matrix,
        quick_win_years=sorted(years),
        quick_wins=quick_wins,
        budget_by_year=_money_rows(budgets, "year", [(str(y), str(y)) for y in budget_years]),
        total=_total(budgets),
        completion=completion(programmes),
    )
