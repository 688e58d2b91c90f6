"""Screenshots of the citizen survey for docs/screenshots/: the public form of the live cycle
(on a phone's width, as most citizens will open it) and the survey's figures on a published
region profile.

Run against a demo server:

    export DATABASE_URL=sqlite:////tmp/shots.sqlite3 MEDIA_ROOT=/tmp/shots-media
    kotacerdas migrate && kotacerdas demo
    KOTACERDAS_DEMO=1 kotacerdas runserver 127.0.0.1:8615
    .venv/bin/python -m tests.e2e.survey_screenshots http://127.0.0.1:8615

The demo's live window (2023) is open for every region with 2023 quick wins; the script takes the
first region the survey's home page lists. The 2022 figures are on Kota Jambi's profile.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.e2e.browser import launch

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def main(base: str) -> None:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        phone = browser.new_page(viewport={"width": 412, "height": 915}, locale="id-ID")
        phone.goto(f"{base}/survei/")
        phone.locator("main a[href^='/survei/2023/']").first.click()
        phone.wait_for_load_state()
        phone.screenshot(path=OUT / "survey-form.png", full_page=False)

        desktop = browser.new_page(viewport={"width": 1280, "height": 900}, locale="id-ID")
        desktop.goto(f"{base}/hasil/2022/daerah/15.71/")
        section = desktop.get_by_test_id("survey-section")
        section.scroll_into_view_if_needed()
        section.screenshot(path=OUT / "survey-profile.png")
        browser.close()
    print("written:", OUT / "survey-form.png", OUT / "survey-profile.png")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
