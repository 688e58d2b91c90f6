"""Assigning assessors to regions, load balancing and conflicts of interest."""

import pytest
from django.core.exceptions import PermissionDenied

from kotacerdas.accounts.roles import Role
from kotacerdas.core.errors import Locked, ServiceError
from kotacerdas.evaluations.models import Assignment, ConflictOfInterest, CycleState, Score
from kotacerdas.evaluations.services import assignments
from kotacerdas.evaluations.services.assignments import AssignmentRefused
from kotacerdas.regions.models import Region, RegionKind
from tests.conftest import make_user
from tests.factories import assign, enrol, make_cycle


@pytest.fixture
def cycle(jambi, bandung):
    cycle = make_cycle(state=CycleState.OPEN)
    enrol(cycle, jambi, bandung)
    return cycle


@pytest.fixture
def panel(db):
    return [make_user(f"asesor.{n}", Role.ASSESSOR) for n in ("a", "b", "c")]


def test_it_assigns_an_assessor_to_an_enrolled_region(cycle, jambi, admin_user, assessor):
    assignment = assignments.assign(cycle, jambi, assessor, by=admin_user)
    assert assignment.assigned_by == admin_user
    # Assigning again returns the same assignment.
    assert assignments.assign(cycle, jambi, assessor, by=admin_user) == assignment
    assert Assignment.objects.count() == 1


def test_it_refuses_a_region_with_a_declared_conflict(cycle, jambi, admin_user, assessor):
    assignments.declare_conflict(assessor, jambi, "Alumni Pemkot Jambi", by=assessor)
    with pytest.raises(AssignmentRefused, match=r"konflik kepentingan.*Alumni Pemkot Jambi"):
        assignments.assign(cycle, jambi, assessor, by=admin_user)
    assert not Assignment.objects.exists()


def test_it_refuses_regions_not_enrolled_and_non_assessors(cycle, admin_user, assessor, operator):
    province = Region.objects.get(code="15")
    with pytest.raises(AssignmentRefused, match="tidak terdaftar"):
        assignments.assign(cycle, province, assessor, by=admin_user)
    with pytest.raises(AssignmentRefused, match="bukan akun asesor"):
        assignments.assign(cycle, operator.region, operator, by=admin_user)


def test_only_an_admin_assigns(cycle, jambi, assessor, operator):
    for user in (assessor, operator):
        with pytest.raises(PermissionDenied):
            assignments.assign(cycle, jambi, assessor, by=user)


def test_assignments_are_fixed_once_moderation_starts(cycle, jambi, admin_user, assessor):
    cycle.state = CycleState.MODERATION
    cycle.save()
    with pytest.raises(Locked, match="Moderasi"):
        assignments.assign(cycle, jambi, assessor, by=admin_user)


def test_unassign_keeps_work_that_was_scored(cycle, jambi, admin_user, assessor):
    (assignment,) = assign(cycle, jambi, assessor)
    indicator = cycle.instrument.indicators.first()
    Score.objects.create(assignment=assignment, indicator=indicator, value=3)
    with pytest.raises(AssignmentRefused, match="1 nilai"):
        assignments.unassign(assignment, by=admin_user)
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    Score.objects.all().delete()
    assignments.unassign(assignment, by=admin_user)
    assert not Assignment.objects.exists()


def test_auto_assign_respects_conflicts_and_spreads_the_load(db, admin_user, panel):
    province = Region.objects.create(code="33", name="Jawa Tengah", kind=RegionKind.PROVINSI)
    regions = [
        Region.objects.create(
            code=f"33.{n:02d}", name=f"Kabupaten {n}", kind=RegionKind.KABUPATEN, parent=province
        )
        for n in range(1, 7)
    ]
    cycle = make_cycle(state=CycleState.REVIEW)
    enrol(cycle, *regions)
    a, _b, _c = panel
    assignments.declare_conflict(a, regions[0], "Dosen di daerah ini", by=admin_user)

    report = assignments.auto_assign(cycle, by=admin_user)

    assert len(report.created) == 12
    assert report.short == {}
    loads = {user.username: n for user, n in assignments.load(cycle).items()}
    assert loads == {"asesor.a": 4, "asesor.b": 4, "asesor.c": 4}
    first_panel = set(
        Assignment.objects.filter(cycle=cycle, region=regions[0]).values_list(
            "assessor__username", flat=True
        )
    )
    assert first_panel == {"asesor.b", "asesor.c"}
    # Running it again changes nothing.
    assert assignments.auto_assign(cycle, by=admin_user).created == []


def test_auto_assign_reports_regions_it_cannot_complete(
    cycle, jambi, bandung, admin_user, assessor
):
    report = assignments.auto_assign(cycle, by=admin_user)
    assert len(report.created) == 2
    assert report.short == {jambi: 1, bandung: 1}
    assert assignments.assessors_short(cycle) == {jambi: 1, bandung: 1}


def test_an_assessor_declares_a_conflict_and_loses_the_unscored_assignment(
    cycle, jambi, assessor, admin_user
):
    (assignment,) = assign(cycle, jambi, assessor)
    conflict = assignments.declare_conflict(
        assessor, jambi, "  Pernah bekerja di sana ", by=assessor
    )
    assert conflict.reason == "Pernah bekerja di sana"
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


def test_a_conflict_with_scored_work_is_refused(cycle, jambi, assessor):
    (assignment,) = assign(cycle, jambi, assessor)
    Score.objects.create(
        assignment=assignment, indicator=cycle.instrument.indicators.first(), value=2
    )
    with pytest.raises(AssignmentRefused, match="minta admin"):
        assignments.declare_conflict(assessor, jambi, "Keluarga", by=assessor)
    assert not ConflictOfInterest.objects.exists()


def test_conflicts_need_a_reason_and_the_right_person(jambi, assessor, admin_user):
    other = make_user("asesor.lain", Role.ASSESSOR)
    with pytest.raises(ServiceError, match="wajib"):
        assignments.declare_conflict(assessor, jambi, "  ", by=assessor)
    with pytest.raises(PermissionDenied):
        assignments.declare_conflict(assessor, jambi, "Alasan", by=other)
    conflict = assignments.declare_conflict(assessor, jambi, "Alasan", by=admin_user)
    assert list(assignments.conflicts_visible_to(assessor)) == [conflict]
    assert list(assignments.conflicts_visible_to(other)) == []
    with pytest.raises(PermissionDenied):
        assignments.withdraw_conflict(conflict, by=assessor)
    assignments.withdraw_conflict(conflict, by=admin_user)
    assert not ConflictOfInterest.objects.exists()


def test_panels_list_candidates_by_load_without_conflicted_assessors(
    cycle, jambi, bandung, admin_user, panel
):
    a, _b, c = panel
    assign(cycle, bandung, a)
    assignments.declare_conflict(c, jambi, "Asal daerah", by=admin_user)
    rows = {row.submission.region.code: row for row in assignments.panels(cycle)}
    jambi_row = rows["15.71"]
    assert [user.username for user, _load in jambi_row.candidates] == ["asesor.b", "asesor.a"]
    assert [user.username for user in jambi_row.conflicted] == ["asesor.c"]
    assert jambi_row.missing == 2
    assert rows["32.73"].missing == 1
    assert [row.submission.region.code for row in assignments.panels(cycle, province="32")] == [
        "32.73"
    ]


# --- The assignment and conflict pages -------------------------------------------------------


def test_the_assignment_page_lists_panels_and_loads(client, cycle, jambi, admin_user, panel):
    from django.urls import reverse

    a, b, _c = panel
    assign(cycle, jambi, a)
    client.force_login(admin_user)
    page = client.get(reverse("evaluations:assignment_panel", args=[cycle.year])).content.decode()
    assert 'data-testid="panel-15.71"' in page and 'data-testid="panel-32.73"' in page
    assert "kurang 1" in page and "kurang 2" in page
    assert "2 daerah masih kekurangan asesor" in page
    response = client.post(
        reverse("evaluations:assignment_add", args=[cycle.year]),
        {"region": "15.71", "assessor": b.pk},
        follow=True,
    )
    assert "ditugaskan menilai Kota Jambi" in response.content.decode()
    assert set(
        Assignment.objects.filter(region=jambi).values_list("assessor__username", flat=True)
    ) == {
        "asesor.a",
        "asesor.b",
    }


def test_the_page_refuses_a_conflicted_assessor_with_the_reason(
    client, cycle, jambi, admin_user, assessor
):
    from django.urls import reverse

    assignments.declare_conflict(assessor, jambi, "Keluarga bekerja di Diskominfo", by=admin_user)
    client.force_login(admin_user)
    response = client.post(
        reverse("evaluations:assignment_add", args=[cycle.year]),
        {"region": "15.71", "assessor": assessor.pk},
        follow=True,
    )
    assert "Keluarga bekerja di Diskominfo" in response.content.decode()
    assert not Assignment.objects.exists()


def test_auto_assign_and_unassign_over_http(client, cycle, admin_user, panel):
    from django.urls import reverse

    client.force_login(admin_user)
    response = client.post(reverse("evaluations:assignment_auto", args=[cycle.year]), follow=True)
    assert "4 penugasan baru dibuat" in response.content.decode()
    assignment = Assignment.objects.first()
    response = client.post(
        reverse("evaluations:assignment_remove", args=[cycle.year, assignment.pk]), follow=True
    )
    assert "dicabut" in response.content.decode()
    assert Assignment.objects.count() == 3


def test_an_assessor_declares_a_conflict_on_the_page(client, cycle, jambi, assessor):
    from django.urls import reverse

    assign(cycle, jambi, assessor)
    client.force_login(assessor)
    url = reverse("evaluations:conflict_list")
    response = client.post(
        url, {"region": "15.71", "reason": "Lahir dan bekerja di Jambi"}, follow=True
    )
    page = response.content.decode()
    assert "Lahir dan bekerja di Jambi" in page
    assert not Assignment.objects.exists()
    assert "15.71" not in client.get(reverse("evaluations:assessor_home")).content.decode()
    response = client.post(url, {"region": "15.71", "reason": ""})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
