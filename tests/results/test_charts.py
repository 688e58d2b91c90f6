"""Chart specs (valid Vega-Lite, with table alternatives), and the vega-embed bundle finder."""

import base64

import jsonschema
import pytest
import vl_convert
from altair.vegalite.v6.schema import load_schema
from django.utils import translation
from django.utils.translation import gettext as _

from kotacerdas.reports.services import pdf
from kotacerdas.results import charts, staticfiles

AXES = [
    "Smart Governance",
    "Smart Branding",
    "Smart Economy",
    "Smart Living",
    "Smart Society",
    "Smart Environment",
]


def built() -> list[charts.Chart]:
    return [
        charts.radar(
            "r",
            AXES,
            {
                "Kota Jambi": [3.4, 3.8, 3.2, 3.1, 3.1, 3.5],
                "Median nasional": [2.6, 3.0, 3.0, 3.0, 3.0, 2.7],
            },
            title="Skor enam dimensi",
            maximum=5,
        ),
        charts.grouped_bars(
            "b",
            AXES,
            {
                "Kota Jambi": [3.4, 3.8, 3.2, 3.1, 3.1, None],
                "Median": [2.6, 3.0, 3.0, 3.0, 3.0, 2.7],
            },
            title="Dimensi",
            maximum=5,
            category_title="Dimensi",
        ),
        charts.trend(
            "t",
            [
                {
                    "year": 2021,
                    "index": 3.2,
                    "comparable": None,
                    "comparable_previous": None,
                    "coverage": None,
                },
                {
                    "year": 2022,
                    "index": 3.3,
                    "comparable": 3.4,
                    "comparable_previous": 3.2,
                    "coverage": 0.9,
                },
            ],
            title="Tren",
            maximum=5,
        ),
        charts.bars(
            "a",
            [("GOV.SVC.01", 0.41), ("ENV.WAS.02", 0.9)],
            title="Alpha",
            value_title="Alpha",
            domain=(-1, 1),
            digits=3,
        ),
        charts.lines(
            "l",
            [2022, 2023],
            [
                ("Keseluruhan", {2022: 0.81, 2023: 0.6}),
                ("Smart Governance", {2022: 0.7, 2023: None}),
            ],
            title="Alpha per tahun",
            value_title="Alpha",
            rule=0.667,
        ),
        charts.choropleth(
            "m",
            geo_url="/hasil/peta/provinsi.geojson",
            values=[{"code": "15", "name": "Jambi", "value": 3.47, "predicate": "Baik"}],
            title="Provinsi",
            maximum=5,
            value_title="Indeks",
        ),
    ]


@pytest.mark.parametrize("chart", built(), ids=lambda chart: chart.id)
def test_every_spec_is_valid_vega_lite_with_a_table(chart):
    jsonschema.validate(chart.spec, load_schema())
    assert chart.columns and chart.rows
    assert all(len(row) == len(chart.columns) for row in chart.rows)
    assert chart.payload["formatLocale"] == {
        "decimal": ",",
        "thousands": ".",
        "grouping": [3],
        "currency": ["Rp", ""],
    }


def test_the_table_alternative_holds_the_numbers_in_the_locale():
    radar = built()[0]
    assert radar.columns == ["Dimensi", "Kota Jambi", "Median nasional"]
    assert radar.rows[0] == ["Smart Governance", "3,40", "2,60"]
    bars = built()[1]
    assert bars.rows[-1] == ["Smart Environment", "—", "2,70"]
    trend = built()[2]
    assert trend.rows[1] == [2022, "3,30", "3,20", "3,40", "90%"]


def test_the_radar_renders_to_svg_with_its_labels():
    svg = vl_convert.vegalite_to_svg(built()[0].spec, vl_version=staticfiles.VEGA_LITE_VERSION)
    assert svg.count("<path") > 10
    for axis in AXES:
        assert axis in svg


@pytest.mark.parametrize("chart", built(), ids=lambda chart: chart.id)
def test_channels_of_the_same_field_share_one_legend(chart):
    """Vega-Lite merges the legends of channels that encode the same field; when one of them is
    disabled and the other not, the browser logs 'Conflicting legend property "disable"' (the
    trend did on every profile). Every such pair declares the same legend."""
    spec = chart.spec
    for view in [spec, *spec.get("layer", [])]:
        legends: dict[str, list] = {}
        for channel in ("color", "fill", "stroke", "strokeDash", "shape", "size", "opacity"):
            encoding = view.get("encoding", {}).get(channel)
            if encoding and "field" in encoding:
                legends.setdefault(encoding["field"], []).append(encoding.get("legend", {}))
        for field, declared in legends.items():
            assert all(legend == declared[0] for legend in declared), (chart.id, field, declared)


def test_the_bundle_is_generated_once_and_found(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    finder = staticfiles.VegaBundleFinder()
    found = finder.find(staticfiles.BUNDLE_PATH)
    assert found == str(tmp_path / "generated-static" / staticfiles.BUNDLE_PATH)
    text = (tmp_path / "generated-static" / staticfiles.BUNDLE_PATH).read_text()
    assert text == staticfiles.bundle_text()
    assert "window.vegaEmbed=" in text and "expressionInterpreter" in text
    assert finder.find("vendor/other.js") is None
    assert finder.find(staticfiles.BUNDLE_PATH, find_all=True) == [found]
    assert [path for path, _storage in finder.list([])] == [staticfiles.BUNDLE_PATH]


def exposed_labels(svg: str) -> list[str]:
    """The aria-label of every SVG element not hidden from assistive technology."""
    from xml.etree import ElementTree

    labels: list[str] = []

    def walk(element, hidden: bool) -> None:
        hidden = hidden or element.get("aria-hidden") == "true"
        if not hidden and element.get("aria-label"):
            labels.append(element.get("aria-label"))
        for child in element:
            walk(child, hidden)

    walk(ElementTree.fromstring(svg), False)  # noqa: S314 (SVG drawn by the test itself)
    return labels


def trend_in_language() -> charts.Chart:
    points = [
        {"year": 2021, "index": 3.2},
        {"year": 2022, "index": 3.3, "comparable": 3.4, "comparable_previous": 3.2, "coverage": 1},
    ]
    return charts.trend("t", points, title=_("Indeks dari tahun ke tahun"), maximum=5)


@pytest.mark.parametrize(
    ("language", "title", "description", "axis"),
    [
        ("id", "Indeks dari tahun ke tahun", "Grafik garis indeks dari siklus ke siklus.", "Tahun"),
        ("en", "Index from year to year", "Line chart of the index from cycle to cycle.", "Year"),
    ],
)
def test_a_chart_speaks_the_language_of_the_page_in_the_browser_and_the_pdf(
    language, title, description, axis
):
    with translation.override(language):
        chart = trend_in_language()
        svg = base64.b64decode(pdf.svg(chart).split(",", 1)[1]).decode()
    assert chart.spec["description"] == chart.description == description
    assert chart.spec["title"]["text"] == title
    assert chart.spec["encoding"]["x"]["title"] == axis
    assert f">{title}</text>" in svg and f">{axis}</text>" in svg
    # Vega's own English labels ("X-axis titled ...", "Title text ...") are not exposed.
    assert exposed_labels(svg) == []


@pytest.mark.parametrize("chart", built(), ids=lambda chart: chart.id)
def test_no_chart_exposes_the_labels_vega_writes_in_english(chart):
    assert chart.spec["config"]["aria"] is False
    assert chart.spec["description"] == chart.description
    if chart.id != "m":  # the map's boundaries are loaded from a URL of the site
        svg = vl_convert.vegalite_to_svg(chart.spec, vl_version=staticfiles.VEGA_LITE_VERSION)
        assert exposed_labels(svg) == []
