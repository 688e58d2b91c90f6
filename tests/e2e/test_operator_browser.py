"""End to end in headless Chromium: an operator fills in the self-assessment and every
autosave keeps the page current without a reload — the new version, the dimension's progress,
and the list of what is still missing (its count and its dimension's items) — under the strict
CSP, with no script error."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from kotacerdas.evaluations.models import Answer
from tests.conftest import PASSWORD
from tests.evaluations.cycle_setup import add_pdf, open_cycle, submission_of

from .browser import launch, sign_in, watch


@pytest.mark.e2e
def test_autosave_keeps_progress_and_gaps_current(live_server, transactional_db, jambi, operator):
    cycle = open_cycle(jambi)
    submission = submission_of(cycle, jambi)
    indicators = dict(cycle.instrument.indicators.values_list("code", "pk"))
    add_pdf(submission, cycle.instrument.indicators.get(code="GOV.SVC.01"), by=operator)
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(locale="id-ID")
        watch(page, problems)
        sign_in(page, live_server.url, operator.username, PASSWORD)
        page.goto(live_server.url + reverse("evaluations:submission_form", args=[2022, "15.71"]))

        gaps = page.get_by_test_id("gaps")
        expect(gaps.locator("summary")).to_have_text("Masih 4 hal belum lengkap.")
        gaps.locator("summary").click()  # open: the items must stay visible while swapped
        expect(gaps.get_by_role("link")).to_have_count(4)

        first = page.get_by_test_id("indicator-GOV.SVC.01")
        first.locator("input[name=value][value='3']").check()
        expect(first.locator(".autosave-status")).to_contain_text("tersimpan")
        expect(page.get_by_test_id("progress-GOV")).to_have_text("1/2 · DD 1/1")
        expect(gaps.locator("summary")).to_have_text("Masih 3 hal belum lengkap.")
        expect(gaps.get_by_role("link")).to_have_count(3)
        expect(gaps.get_by_role("link", name="GOV.SVC.01", exact=False)).to_have_count(0)
        assert gaps.evaluate("element => element.open")

        # A second change of the same answer carries the swapped-in version: not stale.
        first.get_by_label("Penjelasan").fill("Mal Pelayanan Publik sejak 2020.")
        first.get_by_label("Penjelasan").blur()
        expect(first.locator(".autosave-status")).to_contain_text("tersimpan")
        expect(page.locator(f"#version-{indicators['GOV.SVC.01']}")).to_have_value("2")

        # A gap's link leads to its indicator on the page.
        gaps.get_by_role("link", name="ENV.WAS.02", exact=False).click()
        expect(page).to_have_url(page.url.split("#")[0] + f"#ind-{indicators['ENV.WAS.02']}")
        browser.close()
    assert problems == []
    # (The ORM is not called inside Playwright's block: it runs an event loop.)
    answer = Answer.objects.get(submission=submission, indicator_id=indicators["GOV.SVC.01"])
    assert answer.version == 2 and answer.justification == "Mal Pelayanan Publik sejak 2020."
