"""Evidence: files checked by content and stored by the storage API, links, replacing without
deleting, and downloads only through the permission-checked view."""

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from kotacerdas.accounts.roles import Role
from kotacerdas.core.errors import Locked
from kotacerdas.core.uploads import UploadRejected
from kotacerdas.evaluations.models import Cycle, Evidence, SubmissionState
from kotacerdas.evaluations.services import evidence as service
from kotacerdas.evaluations.services.evidence import InvalidEvidence
from kotacerdas.instruments.models import Indicator
from tests import samples
from tests.conftest import make_user
from tests.evaluations.cycle_setup import submission_of
from tests.factories import assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def mpp(cycle):
    return Indicator.objects.get(instrument=cycle.instrument, code="GOV.SVC.01")


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_a_pdf_is_stored_with_its_checksum_under_a_safe_name(submission, mpp, operator, settings):
    content = samples.pdf_bytes()
    evidence = service.add_file(
        submission, mpp, samples.upload("Laporan MPP 2022.pdf", content), by=operator
    )
    evidence.refresh_from_db()
    assert evidence.kind == "file"
    assert evidence.original_name == "Laporan MPP 2022.pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.size == len(content)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.uploaded_by == operator
    assert evidence.file.name.startswith("evidence/2022/15.71/")
    assert evidence.file.name.endswith("-Laporan_MPP_2022.pdf")  # storage: spaces → _
    assert [path.read_bytes() for path in stored_files(settings)] == [content]


def test_an_oversized_upload_is_refused_and_nothing_is_stored(submission, mpp, operator, settings):
    settings.KOTACERDAS_EVIDENCE_MAX_BYTES = 2048
    big = samples.pdf_bytes() + b"\0" * 4096
    with pytest.raises(UploadRejected, match="melebihi batas"):
        service.add_file(submission, mpp, samples.upload("besar.pdf", big), by=operator)
    assert not Evidence.objects.exists()
    assert stored_files(settings) == []


def test_an_executable_renamed_to_pdf_is_refused(submission, mpp, operator, settings):
    upload = samples.upload("laporan.pdf", samples.windows_exe_bytes(), "application/pdf")
    with pytest.raises(UploadRejected, match="application/x-msdownload"):
        service.add_file(submission, mpp, upload, by=operator)
    assert not Evidence.objects.exists()
    assert stored_files(settings) == []


def test_a_path_traversal_name_stays_inside_the_regions_folder(submission, mpp, operator, settings):
    upload = samples.upload("../../../../etc/cron.d/laporan.pdf", samples.pdf_bytes())
    evidence = service.add_file(submission, mpp, upload, by=operator)
    assert evidence.original_name == "laporan.pdf"
    (path,) = stored_files(settings)
    assert path.parent == Path(settings.MEDIA_ROOT) / "evidence" / "2022" / "15.71"


def test_nul_and_control_characters_are_removed_from_names(submission, mpp, operator):
    upload = samples.upload("lapor\x00an\x07.pdf", samples.pdf_bytes())
    upload.name = "lapor\x00an\x07.pdf"
    evidence = service.add_file(submission, mpp, upload, by=operator)
    assert evidence.original_name == "laporan.pdf"
    assert "\x00" not in evidence.file.name


def test_links_must_be_http_or_https(submission, mpp, operator):
    link = service.add_link(
        submission, mpp, " https://jambikota.go.id/mpp ", description="Situs MPP", by=operator
    )
    assert (link.kind, link.url, link.description) == (
        "link",
        "https://jambikota.go.id/mpp",
        "Situs MPP",
    )
    for bad in ("javascript:alert(1)", "ftp://jambikota.go.id/x", "file:///etc/passwd", "jambi"):
        with pytest.raises(InvalidEvidence, match="bukan tautan"):
            service.add_link(submission, mpp, bad, by=operator)
    assert Evidence.objects.count() == 1


def test_replacing_keeps_the_old_evidence_in_the_history(submission, mpp, operator, settings):
    old = service.add_file(
        submission, mpp, samples.upload("v1.pdf", samples.pdf_bytes("v1")), by=operator
    )
    new = service.replace(
        old, uploaded=samples.upload("v2.pdf", samples.pdf_bytes("v2")), by=operator
    )
    old.refresh_from_db()
    assert old.superseded and not new.superseded
    assert new.replaces == old
    assert old.file.read() == samples.pdf_bytes("v1")
    assert len(stored_files(settings)) == 2
    with pytest.raises(InvalidEvidence, match="sudah diganti"):
        service.replace(old, url="https://jambikota.go.id", by=operator)
    by_link = service.replace(new, url="https://jambikota.go.id/mpp", by=operator)
    assert by_link.kind == "link" and by_link.replaces == new
    assert Evidence.objects.filter(superseded=False).get() == by_link


def test_evidence_is_locked_with_the_answers(submission, mpp, operator, settings):
    submission.state = SubmissionState.SUBMITTED
    submission.save()
    with pytest.raises(Locked, match="sudah dikirim"):
        service.add_file(submission, mpp, samples.upload("a.pdf", samples.pdf_bytes()), by=operator)
    Cycle.objects.filter(pk=submission.cycle_id).update(
        submission_deadline=timezone.now() - timedelta(hours=1)
    )
    submission.state = SubmissionState.DRAFT
    submission.save()
    submission = submission_of(submission.cycle, submission.region)
    with pytest.raises(Locked, match="sudah lewat"):
        service.add_link(submission, mpp, "https://jambikota.go.id", by=operator)
    assert not Evidence.objects.exists()
    assert stored_files(settings) == []


def test_only_the_regions_operator_adds_evidence(submission, mpp, admin_user, assessor):
    for user in (admin_user, assessor):
        with pytest.raises(PermissionDenied):
            service.add_link(submission, mpp, "https://jambikota.go.id", by=user)


# --- Over HTTP ------------------------------------------------------------------------------------


def upload_url(code="GOV.SVC.01"):
    return reverse("evaluations:evidence_upload", args=[2022, "15.71", code])


def test_upload_over_http_then_download_as_attachment(client, operator, submission):
    client.force_login(operator)
    content = samples.pdf_bytes()
    response = client.post(
        upload_url(), {"file": samples.upload("Perda 1-2019.pdf", content), "description": "Perda"}
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    page = client.get(reverse("evaluations:submission_form", args=[2022, "15.71"])).content.decode()
    assert "Perda 1-2019.pdf" in page
    assert evidence.sha256[:12] in page
    download = client.get(reverse("evaluations:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert 'filename="Perda 1-2019.pdf"' in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_refused_upload_over_http_says_why(client, operator, submission):
    client.force_login(operator)
    response = client.post(
        upload_url(), {"file": samples.upload("laporan.pdf", samples.elf_bytes())}, follow=True
    )
    assert "ditolak: isinya application/x-executable" in response.content.decode()
    assert not Evidence.objects.exists()


def test_the_replace_page_replaces_a_file(client, operator, submission, mpp):
    old = service.add_file(
        submission, mpp, samples.upload("v1.pdf", samples.pdf_bytes()), by=operator
    )
    client.force_login(operator)
    url = reverse("evaluations:evidence_replace", args=[old.pk])
    assert "Data dukung lama tidak dihapus" in client.get(url).content.decode()
    response = client.post(url, {"file": samples.upload("v2.png", samples.image_bytes())})
    assert response.status_code == 302
    assert Evidence.objects.get(superseded=False).original_name == "v2.png"
    page = client.get(reverse("evaluations:submission_form", args=[2022, "15.71"])).content.decode()
    assert "1 data dukung yang sudah diganti" in page
    assert "v1.pdf" in page


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("operator_own", 200),
        ("assessor_assigned", 200),
        ("assessor_unassigned", 404),
        ("operator_other", 404),
    ],
)
def test_download_permission(client, submission, mpp, operator, admin_user, bandung, who, status):
    evidence = service.add_file(
        submission, mpp, samples.upload("a.pdf", samples.pdf_bytes()), by=operator
    )
    assigned = make_user("asesor.jambi", Role.ASSESSOR)
    assign(submission.cycle, submission.region, assigned)
    users = {
        "admin": admin_user,
        "operator_own": operator,
        "assessor_assigned": assigned,
        "assessor_unassigned": make_user("asesor.lain", Role.ASSESSOR),
        "operator_other": make_user("operator.bandung", Role.OPERATOR, region=bandung),
    }
    client.force_login(users[who])
    response = client.get(reverse("evaluations:evidence_download", args=[evidence.pk]))
    assert response.status_code == status


def test_anonymous_downloads_are_sent_to_sign_in(client, submission, mpp, operator):
    evidence = service.add_file(
        submission, mpp, samples.upload("a.pdf", samples.pdf_bytes()), by=operator
    )
    response = client.get(reverse("evaluations:evidence_download", args=[evidence.pk]))
    assert response.status_code == 302
    assert "/akun/" in response["Location"]


def test_no_url_serves_the_media_folder(client, submission, mpp, operator):
    evidence = service.add_file(
        submission, mpp, samples.upload("a.pdf", samples.pdf_bytes()), by=operator
    )
    client.force_login(operator)
    assert client.get("/media/" + evidence.file.name).status_code == 404
    assert client.get("/" + evidence.file.name).status_code == 404
