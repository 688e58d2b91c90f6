"""The screenshot of a cycle's operations view for docs/screenshots/ (cycle-operations.png).

Run against a demo server (the demo holds a cycle of the current year open for self-assessment):

    export DATABASE_URL=sqlite:////tmp/operations-shots.sqlite3 MEDIA_ROOT=/tmp/operations-shots
    kotacerdas migrate && kotacerdas demo
    KOTACERDAS_DEMO=1 kotacerdas runserver 127.0.0.1:8615
    .venv/bin/python -m tests.e2e.operations_screenshots http://127.0.0.1:8615
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
        admin.goto(f"{base}/")
        # The open cycle is the first on the admin's home page (newest first).
        admin.click("[data-testid=admin-panel] article >> text=Operasional")
        admin.wait_for_selector("[data-testid=provinces]")
        _shoot(admin, "cycle-operations.png")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8615")
