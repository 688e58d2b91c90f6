"""Creating and changing masterplans and their programmes, budgets, KPIs and quick wins.

Every function checks the permission (``masterplans.edit`` on the region), validates through the
models' ``full_clean()`` (years inside the period, non-negative money, codes unique, element of
the dimension), writes in one transaction and leaves the change in the history under ``by``.
Saves of a masterplan or a programme carry the ``version`` the editor started from; an older
version is refused with StaleVersion and nothing is overwritten.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kotacerdas.core.errors import StaleVersion

from ..models import Budget, Kpi, KpiValue, Masterplan, Programme, QuickWin

MASTERPLAN_FIELDS = (
    "title",
    "start_year",
    "end_year",
    "status",
    "legal_basis_kind",
    "legal_basis_number",
    "legal_basis_year",
    "legal_basis_title",
    "summary",
    "internal_notes",
)
PROGRAMME_FIELDS = (
    "code",
    "name",
    "description",
    "dimension",
    "element",
    "kind",
    "agency",
    "start_year",
    "end_year",
    "status",
    "published",
    "internal_notes",
)
KPI_FIELDS = ("code", "name", "unit", "direction")


@dataclass(frozen=True)
class YearAmounts:
    """One year's row of a yearly grid: budget (planned, realised) or KPI (target, realisation)."""

    year: int
    first: Decimal | None
    second: Decimal | None


def ensure_can_edit(user, target) -> None:
    """PermissionDenied unless ``user`` may edit the masterplan of ``target``'s region."""
    if user is None or not user.has_perm("masterplans.edit", target):
        raise PermissionDenied(_("Anda tidak berwenang mengubah masterplan daerah ini."))


def _stamp(instance, by) -> None:
    instance._history_user = by
    if hasattr(instance, "updated_by_id"):
        instance.updated_by = by


def _check_version(current: int, sent: int | None, what: str) -> None:
    if sent is not None and sent != current:
        raise StaleVersion(
            _(
                "%(what)s sudah diubah orang lain sejak Anda membukanya (versi %(sent)s, sekarang "
                "%(current)s). Muat ulang halaman; perubahan Anda belum disimpan."
            )
            % {"what": what, "sent": sent, "current": current}
        )


@transaction.atomic
def create_masterplan(region, *, data: Mapping, by) -> Masterplan:
    """A new masterplan of ``region`` from ``data`` (MASTERPLAN_FIELDS); validated, recorded."""
    ensure_can_edit(by, region)
    masterplan = Masterplan(region=region, **{k: data[k] for k in MASTERPLAN_FIELDS if k in data})
    masterplan.full_clean()
    _stamp(masterplan, by)
    masterplan.save()
    return masterplan


@transaction.atomic
def update_masterplan(
    masterplan: Masterplan, *, data: Mapping, version: int | None, by
) -> Masterplan:
    """Change a masterplan's header. Refuses a stale ``version`` and a period that would leave
    a programme, budget, KPI value or quick win outside it (ValidationError naming them)."""
    ensure_can_edit(by, masterplan)
    locked = Masterplan.objects.select_for_update().get(pk=masterplan.pk)
    _check_version(locked.version, version, _("Masterplan"))
    for field in MASTERPLAN_FIELDS:
        if field in data:
            setattr(locked, field, data[field])
    locked.full_clean()
    _check_children_in_period(locked)
    locked.version += 1
    _stamp(locked, by)
    locked.save()
    return locked


def _check_children_in_period(masterplan: Masterplan) -> None:

    start, end = masterplan.start_year, masterplan.end_year
    outside = set()
    for programme in masterplan.programmes.all():
        if programme.start_year < start or programme.end_year > end:
            outside.add(programme.code)
    for model, path in (
        (Budget, "programme"),
        (QuickWin, "programme"),
        (KpiValue, "kpi__programme"),
    ):
        rows = model.objects.filter(**{f"{path}__masterplan": masterplan}).exclude(
            year__range=(start, end)
        )
        outside.update(rows.values_list(f"{path}__code", flat=True))
    if outside:
        raise ValidationError(
            {
                "end_year": _(
                    "Periode baru meninggalkan data di luar periode pada program %(codes)s."
                )
                % {"codes": ", ".join(sorted(outside))}
            }
        )


@transaction.atomic
def save_programme(
    masterplan: Masterplan,
    *,
    data: Mapping,
    quick_win_years: Iterable[int] | None = None,
    programme: Programme | None = None,
    version: int | None = None,
    by,
) -> Programme:
    """Create (``programme`` None) or change a programme and set its quick-win years.

    Guarantees: the permission; a stale ``version`` refused; the model's validation (element of
    the dimension, planned years and quick-win years inside the masterplan's period, code unique
    in the masterplan); quick-win years set exactly to ``quick_win_years`` when given.
    """
    ensure_can_edit(by, masterplan)
    if programme is None:
        programme = Programme(masterplan=masterplan)
    else:
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        if programme.masterplan_id != masterplan.pk:
            raise PermissionDenied(_("Program ini bukan bagian dari masterplan tersebut."))
        _check_version(programme.version, version, _("Program %(code)s") % {"code": programme.code})
        programme.version += 1
    for field in PROGRAMME_FIELDS:
        if field in data:
            setattr(programme, field, data[field])
    programme.full_clean(validate_constraints=False)
    _check_code_free(programme)
    _stamp(programme, by)
    programme.save()
    if quick_win_years is not None:
        set_quick_wins(programme, quick_win_years, by=by)
    return programme


def _check_code_free(programme: Programme) -> None:

    taken = Programme.objects.filter(masterplan=programme.masterplan_id, code=programme.code)
    if programme.pk:
        taken = taken.exclude(pk=programme.pk)
    if taken.exists():
        raise ValidationError(
            {"code": _("Kode %(code)s sudah dipakai program lain.") % {"code": programme.code}}
        )


def set_quick_wins(programme: Programme, years: Iterable[int], *, by) -> None:
    """Make the programme's quick-win years exactly ``years`` (each inside the period)."""
    wanted = set(years)
    for quick_win in programme.quick_wins.exclude(year__in=wanted):
        quick_win._history_user = by
        quick_win.delete()
    have = set(programme.quick_wins.values_list("year", flat=True))
    for year in sorted(wanted - have):
        quick_win = QuickWin(programme=programme, year=year)
        quick_win.full_clean()
        quick_win._history_user = by
        quick_win.save()


@transaction.atomic
def set_budgets(programme: Programme, rows: Iterable[YearAmounts], *, by) -> list[str]:
    """Set the programme's budget per year: planned (``first``) and realised (``second``).

    A row with neither amount removes that year's budget. Guarantees: years inside the period,
    amounts whole and not negative (ValidationError otherwise, nothing written); unchanged rows
    are not rewritten. Returns a warning per year whose realisation exceeds its plan.
    """
    ensure_can_edit(by, programme)
    existing = {budget.year: budget for budget in programme.budgets.select_for_update()}
    warnings = []
    for row in rows:
        budget = existing.get(row.year)
        if row.first is None and row.second is None:
            if budget is not None:
                budget._history_user = by
                budget.delete()
            continue
        planned, realised = row.first or Decimal(0), row.second or Decimal(0)
        if budget is None:
            budget = Budget(programme=programme, year=row.year)
        elif (budget.planned, budget.realised) == (planned, realised):
            warnings.extend(_overrun_warning(budget))
            continue
        budget.planned, budget.realised = planned, realised
        budget.full_clean(validate_constraints=False)
        budget._history_user = by
        budget.save()
        warnings.extend(_overrun_warning(budget))
    return warnings


def _overrun_warning(budget: Budget) -> list[str]:
    if not budget.overrun:
        return []
    return [_("Tahun %(year)s: realisasi melebihi rencana anggaran.") % {"year": budget.year}]


@transaction.atomic
def save_kpi(
    programme: Programme,
    *,
    data: Mapping,
    values: Iterable[YearAmounts],
    kpi: Kpi | None = None,
    by,
) -> Kpi:
    """Create or change a KPI and set its target (``first``) and realisation (``second``) per
    year. A year without a target has no value (a realisation alone is refused)."""

    ensure_can_edit(by, programme)
    if kpi is None:
        kpi = Kpi(programme=programme)
    elif kpi.programme_id != programme.pk:
        raise PermissionDenied(_("IKU ini bukan bagian dari program tersebut."))
    for field in KPI_FIELDS:
        if field in data:
            setattr(kpi, field, data[field])
    kpi.full_clean(validate_constraints=False)
    taken = Kpi.objects.filter(programme=programme, code=kpi.code).exclude(pk=kpi.pk)
    if taken.exists():
        raise ValidationError({"code": _("Kode IKU %(code)s sudah dipakai.") % {"code": kpi.code}})
    kpi._history_user = by
    kpi.save()
    existing = {value.year: value for value in kpi.values.all()}
    for row in values:
        value = existing.get(row.year)
        if row.first is None:
            if row.second is not None:
                raise ValidationError(
                    _("Tahun %(year)s: realisasi tanpa target.") % {"year": row.year}
                )
            if value is not None:
                value._history_user = by
                value.delete()
            continue
        if value is None:
            value = KpiValue(kpi=kpi, year=row.year)
        elif (value.target, value.realisation) == (row.first, row.second):
            continue
        value.target, value.realisation = row.first, row.second
        value.full_clean(validate_constraints=False)
        value._history_user = by
        value.save()
    return kpi
