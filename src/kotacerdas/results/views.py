"""Public results pages (no login): published cycles only.

Each page's main content is rendered once per published snapshot (and language, and filter) and
cached (``services/cache.py``); the layout around it is rendered per request.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from kotacerdas.regions.models import Region

from . import maps
from .forms import RankingFilterForm
from .models import RegionResult, Snapshot
from .services import cache, exports, methodology, published
from .services import profile as profiles
from .services import ranking as rankings


def public_snapshot(year: int) -> Snapshot:
    """The published snapshot of ``year`` or 404: unpublished results never reach a page."""
    try:
        return published.snapshot_for_year(year)
    except published.NotPublished as refused:
        raise Http404(refused.message) from None


def index(request: HttpRequest) -> HttpResponse:
    """The published cycles, newest first."""
    cycles = []
    for cycle in published.published_cycles():
        snapshot = published.current_snapshot(cycle)
        median = (snapshot.summary or {}).get("national_median", {}).get("index")
        cycles.append((cycle, snapshot, published.to_display(snapshot, median)))
    return render(request, "results/index.html", {"cycles": cycles})


def ranking_form(snapshot: Snapshot, data) -> RankingFilterForm:
    summary = snapshot.summary or {}
    bands = [band["label"] for band in snapshot.config.get("predicate_bands", [])]
    return RankingFilterForm(
        data, provinces=[tuple(p) for p in summary.get("provinces", [])], predicates=bands
    )


def ranking_table(request: HttpRequest, snapshot: Snapshot, filters) -> str:
    """The ranking table for ``filters`` as HTML (not cached: the caller decides)."""
    context = {"ranking": rankings.ranking(snapshot, filters), "filters": filters}
    return render_to_string("results/partials/ranking_table.html", context)


def ranking(request: HttpRequest, year: int) -> HttpResponse:
    """The national ranking with filters, search and sort (htmx updates the table only)."""
    snapshot = public_snapshot(year)
    form = ranking_form(snapshot, request.GET)
    filters = form.filters()
    table = cache.cached(
        snapshot, "ranking", (filters.key(),), lambda: ranking_table(request, snapshot, filters)
    )
    if request.htmx:
        return HttpResponse(table)
    awards = cache.cached(
        snapshot,
        "awards",
        (),
        lambda: render_to_string(
            "results/partials/awards.html",
            {"ranking": rankings.ranking(snapshot, rankings.Filters()), "snapshot": snapshot},
        ),
    )
    return render(
        request,
        "results/ranking.html",
        {
            "snapshot": snapshot,
            "cycle": snapshot.cycle,
            "form": form,
            "table": table,
            "awards": awards,
        },
    )


def profile(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """A region's published profile."""
    snapshot = public_snapshot(year)
    region = get_object_or_404(Region.objects.select_related("parent"), code=code)

    def build() -> str:
        try:
            found = profiles.profile(snapshot, region)
        except RegionResult.DoesNotExist:
            return ""
        return render_to_string("results/partials/profile_body.html", {"profile": found})

    body = cache.cached(snapshot, "profile", (region.code,), build)
    if not body:
        raise Http404(_("Daerah ini tidak dinilai pada siklus tersebut."))
    return render(
        request,
        "results/profile.html",
        {"snapshot": snapshot, "cycle": snapshot.cycle, "region": region, "body": body},
    )


def methodology_page(request: HttpRequest, year: int) -> HttpResponse:
    """How this cycle's index was computed, generated from the snapshot's own configuration."""
    snapshot = public_snapshot(year)
    body = cache.cached(
        snapshot,
        "methodology",
        (),
        lambda: render_to_string(
            "results/partials/methodology_body.html",
            {"method": methodology.describe(snapshot), "snapshot": snapshot},
        ),
    )
    return render(
        request,
        "results/methodology.html",
        {"snapshot": snapshot, "cycle": snapshot.cycle, "body": body},
    )


def map_page(request: HttpRequest, year: int) -> HttpResponse:
    """Choropleths of provinces and of kabupaten/kota."""
    snapshot = public_snapshot(year)
    body = cache.cached(
        snapshot,
        "map",
        (),
        lambda: render_to_string(
            "results/partials/map_body.html", {"maps": maps.maps(snapshot), "snapshot": snapshot}
        ),
    )
    return render(
        request, "results/map.html", {"snapshot": snapshot, "cycle": snapshot.cycle, "body": body}
    )


def boundaries(request: HttpRequest, level: str) -> HttpResponse:
    """The region boundaries as GeoJSON (``provinsi`` or ``kabkota``), for the maps."""
    try:
        content = maps.boundaries(level)
    except KeyError:
        raise Http404(_("Tingkat peta tidak dikenal.")) from None
    response = HttpResponse(content, content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def export(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    """The whole cycle's published results as CSV, XLSX or JSON."""
    snapshot = public_snapshot(year)
    return _download(snapshot, fmt, None)


def region_export(request: HttpRequest, year: int, code: str, fmt: str) -> HttpResponse:
    """One region's published results as CSV, XLSX or JSON."""
    snapshot = public_snapshot(year)
    region = get_object_or_404(Region, code=code)
    if not RegionResult.objects.filter(snapshot=snapshot, region=region).exists():
        raise Http404(_("Daerah ini tidak dinilai pada siklus tersebut."))
    return _download(snapshot, fmt, region)


def _download(snapshot: Snapshot, fmt: str, region: Region | None) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404(_("Format unduhan tidak dikenal."))
    content = cache.cached(
        snapshot,
        "export",
        (fmt, region.code if region else "all"),
        lambda: exports.export(snapshot, fmt, region=region),
    )
    response = HttpResponse(content, content_type=exports.FORMATS[fmt])
    name = exports.filename(snapshot, fmt, region)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
