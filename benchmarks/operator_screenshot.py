"""Screenshot of the operator's self-assessment form for docs/screenshots/operator-form.png.

Builds its own throwaway installation (SQLite in a temporary folder): the regions, the demo
accounts and a synthetic cycle 2024 that is open, in which Kota Jambi has answered part of the
instrument; starts a development server, signs in as ``operator.jambi`` (password ``demo``),
changes one answer so that the htmx autosave status shows, and takes the picture.

    .venv/bin/python benchmarks/operator_screenshot.py
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.e2e.browser import launch  # noqa: E402 - after the path is set

BIN = ROOT / ".venv" / "bin"
OUT = ROOT / "docs" / "screenshots" / "operator-form.png"
SETUP = """
from datetime import timedelta
from django.utils import timezone
from kotacerdas.accounts import demo as accounts_demo
from kotacerdas.evaluations.demo import build_demo_cycle
from kotacerdas.evaluations.models import Cycle
accounts_demo.load()
build_demo_cycle(2024, state="open", regions=["15.71", "32.73", "35.78"], seed=2024,
                 not_submitted=["15.71"])
Cycle.objects.filter(year=2024).update(submission_deadline=timezone.now() + timedelta(days=14))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    var = Path(tempfile.mkdtemp(prefix="kc-operator-shot-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{var / 'db.sqlite3'}",
        "KOTACERDAS_VAR": str(var),
        "MEDIA_ROOT": str(var / "media"),
        "KOTACERDAS_DEMO": "1",
    }
    manage = [str(BIN / "kotacerdas")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "load_regions"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "shell", "-c", SETUP], env=env, check=True, cwd=ROOT)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(base)
        _shoot(base)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(var, ignore_errors=True)
    print(f"wrote {OUT}")


def _wait(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(base, timeout=10)
            return
        except requests.RequestException:
            time.sleep(0.5)
    raise SystemExit("the server did not start")


def _shoot(base: str) -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="id-ID")
        page.goto(f"{base}/akun/masuk/")
        page.fill("input[name=username]", "operator.jambi")
        page.fill("input[name=password]", "demo")
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        page.goto(f"{base}/evaluasi/penilaian/2024/15.71/")
        first = page.locator("article.indicator").first
        first.locator("input[name=value]").nth(3).check()
        first.locator(".autosave-ok").wait_for()
        page.evaluate("window.scrollTo(0, 0)")
        full = page.evaluate("document.documentElement.scrollHeight")
        page.screenshot(
            path=OUT,
            full_page=True,
            clip={"x": 0, "y": 0, "width": 1400, "height": min(full, 2200)},
        )
        browser.close()


if __name__ == "__main__":
    main()
