"""Accessibility (WCAG 2.1 AA) of the platform's main pages, checked by axe-core in headless
Chromium: each page opened as the user who works on it, every violation of impact "serious" or
"critical" fails (docs/accessibility.md).

One world serves every page: published cycles 2021 and 2022 (the public pages), a cycle in
review (the assessor), one in moderation (the admin's queue) and an open one (the operator's
self-assessment and the admin's cycle and operations pages), and Kota Jambi's masterplan.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from kotacerdas.accounts.roles import Role
from kotacerdas.evaluations.models import CycleState, SubmissionState
from kotacerdas.evaluations.services import moderation
from kotacerdas.regions.models import Region
from tests.conftest import PASSWORD, make_user
from tests.evaluations.cycle_setup import add_pdf, answer_everything
from tests.factories import assign, enrol, make_cycle
from tests.masterplans.builders import make_masterplan, make_programme
from tests.results.builders import INDICES, cohort, publish_cycle

from .accessibility import audit, describe, describe_all, failing, keyboard
from .browser import launch, watch

REVIEW, MODERATION, OPEN = 2023, 2024, 2025


def build_world() -> dict:
    """Every page's data; returns the users and the masterplan's key."""
    cohort()
    publish_cycle(2021, {code: value - 5 for code, value in INDICES.items()})
    publish_cycle(2022, INDICES, previous={"15.71": 3.06})
    regions = {region.code: region for region in Region.objects.all()}
    jambi, bandung = regions["15.71"], regions["32.73"]
    admin = make_user("admin.a11y", Role.ADMIN)
    assessor = make_user("asesor.a11y", Role.ASSESSOR, first_name="Asesor", last_name="Satu")
    second = make_user("asesor.dua", Role.ASSESSOR, first_name="Asesor", last_name="Dua")
    operator = make_user("operator.a11y", Role.OPERATOR, region=jambi)

    # In review: the assessor scores Kota Jambi's submitted self-assessment.
    review = make_cycle(REVIEW, CycleState.REVIEW)
    for submission in enrol(review, jambi, bandung):
        answer_everything(submission, by=operator)
        submission.state = SubmissionState.SUBMITTED
        submission.save()
    assign(review, jambi, assessor, second)

    # In moderation, prepared: the admin's queue has the indicators scored apart.
    held = make_cycle(MODERATION, CycleState.MODERATION)
    for submission in enrol(held, jambi, bandung):
        answer_everything(submission, by=operator)
        submission.state = SubmissionState.SUBMITTED
        submission.save()
    for region in (jambi, bandung):
        first_panel, second_panel = assign(held, region, assessor, second)
        for indicator in held.instrument.indicators.all():
            for assignment, value in ((first_panel, 1), (second_panel, 4)):
                assignment.scores.create(indicator=indicator, value=value, note="Catatan")
    moderation.prepare(held)

    # Open: Kota Jambi drafts, Kota Bandung has not started.
    opened = make_cycle(OPEN, CycleState.OPEN)
    opened.submission_deadline = timezone.now() + timedelta(days=7)
    opened.save()
    opened.instrument.frozen_at = timezone.now()
    opened.instrument.save()
    draft, _ = enrol(opened, jambi, bandung)
    add_pdf(draft, opened.instrument.indicators.get(code="GOV.SVC.01"), operator)

    masterplan = make_masterplan(jambi)
    make_programme(
        masterplan,
        "GOV-01",
        name="Mal Pelayanan Publik",
        status="done",
        budgets={2021: (1_000_000_000, 950_000_000)},
        quick_wins=(2022,),
        kpis={"K1": {2021: (10, 12)}},
    )
    return {
        "admin": admin,
        "assessor": assessor,
        "operator": operator,
        "masterplan": masterplan.pk,
    }


def pages(world: dict) -> list[tuple[str | None, str, str]]:
    """(user or None for the public, page name, path) for every audited page."""
    return [
        (None, "home", "/"),
        (None, "region list", "/daerah/"),
        (None, "region detail", "/daerah/15.71/"),
        (None, "ranking", "/hasil/2022/"),
        (None, "region profile", "/hasil/2022/daerah/15.71/"),
        (None, "map", "/hasil/2022/peta/"),
        (None, "methodology", "/hasil/2022/metodologi/"),
        (None, "sign-in", "/akun/masuk/"),
        ("operator", "operator home", "/"),
        ("operator", "self-assessment", f"/evaluasi/penilaian/{OPEN}/15.71/?dimensi=GOV"),
        ("operator", "masterplan dashboard", f"/masterplan/{world['masterplan']}/dasbor/"),
        ("assessor", "assessor queue", "/evaluasi/asesor/"),
        ("assessor", "scoring", f"/evaluasi/asesor/{REVIEW}/15.71/?dimensi=GOV"),
        ("admin", "cycle", f"/evaluasi/siklus/{OPEN}/"),
        ("admin", "operations", f"/evaluasi/siklus/{OPEN}/operasional/"),
        ("admin", "moderation queue", f"/evaluasi/moderasi/{MODERATION}/"),
        ("admin", "results management", "/hasil/kelola/"),
        ("admin", "results of a cycle", "/hasil/kelola/2022/"),
        ("admin", "statistical audit of the index", "/hasil/kelola/audit/?tahun=2022"),
    ]


def new_page(browser):
    """A page at a laptop's width; reduced motion, so that Pico's colour transitions are over
    when axe measures contrast after the colour scheme is switched."""
    context = browser.new_context(
        locale="id-ID", viewport={"width": 1280, "height": 900}, reduced_motion="reduce"
    )
    return context.new_page()


def sign_in(browser, base: str, user):
    page = new_page(browser)
    page.goto(f"{base}/akun/masuk/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    return page


def settle(page) -> None:
    """Wait until the page's charts are drawn (vega-embed renders after load)."""
    page.wait_for_load_state("networkidle")
    for chart in page.locator("[data-chart-spec]").all():
        expect(chart).to_have_attribute("data-chart-rendered", "true", timeout=30_000)


# Pages whose controls are also walked with the keyboard (Tab from the top).
KEYBOARD = {"ranking", "sign-in", "self-assessment", "scoring", "moderation queue"}


@pytest.mark.e2e
def test_main_pages_have_no_serious_accessibility_violation(live_server, transactional_db):
    """Each page in the light and the dark colour scheme (Pico follows the system's), the
    public ranking, a profile and the methodology again in English through the header's
    language switch; some pages also with the keyboard alone."""
    cache.clear()
    world = build_world()
    problems: list[str] = []
    found: dict[str, list[dict]] = {}
    keys: dict[str, list[str]] = {}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        visitors = {None: new_page(browser)}
        for role in ("operator", "assessor", "admin"):
            visitors[role] = sign_in(browser, live_server.url, world[role])
        for page in visitors.values():
            watch(page, problems)
        for role, name, path in pages(world):
            page = visitors[role]
            response = page.goto(live_server.url + path)
            assert response.status == 200, (name, path, response.status)
            assert page.url == live_server.url + path, (name, page.url)
            settle(page)
            label = f"{name} ({role or 'public'}) {path}"
            found[label] = audit(page)
            page.emulate_media(color_scheme="dark")
            found[f"{label} [dark]"] = audit(page)
            page.emulate_media(color_scheme="light")
            if name in KEYBOARD:
                keys[label] = keyboard(page)

        # The language switch turns the public pages into English.
        public = visitors[None]
        public.goto(f"{live_server.url}/hasil/2022/")
        public.get_by_role("button", name="EN").click()
        expect(public.locator("html")).to_have_attribute("lang", "en")
        expect(public.locator("h1")).to_contain_text("Smart City Ranking 2022")
        for path in ("/hasil/2022/", "/hasil/2022/daerah/15.71/", "/hasil/2022/metodologi/"):
            public.goto(live_server.url + path)
            settle(public)
            assert public.locator("html").get_attribute("lang") == "en"
            found[f"{path} [en]"] = audit(public)
        browser.close()

    report = "\n".join(describe(name, failing(v)) for name, v in found.items() if failing(v))
    assert not report, "axe: serious or critical violations\n" + report
    keyboard_report = "\n".join(f"{name}: {p}" for name, ps in keys.items() for p in ps)
    assert not keyboard_report, "keyboard:\n" + keyboard_report
    assert not problems, problems
    # Moderate and minor findings do not fail; they are printed (pytest -rA shows them).
    print(describe_all(found))


BROKEN = """<!DOCTYPE html><html lang="id"><head><title>Uji</title>
<style>a.bare:focus { outline: none; box-shadow: none; }</style></head>
<body><main><h1>Uji</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<button></button>
<a class="bare" href="#x">tanpa cincin fokus</a>
<input type="text" tabindex="3" aria-label="nomor">
</main></body></html>"""


@pytest.mark.e2e
def test_the_checks_catch_what_they_are_meant_to_catch():
    """The audit is not blind: an image without alt text and a nameless button fail, a link
    without a focus ring and a positive tabindex are reported by the keyboard walk."""
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = new_page(browser)
        page.set_content(BROKEN)
        violations = failing(audit(page))
        walk = keyboard(page)
        browser.close()
    assert {v["id"] for v in violations} >= {"image-alt", "button-name"}
    message = describe("uji", violations)
    assert "image-alt (critical) img" in message
    assert "https://dequeuniversity.com/rules/axe/" in message
    assert any(p.startswith("no visible focus: a ") for p in walk), walk
    assert any(p.startswith("positive tabindex: <input") for p in walk), walk
