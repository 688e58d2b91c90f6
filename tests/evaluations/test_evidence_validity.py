"""Validity dates of evidence ("berlaku sampai"): validated, shown as expired relative to the
cycle's self-assessment deadline (today without one), counted per region for assessors, and
readable and writable through the API."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kotacerdas.accounts.roles import Role
from kotacerdas.evaluations.models import Evidence
from kotacerdas.evaluations.services import evidence as service
from kotacerdas.evaluations.services import scoring
from kotacerdas.evaluations.services.evidence import InvalidEvidence
from kotacerdas.instruments.models import Indicator
from tests import samples
from tests.conftest import make_user
from tests.factories import assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def mpp(cycle):
    return Indicator.objects.get(instrument=cycle.instrument, code="GOV.SVC.01")


def add_pdf(submission, mpp, operator, valid_until=None, name="sk.pdf"):
    upload = samples.upload(name, samples.pdf_bytes())
    return service.add_file(submission, mpp, upload, valid_until=valid_until, by=operator)


def test_a_validity_date_is_stored_with_the_file_and_the_link(submission, mpp, operator):
    file = add_pdf(submission, mpp, operator, valid_until=date(2024, 12, 31))
    link = service.add_link(
        submission, mpp, "https://jdih.jambikota.go.id/sk", valid_until="2023-06-30", by=operator
    )
    file.refresh_from_db()
    link.refresh_from_db()
    assert file.valid_until == date(2024, 12, 31)
    assert link.valid_until == date(2023, 6, 30)
    assert add_pdf(submission, mpp, operator, name="tanpa.pdf").valid_until is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (date(1999, 12, 31), "sebelum 1 Januari 2000"),
        ("31-12-2024x", "tanggal yang sah"),
        ("kemarin", "tanggal yang sah"),
        (20241231, "tanggal yang sah"),
    ],
)
def test_a_bad_validity_date_is_refused_and_nothing_is_written(
    submission, mpp, operator, value, message
):
    with pytest.raises(InvalidEvidence, match=message):
        add_pdf(submission, mpp, operator, valid_until=value)
    with pytest.raises(InvalidEvidence, match=message):
        service.add_link(submission, mpp, "https://a.example/", valid_until=value, by=operator)
    assert not Evidence.objects.exists()


def test_expired_means_before_the_deadline_day(submission, mpp, operator, cycle):
    before = add_pdf(submission, mpp, operator, valid_until=date(2022, 3, 3))
    deadline_day = timezone.localdate(cycle.submission_deadline)
    on_the_day = add_pdf(submission, mpp, operator, valid_until=deadline_day)
    day_before = add_pdf(submission, mpp, operator, valid_until=deadline_day - timedelta(days=1))
    undated = add_pdf(submission, mpp, operator)
    assert service.expired_since(before, cycle) == date(2022, 3, 3)
    assert service.expired_since(on_the_day, cycle) is None
    assert service.expired_since(day_before, cycle) == deadline_day - timedelta(days=1)
    assert service.expired_since(undated, cycle) is None


def test_without_a_deadline_expired_means_before_today(submission, mpp, operator, cycle):
    cycle.submission_deadline = None
    yesterday = timezone.localdate() - timedelta(days=1)
    old = add_pdf(submission, mpp, operator, valid_until=yesterday)
    today = add_pdf(submission, mpp, operator, valid_until=timezone.localdate())
    assert service.expired_since(old, cycle) == yesterday
    assert service.expired_since(today, cycle) is None


def test_replacement_takes_its_own_validity_date(submission, mpp, operator, cycle):
    old = add_pdf(submission, mpp, operator, valid_until=date(2022, 3, 3))
    new = service.replace(
        old, url="https://jdih.jambikota.go.id/sk-baru", valid_until=date(2030, 3, 3), by=operator
    )
    assert new.valid_until == date(2030, 3, 3)
    assert service.expired_counts([submission]) == {}
    old.refresh_from_db()
    assert old.valid_until == date(2022, 3, 3)  # the history keeps the old document's date


def test_the_operator_enters_the_date_and_sees_the_expiry(client, operator, submission, cycle):
    client.force_login(operator)
    url = reverse("evaluations:evidence_link", args=[2022, "15.71", "GOV.SVC.01"])
    response = client.post(
        url, {"url": "https://jdih.jambikota.go.id/sk-mpp", "valid_until": "2022-03-03"}
    )
    assert response.status_code == 302
    assert Evidence.objects.get().valid_until == date(2022, 3, 3)
    page = client.get(reverse("evaluations:submission_form", args=[2022, "15.71"])).content.decode()
    assert "kedaluwarsa sejak 3 Maret 2022" in page
    assert 'name="valid_until"' in page


def test_a_date_before_2000_over_http_says_why(client, operator, submission):
    client.force_login(operator)
    url = reverse("evaluations:evidence_link", args=[2022, "15.71", "GOV.SVC.01"])
    response = client.post(
        url, {"url": "https://a.example/sk", "valid_until": "1999-01-01"}, follow=True
    )
    assert "tidak boleh sebelum 1 Januari 2000" in response.content.decode()
    assert not Evidence.objects.exists()


def test_the_assessor_sees_expired_evidence_and_the_count_per_region(
    client, operator, submission, mpp, cycle
):
    add_pdf(submission, mpp, operator, valid_until=date(2022, 3, 3))
    add_pdf(submission, mpp, operator, valid_until=date(2021, 1, 15), name="mou.pdf")
    add_pdf(submission, mpp, operator, valid_until=date(2030, 1, 1), name="sertifikat.pdf")
    assessor = make_user("asesor.jambi", Role.ASSESSOR)
    assign(cycle, submission.region, assessor)
    rows = scoring.worklist(assessor)
    assert [(row.assignment.region.code, row.expired_evidence) for row in rows] == [("15.71", 2)]
    client.force_login(assessor)
    listing = client.get(reverse("evaluations:assessor_home")).content.decode()
    assert 'data-testid="expired-15.71"><span class="badge badge-bad">2</span>' in listing
    workspace = client.get(
        reverse("evaluations:assessor_workspace", args=[2022, "15.71"]), {"dimensi": "GOV"}
    )
    page = workspace.content.decode()
    assert "kedaluwarsa sejak 3 Maret 2022" in page
    assert "2 data dukung kedaluwarsa" in page
    assert "berlaku sampai 1 Januari 2030" in page


# --- API ------------------------------------------------------------------------------------------


def test_the_api_writes_and_reads_the_validity_date(jambi, bandung):
    from rest_framework.test import APIClient

    from tests.api.world import build_world

    world = build_world(jambi, bandung)
    client = APIClient()
    client.force_login(world.users["operator_own"])
    url = f"/api/v1/submissions/{world.own_open.pk}/evidence/"
    response = client.post(
        url,
        {
            "url": "https://jambikota.go.id/sk-mpp",
            "indicator": "GOV.SVC.01",
            "valid_until": "2027-03-03",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["valid_until"] == "2027-03-03"
    assert Evidence.objects.get(pk=response.json()["id"]).valid_until == date(2027, 3, 3)
    early = client.post(
        url, {"url": "https://jambikota.go.id/lama", "valid_until": "1999-12-31"}, format="json"
    )
    assert early.status_code == 400
    assert "1 Januari 2000" in early.json()["detail"]
    garbage = client.post(
        url, {"url": "https://jambikota.go.id/lama", "valid_until": "besok"}, format="json"
    )
    assert garbage.status_code == 400
    assert not Evidence.objects.filter(url="https://jambikota.go.id/lama").exists()
