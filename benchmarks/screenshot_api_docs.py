"""Screenshots of the API documentation page and the two-factor set-up, and the CSP violations
and other console errors the browser reports on them.

Run against a running server that has an assessor ``asesor.shot`` with password ``rahasia-shot``
and no authenticator yet (not in demo mode):
    python benchmarks/screenshot_api_docs.py http://127.0.0.1:8747
Writes docs/screenshots/api-docs.png and two-factor-setup.png (the token page is not shot: it
needs a second factor confirmed first) and prints every console error (none expected).
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def main(base_url: str) -> int:
    target = Path(__file__).resolve().parents[1] / "docs" / "screenshots" / "api-docs.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on(
            "response",
            lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.goto(f"{base_url}/api/v1/docs/")
        page.wait_for_selector(".opblock-tag", timeout=15000)
        tags = page.locator(".opblock-tag").count()
        page.screenshot(path=str(target), full_page=False)
        page.goto(f"{base_url}/akun/masuk/")
        page.fill("input[name=username]", "asesor.shot")
        page.fill("input[name=password]", "rahasia-shot")
        page.click("article button[type=submit]")
        page.wait_for_url("**/akun/dua-langkah/")
        page.screenshot(path=str(target.with_name("two-factor-setup.png")), full_page=True)
        browser.close()
    print(f"operation groups shown: {tags}")
    # The browser asks for /favicon.ico on pages without an icon link; the site has none (404).
    errors = [e for e in errors if not e.startswith("Failed to load resource")]
    for error in errors:
        print("console error:", error)
    return 1 if errors or tags == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"))
