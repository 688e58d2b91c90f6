"""Screenshots of the method pages for docs/screenshots/: the reliability report across cycles
(reliability-report.png), the demo's calibration round report (calibration-report.png), a
region's history in the register (region-history.png, Kabupaten Merauke, 91.01 until 2022),
the statistical audit of 2022 (index-audit.png) and Kota Jambi's road to the next predicate
band on its 2022 profile (next-band.png).

Run against a demo server:

    export DATABASE_URL=sqlite:////tmp/method-shots.sqlite3 MEDIA_ROOT=/tmp/method-shots
    kotacerdas migrate && kotacerdas demo
    KOTACERDAS_DEMO=1 kotacerdas runserver 127.0.0.1:8616
    .venv/bin/python -m tests.e2e.method_screenshots http://127.0.0.1:8616
"""

from __future__ import annotations

import sys

from playwright.sync_api import sync_playwright

from tests.e2e.assessor_screenshots import OUT, _shoot, sign_in
from tests.e2e.browser import launch


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        admin = sign_in(browser, base, "admin")
        admin.goto(f"{base}/hasil/kelola/keandalan/")
        admin.wait_for_selector("h1")
        _shoot(admin, "reliability-report.png")
        admin.goto(f"{base}/")
        # The open cycle (the demo's newest) holds the closed calibration round.
        admin.click("[data-testid=admin-panel] article >> text=Operasional")
        year = admin.url.rstrip("/").split("/")[-2]
        admin.goto(f"{base}/evaluasi/siklus/{year}/kalibrasi/")
        admin.click("main table a >> nth=0")
        admin.click("text=Laporan")
        admin.wait_for_selector("main table")
        _shoot(admin, "calibration-report.png")
        admin.goto(f"{base}/daerah/91.01/")  # the old code redirects to 93.01
        admin.wait_for_selector("h1")
        _shoot(admin, "region-history.png", height=1100)
        admin.goto(f"{base}/hasil/kelola/audit/?tahun=2022")
        admin.wait_for_selector("main table")
        _shoot(admin, "index-audit.png", height=1600)
        admin.goto(f"{base}/hasil/2022/daerah/15.71/")
        section = admin.locator("[data-testid=next-band]")
        section.scroll_into_view_if_needed()
        section.screenshot(path=OUT / "next-band.png")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8616")
