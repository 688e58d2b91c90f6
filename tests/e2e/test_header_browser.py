"""End to end in headless Chromium: the header's row of pages at a common laptop width."""

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.conftest import PASSWORD

from .browser import launch, watch


def _rows(page) -> dict:
    """How many rows the header's pages take, and how many pages there are."""
    return page.evaluate(
        """() => {
            const items = [...document.querySelectorAll('header .nav-main li')];
            const tops = new Set(items.map(li => Math.round(li.getBoundingClientRect().top)));
            return {items: items.length, rows: tops.size};
        }"""
    )


@pytest.mark.e2e
@pytest.mark.parametrize("language", ["id", "en"])
def test_the_admins_pages_fit_on_one_row_at_1280_px(live_server, admin_user, language):
    problems: list[str] = []
    # Signing in switches to the account's saved language (docs/decisions.md, "Pages follow
    # the saved language from sign-in"), so the admin keeps the language under test.
    admin_user.language = language
    admin_user.save(update_fields=["language"])
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        watch(page, problems)
        page.goto(f"{live_server.url}/akun/masuk/")
        page.fill("input[name=username]", admin_user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        expect(page).not_to_have_url(f"{live_server.url}/akun/masuk/")
        page.goto(f"{live_server.url}/")
        assert page.locator("html").get_attribute("lang") == language
        shape = _rows(page)
        browser.close()
    # The admin has the most pages (cycles, instruments, moderation, sessions, results
    # dashboard, appeals ...); in English their names are longest.
    assert shape["items"] >= 10, shape
    assert shape["rows"] == 1, shape
    assert not problems, problems
