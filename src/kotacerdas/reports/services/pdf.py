"""HTML to PDF with WeasyPrint, and Vega-Lite charts to SVG with vl-convert."""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path
from typing import Any

import vl_convert
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML

from kotacerdas.results.charts import Chart, format_locale
from kotacerdas.results.staticfiles import VEGA_LITE_VERSION

# The font the PDFs are set in (print.css): vl-convert measures the chart's text with the same
# font WeasyPrint then draws it with, so labels are never clipped.
CHART_FONT = "DejaVu Sans"


def svg(chart: Chart) -> str:
    """The chart as an SVG data URI (text drawn in CHART_FONT; no network access)."""
    spec = {**chart.spec, "config": {**chart.spec.get("config", {}), "font": CHART_FONT}}
    markup = vl_convert.vegalite_to_svg(
        spec, vl_version=VEGA_LITE_VERSION, format_locale=format_locale()
    )
    return "data:image/svg+xml;base64," + base64.b64encode(markup.encode()).decode()


STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "reports" / "print.css"


@cache
def stylesheet() -> CSS:
    return CSS(filename=str(STYLESHEET))


def render_pdf(template: str, context: dict[str, Any], *, language: str | None = None) -> bytes:
    """Render ``template`` with ``context`` in ``language`` (by default the active one, in which
    the caller also built the context and charts) and return the PDF bytes."""
    with translation.override(language or translation.get_language()):
        html = render_to_string(template, context)
    return HTML(string=html).write_pdf(stylesheets=[stylesheet()])
