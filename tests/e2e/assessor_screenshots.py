"""Screenshots of the assessor workspace and the moderation queue for docs/screenshots/.

Run against a demo server that has the demo data plus a cycle in moderation:

    export DATABASE_URL=sqlite:////tmp/assessor-shots.sqlite3 MEDIA_ROOT=/tmp/assessor-shots
    kotacerdas migrate && kotacerdas demo
    kotacerdas shell -c "from kotacerdas.evaluations.demo import build_demo_cycle; \\
        build_demo_cycle(2024, state='moderation', regions=['15.71', '32.73', '35.78', \\
        '33.74', '73.71', '51.71'], seed=2024)"
    KOTACERDAS_DEMO=1 kotacerdas runserver 127.0.0.1:8614
    .venv/bin/python -m tests.e2e.assessor_screenshots http://127.0.0.1:8614

It signs in as ``asesor1`` for Kota Jambi's workspace (the demo's cycle in review, 2023) and as
``admin`` for the moderation queue of the 2024 cycle (synthetic data).

The demo publishes 2018–2022, so the cycle in moderation is a year of its own.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.e2e.browser import launch
from tests.e2e.browser import sign_in as browser_sign_in

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
REVIEW_YEAR = 2023  # the demo's cycle in review
MODERATION_YEAR = 2024  # built by the command in the docstring


def sign_in(browser, base: str, username: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="id-ID")
    return browser_sign_in(page, base, username, "demo")


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        assessor = sign_in(browser, base, "asesor1")
        assessor.goto(f"{base}/evaluasi/asesor/{REVIEW_YEAR}/15.71/?dimensi=GOV")
        assessor.wait_for_selector("[data-testid='indicator-GOV.SVC.01']")
        # Change a note to show the htmx autosave status next to the indicator.
        note = assessor.locator("[data-testid='indicator-GOV.SVC.01'] textarea[name=note]")
        for text in ("", "[Data sintetis] MPP sudah melayani layanan pusat, daerah dan BUMN."):
            note.fill(text)
            note.blur()
            assessor.wait_for_load_state("networkidle")
        assessor.wait_for_selector("[data-testid='indicator-GOV.SVC.01'] .autosave-ok")
        _shoot(assessor, "assessor-workspace.png")

        admin = sign_in(browser, base, "admin")
        admin.goto(f"{base}/evaluasi/moderasi/{MODERATION_YEAR}/")
        admin.wait_for_selector("[data-testid=queue-total]")
        _shoot(admin, "moderation-queue.png")
        browser.close()


def _shoot(page, name: str, height: int = 2000) -> None:
    """The top of the page, full width and at most ``height`` pixels (the whole page would make
    an unreadable image)."""
    page.evaluate("window.scrollTo(0, 0)")
    full = page.evaluate("document.documentElement.scrollHeight")
    clip = {"x": 0, "y": 0, "width": 1400, "height": min(full, height)}
    page.screenshot(path=OUT / name, full_page=True, clip=clip)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8614")
