"""The screenshot of the offline workbook's preview for docs/screenshots/ (workbook-preview.png).

Run against a demo server (the demo holds a cycle of the current year open for self-assessment):

    export DATABASE_URL=sqlite:////tmp/offline-shots.sqlite3 MEDIA_ROOT=/tmp/offline-shots
    kotacerdas migrate && kotacerdas demo
    KOTACERDAS_DEMO=1 kotacerdas runserver 127.0.0.1:8616
    .venv/bin/python -m tests.e2e.workbook_screenshots http://127.0.0.1:8616

Kota Jambi's operator downloads the workbook, then (as a colleague would online) applies another
workbook that changes the first level indicator, then uploads the first workbook with three
level answers and a link changed: the preview shows two changes and one conflict.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import sync_playwright

from tests.e2e.assessor_screenshots import OUT, _shoot, sign_in
from tests.e2e.browser import launch


def level_rows(data: bytes, count: int) -> list[int]:
    sheet = load_workbook(io.BytesIO(data))["GOV"]
    rows = [
        row for row in range(2, sheet.max_row + 1) if str(sheet[f"E{row}"].value).startswith("0:")
    ]
    return rows[:count]


def edited(data: bytes, levels: dict[int, int], link_row: int | None = None) -> bytes:
    book = load_workbook(io.BytesIO(data))
    sheet = book["GOV"]
    for row, value in levels.items():
        sheet[f"G{row}"] = value
        sheet[f"I{row}"] = "[Data sintetis] Diisi oleh Bagian Organisasi, dikumpulkan Diskominfo."
    if link_row:
        sheet[f"J{link_row}"] = "https://jambikota.go.id/sk-tim-smart-city"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(page, base: str, form_url: str, data: bytes) -> None:
    page.goto(base + form_url + "lembar-kerja/")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lembar-kerja.xlsx"
        path.write_bytes(data)
        page.set_input_files("input[name=file]", str(path))
        page.click("main form button[type=submit]")
        page.wait_for_load_state()


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        operator = sign_in(browser, base, "operator.jambi")
        operator.goto(f"{base}/evaluasi/penilaian/")
        form_url = operator.locator("table a").first.get_attribute("href")
        operator.goto(base + form_url)
        href = operator.locator("[data-testid=workbook-download]").first.get_attribute("href")
        downloaded = operator.request.get(base + href).body()
        first, second, third = level_rows(downloaded, 3)
        # Online, after the download: the first level answer changes.
        upload(operator, base, form_url, edited(downloaded, {first: 1}))
        operator.click("main form button[type=submit]")
        operator.wait_for_load_state()
        # The workbook filled offline: three level answers and a link.
        upload(operator, base, form_url, edited(downloaded, {first: 4, second: 3, third: 2}, third))
        operator.wait_for_selector("[data-testid=workbook-conflicts]")
        _shoot(operator, "workbook-preview.png")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8616")
