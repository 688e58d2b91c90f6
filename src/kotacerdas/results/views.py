"""Public results pages (no login): released cycles only.

Each page's main content is rendered once per published snapshot (and language, and filter) and
cached (``services/cache.py``); the layout around it is rendered per request. Admins also see a
version under embargo (``can_preview``) with the banner "Diembargo hingga ..."; that is rendered
afresh, never cached.
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
from .services import cache, corrections, exports, methodology, opendata, published
from .services import profile as profiles
from .services import ranking as rankings


def can_preview(request: HttpRequest | None) -> bool:
    """Whether the visitor may see results under embargo (admins: ``results.manage_results``)."""
    return request is not None and request.user.has_perm("results.manage_results")


def public_snapshot(year: int, request: HttpRequest | None = None) -> Snapshot:
    """The visible snapshot of ``year`` (light: its large fields load only on a cache miss)
    or 404: unpublished results, and for everyone but admins embargoed ones, never reach a
    page."""
    try:
        if can_preview(request):
            return published.snapshot_for_year(year, light=True, preview=True)
        return cache.current(year, lambda: published.snapshot_for_year(year, light=True))
    except published.NotPublished as refused:
        raise Http404(refused.message) from None


def index(request: HttpRequest) -> HttpResponse:
    """The visible cycles, newest first."""
    preview = can_preview(request)
    cycles = []
    for cycle in published.published_cycles(preview=preview):
        snapshot = published.current_snapshot(cycle, preview=preview)
        median = (snapshot.summary or {}).get("national_median", {}).get("index")
        cycles.append((cycle, snapshot, published.to_display(snapshot, median)))
    return render(request, "results/index.html", {"cycles": cycles})


def ranking_choices(snapshot: Snapshot) -> dict:
    """What the ranking page needs beyond its table: provinces, bands, cohort size (cached)."""

    def build() -> dict:
        summary = snapshot.summary or {}
        return {
            "provinces": [tuple(p) for p in summary.get("provinces", [])],
            "predicates": [band["label"] for band in snapshot.config.get("predicate_bands", [])],
            "regions": summary.get("regions", 0),
        }

    return cache.cached(snapshot, "ranking_choices", (), build)


def ranking_table(snapshot: Snapshot, filters) -> str:
    """The ranking table for ``filters`` as HTML (not cached: the caller decides)."""
    context = {"ranking": rankings.ranking(snapshot, filters), "filters": filters}
    return render_to_string("results/partials/ranking_table.html", context)


def ranking(request: HttpRequest, year: int) -> HttpResponse:
    """The national ranking with filters, search, sort and pages (htmx updates the table).

    The whole content (form included, rendered from the cleaned filters) is cached per filter.
    """
    snapshot = public_snapshot(year, request)
    choices = ranking_choices(snapshot)
    filters = RankingFilterForm(
        request.GET, provinces=choices["provinces"], predicates=choices["predicates"]
    ).filters()

    def build() -> dict:
        table = ranking_table(snapshot, filters)
        form = RankingFilterForm(
            filters.as_data(), provinces=choices["provinces"], predicates=choices["predicates"]
        )
        context = {
            "snapshot": snapshot,
            "cycle": snapshot.cycle,
            "form": form,
            "table": table,
            "awards": awards(snapshot),
            "regions": choices["regions"],
        }
        content = render_to_string("results/partials/ranking_content.html", context)
        return {"table": table, "content": content}

    page = cache.cached(snapshot, "ranking", (filters.key(),), build)
    if request.htmx:
        return HttpResponse(page["table"])
    return render(
        request,
        "results/ranking.html",
        {"snapshot": snapshot, "cycle": snapshot.cycle, "content": page["content"]},
    )


def awards(snapshot: Snapshot) -> str:
    """The best region of each dimension, as HTML (cached)."""
    return cache.cached(
        snapshot,
        "awards",
        (),
        lambda: render_to_string(
            "results/partials/awards.html",
            {"awards": rankings.awards(snapshot), "snapshot": snapshot},
        ),
    )


def profile(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """A region's published profile (the whole content, breadcrumb included, is cached)."""
    snapshot = public_snapshot(year, request)

    def build() -> dict:
        region = Region.objects.select_related("parent").filter(code=code).first()
        if region is None:
            return {"title": "", "body": ""}
        try:
            found = profiles.profile(snapshot, region)
        except RegionResult.DoesNotExist:
            return {"title": "", "body": ""}
        context = {"profile": found, "corrections": corrections.for_region(snapshot, code)}
        body = render_to_string("results/partials/profile_body.html", context)
        return {"title": region.name, "body": body}

    # The trend shows the other years' public versions too: their versions are in the key.
    page = cache.cached(snapshot, "profile", (code, profiles.trend_key()), build)
    if not page["body"]:
        raise Http404(_("Daerah ini tidak dinilai pada siklus tersebut."))
    return render(
        request,
        "results/profile.html",
        {
            "snapshot": snapshot,
            "cycle": snapshot.cycle,
            "title": page["title"],
            "body": page["body"],
            "code": code,
        },
    )


def methodology_page(request: HttpRequest, year: int) -> HttpResponse:
    """How this cycle's index was computed, generated from the snapshot's own configuration."""
    snapshot = public_snapshot(year, request)
    body = cache.cached(
        snapshot,
        "methodology",
        (),
        lambda: render_to_string(
            "results/partials/methodology_body.html",
            {
                "method": methodology.describe(snapshot),
                "snapshot": snapshot,
                "releases": corrections.releases(snapshot),
            },
        ),
    )
    return render(
        request,
        "results/methodology.html",
        {"snapshot": snapshot, "cycle": snapshot.cycle, "body": body},
    )


def map_page(request: HttpRequest, year: int) -> HttpResponse:
    """Choropleths of provinces and of kabupaten/kota."""
    snapshot = public_snapshot(year, request)
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
    snapshot = public_snapshot(year, request)
    return _download(snapshot, fmt, None)


def data_package(request: HttpRequest, year: int) -> HttpResponse:
    """The published version's open-data package: results, inputs and descriptor in a zip."""
    snapshot = public_snapshot(year, request)
    content = cache.cached(snapshot, "package", (), lambda: opendata.package(snapshot))
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{opendata.filename(snapshot)}"'
    return response


def region_export(request: HttpRequest, year: int, code: str, fmt: str) -> HttpResponse:
    """One region's published results as CSV, XLSX or JSON."""
    snapshot = public_snapshot(year, request)
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
