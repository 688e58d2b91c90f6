"""Screenshots of the masterplan pages for docs/screenshots/ (headless Chromium).

Run against a demo server (it must have run `kotacerdas demo`):

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 KOTACERDAS_DEMO=1 kotacerdas runserver 127.0.0.1:8613
    .venv/bin/python benchmarks/masterplan_screenshots.py http://127.0.0.1:8613

It signs in as the demo operator of Kota Jambi for the region dashboard (which then includes the
KPI attainment) and takes the national catalogue as the public sees it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        public = browser.new_page(viewport={"width": 1280, "height": 900}, locale="id-ID")
        public.goto(f"{base}/masterplan/katalog/?q=pelayanan")
        public.screenshot(path=OUT / "masterplan-catalogue.png", full_page=True)
        public.goto(f"{base}/masterplan/")
        public.screenshot(path=OUT / "masterplan-national.png", full_page=True)

        operator = browser.new_page(viewport={"width": 1280, "height": 900}, locale="id-ID")
        operator.goto(f"{base}/akun/masuk/")
        operator.fill("input[name=username]", "operator.jambi")
        operator.fill("input[name=password]", "demo")
        operator.click("main button[type=submit]")
        operator.wait_for_load_state()
        operator.goto(f"{base}/masterplan/daerah/15.71/")
        operator.click("text=2018–2022")
        operator.click("text=Dasbor")
        operator.wait_for_selector("[data-testid=programme-count]")
        operator.screenshot(path=OUT / "masterplan-region-dashboard.png", full_page=True)
        operator.go_back()
        operator.screenshot(path=OUT / "masterplan-region.png", full_page=True)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8613")
