"""The home page: the public top ten for everyone, and each role's own panel."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from kotacerdas.accounts.roles import Role
from kotacerdas.evaluations.models import (
    Answer,
    CycleState,
    Score,
    SubmissionState,
    VirtualSession,
)
from kotacerdas.evaluations.services import moderation as moderation_service
from kotacerdas.evaluations.services import overview, submissions
from kotacerdas.regions.models import Region, RegionKind
from kotacerdas.regions.services import register_counts
from kotacerdas.results.models import Snapshot
from kotacerdas.results.services import published
from tests.conftest import make_user
from tests.evaluations.cycle_setup import open_cycle, submission_of
from tests.factories import assign, enrol, make_cycle, make_instrument
from tests.results.builders import (
    INDICES,
    cohort,
    cohort_and_more,
    make_stored_snapshot,
    publish_cycle,
)
from tests.results.conftest import _fresh_cache  # noqa: F401  (autouse: an empty cache)

WIB = ZoneInfo("Asia/Jakarta")
HOME = "/"
pytestmark = pytest.mark.django_db


def rows_of(html: str) -> list[str]:
    """The region codes of the top-ten table, in order."""
    table = html.split('data-testid="top-ten"')[1].split("</table>")[0]
    return [part.split('"')[0] for part in table.split('data-region="')[1:]]


# --- Public -------------------------------------------------------------------------------------


def test_anonymous_sees_the_newest_published_top_ten_with_links(client):
    indices = cohort_and_more(7)
    publish_cycle(2021, {code: 100 - value for code, value in indices.items()})
    publish_cycle(2022, indices)
    unpublished = make_cycle(2023, CycleState.FINAL, make_instrument("draft-2023"))
    make_stored_snapshot(unpublished, {"15.71": 99.0}, published=False)

    html = client.get(HOME).content.decode()

    ranked = sorted(indices, key=lambda code: -indices[code])
    assert rows_of(html) == ranked[:10]
    assert "Sepuluh besar 2022" in html
    assert "Kota Bandung" in html and "4,00" in html  # index 80 on the 0–5 scale
    assert "Sangat Baik" in html or "Memuaskan" in html
    for name in ("ranking", "map", "methodology"):
        assert reverse(f"results:{name}", args=[2022]) in html
    for fmt in ("csv", "xlsx", "json"):
        assert reverse("results:export", args=[2022, fmt]) in html
    assert reverse("api:docs") in html
    assert 'data-testid="operator-panel"' not in html
    assert 'data-testid="admin-panel"' not in html
    assert 'data-testid="assessor-panel"' not in html


def test_a_republished_cycle_shows_its_newest_published_version(client):
    cohort()
    first = publish_cycle(2022, INDICES)
    make_stored_snapshot(first.cycle, {**INDICES, "15.05": 95.0}, version=2)
    html = client.get(HOME).content.decode()
    assert rows_of(html)[0] == "15.05"


def test_without_published_results_the_home_page_says_so(client, jambi):
    html = client.get(HOME).content.decode()
    assert "Belum ada hasil evaluasi yang dipublikasikan." in html
    assert 'data-testid="top-ten"' not in html


def test_register_counts_every_kind_in_one_query(jambi, bandung, django_assert_num_queries):
    with django_assert_num_queries(1):
        counts = register_counts()
    assert counts == {"provinsi": 2, "kabupaten": 0, "kota": 2}


def test_register_count_on_the_page(client, jambi, bandung):
    html = client.get(HOME).content.decode()
    register = html.split('data-testid="register"')[1]
    assert "2 provinsi, 0 kabupaten, 2 kota" in register


def test_region_history_and_latest_result_skip_superseded_versions(django_assert_num_queries):
    cohort()
    kota_jambi = Region.objects.get(code="15.71")
    first = publish_cycle(2021, INDICES)
    make_stored_snapshot(first.cycle, {**INDICES, "15.71": 90.0}, version=2)
    publish_cycle(2022, {code: v for code, v in INDICES.items() if code != "15.71"})
    with django_assert_num_queries(1):
        history = published.region_history(kota_jambi)
    assert [(r.snapshot.cycle.year, r.snapshot.version, r.index) for r in history] == [
        (2021, 2, 90.0)
    ]
    latest = published.latest_result(kota_jambi)
    assert (latest.snapshot.cycle.year, latest.index) == (2021, 90.0)


# --- Operator -----------------------------------------------------------------------------------


@pytest.fixture
def operator_world(jambi, bandung, operator):
    """Kota Jambi: 2022 published (rank 2), 2023 open with a deadline in five days, half of
    GOV answered, and a session on 3 October."""
    cohort()
    publish_cycle(2022, INDICES)
    cycle = open_cycle(jambi, bandung, year=2023)
    five_days = timezone.localdate() + timedelta(days=5)
    cycle.submission_deadline = datetime.combine(five_days, time(23, 59), tzinfo=WIB)
    cycle.save()
    submission = submission_of(cycle, jambi)
    level = cycle.instrument.indicators.get(code="GOV.SVC.01")
    Answer.objects.create(submission=submission, indicator=level, value=Decimal(3))
    session = VirtualSession.objects.create(
        cycle=cycle,
        region=jambi,
        starts_at=timezone.now() + timedelta(days=20),
        meeting_url="https://meet.example.org/jambi-2023",
    )
    return {"cycle": cycle, "submission": submission, "session": session}


def test_operator_sees_the_current_submission_deadline_progress_session_and_links(
    client, operator, operator_world
):
    client.force_login(operator)
    html = client.get(HOME).content.decode()
    panel = html.split('data-testid="operator-panel"')[1].split("</section>")[0]
    assert "Evaluasi Smart City 2023" in panel
    assert "Penilaian mandiri" in panel  # the cycle's state
    assert 'data-testid="submission-state">Sedang diisi' in panel
    deadline = panel.split('data-testid="deadline"')[1].split("</p>")[0]
    assert "5 hari lagi" in deadline
    assert 'data-testid="answered">1/4' in panel
    assert "1/2 · DD 0/1" in panel.split('data-testid="progress-GOV"')[1]
    assert "0/2" in panel.split('data-testid="progress-ENV"')[1]
    assert 'data-testid="session-card"' in panel
    assert "https://meet.example.org/jambi-2023" in panel
    assert reverse("evaluations:session_ics", args=[2023, "15.71"]) in panel
    assert reverse("evaluations:submission_form", args=[2023, "15.71"]) in panel
    assert reverse("masterplans:region", args=["15.71"]) in panel
    latest = panel.split('data-testid="latest-result"')[1]
    assert reverse("results:profile", args=[2022, "15.71"]) in panel
    assert "Hasil 2022" in latest and "3,31" in latest and "peringkat nasional ke-2" in latest


def test_operator_sees_the_return_reason_and_no_deadline(client, operator, operator_world):
    submission = operator_world["submission"]
    submission.state = SubmissionState.RETURNED
    submission.returned_at = timezone.now()
    submission.return_reason = "Dokumen Perda belum ditandatangani."
    submission.save()
    client.force_login(operator)
    html = client.get(HOME).content.decode()
    assert "Dokumen Perda belum ditandatangani." in html.split('data-testid="return-reason"')[1]
    assert 'data-testid="deadline"' not in html


def test_other_operator_sees_only_their_own_region(client, operator_world, bandung):
    other = make_user("operator.bandung", Role.OPERATOR, region=bandung)
    client.force_login(other)
    html = client.get(HOME).content.decode()
    panel = html.split('data-testid="operator-panel"')[1].split("</section>")[0]
    assert "Kota Bandung" in panel
    assert "meet.example.org/jambi" not in panel
    assert reverse("evaluations:submission_form", args=[2023, "32.73"]) in panel
    assert 'data-testid="session-card"' not in panel


def test_operator_of_a_region_never_enrolled(client, jambi, operator):
    client.force_login(operator)
    html = client.get(HOME).content.decode()
    assert 'data-testid="not-enrolled"' in html
    assert 'data-testid="latest-result"' not in html


def test_draft_cycles_are_not_an_operators_current_submission(jambi):
    enrol(make_cycle(2024, CycleState.DRAFT), jambi)
    assert submissions.current_of(jambi) is None
    published_cycle = make_cycle(2023, CycleState.PUBLISHED)
    enrol(published_cycle, jambi)
    assert submissions.current_of(jambi).cycle == published_cycle


@pytest.mark.parametrize(
    ("now", "days_left", "passed"),
    [
        (datetime(2023, 9, 25, 8, 0, tzinfo=WIB), 5, False),
        (datetime(2023, 9, 30, 0, 30, tzinfo=WIB), 0, False),  # the deadline's own day
        (datetime(2023, 9, 29, 23, 30, tzinfo=WIB), 1, False),
        (datetime(2023, 10, 1, 9, 0, tzinfo=WIB), -1, True),
    ],
)
def test_days_left_count_local_dates(jambi, now, days_left, passed):
    cycle = make_cycle(2023, CycleState.OPEN)
    cycle.submission_deadline = datetime(2023, 9, 30, 23, 59, tzinfo=WIB)
    cycle.save()
    (submission,) = enrol(cycle, jambi)
    deadline = submissions.deadline_of(submission, now=now)
    assert (deadline.days_left, deadline.passed) == (days_left, passed)


def test_no_deadline_binds_a_sent_or_returned_submission_or_a_closed_cycle(jambi):
    cycle = make_cycle(2023, CycleState.OPEN)
    cycle.submission_deadline = timezone.now() + timedelta(days=3)
    cycle.save()
    (submission,) = enrol(cycle, jambi)
    assert submissions.deadline_of(submission) is not None
    for state in (SubmissionState.SUBMITTED, SubmissionState.RETURNED):
        submission.state = state
        assert submissions.deadline_of(submission) is None
    submission.state = SubmissionState.DRAFT
    cycle.state = CycleState.REVIEW
    assert submissions.deadline_of(submission) is None


# --- Assessor -----------------------------------------------------------------------------------


def test_assessor_sees_active_assignments_with_progress_and_upcoming_sessions(
    client, assessor, jambi, bandung
):
    review = make_cycle(2023, CycleState.REVIEW)
    enrol(review, jambi, bandung)
    (mine,) = assign(review, jambi, assessor)
    other_assessor = make_user("asesor.lain", Role.ASSESSOR)
    assign(review, bandung, other_assessor)
    Score.objects.create(
        assignment=mine,
        indicator=review.instrument.indicators.get(code="GOV.SVC.01"),
        value=Decimal(3),
    )
    done = make_cycle(2021, CycleState.PUBLISHED)
    enrol(done, jambi)
    assign(done, jambi, assessor)
    soon = VirtualSession.objects.create(
        cycle=review,
        region=jambi,
        starts_at=timezone.now() + timedelta(days=2),
        meeting_url="https://meet.example.org/soon",
    )
    soon.assessors.add(assessor)
    VirtualSession.objects.create(
        cycle=review,
        region=bandung,
        starts_at=timezone.now() + timedelta(days=3),
        meeting_url="https://meet.example.org/bandung",
    )
    client.force_login(assessor)
    html = client.get(HOME).content.decode()
    panel = html.split('data-testid="assessor-panel"')[1].split("</section>")[0]
    row = panel.split('data-testid="assignment-2023-15.71"')[1].split("</tr>")[0]
    assert "1/4" in row
    assert reverse("evaluations:assessor_workspace", args=[2023, "15.71"]) in row
    assert "assignment-2021-" not in panel
    assert "Kota Bandung" not in panel
    sessions = panel.split('data-testid="upcoming-sessions"')[1]
    assert "https://meet.example.org/soon" in sessions
    assert "meet.example.org/bandung" not in sessions


def test_a_session_that_has_started_is_no_longer_upcoming(assessor, jambi):
    review = make_cycle(2023, CycleState.REVIEW)
    enrol(review, jambi)
    assign(review, jambi, assessor)
    session = VirtualSession.objects.create(
        cycle=review,
        region=jambi,
        starts_at=timezone.now() - timedelta(minutes=5),
        meeting_url="https://meet.example.org/now",
    )
    session.assessors.add(assessor)
    assert overview.for_assessor(assessor).sessions == []


# --- Admin --------------------------------------------------------------------------------------


def test_admin_sees_every_cycle_with_counts_blockers_and_queue(client, admin_user, jambi, bandung):
    make_cycle(2025, CycleState.DRAFT)
    review = make_cycle(2024, CycleState.REVIEW)
    enrol(review, jambi, bandung)
    for submission, state in zip(
        review.submissions.order_by("region__code"),
        (SubmissionState.SUBMITTED, SubmissionState.RETURNED),
        strict=True,
    ):
        submission.state = state
        submission.save()
    moderation = make_cycle(2023, CycleState.MODERATION)
    (submission,) = enrol(moderation, jambi)
    submission.state = SubmissionState.SUBMITTED
    submission.save()
    first, second = (make_user(f"asesor.{n}", Role.ASSESSOR) for n in (1, 2))
    level = moderation.instrument.indicators.get(code="GOV.SVC.01")
    for assignment, value in zip(assign(moderation, jambi, first, second), (1, 4), strict=True):
        Score.objects.create(assignment=assignment, indicator=level, value=Decimal(value))
    cohort()
    publish_cycle(2022, INDICES)

    client.force_login(admin_user)
    html = client.get(HOME).content.decode()
    panel = html.split('data-testid="admin-panel"')[1]

    draft = panel.split('data-testid="cycle-2025"')[1].split("</article>")[0]
    assert "Belum ada daerah yang didaftarkan pada siklus ini." in draft
    assert "Belum dapat pindah ke Penilaian mandiri" in draft

    in_review = panel.split('data-testid="cycle-2024"')[1].split("</article>")[0]
    assert "2 daerah terdaftar" in in_review
    assert "Dikirim: 1" in in_review and "Dikembalikan: 1" in in_review
    assert "Belum dapat pindah ke Moderasi" in in_review
    assert "Kota Bandung (32.73): penilaian mandiri masih dikembalikan" in in_review
    assert "Kota Jambi" not in in_review
    assert reverse("evaluations:assignment_panel", args=[2024]) in in_review
    assert reverse("results:dashboard", args=[2024]) in in_review

    moderated = panel.split('data-testid="cycle-2023"')[1].split("</article>")[0]
    # GOV.SVC.01 disagrees (1 and 4); the three other indicators are not scored at all.
    assert "4 indikator di antrean moderasi" in moderated
    assert reverse("evaluations:moderation_queue", args=[2023]) in moderated

    done = panel.split('data-testid="cycle-2022"')[1].split("</article>")[0]
    assert "Siap pindah ke Diarsipkan." in done


def test_admin_overview_names_the_first_blockers_and_counts_the_rest(admin_user):
    review = make_cycle(2024, CycleState.OPEN)
    province = Region.objects.create(code="15", name="Jambi", kind=RegionKind.PROVINSI)
    regions = [
        Region.objects.create(
            code=f"15.{n:02d}", name=f"Kabupaten {n}", kind=RegionKind.KABUPATEN, parent=province
        )
        for n in range(1, 9)
    ]
    enrol(review, *regions)
    (status,) = overview.for_admin()
    assert len(status.blockers) == overview.SHOWN_BLOCKERS
    assert status.more_blockers == 8 - overview.SHOWN_BLOCKERS
    assert status.blockers[0] == "Kabupaten 1 (15.01): 0 dari 2 asesor."
    assert status.next_label == "Penilaian asesor"


def test_the_public_top_ten_is_shown_to_signed_in_users_too(client, operator):
    cohort()
    publish_cycle(2022, INDICES)
    client.force_login(operator)
    html = client.get(HOME).content.decode()
    assert rows_of(html) == ["32.73", "15.71", "15", "32.04", "15.05"]


def test_latest_snapshot_is_none_until_a_cycle_is_published(db):
    cohort()
    cycle = make_cycle(2022, CycleState.FINAL, make_instrument("final-2022"))
    make_stored_snapshot(cycle, INDICES, published=False)
    assert published.latest_snapshot() is None
    assert Snapshot.objects.count() == 1


def test_the_anonymous_home_page_reads_three_queries_however_large(
    client, django_assert_num_queries
):
    indices = cohort_and_more(12)
    for year in (2019, 2020, 2021, 2022):
        publish_cycle(year, indices)
    with django_assert_num_queries(3):
        html = client.get(HOME).content.decode()
    assert len(rows_of(html)) == 10


def test_admin_overview_computes_the_moderation_queue_once(admin_user, jambi, monkeypatch):
    cycle = make_cycle(2023, CycleState.MODERATION)
    (submission,) = enrol(cycle, jambi)
    submission.state = SubmissionState.SUBMITTED
    submission.save()
    first, second = (make_user(f"asesor.{n}", Role.ASSESSOR) for n in (1, 2))
    level = cycle.instrument.indicators.get(code="GOV.SVC.01")
    for assignment, value in zip(assign(cycle, jambi, first, second), (1, 4), strict=True):
        Score.objects.create(assignment=assignment, indicator=level, value=Decimal(value))
    computed = []
    compute = moderation_service._compute_open_items

    def counting(of):
        computed.append(of.pk)
        return compute(of)

    monkeypatch.setattr(moderation_service, "_compute_open_items", counting)

    (status,) = overview.for_admin()
    assert computed == [cycle.pk]
    assert status.queue == 4
    assert any("Kota Jambi (15.71) · GOV.SVC.01" in blocker for blocker in status.blockers)
    # Outside the overview nothing is reused: a change made between two reads is seen.
    assert moderation_service.queue_length(cycle) == 4
    Score.objects.filter(indicator=level, value=Decimal(1)).update(value=Decimal(4))
    assert moderation_service.queue_length(cycle) == 3
    assert computed == [cycle.pk] * 3
