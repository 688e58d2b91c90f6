"""End to end in headless Chromium: an assessor scores in the workspace; each autosave swaps in
the new version and the progress without a reload, and the same score changed meanwhile in a
second tab is refused there with a way to reload, so that nothing is silently overwritten."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from kotacerdas.evaluations.models import CycleState, Score
from tests.conftest import PASSWORD
from tests.factories import assign, enrol, make_cycle

from .browser import launch, sign_in, watch


def new_tab(browser, base: str, username: str):
    return sign_in(browser.new_page(locale="id-ID"), base, username, PASSWORD)


@pytest.mark.e2e
def test_scores_autosave_and_a_second_tab_cannot_overwrite(
    live_server, transactional_db, jambi, assessor
):
    cycle = make_cycle(state=CycleState.REVIEW)
    enrol(cycle, jambi)
    assign(cycle, jambi, assessor)
    indicator = cycle.instrument.indicators.get(code="GOV.SVC.01")
    url = live_server.url + reverse("evaluations:assessor_workspace", args=[cycle.year, "15.71"])
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        first = new_tab(browser, live_server.url, assessor.username)
        watch(first, problems)
        first.goto(url)
        # A second tab of the same assessor, loaded before anything is saved.
        second = new_tab(browser, live_server.url, assessor.username)
        second.goto(url)

        expect(first.get_by_test_id("progress-total")).to_have_text("0/4")
        row = first.get_by_test_id("indicator-GOV.SVC.01")
        row.locator("input[name=value][value='3']").check()
        expect(row.locator(f"#score-status-{indicator.pk}")).to_contain_text("tersimpan")
        expect(first.get_by_test_id("progress-total")).to_have_text("1/4")
        expect(first.locator(f"#score-version-{indicator.pk}")).to_have_value("1")
        row.get_by_label("Catatan").fill("MPP melayani 12 instansi.")
        row.get_by_label("Catatan").blur()
        expect(first.locator(f"#score-version-{indicator.pk}")).to_have_value("2")

        # The stale tab's change is refused with who changed it, and a link to reload.
        other = second.get_by_test_id("indicator-GOV.SVC.01")
        other.locator("input[name=value][value='1']").check()
        refusal = other.locator(".autosave-error")
        expect(refusal).to_contain_text("Nilai indikator GOV.SVC.01 sudah diubah pada")
        expect(refusal).to_contain_text("isian Anda tidak disimpan")
        expect(refusal.get_by_role("link", name="Muat ulang")).to_be_visible()
        browser.close()
    # Only the failed save's own 409 reached the console.
    assert [item for item in problems if "409" not in item] == []
    score = Score.objects.get(indicator=indicator)
    assert (score.value, score.version, score.note) == (3, 2, "MPP melayani 12 instansi.")
