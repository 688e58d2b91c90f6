"""Screenshots of the results pages and of two report card pages, for docs/screenshots/.

Run against a demo server (the demo's admin signs in without a second factor):

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/kotacerdas migrate
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/kotacerdas demo
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 KOTACERDAS_DEMO=1 .venv/bin/kotacerdas runserver 127.0.0.1:8791
    .venv/bin/python benchmarks/results_screenshots.py --url http://127.0.0.1:8791 --year 2022

The PDF pages are shown by Chromium's own PDF viewer (no rasteriser needed).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.browser import launch  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def rendered(page, selector: str) -> None:
    page.wait_for_selector(f'{selector}[data-chart-rendered="true"]', timeout=60_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8791")
    parser.add_argument("--year", type=int, default=2022)
    parser.add_argument("--region", default="15.71")
    parser.add_argument("--password", default="demo")
    args = parser.parse_args()
    base, year, region = args.url.rstrip("/"), args.year, args.region
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(
            locale="id-ID", viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        page = context.new_page()

        page.set_viewport_size({"width": 1280, "height": 1700})
        page.goto(f"{base}/hasil/{year}/")
        page.screenshot(path=OUT / "ranking.png")
        page.set_viewport_size({"width": 1280, "height": 1300})

        page.goto(f"{base}/hasil/{year}/daerah/{region}/")
        rendered(page, "#chart-radar")
        rendered(page, "#chart-dimensions")
        page.screenshot(path=OUT / "profile.png", full_page=False)

        page.goto(f"{base}/hasil/{year}/peta/")
        rendered(page, "#map-kabkota")
        rendered(page, "#map-provinces")
        page.screenshot(path=OUT / "map.png", full_page=True)

        page.goto(f"{base}/akun/masuk/")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", args.password)
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state()
        page.set_viewport_size({"width": 1280, "height": 2000})
        page.goto(f"{base}/hasil/kelola/{year + 1}/")
        rendered(page, "#chart-agreement")
        page.screenshot(path=OUT / "admin-dashboard.png")

        with page.expect_download() as download:
            page.goto(f"{base}/hasil/{year}/daerah/{region}/")
            page.locator("[data-testid=report-pdf]").click()
        with tempfile.TemporaryDirectory() as folder:
            pdf = Path(folder) / "rapor.pdf"
            download.value.save_as(pdf)
            for number in (1, 2):
                viewer = context.new_page()
                viewer.set_viewport_size({"width": 900, "height": 1250})
                viewer.goto(f"file://{pdf}#toolbar=0&navpanes=0&page={number}&view=FitH")
                viewer.wait_for_timeout(3000)
                viewer.screenshot(path=OUT / f"report-page-{number}.png")
                viewer.close()
        browser.close()
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main()
