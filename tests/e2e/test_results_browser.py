"""End to end in headless Chromium: the public ranking, a filter, a profile with its radar drawn
under the strict CSP, and the PDF report card."""

import io
import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect, sync_playwright
from pypdf import PdfReader

from tests.results.builders import DIMENSION_NAMES, INDICES, cohort, publish_cycle

from .browser import launch, watch


@pytest.mark.e2e
def test_ranking_filter_profile_radar_and_pdf(live_server, transactional_db, tmp_path):
    cache.clear()
    cohort()
    publish_cycle(2021, {code: value - 5 for code, value in INDICES.items()})
    publish_cycle(2022, INDICES, previous={"15.71": 3.06})
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(accept_downloads=True, locale="id-ID")
        watch(page, problems)

        page.goto(f"{live_server.url}/hasil/2022/")
        expect(page.locator("h1")).to_contain_text("Peringkat Smart City 2022")
        expect(page.locator("[data-testid=result-count]")).to_have_text("5")

        # Filter by the province Jambi: htmx replaces the table.
        page.select_option("#id_province", label="Jambi")
        expect(page.locator("[data-testid=result-count]")).to_have_text("3")
        expect(page.locator("#ranking-table")).not_to_contain_text("Kota Bandung")
        assert "province=15" in page.url

        page.get_by_role("link", name="Kota Jambi").click()
        expect(page.locator("h1")).to_have_text("Kota Jambi")
        expect(page.locator("[data-testid=index]")).to_have_text("3,31")

        # The radar is drawn: an SVG with the region's polygon and the six dimension labels.
        radar = page.locator("#chart-radar")
        expect(radar).to_have_attribute("data-chart-rendered", "true", timeout=15_000)
        assert radar.locator("svg path").count() > 10
        labels = radar.locator("svg text").all_text_contents()
        for name in DIMENSION_NAMES:
            assert name in labels
        expect(page.locator("#chart-trend")).to_have_attribute("data-chart-rendered", "true")

        with page.expect_download() as download_info:
            page.locator("[data-testid=report-pdf]").click()
        download = download_info.value
        assert download.suggested_filename == "rapor-2022-15.71.pdf"
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        browser.close()
    content = target.read_bytes()
    assert content.startswith(b"%PDF-")
    text = re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    )
    assert "Kota Jambi" in text and "3,31" in text
    # No script error and no Content Security Policy violation on the way.
    assert not problems, problems


@pytest.mark.e2e
def test_the_map_draws_both_choropleths(live_server, transactional_db):
    cache.clear()
    cohort()
    publish_cycle(2022, INDICES)
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(locale="id-ID")
        watch(page, problems)
        page.goto(f"{live_server.url}/hasil/2022/peta/")
        for chart in ("#map-provinces", "#map-kabkota"):
            expect(page.locator(chart)).to_have_attribute(
                "data-chart-rendered", "true", timeout=30_000
            )
            assert page.locator(f"{chart} svg path").count() > 30
        browser.close()
    assert not problems, problems


@pytest.mark.e2e
def test_public_pages_never_scroll_sideways_on_a_phone(live_server, transactional_db):
    """At a phone's width the header's pages wrap and a wide table scrolls inside itself: the
    page is never wider than the screen."""
    cache.clear()
    cohort()
    publish_cycle(2022, INDICES)
    width = 390
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": width, "height": 844}, locale="id-ID")
        widths = {}
        for path in ("/", "/daerah/", "/hasil/2022/", "/hasil/2022/daerah/15.71/", "/masterplan/"):
            page.goto(live_server.url + path)
            expect(page.locator("h1")).to_be_visible()
            widths[path] = page.evaluate("document.documentElement.scrollWidth")
        # The ranking's table is wider than the phone: it scrolls by itself.
        page.goto(live_server.url + "/hasil/2022/")
        scroller = page.locator(".table-scroll").first
        assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")
        browser.close()
    assert widths == dict.fromkeys(widths, width)
