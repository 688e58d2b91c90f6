from django.shortcuts import render

from kotacerdas.regions.models import Region, RegionKind


def home(request):
    counts = {kind: Region.objects.filter(kind=kind).count() for kind in RegionKind.values}
    return render(request, "core/home.html", {"counts": counts, "total": sum(counts.values())})
