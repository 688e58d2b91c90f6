"""The admin's reliability report across cycles ("Laporan keandalan penilaian"), on screen and
as a workbook (``services.reliability``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import charts
from .services import reliability

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require(request: HttpRequest) -> None:
    if not request.user.has_perm("results.view_reliability"):
        raise PermissionDenied


def _charts(found: reliability.Report) -> list[charts.Chart]:
    """Alpha per year (overall and per dimension, named in the reader's language) and severity
    per assessor per year."""
    if not found.years:
        return []
    series = [(_("Keseluruhan"), {row.year: row.overall for row in found.cycles})]
    series += [
        (name, {row.year: row.dimensions.get(code) for row in found.cycles})
        for code, name in found.reader_dimensions
    ]
    alpha = charts.lines(
        "chart-reliability-alpha",
        found.years,
        series,
        title=_("Alpha Krippendorff per tahun, keseluruhan dan per dimensi"),
        value_title=_("Alpha"),
        rule=reliability.ALPHA_MINIMUM,
    )
    severity = charts.lines(
        "chart-reliability-severity",
        found.years,
        [
            (row.name, {year: value.severity for year, value in row.years.items()})
            for row in found.assessors
        ],
        title=_("Keparahan asesor per tahun (tingkat; negatif: lebih ketat)"),
        value_title=_("Keparahan"),
        digits=2,
    )
    return [alpha, severity]


@login_required
@require_GET
def reliability_page(request: HttpRequest) -> HttpResponse:
    """The four parts of the report, worst first, with two charts (admins only)."""
    _require(request)
    found = reliability.report()
    context = {
        "report": found,
        "charts": _charts(found),
        "reasons": reliability.reason_labels(),
        "thresholds": reliability.thresholds(),
    }
    return render(request, "results/reliability.html", context)


@login_required
@require_GET
def reliability_xlsx(request: HttpRequest) -> HttpResponse:
    """The report as a workbook of four sheets."""
    _require(request)
    found = reliability.report()
    response = HttpResponse(reliability.to_xlsx(found), content_type=XLSX)
    name = f"keandalan-penilaian-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
