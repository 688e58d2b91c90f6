"""The PDF documents of a snapshot: a region's report card and result letter, and the national
summary. Each is rendered from the stored snapshot (never from live data), so a document of a
published version always says what was published. A document of a version the public may not
read yet says so at the top of every page: "DRAF" for a computed version, "EMBARGO — tidak untuk
disebarkan sebelum <tanggal> pukul <jam> WIB" for a published one under embargo (the admins' preview,
the batch zip and the command line reach both)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kotacerdas.core import texts
from kotacerdas.core.moments import in_wib
from kotacerdas.regions.models import Region, RegionKind
from kotacerdas.results import charts
from kotacerdas.results.models import Snapshot
from kotacerdas.results.services import methodology, operator, published
from kotacerdas.results.services import profile as profiles
from kotacerdas.results.services import ranking as rankings

from .pdf import render_pdf, svg

HEADS = {
    RegionKind.PROVINSI: "Gubernur",
    RegionKind.KABUPATEN: "Bupati",
    RegionKind.KOTA: "Wali Kota",
}
TOP = 10
# The profile's charts the report card draws (the aspects are a table there).
CARD_CHARTS = ("radar", "dimensions", "trend")


def _common(snapshot: Snapshot) -> dict[str, Any]:
    return {
        "snapshot": snapshot,
        "cycle": snapshot.cycle,
        "method": methodology.describe(snapshot),
        "generated_at": in_wib(timezone.now()),
        # Marked on every page: a draft (computed, not published) or a version under embargo.
        "draft": not snapshot.is_published,
        "embargo_until": snapshot.released_at if snapshot.is_embargoed else None,
        "ministry": settings.KOTACERDAS_LETTER["ministry"],
        "directorate": settings.KOTACERDAS_LETTER["directorate"],
    }


def report_card(snapshot: Snapshot, region: Region, *, include_notes: bool = False) -> bytes:
    """The region's report card: cover, summary, radar, dimensions and elements, aspects,
    indicator detail (with the assessors' notes when ``include_notes``), the three lists, trend
    and a method note. Raises RegionResult.DoesNotExist when the region was not evaluated."""
    found = profiles.profile(snapshot, region)
    context = {
        **_common(snapshot),
        "profile": found,
        "result": found.result,
        "region": region,
        "images": {name: svg(found.charts[name]) for name in CARD_CHARTS if name in found.charts},
        "indicators": _indicator_rows(found, include_notes),
        "include_notes": include_notes,
    }
    return render_pdf("reports/report_card.html", context)


def _indicator_rows(found: profiles.Profile, include_notes: bool) -> list[operator.NoteRow]:
    """The indicator detail of the report card: scores on the display scale."""
    rows = operator.notes(found.result, with_notes=include_notes)
    for row in rows:
        row.score = published.to_display(found.snapshot, row.score)
    return rows


def addressee(region: Region) -> str:
    """The head of the region the letter goes to: "Wali Kota Jambi", "Bupati Aceh Selatan"."""
    name = region.name
    for prefix in ("Kota ", "Kabupaten ", "Provinsi "):
        name = name.removeprefix(prefix)
    return f"{HEADS.get(region.kind, '')} {name}".strip()


def letter(snapshot: Snapshot, region: Region) -> bytes:
    """The result letter in the ministry's form: number, addressee, index, previous index and
    improvement, scores by aspect and by dimension, weaknesses, strengths, recommendations.
    Always in Bahasa Indonesia (an official letter), whatever the reader's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _letter(snapshot, region)


def _letter(snapshot: Snapshot, region: Region) -> bytes:
    found = profiles.profile(snapshot, region, with_charts=False)
    context = {
        **_common(snapshot),
        "profile": found,
        "result": found.result,
        "region": region,
        "addressee": addressee(region),
        "signatory": settings.KOTACERDAS_LETTER["signatory"],
        "date": snapshot.published_at or timezone.now(),
    }
    return render_pdf("reports/letter.html", context)


def national(snapshot: Snapshot) -> bytes:
    """The national summary: cohort, predicates, the top regions, the best of each dimension,
    medians by kind, provinces, the map of provinces as a table, and the method."""
    ranking = rankings.ranking(snapshot, rankings.Filters(), page_size=None)
    summary = snapshot.summary or {}
    dimension_medians = [
        (
            texts.in_reader_language(node, "name"),
            published.to_display(snapshot, summary.get("national_median", {}).get(node["code"])),
        )
        for node in published.dimensions(snapshot)
    ]
    chart = charts.bars(
        "national-dimensions",
        dimension_medians,
        title=_("Median nasional per dimensi"),
        value_title=_("Skor"),
        domain=(0, snapshot.scale),
        category_title=_("Dimensi"),
    )
    kinds = []
    for kind, label in RegionKind.choices:
        median = summary.get("kind_median", {}).get(kind, {}).get("index")
        count = summary.get("counts", {}).get("kind", {}).get(kind, 0)
        if count:
            kinds.append((label, count, published.to_display(snapshot, median)))
    predicates = [
        (band["label"], summary.get("predicates", {}).get(band["label"], 0))
        for band in snapshot.config.get("predicate_bands", [])
    ]
    context = {
        **_common(snapshot),
        "ranking": ranking,
        "top": ranking.rows[:TOP],
        "kinds": kinds,
        "predicates": predicates,
        "national_median": published.to_display(
            snapshot, summary.get("national_median", {}).get("index")
        ),
        "chart": svg(chart),
        "chart_table": chart,
    }
    return render_pdf("reports/national.html", context)
