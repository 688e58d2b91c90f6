"""Pages everybody may open; each shows the published fields to the public and the whole
masterplan to those who may see it (rules.py)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from kotacerdas.core.taxonomy import DIMENSION_BY_CODE
from kotacerdas.regions.models import Region

from .. import rules
from ..forms import AttachmentForm, CatalogueForm
from ..models import Masterplan, QuickWin
from ..services import catalogue, dashboard, xlsx
from .common import masterplan_or_404, programme_or_404, xlsx_response

CATALOGUE_PAGE_SIZE = 50


def _visible(request, masterplan: Masterplan):
    """The masterplan's programmes the reader may see, and whether they see everything."""
    internal = request.user.has_perm("masterplans.view_internal", masterplan)
    programmes = masterplan.programmes.all()
    if not internal:
        programmes = programmes.filter(published=True)
    return programmes, internal


@require_GET
def national(request):
    """The national dashboard: coverage of dimensions and kinds, quick wins, budgets."""
    programmes = rules.visible_programmes(request.user)
    internal = request.user.has_perm("masterplans.view_national_internal")
    if not internal:
        programmes = programmes.filter(published=True)
    figures = dashboard.national_dashboard(programmes)
    return render(
        request,
        "masterplans/national.html",
        {"figures": figures, "internal": internal, "dimensions": DIMENSION_BY_CODE},
    )


@require_GET
def catalogue_view(request):
    """Programmes across regions, searchable and filterable (htmx updates the table)."""
    years = QuickWin.objects.order_by("year").values_list("year", flat=True).distinct()
    form = CatalogueForm(request.GET or None, provinces=Region.objects.provinces(), years=years)
    found = catalogue.search(rules.visible_programmes(request.user), form.query())
    page = Paginator(found, CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "masterplans/_catalogue_table.html" if request.htmx else "masterplans/catalogue.html"
    return render(request, template, context)


@require_GET
def template_download(request):
    """The blank, documented XLSX template."""
    return xlsx_response(xlsx.write_workbook(), "templat-masterplan.xlsx")


@require_GET
def region(request, code: str):
    """A region's masterplans (their public headers), with links for those who edit."""
    region = get_object_or_404(Region.objects.select_related("parent"), code=code)
    masterplans = region.masterplans.order_by("-start_year")
    can_edit = request.user.has_perm("masterplans.edit", region)
    return render(
        request,
        "masterplans/region.html",
        {"region": region, "masterplans": masterplans, "can_edit": can_edit},
    )


@require_GET
def detail(request, pk: int):
    masterplan = masterplan_or_404(pk)
    programmes, internal = _visible(request, masterplan)
    programmes = programmes.prefetch_related("quick_wins")
    groups = [
        (DIMENSION_BY_CODE[code], [p for p in programmes if p.dimension == code])
        for code in DIMENSION_BY_CODE
    ]
    context = {
        "masterplan": masterplan,
        "region": masterplan.region,
        "groups": [(dimension, rows) for dimension, rows in groups if rows],
        "internal": internal,
        "can_edit": request.user.has_perm("masterplans.edit", masterplan),
        "documents": masterplan.attachments.filter(programme=None) if internal else [],
        "attachment_form": AttachmentForm(),
    }
    return render(request, "masterplans/detail.html", context)


@require_GET
def region_dashboard(request, pk: int):
    masterplan = masterplan_or_404(pk)
    programmes, internal = _visible(request, masterplan)
    figures = dashboard.region_dashboard(programmes, masterplan.years, with_kpis=internal)
    context = {
        "masterplan": masterplan,
        "region": masterplan.region,
        "figures": figures,
        "internal": internal,
        "dimensions": DIMENSION_BY_CODE,
    }
    return render(request, "masterplans/dashboard.html", context)


@require_GET
def programme(request, pk: int):
    """One programme: the public sees a published one's public fields; viewers see it all."""
    programme = programme_or_404(pk)
    if not request.user.has_perm("masterplans.view_programme", programme):
        raise Http404
    internal = request.user.has_perm("masterplans.view_internal", programme)
    context = {
        "programme": programme,
        "masterplan": programme.masterplan,
        "region": programme.masterplan.region,
        "internal": internal,
        "can_edit": request.user.has_perm("masterplans.edit", programme),
        "budgets": programme.budgets.all(),
        "quick_win_years": list(programme.quick_wins.values_list("year", flat=True)),
        "kpis": programme.kpis.prefetch_related("values") if internal else [],
        "attachments": programme.attachments.all() if internal else [],
        "attachment_form": AttachmentForm(),
        "citations": (
            programme.citations.select_related("answer__indicator", "answer__submission__cycle")
            if internal
            else []
        ),
        "element": programme.element_label,
    }
    return render(request, "masterplans/programme.html", context)
