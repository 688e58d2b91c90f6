"""The operations page of a cycle: completion by province, stalled self-assessments and the
assessors' queues, on screen and as a workbook."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kotacerdas.accounts.roles import Role
from kotacerdas.core.models import OutgoingEmail
from kotacerdas.evaluations.models import (
    Answer,
    CycleState,
    Evidence,
    Reminder,
    Submission,
    SubmissionState,
)
from kotacerdas.evaluations.services import operations
from kotacerdas.regions.models import Region, RegionKind
from tests.conftest import make_user
from tests.evaluations.cycle_setup import answer_everything, open_cycle, submission_of
from tests.factories import assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions(jambi, bandung):
    """Kota Jambi and Kabupaten Muaro Jambi (province 15), Kota Bandung (32) and the province
    of Jawa Barat itself."""
    muaro = Region.objects.create(
        code="15.05", name="Kabupaten Muaro Jambi", kind=RegionKind.KABUPATEN, parent=jambi.parent
    )
    return {"jambi": jambi, "muaro": muaro, "bandung": bandung, "jabar": bandung.parent}


@pytest.fixture
def cycle(regions):
    """Open; Bandung submitted everything, Jambi answered everything but did not send, Muaro
    Jambi answered one indicator, Jawa Barat nothing."""
    cycle = open_cycle(*regions.values())
    for code in ("jambi", "bandung"):
        answer_everything(submission_of(cycle, regions[code]))
    sent = submission_of(cycle, regions["bandung"])
    sent.state = SubmissionState.SUBMITTED
    sent.submitted_at = timezone.now()
    sent.save()
    muaro = submission_of(cycle, regions["muaro"])
    Answer.objects.create(
        submission=muaro, indicator=cycle.instrument.indicators.get(code="GOV.SVC.02"), value=1
    )
    return cycle


def test_provinces_count_their_regions_and_the_province_itself(cycle):
    provinces, national = operations.by_province(cycle)
    assert [(row.province.code, row.enrolled) for row in provinces] == [("15", 2), ("32", 2)]
    jambi, jabar = provinces
    assert (jambi.submitted, jambi.draft, jambi.returned, jambi.not_started) == (0, 2, 0, 0)
    assert (jambi.answered, jambi.possible, jambi.answered_percent) == (5, 8, 62)
    assert (jabar.submitted, jabar.draft, jabar.not_started) == (1, 1, 1)
    assert (jabar.submitted_percent, jabar.answered_percent) == (50, 50)
    assert (national.enrolled, national.submitted, national.not_started) == (4, 1, 1)
    assert (national.answered, national.possible) == (9, 16)


def test_a_returned_self_assessment_is_counted_as_returned(cycle, regions):
    Submission.objects.filter(cycle=cycle, region=regions["bandung"]).update(
        state=SubmissionState.RETURNED
    )
    provinces, national = operations.by_province(cycle)
    assert (provinces[1].submitted, provinces[1].returned) == (0, 1)
    assert national.returned == 1


def test_stalled_lists_untouched_and_idle_self_assessments_never_started_first(cycle, regions):
    now = timezone.now()
    # Everything was entered just now: only Jawa Barat (nothing at all) is stalled.
    assert [row.submission.region.code for row in operations.stalled(cycle, now=now)] == ["32"]

    later = now + timedelta(days=10)
    rows = operations.stalled(cycle, now=later)
    # Bandung has submitted and is not with its region any more.
    # Nothing entered first, then the longest idle (Jambi's answers came before Muaro Jambi's).
    assert [row.submission.region.code for row in rows] == ["32", "15.71", "15.05"]
    assert rows[0].last_change is None and rows[0].idle_days is None and rows[0].answered == 0
    assert {row.idle_days for row in rows[1:]} == {10}

    # Muaro Jambi saves again 9 days later: no longer idle 7 days at day 10.
    Answer.objects.filter(submission__region=regions["muaro"]).update(
        updated_at=now + timedelta(days=9)
    )
    rows = operations.stalled(cycle, now=later)
    assert [row.submission.region.code for row in rows] == ["32", "15.71"]


def test_stalled_orders_the_longest_idle_first(cycle, regions):
    now = timezone.now()
    Answer.objects.filter(submission__region=regions["jambi"]).update(
        updated_at=now - timedelta(days=20)
    )
    # An upload counts as a change too: Jambi's evidence went up 19 days ago.
    Evidence.objects.filter(submission__region=regions["jambi"]).update(
        uploaded_at=now - timedelta(days=19)
    )
    Answer.objects.filter(submission__region=regions["muaro"]).update(
        updated_at=now - timedelta(days=8)
    )
    rows = operations.stalled(cycle, now=now)
    assert [(row.submission.region.code, row.idle_days) for row in rows] == [
        ("32", None),
        ("15.71", 19),
        ("15.05", 8),
    ]


def test_a_recent_return_restarts_the_idle_clock(cycle, regions):
    now = timezone.now()
    Answer.objects.filter(submission__region=regions["jambi"]).update(
        updated_at=now - timedelta(days=20)
    )
    Evidence.objects.filter(submission__region=regions["jambi"]).update(
        uploaded_at=now - timedelta(days=20)
    )
    Submission.objects.filter(cycle=cycle, region=regions["jambi"]).update(
        state=SubmissionState.RETURNED, returned_at=now - timedelta(days=2)
    )
    codes = [row.submission.region.code for row in operations.stalled(cycle, now=now)]
    assert "15.71" not in codes


def test_assessor_queues_count_waiting_regions_and_mark_overdue(cycle, regions):
    first = make_user("asesor.satu", Role.ASSESSOR)
    second = make_user("asesor.dua", Role.ASSESSOR)
    assign(cycle, regions["bandung"], first, second)
    assign(cycle, regions["jambi"], first)
    done = cycle.assignments.get(assessor=second, region=regions["bandung"])
    done.completed_at = timezone.now()
    done.save()

    rows = operations.assessor_queues(cycle)
    assert [(row.assessor.username, row.assigned, row.completed, row.waiting) for row in rows] == [
        ("asesor.satu", 2, 0, 1),
        ("asesor.dua", 1, 1, 0),
    ]
    # Jambi has not submitted: it is assigned but not yet waiting, and not in the scoring total.
    assert rows[0].regions == ["Kota Bandung"]
    assert (rows[0].scored, rows[0].to_score) == (0, 4)
    assert not any(row.overdue for row in rows)

    cycle.review_deadline = timezone.now() - timedelta(hours=1)
    cycle.save()
    rows = operations.assessor_queues(cycle)
    assert [row.overdue for row in rows] == [True, False]


def test_the_page_shows_provinces_stalled_regions_and_queues(client, admin_user, cycle, regions):
    assign(cycle, regions["bandung"], make_user("asesor.satu", Role.ASSESSOR))
    client.force_login(admin_user)
    page = client.get(reverse("evaluations:cycle_operations", args=[2022])).content.decode()
    province = page.split('data-testid="province-32"')[1].split("</tr>")[0]
    assert "Jawa Barat" in province and "(50%)" in province
    assert 'data-testid="submitted-total">1 / 4<' in page
    assert 'data-testid="stalled-32"' in page and 'data-testid="stalled-32.73"' not in page
    stalled = page.split('data-testid="stalled-32"')[1].split("</tr>")[0]
    assert "belum ada isian" in stalled
    # Jawa Barat has no operator with an email address: marked, and no button to remind it.
    assert "tanpa operator bersurel" in stalled
    assert 'data-testid="remind-stalled"' not in page
    assert 'data-testid="assessor-asesor.satu"' in page

    dashboard = client.get(reverse("evaluations:cycle_detail", args=[2022])).content.decode()
    assert reverse("evaluations:cycle_operations", args=[2022]) in dashboard


def test_the_page_is_for_admins_only(client, cycle, operator, assessor):
    url = reverse("evaluations:cycle_operations", args=[2022])
    for user in (operator, assessor):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_the_workbook_holds_the_three_tables(client, admin_user, cycle, regions):
    assign(cycle, regions["bandung"], make_user("asesor.satu", Role.ASSESSOR))
    client.force_login(admin_user)
    response = client.get(reverse("evaluations:cycle_operations_xlsx", args=[2022]))
    assert response["Content-Disposition"].startswith('attachment; filename="operasional-2022-')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Provinsi", "Tanpa kemajuan", "Asesor"]
    provinces = [[cell.value for cell in row] for row in book["Provinsi"].iter_rows(min_row=2)]
    assert provinces == [
        ["15", "Jambi", 2, 0, 2, 0, 0, 0, 62],
        ["32", "Jawa Barat", 2, 1, 1, 0, 1, 50, 50],
        [None, "Nasional", 4, 1, 3, 0, 1, 25, 56],
    ]
    assert book["Provinsi"]["C2"].number_format == "[$-421]#,##0"
    stalled = [[cell.value for cell in row] for row in book["Tanpa kemajuan"].iter_rows(min_row=2)]
    assert stalled == [["32", "Jawa Barat", "Sedang diisi", 0, None, None]]
    queue = [[cell.value for cell in row] for row in book["Asesor"].iter_rows(min_row=2)]
    assert queue == [["asesor.satu", "asesor.satu", 1, 0, 1, 0, "tidak", "Kota Bandung"]]


def test_the_overview_takes_the_same_queries_for_more_regions(cycle, regions):
    assign(cycle, regions["bandung"], make_user("asesor.satu", Role.ASSESSOR))
    with CaptureQueriesContext(connection) as few:
        operations.overview(cycle)
    for number in range(1, 6):
        region = Region.objects.create(
            code=f"15.{80 + number}",
            name=f"Kota Uji {number}",
            kind=RegionKind.KOTA,
            parent=regions["jambi"].parent,
        )
        Submission.objects.create(cycle=cycle, region=region)
        assign(cycle, region, make_user(f"asesor.{number}", Role.ASSESSOR))
    with CaptureQueriesContext(connection) as many:
        view = operations.overview(cycle)
    assert view.national.enrolled == 9
    assert len(many) == len(few)


def test_only_what_the_region_can_still_change_is_stalled(cycle, regions):
    later = timezone.now() + timedelta(days=10)
    Submission.objects.filter(cycle=cycle, region=regions["muaro"]).update(
        state=SubmissionState.RETURNED, returned_at=timezone.now()
    )
    # In review a draft is locked (never submitted): only the returned one can still move.
    cycle.state = CycleState.REVIEW
    cycle.save()
    assert [row.submission.region.code for row in operations.stalled(cycle, now=later)] == ["15.05"]
    cycle.state = CycleState.MODERATION
    cycle.save()
    assert operations.stalled(cycle, now=later) == []


def test_the_api_gives_the_same_view(client, admin_user, cycle, regions):
    assign(cycle, regions["bandung"], make_user("asesor.satu", Role.ASSESSOR))
    client.force_login(admin_user)
    data = client.get("/api/v1/cycles/2022/operations/").json()
    assert (data["year"], data["state"], data["indicators"]) == (2022, "open", 4)
    assert [(row["code"], row["enrolled"], row["submitted"]) for row in data["provinces"]] == [
        ("15", 2, 0),
        ("32", 2, 1),
    ]
    assert data["national"] == {
        "code": None,
        "name": None,
        "enrolled": 4,
        "submitted": 1,
        "draft": 3,
        "returned": 0,
        "not_started": 1,
        "answered": 9,
        "possible": 16,
        "submitted_percent": 25,
        "answered_percent": 56,
    }
    assert [(row["region"], row["last_change"], row["idle_days"]) for row in data["stalled"]] == [
        ("32", None, None)
    ]
    assert data["assessors"] == [
        {
            "assessor": "asesor.satu",
            "name": "asesor.satu",
            "assigned": 1,
            "completed": 0,
            "waiting": 1,
            "scored": 0,
            "to_score": 4,
            "scored_percent": 0,
            "overdue": False,
            "regions": ["Kota Bandung"],
        }
    ]
    assert client.get("/api/v1/cycles/1999/operations/").status_code == 404


def test_stalled_drafts_are_reminded_from_the_page_and_the_rest_left_alone(
    client, admin_user, cycle, regions
):
    for code in ("jambi", "muaro", "jabar"):
        make_user(f"op.{code}", Role.OPERATOR, region=regions[code], email=f"{code}@pemda.go.id")
    later = timezone.now() + timedelta(days=8)
    view = operations.overview(cycle, now=later)
    assert [row.submission.region.code for row in view.remindable] == ["32", "15.71", "15.05"]
    assert all(row.reachable for row in view.stalled)

    client.force_login(admin_user)
    page = client.get(reverse("evaluations:cycle_operations", args=[2022])).content.decode()
    form = page.split('data-testid="remind-stalled"')[1].split("</form>")[0]
    # Only Jawa Barat is stalled now, so only Jawa Barat is in the form.
    assert 'name="regions" value="32"' in form and 'value="15.71"' not in form

    response = client.post(
        reverse("evaluations:cycle_remind", args=[2022]), {"regions": ["32"], "back": "operations"}
    )
    assert response.url == reverse("evaluations:cycle_operations", args=[2022])
    assert list(Reminder.objects.values_list("submission__region__code", "kind")) == [
        ("32", "manual")
    ]
    assert [email.recipients for email in OutgoingEmail.objects.all()] == [["jabar@pemda.go.id"]]
    page = client.get(reverse("evaluations:cycle_operations", args=[2022])).content.decode()
    row = page.split('data-testid="stalled-32"')[1].split("</tr>")[0]
    assert "WIB" in row.split("</td>")[-2]  # the last reminder's moment


def test_no_reminder_button_once_the_cycle_has_left_open(client, admin_user, cycle, regions):
    Submission.objects.filter(cycle=cycle, region=regions["jabar"]).update(
        state=SubmissionState.RETURNED
    )
    cycle.state = CycleState.REVIEW
    cycle.save()
    client.force_login(admin_user)
    page = client.get(reverse("evaluations:cycle_operations", args=[2022])).content.decode()
    assert 'data-testid="stalled-32"' in page
    assert 'data-testid="remind-stalled"' not in page
