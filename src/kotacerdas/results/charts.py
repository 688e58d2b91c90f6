"""Charts as Vega-Lite specifications built with Altair, each with a table alternative.

A :class:`Chart` carries the spec (rendered in the browser by ``static/results/charts.js``
through vega-embed, or to SVG on the server by vl-convert for the PDFs) and the same numbers as a
table, which the page shows under the chart for screen readers and for anyone who prefers numbers.
Builders take plain rows (no models) so they are easy to test and reuse.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import altair as alt
import pandas as pd
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kotacerdas.core import texts
from kotacerdas.core.numbers import localised

# d3-format has no Indonesian locale: decimal comma, thousands dot (as Django's "id" formats).
FORMAT_LOCALE_ID = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["Rp", ""]}
# English: decimal point, thousands comma (as Django's "en" formats).
FORMAT_LOCALE_EN = {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["Rp", ""]}
PALETTE = ["#1d4ed8", "#9a6700", "#6b7280", "#1f7a3a", "#b42318"]
# More series (lines per dimension or assessor): the palette, then five more distinct colours.
LINE_PALETTE = [*PALETTE, "#7c3aed", "#0e7490", "#be185d", "#4d7c0f", "#92400e"]
# Indonesia (95°–141° E, 6° N–11° S) in Mercator, fixed rather than fitted to the data: the
# whole archipelago fills the map whichever regions have values.
MAP_WIDTH, MAP_HEIGHT = 900, 340
INDONESIA = {"type": "mercator", "center": [118.0, -2.6], "scale": 1080}


# The one-sentence descriptions, translated when a chart is built (not at import).
def _radar_description() -> str:
    return _("Grafik radar skor per dimensi.")


def _grouped_bars_description() -> str:
    return _("Grafik batang skor dibandingkan dengan median.")


def _trend_description() -> str:
    return _("Grafik garis indeks dari siklus ke siklus.")


@dataclass
class Chart:
    """A chart: its element id, title, one-sentence description, spec and table alternative."""

    id: str
    title: str
    description: str
    spec: dict[str, Any]
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)

    @property
    def spec_id(self) -> str:
        """The id of the page's JSON data block that holds the spec."""
        return f"{self.id}-spec"

    @property
    def payload(self) -> dict[str, Any]:
        """What the page's JSON data block holds for charts.js: the spec and number locale."""
        return {"spec": self.spec, "formatLocale": format_locale()}


def format_locale() -> dict[str, Any]:
    """d3-format's number locale for the active language (3,31 in Indonesian, 3.31 in English)."""
    return FORMAT_LOCALE_EN if texts.reads_english() else FORMAT_LOCALE_ID


def fmt(value: float | None, digits: int = 2) -> str:
    """A number for a table cell in the active locale (3,31), or an em dash."""
    if value is None:
        return "—"
    return localised(value, digits)


def _spec(chart: alt.TopLevelMixin, description: str) -> dict[str, Any]:
    """The chart's Vega-Lite spec, described in the active language.

    Vega writes its own ARIA labels for marks, axes, legends and the title, in English only
    ("X-axis titled ... for a linear scale", "Title text ..."). The chart is drawn hidden from
    assistive technology (the page gives its table alternative instead), so those labels are
    turned off (``aria: false`` for marks and guides, and on the title) and the chart carries
    only ``description``, which the caller wrote through gettext.
    """
    # Validation against the Vega-Lite schema is done once in the tests, not on every request.
    spec = chart.to_dict(validate=False)
    spec.pop("$schema", None)
    spec["description"] = description
    spec["config"] = {**spec.get("config", {}), "aria": False}
    title = spec.get("title")
    if title is not None:
        spec["title"] = {**(title if isinstance(title, dict) else {"text": title}), "aria": False}
    return spec


def _axis_number_format(scale: int) -> str:
    return ".1f" if scale == 5 else ".0f"


def _filled(template: dict[str, Any], **datasets: list[dict[str, Any]]) -> dict[str, Any]:
    """A copy of a cached spec template with its named datasets filled in (the template's
    nested parts are shared and never changed)."""
    return {**template, "datasets": {**template.get("datasets", {}), **datasets}}


def _unit_point(axis: int, count: int, radius: float) -> tuple[float, float]:
    """Where ``axis`` of ``count`` lies on a circle of ``radius`` (the first at the top)."""
    angle = 2 * math.pi * axis / count
    return radius * math.sin(angle), radius * math.cos(angle)


@lru_cache(maxsize=64)
def _radar_template(
    axes: tuple[str, ...], names: tuple[str, ...], title: str, maximum: float, language: str
) -> dict[str, Any]:
    """The radar's spec without its series (dataset ``series``): grid, spokes and labels are
    fixed for a given set of axes, so Altair builds them once per shape and language."""
    count = len(axes)
    grid_rows = []
    for ring in (0.2, 0.4, 0.6, 0.8, 1.0):
        for order, axis in enumerate([*range(count), 0]):
            x, y = _unit_point(axis, count, ring)
            grid_rows.append({"ring": ring, "order": order, "x": x, "y": y})
    spoke_rows = [
        {
            "x": 0.0,
            "y": 0.0,
            "x2": _unit_point(axis, count, 1)[0],
            "y2": _unit_point(axis, count, 1)[1],
        }
        for axis in range(count)
    ]
    label_rows = []
    for axis, label in enumerate(axes):
        x, y = _unit_point(axis, count, 1.18)
        align = "center" if abs(x) < 0.05 else ("left" if x > 0 else "right")
        label_rows.append({"x": x, "y": y, "label": label, "align": align})
    scale = alt.Scale(domain=[-1.45, 1.45], nice=False)
    x = alt.X("x:Q", scale=scale, axis=None)
    y = alt.Y("y:Q", scale=scale, axis=None)
    grid = (
        alt.Chart(pd.DataFrame(grid_rows))
        .mark_line(color="#d1d5db", strokeWidth=0.8)
        .encode(x=x, y=y, detail="ring:N", order="order:Q")
    )
    spokes = (
        alt.Chart(pd.DataFrame(spoke_rows))
        .mark_rule(color="#d1d5db", strokeWidth=0.8)
        .encode(x=x, y=y, x2="x2:Q", y2="y2:Q")
    )
    # One text layer per alignment, so labels left and right of the circle grow outwards.
    labels = [
        alt.Chart(pd.DataFrame([row for row in label_rows if row["align"] == align]))
        .mark_text(fontSize=11, color="#374151", align=align)
        .encode(x=x, y=y, text="label:N")
        for align in ("left", "center", "right")
        if any(row["align"] == align for row in label_rows)
    ]
    color = alt.Color(
        "series:N",
        scale=alt.Scale(domain=list(names), range=PALETTE[: len(names)]),
        legend=alt.Legend(title=None, orient="bottom"),
    )
    tooltip = [
        alt.Tooltip("series:N", title=_("Seri")),
        alt.Tooltip("axis:N", title=_("Dimensi")),
        alt.Tooltip("value:Q", title=_("Skor"), format=_axis_number_format(int(maximum))),
    ]
    base = alt.Chart(alt.Data(name="series")).encode(x=x, y=y, color=color)
    lines = base.mark_line(strokeWidth=2).encode(order="order:Q", detail="series:N")
    points = base.mark_point(filled=True, size=45).encode(tooltip=tooltip)
    layered = alt.layer(grid, spokes, lines, points, *labels).properties(
        width=340, height=340, title=title
    )
    return _spec(layered.configure_view(stroke=None), _radar_description())


def radar(
    chart_id: str,
    axes: list[str],
    series: dict[str, list[float | None]],
    *,
    title: str,
    maximum: float,
) -> Chart:
    """A radar (spider) chart of ``axes`` for each named series of values (0..maximum).

    Vega-Lite has no polar line mark, so the polygon points are placed in Python on a unit circle
    (the first axis at the top, clockwise) and drawn as closed lines over a grid of rings.
    """
    count = len(axes)
    series_rows = []
    for name, values in series.items():
        for order, axis in enumerate([*range(count), 0]):
            value = values[axis] or 0.0
            x, y = _unit_point(axis, count, value / maximum)
            series_rows.append(
                {"series": name, "order": order, "x": x, "y": y, "axis": axes[axis], "value": value}
            )
    names = list(series)
    template = _radar_template(tuple(axes), tuple(names), title, maximum, get_language())
    return Chart(
        id=chart_id,
        title=title,
        description=_radar_description(),
        spec=_filled(template, series=series_rows),
        columns=[_("Dimensi"), *names],
        rows=[[axis, *(fmt(series[name][i]) for name in names)] for i, axis in enumerate(axes)],
    )


@lru_cache(maxsize=64)
def _grouped_bars_template(
    categories: tuple[str, ...],
    names: tuple[str, ...],
    title: str,
    maximum: float,
    category_title: str,
    language: str,
) -> dict[str, Any]:
    """The grouped bars' spec without its values (dataset ``values``), built once per shape."""
    number = _axis_number_format(int(maximum))
    chart = (
        alt.Chart(alt.Data(name="values"))
        .mark_bar()
        .encode(
            y=alt.Y("category:N", sort=list(categories), title=None),
            yOffset=alt.YOffset("series:N", sort=list(names)),
            x=alt.X(
                "value:Q",
                scale=alt.Scale(domain=[0, maximum]),
                title=_("Skor"),
                axis=alt.Axis(format=number),
            ),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=list(names), range=PALETTE[: len(names)]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("category:N", title=category_title),
                alt.Tooltip("series:N", title=_("Seri")),
                alt.Tooltip("value:Q", title=_("Skor"), format=number),
            ],
        )
        .properties(width=420, height=alt.Step(9), title=title)
    )
    return _spec(chart, _grouped_bars_description())


def grouped_bars(
    chart_id: str,
    categories: list[str],
    series: dict[str, list[float | None]],
    *,
    title: str,
    maximum: float,
    category_title: str,
) -> Chart:
    """Horizontal bars per category, one bar per series (e.g. region, national median, median of
    its kind), on 0..maximum."""
    rows = [
        {"category": category, "series": name, "value": values[i]}
        for name, values in series.items()
        for i, category in enumerate(categories)
        if values[i] is not None
    ]
    names = list(series)
    template = _grouped_bars_template(
        tuple(categories), tuple(names), title, maximum, category_title, get_language()
    )
    return Chart(
        id=chart_id,
        title=title,
        description=_grouped_bars_description(),
        spec=_filled(template, values=rows),
        columns=[category_title, *names],
        rows=[
            [category, *(fmt(series[name][i]) for name in names)]
            for i, category in enumerate(categories)
        ],
    )


@lru_cache(maxsize=64)
def _trend_template(years: tuple[str, ...], title: str, maximum: float, language: str) -> dict:
    """The trend's spec without its values (dataset ``values``), built once per shape."""
    series_names = [_("Indeks resmi"), _("Sebanding antarsiklus")]
    number = _axis_number_format(int(maximum))
    chart = (
        alt.Chart(alt.Data(name="values"))
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", sort=list(years), title=_("Tahun"), axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "value:Q",
                scale=alt.Scale(domain=[0, maximum]),
                title=_("Indeks"),
                axis=alt.Axis(format=number),
            ),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=series_names, range=PALETTE[:2]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(domain=series_names, range=[[1, 0], [5, 3]]),
                # The same legend as the colour's: Vega-Lite merges the two into one (a line
                # of each colour and dash); a disabled one here conflicts with it.
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            detail="pair:N",
            tooltip=[
                alt.Tooltip("year:O", title=_("Tahun")),
                alt.Tooltip("series:N", title=_("Seri")),
                alt.Tooltip("value:Q", title=_("Indeks"), format=number),
            ],
        )
        .properties(width=420, height=220, title=title)
    )
    return _spec(chart, _trend_description())


def trend(
    chart_id: str,
    points: list[dict[str, Any]],
    *,
    title: str,
    maximum: float,
) -> Chart:
    """The index across cycles: the official index per year, and for each pair of consecutive
    cycles the index of both years on their comparable subset (with its coverage).

    ``points``: ``{"year", "index", "comparable", "comparable_previous", "coverage"}`` per year,
    oldest first; the comparable values may be None.
    """
    official = [
        {
            "year": str(p["year"]),
            "series": _("Indeks resmi"),
            "value": p["index"],
            "pair": "official",
        }
        for p in points
    ]
    comparable = []
    for before, after in itertools.pairwise(points):
        if after.get("comparable") is None or after.get("comparable_previous") is None:
            continue
        pair = f"{before['year']}–{after['year']}"
        comparable.append(
            {
                "year": str(before["year"]),
                "series": _("Sebanding antarsiklus"),
                "value": after["comparable_previous"],
                "pair": pair,
            }
        )
        comparable.append(
            {
                "year": str(after["year"]),
                "series": _("Sebanding antarsiklus"),
                "value": after["comparable"],
                "pair": pair,
            }
        )
    years = tuple(str(p["year"]) for p in points)
    template = _trend_template(years, title, maximum, get_language())
    notes = any(p.get("note") for p in points)
    chart = Chart(
        id=chart_id,
        title=title,
        description=_trend_description(),
        spec=_filled(template, values=official + comparable),
        columns=[
            _("Tahun"),
            _("Indeks resmi"),
            _("Sebanding: tahun sebelumnya"),
            _("Sebanding: tahun ini"),
            _("Cakupan sebanding"),
        ],
        rows=[
            [
                p["year"],
                fmt(p["index"]),
                fmt(p.get("comparable_previous")),
                fmt(p.get("comparable")),
                "—" if p.get("coverage") is None else f"{fmt(100 * p['coverage'], 0)}%",
            ]
            for p in points
        ],
    )
    if notes:
        # A break in the region's territory (e.g. Papua before 2022): the note per cycle.
        chart.columns.append(_("Catatan"))
        for row, point in zip(chart.rows, points, strict=True):
            row.append(point.get("note") or "")
    return chart


def bars(
    chart_id: str,
    rows: list[tuple[str, float | None]],
    *,
    title: str,
    value_title: str,
    domain: tuple[float, float] | None = None,
    digits: int = 2,
    category_title: str = "",
) -> Chart:
    """Simple horizontal bars in the given order (e.g. agreement per indicator, worst first)."""
    data = [{"label": label, "value": value} for label, value in rows if value is not None]
    x = alt.X("value:Q", title=value_title)
    if domain is not None:
        x = alt.X("value:Q", title=value_title, scale=alt.Scale(domain=list(domain)))
    chart = (
        alt.Chart(pd.DataFrame(data, columns=["label", "value"]))
        .mark_bar(color=PALETTE[0])
        .encode(
            y=alt.Y("label:N", sort=[label for label, _value in rows], title=None),
            x=x,
            tooltip=[
                alt.Tooltip("label:N", title=category_title or _("Butir")),
                alt.Tooltip("value:Q", title=value_title, format=f".{digits}f"),
            ],
        )
        .properties(width=420, height=alt.Step(16), title=title)
    )
    return Chart(
        id=chart_id,
        title=title,
        description=title,
        spec=_spec(chart, title),
        columns=[category_title or _("Butir"), value_title],
        rows=[[label, fmt(value, digits)] for label, value in rows],
    )


def lines(
    chart_id: str,
    years: list[int],
    series: list[tuple[str, dict[int, float | None]]],
    *,
    title: str,
    value_title: str,
    domain: tuple[float, float] | None = None,
    digits: int = 3,
    rule: float | None = None,
) -> Chart:
    """One line per named series across years (e.g. alpha per dimension), with an optional
    horizontal reference line at ``rule`` (e.g. a threshold). The table has a row per series
    and a column per year."""
    data = [
        {"year": str(year), "series": name, "value": values[year]}
        for name, values in series
        for year in years
        if values.get(year) is not None
    ]
    names = [name for name, _values in series]
    y = alt.Y("value:Q", title=value_title, axis=alt.Axis(format=f".{min(digits, 2)}f"))
    if domain is not None:
        y = alt.Y(
            "value:Q",
            title=value_title,
            scale=alt.Scale(domain=list(domain)),
            axis=alt.Axis(format=f".{min(digits, 2)}f"),
        )
    colours = [LINE_PALETTE[k % len(LINE_PALETTE)] for k in range(len(names))]
    plot = (
        alt.Chart(pd.DataFrame(data, columns=["year", "series", "value"]))
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "year:O",
                sort=[str(y) for y in years],
                title=_("Tahun"),
                axis=alt.Axis(labelAngle=0),
            ),
            y=y,
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=names, range=colours),
                legend=alt.Legend(title=None, orient="bottom", columns=3),
            ),
            tooltip=[
                alt.Tooltip("year:O", title=_("Tahun")),
                alt.Tooltip("series:N", title=_("Seri")),
                alt.Tooltip("value:Q", title=value_title, format=f".{digits}f"),
            ],
        )
    )
    if rule is not None:
        reference = (
            alt.Chart(pd.DataFrame({"value": [rule]}))
            .mark_rule(color=PALETTE[4], strokeDash=[4, 3])
            .encode(y="value:Q")
        )
        plot = alt.layer(plot, reference)
    chart = plot.properties(width=420, height=220, title=title)
    return Chart(
        id=chart_id,
        title=title,
        description=title,
        spec=_spec(chart, title),
        columns=[_("Seri"), *[str(year) for year in years]],
        rows=[
            [name, *[fmt(values.get(year), digits) for year in years]] for name, values in series
        ],
    )


def choropleth(
    chart_id: str,
    *,
    geo_url: str,
    values: list[dict[str, Any]],
    title: str,
    maximum: float,
    value_title: str,
) -> Chart:
    """A choropleth of regions: boundaries loaded from ``geo_url`` (GeoJSON features whose
    ``properties.code`` is the Kemendagri code), joined to ``values`` ``{code, name, value,
    predicate}``. Regions without a value are drawn grey."""
    table = pd.DataFrame(values, columns=["code", "name", "value", "predicate"])
    number = _axis_number_format(int(maximum))
    lookup = alt.LookupData(table, key="code", fields=["name", "value", "predicate"])
    base = alt.Chart(
        alt.UrlData(url=geo_url, format=alt.DataFormat(type="json", property="features"))
    )
    background = base.mark_geoshape(fill="#e5e7eb", stroke="#ffffff", strokeWidth=0.3).project(
        **INDONESIA
    )
    shaded = (
        base.mark_geoshape(stroke="#ffffff", strokeWidth=0.3)
        .transform_lookup(lookup="properties.code", from_=lookup)
        .transform_filter("isValid(datum.value)")
        .encode(
            color=alt.Color(
                "value:Q",
                scale=alt.Scale(scheme="blues", domain=[0, maximum]),
                legend=alt.Legend(title=value_title, format=number, orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("name:N", title=_("Daerah")),
                alt.Tooltip("value:Q", title=value_title, format=number),
                alt.Tooltip("predicate:N", title=_("Predikat")),
            ],
        )
        .project(**INDONESIA)
    )
    chart = alt.layer(background, shaded).properties(
        width=MAP_WIDTH, height=MAP_HEIGHT, title=title
    )
    chart = chart.configure_view(stroke=None)
    description = _("Peta tematik indeks per daerah.")
    ordered = sorted(values, key=lambda row: (-(row["value"] or 0), row["name"]))
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        spec=_spec(chart, description),
        columns=[_("Kode"), _("Daerah"), value_title, _("Predikat")],
        rows=[[row["code"], row["name"], fmt(row["value"]), row["predicate"]] for row in ordered],
    )
