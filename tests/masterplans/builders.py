"""Builders for masterplan tests: write through the models, so services can be tested alone."""

from __future__ import annotations

from decimal import Decimal

from kotacerdas.masterplans.choices import MasterplanStatus, ProgrammeStatus
from kotacerdas.masterplans.models import Budget, Kpi, KpiValue, Masterplan, Programme, QuickWin


def make_masterplan(region, start: int = 2018, end: int = 2022, **extra) -> Masterplan:
    values = {
        "title": f"Masterplan Smart City {region.name} {start}–{end}",
        "status": MasterplanStatus.ADOPTED,
        "legal_basis_kind": "perda",
        "legal_basis_number": "1",
        "legal_basis_year": 2019,
        "legal_basis_title": "Penyelenggaraan Smart City",
        "internal_notes": "Catatan rahasia masterplan",
        **extra,
    }
    return Masterplan.objects.create(region=region, start_year=start, end_year=end, **values)


def make_programme(
    masterplan: Masterplan,
    code: str,
    *,
    element: str = "GOV.SVC",
    kind: str = "application",
    status: str = ProgrammeStatus.IN_PROGRESS,
    published: bool = True,
    budgets: dict[int, tuple[int, int]] | None = None,
    quick_wins: tuple[int, ...] = (),
    kpis: dict[str, dict[int, tuple]] | None = None,
    **extra,
) -> Programme:
    """A programme with budgets {year: (planned, realised)}, quick-win years and KPIs
    {kpi code: {year: (target, realisation)}} (direction up, unit %)."""
    programme = Programme.objects.create(
        masterplan=masterplan,
        code=code,
        name=extra.pop("name", f"Program {code}"),
        dimension=element.split(".")[0],
        element=element,
        kind=kind,
        agency=extra.pop("agency", "Diskominfo"),
        start_year=extra.pop("start_year", masterplan.start_year),
        end_year=extra.pop("end_year", masterplan.end_year),
        status=status,
        published=published,
        **extra,
    )
    for year, (planned, realised) in (budgets or {}).items():
        Budget.objects.create(programme=programme, year=year, planned=planned, realised=realised)
    for year in quick_wins:
        QuickWin.objects.create(programme=programme, year=year)
    for kpi_code, values in (kpis or {}).items():
        kpi = Kpi.objects.create(
            programme=programme, code=kpi_code, name=f"IKU {kpi_code}", unit="%"
        )
        for year, (target, realisation) in values.items():
            KpiValue.objects.create(
                kpi=kpi,
                year=year,
                target=Decimal(str(target)),
                realisation=None if realisation is None else Decimal(str(realisation)),
            )
    return programme
