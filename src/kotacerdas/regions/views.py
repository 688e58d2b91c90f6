from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

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
    cycles and its masterplans (public for everyone; see ``overview``)."""
    region = get_object_or_404(Region.objects.select_related("parent"), code=code)
    children = region.children.all() if region.is_province else Region.objects.none()
    context = {"region": region, "children": children, "overview": overview(region)}
    return render(request, "regions/detail.html", context)
