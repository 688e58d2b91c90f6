"""End to end in headless Chromium: a citizen answers the survey of a region's quick wins by
clicking the labels, under the strict CSP; the honeypot stays out of sight, half an answer is refused with its
reason, the browser is remembered, and the stored rows are what was clicked."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from kotacerdas.evaluations.models import CycleState
from kotacerdas.surveys.models import SurveyResponse
from tests.factories import make_cycle
from tests.surveys.builders import make_quick_wins, open_window

from .browser import launch, watch

YEAR = 2030


@pytest.mark.e2e
def test_a_citizen_answers_two_quick_wins_and_is_remembered(live_server, transactional_db, jambi):
    cycle = make_cycle(YEAR, CycleState.REVIEW)
    mpp, sipin, library = make_quick_wins(jambi, YEAR)
    open_window(cycle)
    url = live_server.url + reverse("surveys:region", kwargs={"year": YEAR, "code": "15.71"})
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(locale="id-ID", viewport={"width": 390, "height": 844})
        watch(page, problems)
        page.goto(url)
        expect(page.locator("h1")).to_contain_text("Quick win Kota Jambi 2030")

        # The honeypot is in the form but not where a person sees or tabs to it.
        honeypot = page.locator("input[name=situs_web]")
        assert honeypot.count() == 1
        box = honeypot.bounding_box()
        assert box is None or box["x"] + box["width"] < 0

        first = page.get_by_test_id(f"programme-{mpp.code}")
        first.get_by_role("group", name="Apakah Anda mengetahui program ini?").get_by_label(
            "Ya"
        ).check()
        first.get_by_role("group", name="Apakah Anda pernah memanfaatkan").get_by_label(
            "Ya"
        ).check()
        first.get_by_label("4 · banyak").check()
        first.get_by_label("Komentar (tidak dipublikasikan)").fill("Antrean di MPP lebih pendek.")
        second = page.get_by_test_id(f"programme-{sipin.code}")
        second.get_by_role("group", name="Apakah Anda mengetahui program ini?").get_by_label(
            "Tidak"
        ).check()
        page.get_by_role("button", name="Kirim tanggapan").click()

        # Half an answer is refused with its reason, keeping what was clicked; nothing is stored.
        expect(page.get_by_role("alert").first).to_contain_text(
            "apakah Anda pernah memanfaatkan program ini?"
        )
        second = page.get_by_test_id(f"programme-{sipin.code}")
        expect(
            page.get_by_test_id(f"programme-{mpp.code}").get_by_label("4 · banyak")
        ).to_be_checked()
        second.get_by_role("group", name="Apakah Anda pernah memanfaatkan").get_by_label(
            "Tidak"
        ).check()
        page.get_by_role("button", name="Kirim tanggapan").click()

        expect(page.get_by_test_id("thanks")).to_have_text("Terima kasih atas tanggapan Anda")

        # Back on the form: the two answered programmes are named, only the third is offered.
        page.goto(url)
        expect(page.get_by_test_id("already-answered")).to_contain_text(mpp.name)
        expect(page.get_by_test_id("already-answered")).to_contain_text(sipin.name)
        expect(page.get_by_test_id(f"programme-{library.code}")).to_be_visible()
        expect(page.get_by_test_id(f"programme-{mpp.code}")).to_have_count(0)
        browser.close()

    # One row per answered programme: the refused first attempt stored nothing.
    assert SurveyResponse.objects.count() == 2
    rows = {row.programme_id: row for row in SurveyResponse.objects.all()}
    assert set(rows) == {mpp.pk, sipin.pk}
    assert (rows[mpp.pk].knows, rows[mpp.pk].used, rows[mpp.pk].rating) == (True, True, 4)
    assert rows[mpp.pk].comment == "Antrean di MPP lebih pendek."
    assert (rows[sipin.pk].knows, rows[sipin.pk].used, rows[sipin.pk].rating) == (
        False,
        False,
        None,
    )
    assert not problems, problems
