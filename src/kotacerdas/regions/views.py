from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import lineage
from .models import Region, RegionKind
from .overview import overview


def region_list(request):
    """The public register: search by name or code, filter by kind and province."""
    query = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    province = request.GET.get("province", "")
    regions = Region.objects.select_related("parent").search(query)
    if kind in RegionKind.values:
        regions = regions.filter(kind=kind)
    if province:
        regions = regions.filter(code__startswith=province[:2])
    page = Paginator(regions, 100).get_page(request.GET.get("page"))
    old = {change.region_id: change for change in lineage.old_code_matches(query)}
    for region in page:
        region.old_match = old.get(region.pk)
    context = {
        "page": page,
        "total": page.paginator.count,
        "query": query,
        "kind": kind,
        "province": province,
        "kinds": RegionKind.choices,
        "provinces": Region.objects.provinces(),
    }
    template = "regions/_table.html" if request.htmx else "regions/list.html"
    return render(request, template, context)


def region_detail(request, code: str):
    """A region's public page: its province or its kabupaten/kota, its published results across
    cycles and its masterplans (public for everyone; see ``overview``), and its administrative
    history. An old code (retired by a change) redirects permanently to the current one."""
    found = lineage.resolve_code(code)
    if found is None:
        raise Http404(_("Tidak ada daerah dengan kode %(code)s.") % {"code": code[:20]})
    if found.is_old:
        return redirect(found.region, permanent=True)
    region = found.region
    children = region.children.all() if region.is_province else Region.objects.none()
    context = {
        "region": region,
        "children": children,
        "overview": overview(region),
        "changes": region.changes.all(),
        "formation": lineage.formation(region),
        "territory_change": lineage.territory_change(region),
    }
    return render(request, "regions/detail.html", context)
