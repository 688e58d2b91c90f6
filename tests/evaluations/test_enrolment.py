"""Enrolling regions: pick list, CSV (every bad line named, nothing written), un-enrolling."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kotacerdas.core.errors import Locked
from kotacerdas.evaluations.models import CycleState, Submission
from kotacerdas.evaluations.services import enrolment
from kotacerdas.evaluations.services.enrolment import EnrolmentFileRejected
from kotacerdas.regions.models import Region, RegionKind
from tests.evaluations.cycle_setup import answer_everything, submission_of
from tests.factories import enrol, make_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def batanghari(jambi):
    return Region.objects.create(
        code="15.04", name="Kabupaten Batang Hari", kind=RegionKind.KABUPATEN, parent=jambi.parent
    )


def enrolled_codes(cycle) -> list[str]:
    return sorted(cycle.submissions.values_list("region__code", flat=True))


def test_an_admin_enrols_regions_from_the_pick_list(admin_user, jambi, bandung):
    cycle = make_cycle(2022)
    report = enrolment.enrol(cycle, [jambi, bandung], by=admin_user)
    assert [r.code for r in report.added] == ["15.71", "32.73"]
    assert enrolled_codes(cycle) == ["15.71", "32.73"]
    assert submission_of(cycle, jambi).enrolled_by == admin_user


def test_enrolling_twice_reports_the_region_as_already_enrolled(admin_user, jambi, bandung):
    cycle = make_cycle(2022)
    enrol(cycle, jambi)
    report = enrolment.enrol(cycle, [jambi, bandung], by=admin_user)
    assert [r.code for r in report.added] == ["32.73"]
    assert [r.code for r in report.already] == ["15.71"]
    assert Submission.objects.filter(cycle=cycle).count() == 2


def test_only_admins_enrol(operator, assessor, jambi):
    cycle = make_cycle(2022)
    for user in (operator, assessor):
        with pytest.raises(PermissionDenied):
            enrolment.enrol(cycle, [jambi], by=user)
    assert enrolled_codes(cycle) == []


@pytest.mark.parametrize("state", [CycleState.REVIEW, CycleState.PUBLISHED])
def test_no_enrolment_once_review_has_begun(admin_user, jambi, state):
    cycle = make_cycle(2022, state=state)
    with pytest.raises(Locked, match="Draf atau Penilaian mandiri"):
        enrolment.enrol(cycle, [jambi], by=admin_user)


def test_a_late_region_can_join_an_open_cycle(admin_user, jambi):
    cycle = make_cycle(2022, state=CycleState.OPEN)
    enrolment.enrol(cycle, [jambi], by=admin_user)
    assert enrolled_codes(cycle) == ["15.71"]


def test_csv_with_header_semicolons_and_bom_is_read(admin_user, jambi, bandung):
    cycle = make_cycle(2022)
    data = "\ufeffkode;nama\n15.71;Kota Jambi\n\n32.73;Kota Bandung\n".encode()
    report = enrolment.enrol_csv(cycle, data, by=admin_user)
    assert [r.code for r in report.added] == ["15.71", "32.73"]


def test_csv_with_unknown_codes_duplicates_and_bad_rows_writes_nothing(admin_user, jambi, bandung):
    cycle = make_cycle(2022)
    data = b"kode\n15.71\n99.99\n32.73\n15.71\nJambi\n1571\n"
    with pytest.raises(EnrolmentFileRejected) as info:
        enrolment.enrol_csv(cycle, data, by=admin_user)
    assert info.value.message == "Berkas CSV ditolak; tidak ada daerah yang didaftarkan."
    assert info.value.details == [
        "Baris 3: kode 99.99 tidak ada dalam daftar daerah.",
        "Baris 5: kode 15.71 sudah ada di baris 2.",
        "Baris 6: «Jambi» bukan kode daerah (bentuknya NN atau NN.NN).",
        "Baris 7: «1571» bukan kode daerah (bentuknya NN atau NN.NN).",
    ]
    assert enrolled_codes(cycle) == []


def test_csv_that_is_not_utf8_or_empty_is_refused(admin_user):
    cycle = make_cycle(2022)
    with pytest.raises(EnrolmentFileRejected, match="bukan teks UTF-8"):
        enrolment.enrol_csv(cycle, "15.71\nKota Jambi é\n".encode("latin-1"), by=admin_user)
    with pytest.raises(EnrolmentFileRejected) as info:
        enrolment.enrol_csv(cycle, b"kode\n\n", by=admin_user)
    assert info.value.details == ["Berkas CSV tidak berisi kode daerah."]


def test_unenrol_only_in_draft(admin_user, jambi, bandung):
    cycle = make_cycle(2022)
    enrol(cycle, jambi, bandung)
    enrolment.unenrol(submission_of(cycle, bandung), by=admin_user)
    assert enrolled_codes(cycle) == ["15.71"]
    cycle.state = CycleState.OPEN
    cycle.save()
    with pytest.raises(Locked, match="hanya dapat dikeluarkan selama siklus berstatus Draf"):
        enrolment.unenrol(submission_of(cycle, jambi), by=admin_user)
    assert enrolled_codes(cycle) == ["15.71"]


def test_a_region_that_answered_is_never_removed(admin_user, jambi, operator):
    cycle = make_cycle(2022)
    enrol(cycle, jambi)
    answer_everything(submission_of(cycle, jambi), operator)
    with pytest.raises(Locked, match="sudah mengisi"):
        enrolment.unenrol(submission_of(cycle, jambi), by=admin_user)


def test_candidates_exclude_enrolled_regions_and_filter(jambi, bandung, batanghari):
    cycle = make_cycle(2022)
    enrol(cycle, jambi)
    codes = lambda **f: [r.code for r in enrolment.candidates(cycle, **f)]  # noqa: E731
    assert codes() == ["15", "15.04", "32", "32.73"]
    assert codes(kind="kabupaten") == ["15.04"]
    assert codes(province="15") == ["15", "15.04"]
    assert codes(query="bandung") == ["32.73"]


# --- Over HTTP ------------------------------------------------------------------------------------


def test_the_pick_list_page_searches_with_htmx(client, admin_user, jambi, bandung):
    make_cycle(2022)
    client.force_login(admin_user)
    url = reverse("evaluations:cycle_enrol", args=[2022])
    page = client.get(url).content.decode()
    assert 'name="regions" value="15.71"' in page
    partial = client.get(url, {"q": "Bandung"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial
    assert 'value="32.73"' in partial
    assert 'value="15.71"' not in partial


def test_enrol_over_http_with_the_pick_list(client, admin_user, jambi, bandung):
    cycle = make_cycle(2022)
    client.force_login(admin_user)
    response = client.post(
        reverse("evaluations:cycle_enrol", args=[2022]),
        {"regions": ["15.71", "32.73"]},
        follow=True,
    )
    assert "2 daerah didaftarkan." in response.content.decode()
    assert enrolled_codes(cycle) == ["15.71", "32.73"]


def test_enrol_over_http_with_a_bad_csv_lists_each_line(client, admin_user, jambi):
    cycle = make_cycle(2022)
    client.force_login(admin_user)
    upload = SimpleUploadedFile("daerah.csv", b"15.71\n88.01\n", content_type="text/csv")
    response = client.post(
        reverse("evaluations:cycle_enrol_csv", args=[2022]), {"file": upload}, follow=True
    )
    page = response.content.decode()
    assert "Berkas CSV ditolak" in page
    assert "Baris 2: kode 88.01 tidak ada dalam daftar daerah." in page
    assert enrolled_codes(cycle) == []


def test_unenrol_over_http(client, admin_user, jambi):
    cycle = make_cycle(2022)
    enrol(cycle, jambi)
    client.force_login(admin_user)
    response = client.post(reverse("evaluations:cycle_unenrol", args=[2022, "15.71"]), follow=True)
    assert "Kota Jambi dikeluarkan dari siklus." in response.content.decode()
    assert enrolled_codes(cycle) == []
