"""Accessibility (WCAG 2.1 AA) of the platform's main pages, checked by axe-core in headless
Chromium: each page opened as the user who works on it, every violation of impact "serious" or
"critical" fails (docs/accessibility.md).

One world serves every page: published cycles 2021 and 2022 (the public pages), a cycle in
review (the assessor), one in moderation (the admin's queue) and an open one (the operator's
self-assessment, its offline workbook's upload and preview, and the admin's cycle and
operations pages), Kota Jambi's masterplan, and Kota Bandung's, whose programmes fill the
public catalogue's first page.
"""

from __future__ import annotations

import io
import re
from base64 import b32decode
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django_otp.oath import totp
from openpyxl import load_workbook
from playwright.sync_api import expect, sync_playwright

from kotacerdas.accounts import twofactor
from kotacerdas.accounts.roles import Role
from kotacerdas.api import tokens
from kotacerdas.api.models import TokenScope
from kotacerdas.appeals.choices import ItemCategory
from kotacerdas.appeals.models import AppealWindow
from kotacerdas.appeals.services import filing
from kotacerdas.core.choices import EmailState
from kotacerdas.core.models import OutgoingEmail
from kotacerdas.evaluations.models import Cycle, CycleState, SubmissionState
from kotacerdas.evaluations.services import (
    answers,
    calibration,
    moderation,
    sessions,
    workbook_import,
)
from kotacerdas.instruments.models import Crosswalk
from kotacerdas.instruments.services.editing import copy_instrument
from kotacerdas.masterplans.models import Programme
from kotacerdas.masterplans.services import editing as masterplan_editing
from kotacerdas.masterplans.services import evidence as masterplan_evidence
from kotacerdas.masterplans.services import xlsx as masterplan_xlsx
from kotacerdas.masterplans.views.public import CATALOGUE_PAGE_SIZE
from kotacerdas.regions.models import Region
from kotacerdas.results.models import RegionResult
from kotacerdas.results.services.compute import compute_results
from tests.conftest import PASSWORD, make_user
from tests.evaluations.cycle_setup import add_pdf, answer_everything
from tests.evaluations.test_workbook import ANSWER, JUSTIFICATION, download, fill, upload
from tests.factories import assign, enrol, make_cycle
from tests.masterplans.builders import make_masterplan, make_programme
from tests.results.builders import INDICES, cohort, make_evaluated_cycle, publish_cycle
from tests.surveys.builders import add_responses, make_quick_wins
from tests.surveys.builders import open_window as open_survey_window

from .accessibility import audit, describe, describe_all, failing, keyboard
from .browser import launch, watch
from .browser import sign_in as browser_sign_in

REVIEW, MODERATION, OPEN = 2023, 2024, 2025
FINAL = 2026  # the right of reply: the window is open, appeals are filed


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
    workbook_token = stash_workbook(draft, operator)

    masterplan = make_masterplan(jambi)
    programme = make_programme(
        masterplan,
        "GOV-01",
        name="Mal Pelayanan Publik",
        status="done",
        # Published: the public masterplan pages (national, catalogue, region) show it.
        published=True,
        budgets={2021: (1_000_000_000, 950_000_000)},
        quick_wins=(2022,),
        kpis={"K1": {2021: (10, 12)}},
    )
    world = {
        "admin": admin,
        "assessor": assessor,
        "operator": operator,
        "masterplan": masterplan.pk,
        "programme": programme.pk,
        "kpi": programme.kpis.get().pk,
        "workbook_token": workbook_token,
    }
    world.update(build_workflows(admin, assessor, second, operator, review, opened))
    build_rest(masterplan, operator)
    build_catalogue(bandung)
    return world


def build_rest(masterplan, operator) -> None:
    """The data of the pages added to the audit later in December 2026: a document and a
    change in the masterplan's history, and the "next band" section of the 2022 results in its
    two sentence states (Kota Bandung already in the top band, Kota Jambi unable to reach the
    next band), stored as the results computation stores it (``RegionResult.next_band``)."""
    masterplan_editing.update_masterplan(
        masterplan,
        data={"summary": "Enam dimensi, tiga puluh program."},
        version=masterplan.version,
        by=operator,
    )
    masterplan_evidence.add(
        masterplan,
        url="https://jambikota.go.id/masterplan-smart-city.pdf",
        description="Perwal masterplan",
        by=operator,
    )
    results = RegionResult.objects.filter(snapshot__cycle__year=2022).select_related("snapshot")
    top = results.get(region__code="32.73")
    top.next_band = {"predicate": top.predicate, "band": None, "index": top.display}
    top.save()
    far = results.get(region__code="15.71")
    # The display scale is 0–5, as the bands' minimums.
    bands = sorted(far.snapshot.config["predicate_bands"], key=lambda band: band["min"])
    above = next(band for band in bands if band["min"] > far.display)
    far.next_band = {
        "predicate": far.predicate,
        "band": above["label"],
        "index": far.display,
        "target": above["min"],
        "gap": round(above["min"] - far.display, 2),
        "reachable": False,
        "best": round(far.display + 0.1, 2),
        "steps": [],
    }
    far.save()


def build_catalogue(region) -> None:
    """The public catalogue on more than one page: a masterplan of ``region`` with a page's
    worth of published programmes (written at once; no page of theirs is audited)."""
    masterplan = make_masterplan(region, 2021, 2025)
    Programme.objects.bulk_create(
        Programme(
            masterplan=masterplan,
            code=f"SOC-{number:02d}",
            name=f"Kelas literasi digital {number}",
            dimension="SOC",
            element="SOC.LEA",
            kind="ict_hr",
            agency="Dinas Pendidikan",
            start_year=2021,
            end_year=2025,
            status="planned",
            published=True,
        )
        for number in range(1, CATALOGUE_PAGE_SIZE + 1)
    )


def build_workflows(admin, assessor, second, operator, review, opened) -> dict:
    """The data of the pages audited since December 2026: appeals (a draft and a submitted
    one in a final cycle), the survey, an instrument copy with its crosswalk, a virtual
    session, calibration rounds (one open, one closed), the outbox and an API token."""
    regions = {region.code: region for region in Region.objects.all()}
    jambi, bandung = regions["15.71"], regions["32.73"]

    # Final, the window open: Kota Jambi drafts an appeal, Kota Bandung has submitted one.
    final = make_evaluated_cycle(FINAL)
    compute_results(final, samples=20)
    AppealWindow.objects.create(
        cycle=final, deadline=timezone.now() + timedelta(days=7), opened_by=admin
    )
    indicator = final.instrument.indicators.get(code="GOV.01")
    filing.save_item(
        final, jambi, indicator, reason="SK Dewan Smart City 2022 belum dinilai.", by=operator
    )
    bandung_operator = make_user("operator.bandung", Role.OPERATOR, region=bandung)
    item = filing.save_item(
        final,
        bandung,
        indicator,
        reason="Perwali satu data terbit sebelum batas waktu.",
        category=ItemCategory.NEW_EVIDENCE,
        by=bandung_operator,
    )
    filing.add_link(item, "https://bandung.go.id/perwali", by=bandung_operator)
    filing.submit(item.appeal, by=bandung_operator)

    # The citizen survey of Kota Jambi's quick wins (cycle in review), with enough answers.
    window = open_survey_window(review)
    quick_wins = make_quick_wins(jambi, REVIEW)
    rows = [(True, True, 4), (True, False, None), (False, False, None)] * 4
    for programme in quick_wins:
        add_responses(window, programme, rows, comment="Antrean lebih pendek.")

    # A draft copy of the open cycle's instrument, with its crosswalk.
    copy = copy_instrument(opened.instrument, code="test-2026", name="Instrumen uji 2026")
    crosswalk = Crosswalk.objects.get(source=opened.instrument, target=copy)

    # Kota Jambi's virtual session with its two assessors.
    sessions.schedule(
        review,
        jambi,
        starts_at=timezone.now() + timedelta(days=3),
        duration_minutes=90,
        meeting_url="https://zoom.us/j/123456789",
        assessors=[assessor, second],
        by=admin,
    )

    # Calibration in the open cycle: a round closed with scores (its report), one open.
    level = opened.instrument.indicators.get(code="GOV.SVC.01")
    rounds = []
    for title in ("Kalibrasi A", "Kalibrasi B"):
        made = calibration.create_round(opened, title, by=admin)
        for gold in (1, 3, 5):
            calibration.add_case(
                made,
                level,
                f"Situasi kasus acuan tingkat {gold}",
                gold_level=gold,
                rationale="MPP melayani tetapi belum terintegrasi",
                by=admin,
            )
        calibration.open_round(made, by=admin)
        rounds.append(made)
    closed, taken = rounds
    for who, levels in ((assessor, (1, 4, 5)), (second, (0, 1, 3))):
        for case, value in zip(closed.cases.order_by("order"), levels, strict=True):
            calibration.score(case, level=value, by=who)
    calibration.close_round(closed, by=admin)
    calibration.score(taken.cases.order_by("order").first(), level=2, by=assessor)

    # The outbox: one email failed, one waiting.
    failed = OutgoingEmail.objects.create(
        kind="appeals.submitted",
        from_email="noreply@kotacerdas.example",
        recipients=["admin@kemkominfo.example"],
        subject="Sanggahan Kota Bandung diajukan",
        body="Sanggahan Kota Bandung menunggu putusan.",
        state=EmailState.FAILED,
        attempts=5,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    OutgoingEmail.objects.create(
        kind="sessions.scheduled",
        from_email="noreply@kotacerdas.example",
        recipients=["diskominfo@jambikota.example"],
        subject="Sesi virtual Kota Jambi",
        body="Sesi virtual dijadwalkan.",
        next_attempt_at=timezone.now() + timedelta(minutes=5),
    )
    tokens.issue_token(operator, name="Dasbor Diskominfo", scope=TokenScope.READ)

    # An operator with an authenticator app: signing in asks for its code.
    careful = make_user("operator.otp", Role.OPERATOR, region=bandung)
    device = twofactor.start_enrolment(careful)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    recovery_codes = twofactor.confirm_enrolment(careful, device, f"{code:06d}")
    return {
        "instrument": opened.instrument.code,
        "copy": copy.code,
        "crosswalk": crosswalk.pk,
        "closed round": closed.pk,
        "open round": taken.pk,
        "email": failed.pk,
        "two-factor user": careful,
        "recovery code": recovery_codes[0],
    }


def stash_workbook(submission, operator) -> str:
    """The operator's offline workbook uploaded and waiting for its preview: one change, and
    one conflict (an answer saved online after the download)."""
    data = download(submission, operator)
    answers.save_answer(
        submission,
        submission.cycle.instrument.indicators.get(code="GOV.SVC.01"),
        value=Decimal(2),
        version=0,
        by=operator,
    )
    filled = fill(
        data, {"GOV.SVC.01": {ANSWER: 4}, "ENV.WAS.01": {ANSWER: 55, JUSTIFICATION: "DLH"}}
    )
    return workbook_import.stash(submission, upload(filled), by=operator)


def in_thread(work):
    """Run ``work`` (a database write) in its own thread, where Django allows it, and close
    that thread's connection."""

    def run():
        try:
            return work()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


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
        ("operator", "self-assessment", f"/evaluasi/penilaian/{OPEN}/15.71/"),
        (
            "operator",
            "self-assessment, one dimension's gaps",
            f"/evaluasi/penilaian/{OPEN}/15.71/?dimensi=GOV&tampil=belum",
        ),
        ("operator", "workbook upload", f"/evaluasi/penilaian/{OPEN}/15.71/lembar-kerja/"),
        (
            "operator",
            "workbook preview",
            f"/evaluasi/penilaian/{OPEN}/15.71/lembar-kerja/{world['workbook_token']}/",
        ),
        ("operator", "masterplan dashboard", f"/masterplan/{world['masterplan']}/dasbor/"),
        ("assessor", "assessor queue", "/evaluasi/asesor/"),
        ("assessor", "scoring", f"/evaluasi/asesor/{REVIEW}/15.71/?dimensi=GOV"),
        (
            "assessor",
            "scoring, only what is left",
            f"/evaluasi/asesor/{REVIEW}/15.71/?dimensi=ENV&tampil=belum",
        ),
        ("admin", "cycle", f"/evaluasi/siklus/{OPEN}/"),
        ("admin", "operations", f"/evaluasi/siklus/{OPEN}/operasional/"),
        ("admin", "moderation queue", f"/evaluasi/moderasi/{MODERATION}/"),
        ("admin", "results management", "/hasil/kelola/"),
        ("admin", "results of a cycle", "/hasil/kelola/2022/"),
        # --- Added December 2026: appeals, survey, instruments, sessions, moderation of a
        # region, calibration, masterplan forms, account pages, outbox. ---
        ("operator", "appeals (operator)", "/sanggahan/"),
        ("operator", "appeal form", f"/sanggahan/{FINAL}/15.71/"),
        ("admin", "appeals (admin)", "/sanggahan/"),
        ("admin", "appeal register", f"/sanggahan/{FINAL}/"),
        ("admin", "appeal decision", f"/sanggahan/{FINAL}/32.73/"),
        (None, "survey list", "/survei/"),
        (None, "survey form", f"/survei/{REVIEW}/15.71/"),
        ("operator", "survey results", f"/survei/{REVIEW}/15.71/hasil/"),
        ("admin", "instrument list", "/instrumen/"),
        ("admin", "instrument detail", f"/instrumen/{world['instrument']}/"),
        ("admin", "instrument draft", f"/instrumen/{world['copy']}/"),
        ("admin", "instrument copy", f"/instrumen/{world['instrument']}/salin/"),
        ("admin", "instrument import", "/instrumen/impor/"),
        ("admin", "crosswalk start", "/instrumen/crosswalk/"),
        ("admin", "crosswalk", f"/instrumen/crosswalk/{world['crosswalk']}/"),
        ("operator", "sessions (operator)", "/evaluasi/sesi/"),
        ("assessor", "sessions (assessor)", "/evaluasi/sesi/"),
        ("admin", "sessions (admin)", "/evaluasi/sesi/"),
        ("admin", "session schedule", f"/evaluasi/sesi/{REVIEW}/15.71/jadwal/"),
        ("admin", "moderation home", "/evaluasi/moderasi/"),
        ("admin", "moderation of a region", f"/evaluasi/moderasi/{MODERATION}/15.71/"),
        ("admin", "feedback", f"/evaluasi/moderasi/{MODERATION}/15.71/umpan-balik/"),
        ("admin", "calibration rounds", f"/evaluasi/siklus/{OPEN}/kalibrasi/"),
        (
            "admin",
            "calibration round",
            f"/evaluasi/siklus/{OPEN}/kalibrasi/{world['open round']}/",
        ),
        (
            "admin",
            "calibration report",
            f"/evaluasi/siklus/{OPEN}/kalibrasi/{world['closed round']}/laporan/",
        ),
        (
            "assessor",
            "calibration (assessor)",
            f"/evaluasi/asesor/kalibrasi/{world['open round']}/",
        ),
        ("operator", "masterplan edit", f"/masterplan/{world['masterplan']}/ubah/"),
        ("operator", "programme new", f"/masterplan/{world['masterplan']}/program/baru/"),
        ("operator", "programme edit", f"/masterplan/program/{world['programme']}/ubah/"),
        ("operator", "budgets", f"/masterplan/program/{world['programme']}/anggaran/"),
        ("operator", "kpi edit", f"/masterplan/iku/{world['kpi']}/"),
        ("operator", "profile", "/akun/profil/"),
        ("operator", "password change", "/akun/kata-sandi/"),
        ("operator", "two-factor setup", "/akun/dua-langkah/"),
        ("operator", "API tokens", "/akun/token-api/"),
        ("admin", "outbox", "/surel/"),
        ("admin", "outbox email", f"/surel/{world['email']}/"),
        # --- End of the December 2026 block. ---
        ("admin", "statistical audit of the index", "/hasil/kelola/audit/?tahun=2022"),
        # --- Added later in December 2026: the masterplan's documents, import and history,
        # the results' "next band" sentences, the survey's thank-you, the cycle's settings and
        # history, and small pages of the operator. ---
        ("operator", "masterplan documents", f"/masterplan/{world['masterplan']}/"),
        ("operator", "masterplan import", "/masterplan/daerah/15.71/impor/"),
        ("operator", "masterplan history", f"/masterplan/{world['masterplan']}/riwayat/"),
        ("operator", "programme", f"/masterplan/program/{world['programme']}/"),
        ("operator", "programme history", f"/masterplan/program/{world['programme']}/riwayat/"),
        ("operator", "my results", "/hasil/daerah-saya/"),
        (None, "region profile (top band)", "/hasil/2022/daerah/32.73/"),
        (None, "survey thank-you", f"/survei/{REVIEW}/15.71/terima-kasih/"),
        ("operator", "password changed", "/akun/kata-sandi/selesai/"),
        (
            "operator",
            "indicator history",
            f"/evaluasi/penilaian/{OPEN}/15.71/riwayat/GOV.SVC.01/",
        ),
        ("admin", "cycle settings", f"/evaluasi/siklus/{OPEN}/pengaturan/"),
        ("admin", "cycle history", f"/evaluasi/siklus/{OPEN}/riwayat/"),
        ("admin", "cycle settings (final)", f"/evaluasi/siklus/{FINAL}/pengaturan/"),
        # --- Added later still in December 2026: the public masterplan pages. ---
        (None, "masterplan national", "/masterplan/"),
        (None, "masterplan catalogue", "/masterplan/katalog/?q=mal+pelayanan"),
        (None, "masterplan region", "/masterplan/daerah/15.71/"),
        (None, "masterplan (public)", f"/masterplan/{world['masterplan']}/"),
        (None, "masterplan dashboard (public)", f"/masterplan/{world['masterplan']}/dasbor/"),
        (None, "programme (public)", f"/masterplan/program/{world['programme']}/"),
        # --- The latest, December 2026: the masterplan import refusing a file row by row, and
        # the catalogue with no hit and on more than one page. ---
        ("operator", "masterplan import (row errors)", "/masterplan/daerah/15.71/impor/"),
        (None, "masterplan catalogue (no hit)", "/masterplan/katalog/?q=tidak+ada+yang+cocok"),
        (None, "masterplan catalogue (two pages)", "/masterplan/katalog/"),
    ]


def new_page(browser):
    """A page at a laptop's width; reduced motion, so that Pico's colour transitions are over
    when axe measures contrast after the colour scheme is switched."""
    context = browser.new_context(
        locale="id-ID", viewport={"width": 1280, "height": 900}, reduced_motion="reduce"
    )
    return context.new_page()


def sign_in(browser, base: str, user):
    return browser_sign_in(new_page(browser), base, user.username, PASSWORD)


def settle(page) -> None:
    """Wait until the page's charts are drawn (vega-embed renders after load)."""
    page.wait_for_load_state("networkidle")
    for chart in page.locator("[data-chart-spec]").all():
        expect(chart).to_have_attribute("data-chart-rendered", "true", timeout=30_000)


# Pages whose controls are also walked with the keyboard (Tab from the top).
KEYBOARD = {"ranking", "sign-in", "self-assessment", "scoring", "moderation queue"} | {
    # December 2026: the pages whose main action is a form.
    "appeal form",
    "appeal decision",
    "survey form",
    "crosswalk",
    "session schedule",
    "moderation of a region",
    "calibration (assessor)",
    "masterplan edit",
    "kpi edit",
    "password change",
    "two-factor setup",
    "API tokens",
    "outbox",
    # Later in December 2026.
    "workbook upload",
    "workbook preview",
    "masterplan documents",
    "masterplan import",
    "programme",
    "cycle settings",
    "statistical audit of the index",
    # The public masterplan pages: the catalogue's search and filters.
    "masterplan catalogue",
}

# A file field's value in INVALID: a file named like a workbook that is not one.
NOT_A_WORKBOOK = {"name": "isian.xlsx", "mimeType": "application/octet-stream", "buffer": b"bukan"}


def row_errors_workbook() -> bytes:
    """Kota Jambi's masterplan in the XLSX template, readable, with a problem in three rows (a
    programme's element outside its dimension, a budget's year and a KPI's target in words):
    refused whole, each problem named by sheet, cell and column."""
    blank = masterplan_xlsx.write_workbook(region=SimpleNamespace(code="15.71"))
    book = load_workbook(io.BytesIO(blank))
    header = book["masterplan"]
    header["B3"], header["B4"], header["B5"] = "Masterplan Smart City Kota Jambi", 2018, 2022
    programme = ["GOV-01", "Mal Pelayanan Publik", "", "GOV", "ENV.WAS", "application"]
    book["programmes"].append([*programme, "DPMPTSP", 2019, 2022, "in_progress", "ya", ""])
    book["budgets"].append(["GOV-01", "dua ribu dua puluh", 1_000_000, 900_000])
    book["kpis"].append(["GOV-01", "K1", "IKU K1", "%", "up", 2021, "banyak", None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ROW_ERRORS = {
    "name": "masterplan-15.71.xlsx",
    "mimeType": masterplan_xlsx.XLSX_MIME,
    "buffer": row_errors_workbook(),
}

# Forms also audited after a refused submission, as the user sees their errors: page name →
# (the submit button, {field: value typed in}). The browser's own checks are switched off so
# that the server's messages are what is shown.
INVALID: dict[str, tuple[str, dict[str, str | dict]]] = {
    "sign-in": (
        "main button[type=submit]",
        {"input[name=username]": "tidak.ada", "input[name=password]": "salah"},
    ),
    "appeal form": ("form[action$='/butir/'] button[type=submit]", {}),
    "appeal decision": ("form[action$='/putusan/'] button[type=submit]", {}),
    "survey form": ("main form[method=post] button[type=submit]", {}),
    "instrument copy": ("main form button[type=submit]", {"input[name=code]": "KODE SALAH"}),
    "crosswalk start": ("main form button[type=submit]", {}),
    "crosswalk": (
        "main form:not(.inline-form):not(.narrow) button[type=submit]",
        {"input[name=entries-0-rescale]": "{bukan json"},
    ),
    "session schedule": ("main form button[type=submit]", {"input[name=meeting_url]": "zoom"}),
    "masterplan edit": ("#masterplan-form button[type=submit]", {"input[name=title]": ""}),
    "programme new": ("#programme-form button[type=submit]", {}),
    "budgets": ("#budgets-form button[type=submit]", {"input[name$=first_2021]": "sejuta"}),
    "kpi edit": ("#kpi-form button[type=submit]", {"input[name$=first_2021]": "banyak"}),
    "password change": ("main form button[type=submit]", {}),
    "two-factor setup": ("main form[novalidate] button[type=submit]", {"input[name=token]": "1"}),
    "API tokens": ("main form button[type=submit]", {}),
    # Later in December 2026: a file that is not a workbook is refused whole.
    "workbook upload": ("main form button[type=submit]", {"input[name=file]": NOT_A_WORKBOOK}),
    "masterplan import": ("main form button[type=submit]", {"input[name=file]": NOT_A_WORKBOOK}),
    # The latest: a readable workbook with problems row by row, each listed in the alert.
    "masterplan import (row errors)": (
        "main form button[type=submit]",
        {"input[name=file]": ROW_ERRORS},
    ),
    "cycle settings": (
        "main form button[type=submit]",
        {"textarea[name=predicate_bands]": "bukan predikat"},
    ),
    # A final cycle's method is fixed: the refusal is the form's own error, not a field's.
    "cycle settings (final)": (
        "main form button[type=submit]",
        {"textarea[name=predicate_bands]": "Baik: 3\nKurang: 0"},
    ),
    # The document form is inside a <details>, opened for this; the refusal is a message.
    "masterplan documents": (
        "form[action$='/dokumen/'] button[type=submit]",
        {"form[action$='/dokumen/'] input[name=url]": "bukan tautan"},
    ),
}

# Pages whose audited state depends on the world: what must be shown for the audit to cover it.
SHOWN = {
    "masterplan documents": "main table a[href*='/lampiran/']",
    "masterplan history": "main ul.changes",
    "region profile": "[data-testid=next-band-unreachable]",
    "my results": "[data-testid=next-band-unreachable]",
    "region profile (top band)": "[data-testid=next-band-summary]",
    "workbook preview": "[data-testid=workbook-conflicts]",
    "masterplan national": "main table.coverage td[data-programmes]:not([data-programmes='0'])",
    "masterplan catalogue": "#catalogue-table a:has-text('Mal Pelayanan Publik')",
    "masterplan region": "main table a:has-text('2018–2022')",
    "masterplan (public)": "main a:has-text('Mal Pelayanan Publik')",
    "masterplan dashboard (public)": "[data-testid=total-planned]:has-text('1.000.000.000')",
    "programme (public)": "main h1:has-text('Mal Pelayanan Publik')",
    "masterplan catalogue (no hit)": "#catalogue-table td:has-text('Tidak ada program yang cocok')",
    "masterplan catalogue (two pages)": "#catalogue-table nav a:has-text('Berikutnya')",
}

# What a refused form must show besides an error, for the audit to cover it.
SHOWN_REFUSED = {
    "masterplan import (row errors)": "[data-testid=import-errors] li:has-text('budgets!B2')",
}

# What a refused form shows: a field marked invalid, Django's error list or an alert.
ERRORS = "[aria-invalid=true], .errorlist, [role=alert]"


def audit_in_both_schemes(page, label: str, found: dict[str, list[dict]]) -> None:
    """Audit ``page`` in the light colour scheme under ``label`` and in the dark one under
    ``label [dark]``; the page is left in the light scheme."""
    found[label] = audit(page)
    page.emulate_media(color_scheme="dark")
    found[f"{label} [dark]"] = audit(page)
    page.emulate_media(color_scheme="light")


def refuse(page, button: str, fields: dict[str, str | dict]) -> None:
    """Submit the page's form with the given (wrong or missing) values and wait for the
    answer; the page must then show an error. A dict value is a file (name, type, bytes)."""
    page.evaluate("() => document.querySelectorAll('form').forEach(f => { f.noValidate = true; })")
    # A form inside closed <details> is opened, as the user would.
    page.locator(button).first.evaluate(
        "b => { for (let d = b.closest('details'); d; d = d.parentElement.closest('details'))"
        " d.open = true; }"
    )
    for selector, value in fields.items():
        if isinstance(value, dict):
            page.locator(selector).first.set_input_files(value)
        else:
            page.locator(selector).first.fill(value)
    page.locator(button).first.click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(ERRORS).first).to_be_visible()


@pytest.mark.e2e
def test_main_pages_have_no_serious_accessibility_violation(
    live_server, transactional_db, settings
):
    """Each page in the light and the dark colour scheme (Pico follows the system's), the
    public ranking, a profile, the methodology, the survey form and the public masterplan pages
    again in English through the header's language switch; some pages also with the keyboard
    alone."""
    cache.clear()
    # The refused code below would make django-otp refuse even the right one for a second after
    # it, which a quick browser can beat (tests/security/test_two_factor.py tests that delay).
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
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
            if name in SHOWN:
                expect(page.locator(SHOWN[name]).first).to_be_visible()
            label = f"{name} ({role or 'public'}) {path}"
            audit_in_both_schemes(page, label, found)
            if name in KEYBOARD:
                keys[label] = keyboard(page)
            if name in INVALID:
                refuse(page, *INVALID[name])
                settle(page)
                if name in SHOWN_REFUSED:
                    expect(page.locator(SHOWN_REFUSED[name]).first).to_be_visible()
                audit_in_both_schemes(page, f"{label} [errors]", found)

        # The second step of signing in, for a user with an authenticator app, and its refusal.
        verify = sign_in(browser, live_server.url, world["two-factor user"])
        watch(verify, problems)
        assert verify.url == f"{live_server.url}/akun/masuk/verifikasi/", verify.url
        label = "sign-in verification (operator) /akun/masuk/verifikasi/"
        keys[label] = keyboard(verify)
        for state in ("", " [errors]"):
            if state:
                refuse(verify, "main form[novalidate] button[type=submit]", {"#id_token": "1"})
            audit_in_both_schemes(verify, label + state, found)

        # With a recovery code the second step signs in; new recovery codes are then asked for
        # from the two-factor page (a POST, after the browser's confirmation).
        verify.locator("#id_token").fill(world["recovery code"])
        verify.locator("main form[novalidate] button[type=submit]").click()
        expect(verify).not_to_have_url(f"{live_server.url}/akun/masuk/verifikasi/")
        verify.goto(f"{live_server.url}/akun/dua-langkah/")
        # The two-factor page of a user who has it: a new app can replace the old one, new
        # recovery codes can be asked for, and an operator may turn it off.
        expect(verify.get_by_test_id("two-factor-status")).to_be_visible()
        label = "two-factor setup, active (operator) /akun/dua-langkah/"
        audit_in_both_schemes(verify, label, found)
        verify.once("dialog", lambda dialog: dialog.accept())
        verify.locator("form[action$='/kode-pemulihan/'] button[type=submit]").click()
        verify.wait_for_load_state()
        expect(verify.get_by_test_id("recovery-codes")).to_be_visible()
        label = "recovery codes (operator) /akun/dua-langkah/kode-pemulihan/"
        audit_in_both_schemes(verify, label, found)

        # The assessor has no authenticator yet: the set-up page says the role requires one. A code
        # computed from the manual key shown confirms it, and the same page then shows the
        # recovery codes, once.
        enrolling = visitors["assessor"]
        enrolling.goto(f"{live_server.url}/akun/dua-langkah/")
        expect(enrolling.locator("main p[role=alert]")).to_be_visible()
        label = "two-factor setup, required (assessor) /akun/dua-langkah/"
        audit_in_both_schemes(enrolling, label, found)
        key = enrolling.get_by_test_id("manual-key").inner_text().replace(" ", "")
        code = totp(b32decode(key + "=" * (-len(key) % 8)))
        enrolling.locator("#id_token").fill(f"{code:06d}")
        with enrolling.expect_navigation():
            enrolling.locator("main form[novalidate] button[type=submit]").click()
        expect(enrolling.get_by_test_id("recovery-codes")).to_be_visible()
        label = "two-factor confirmed (assessor) /akun/dua-langkah/ [POST]"
        audit_in_both_schemes(enrolling, label, found)

        # Repeated failed sign-ins: django-axes answers with the locked-out page (its own
        # page, so that the public visitor's session is not the one locked out).
        locked = new_page(browser)
        locked_problems: list[str] = []
        watch(locked, locked_problems)
        locked.goto(f"{live_server.url}/akun/masuk/")
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            if not locked.locator("input[name=username]").count():
                break
            locked.fill("input[name=username]", "dikunci.a11y")
            locked.fill("input[name=password]", "salah")
            with locked.expect_navigation():
                locked.click("main button[type=submit]")
        expect(locked.locator("main h1")).to_have_text("Akun dikunci sementara")
        # The lockout answers 429 Too Many Requests, as it should.
        problems.extend(p for p in locked_problems if not p.startswith("429 "))
        label = "locked out (public) /akun/masuk/"
        audit_in_both_schemes(locked, label, found)

        # The workbook's preview once the self-assessment is locked (the deadline passed): the
        # changes are still shown, with the reason instead of the button that applies them.
        # (The database is written from a thread: Playwright's loop runs in this one.)
        in_thread(
            lambda: Cycle.objects.filter(year=OPEN).update(
                submission_deadline=timezone.now() - timedelta(days=1)
            )
        )
        operator = visitors["operator"]
        path = f"/evaluasi/penilaian/{OPEN}/15.71/lembar-kerja/{world['workbook_token']}/"
        operator.goto(live_server.url + path)
        settle(operator)
        expect(operator.get_by_test_id("workbook-conflicts")).to_be_visible()
        expect(operator.get_by_test_id("lock-reason")).to_be_visible()
        label = f"workbook preview, locked (operator) {path}"
        audit_in_both_schemes(operator, label, found)

        # The language switch turns the public pages into English.
        public = visitors[None]
        public.goto(f"{live_server.url}/hasil/2022/")
        public.get_by_role("button", name="EN").click()
        expect(public.locator("html")).to_have_attribute("lang", "en")
        expect(public.locator("h1")).to_contain_text("Smart City Ranking 2022")
        english = ("/hasil/2022/", "/hasil/2022/daerah/15.71/", "/hasil/2022/metodologi/")
        masterplan = f"/masterplan/{world['masterplan']}/"
        public_masterplan = (
            "/masterplan/",
            "/masterplan/katalog/?q=mal+pelayanan",
            "/masterplan/daerah/15.71/",
            masterplan,
            f"{masterplan}dasbor/",
            f"/masterplan/program/{world['programme']}/",
        )
        for path in (*english, f"/survei/{REVIEW}/15.71/", *public_masterplan):
            public.goto(live_server.url + path)
            settle(public)
            assert public.locator("html").get_attribute("lang") == "en"
            audit_in_both_schemes(public, f"{path} [en]", found)

        # The catalogue's second page, and its table after a search typed in (an htmx swap).
        public.goto(f"{live_server.url}/masterplan/katalog/?page=2")
        settle(public)
        expect(public.locator("#catalogue-table nav a").first).to_be_visible()
        audit_in_both_schemes(public, "/masterplan/katalog/?page=2 [en]", found)
        public.goto(f"{live_server.url}/masterplan/katalog/")
        public.locator("#id_q").fill("mal pelayanan")
        expect(public).to_have_url(re.compile(r"q=mal"))
        # Swapped: the hits fit on one page, so the table has lost its page links.
        expect(public.locator("#catalogue-table nav")).to_have_count(0)
        hit = public.locator("#catalogue-table a:has-text('Mal Pelayanan')").first
        expect(hit).to_be_visible()
        audit_in_both_schemes(public, "/masterplan/katalog/ searched by htmx [en]", found)

        # Signed-in pages in English: each role switches the language in the header.
        for role, path in (
            ("operator", f"/evaluasi/penilaian/{OPEN}/15.71/"),
            ("operator", f"/masterplan/{world['masterplan']}/dasbor/"),
            ("assessor", f"/evaluasi/asesor/{REVIEW}/15.71/?dimensi=GOV"),
            ("admin", f"/evaluasi/siklus/{OPEN}/"),
            ("admin", f"/evaluasi/moderasi/{MODERATION}/"),
        ):
            page = visitors[role]
            page.goto(live_server.url + path)
            if page.locator("html").get_attribute("lang") != "en":
                page.get_by_role("button", name="EN", exact=True).click()
                expect(page.locator("html")).to_have_attribute("lang", "en")
            settle(page)
            audit_in_both_schemes(page, f"{path} ({role}) [en]", found)
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
