"""The PDF report card, the result letter, the national summary, the commands and the batch."""

import io
import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from kotacerdas.accounts.roles import Role
from kotacerdas.core.jobs import STALLED_AFTER
from kotacerdas.regions.models import Region
from kotacerdas.reports.choices import JobState
from kotacerdas.reports.models import ReportJob
from kotacerdas.reports.services import batch
from kotacerdas.results.models import Snapshot
from tests.conftest import make_user
from tests.results.builders import DIMENSION_NAMES, INDICES, cohort, publish_cycle


@pytest.fixture
def published(db):
    cohort()
    publish_cycle(2021, {code: value - 5 for code, value in INDICES.items()})
    return publish_cycle(2022, INDICES, previous={"15.71": 3.06})


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_the_report_card_is_a_pdf_with_name_index_and_six_dimensions(client, published):
    response = client.get(reverse("reports:report_card", args=[2022, "15.71"]))
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="rapor-2022-15.71.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Kota Jambi" in text
    assert "3,31" in text
    for name in DIMENSION_NAMES:
        assert name in text
    assert "Kelemahan Kota Jambi: data belum terintegrasi" in text
    assert "Rincian indikator" in text
    assert "Catatan rahasia asesor" not in text  # the public copy has no assessors' notes
    assert len(PdfReader(io.BytesIO(response.content)).pages) >= 2


def test_the_report_card_and_national_summary_in_english(client, published, settings):
    """Read in English, the documents name indicators and dimensions with the instrument's
    English texts (the snapshot stores both); the letter stays Indonesian (an official form)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = pdf_text(client.get(reverse("reports:report_card", args=[2022, "15.71"])).content)
    assert "Maturity level of Smart Governance" in text
    assert "Tingkat kematangan" not in text and "Persentase layanan" not in text
    text = pdf_text(client.get(reverse("reports:national", args=[2022])).content)
    for name in DIMENSION_NAMES:
        assert name in text
    assert "Tingkat kematangan" not in text


def test_the_region_and_admins_get_the_report_card_with_notes(client, published):
    jambi = Region.objects.get(code="15.71")
    client.force_login(make_user("op.jambi", Role.OPERATOR, region=jambi))
    text = pdf_text(client.get(reverse("reports:report_card", args=[2022, "15.71"])).content)
    assert "Catatan rahasia asesor untuk Kota Jambi" in text
    other = make_user("op.bandung", Role.OPERATOR, region=Region.objects.get(code="32.73"))
    client.force_login(other)
    text = pdf_text(client.get(reverse("reports:report_card", args=[2022, "15.71"])).content)
    assert "Catatan rahasia asesor" not in text


def test_the_letter_follows_the_ministrys_form(client, published):
    jambi = Region.objects.get(code="15.71")
    client.force_login(make_user("op.jambi", Role.OPERATOR, region=jambi))
    response = client.get(reverse("reports:letter", args=[2022, "15.71"]))
    text = pdf_text(response.content)
    assert "B-1002/DJAI/AI.01.04/12/2022" in text
    assert "Wali Kota Jambi" in text
    assert "Hasil Evaluasi Gerakan Menuju Smart City Tahun 2022" in text
    assert "3,31" in text and "3,06" in text and "+0,25" in text
    for label in ("Baseline", "Output", "Outcome", "Impact", "Quick Win", *DIMENSION_NAMES):
        assert label in text
    assert "Kelemahan Kota Jambi: data belum terintegrasi" in text
    assert "Kekuatan Kota Jambi: Mal Pelayanan Publik" in text
    assert "Rekomendasi Kota Jambi: satu data daerah" in text


def test_the_letter_is_for_the_region_and_admins_only(client, published):
    url = reverse("reports:letter", args=[2022, "15.71"])
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(
        make_user("op.bandung", Role.OPERATOR, region=Region.objects.get(code="32.73"))
    )
    assert client.get(url).status_code == 403
    client.force_login(make_user("admin.x", Role.ADMIN))
    assert client.get(url).status_code == 200


def test_the_national_summary(client, published):
    text = pdf_text(client.get(reverse("reports:national", args=[2022])).content)
    assert "Evaluasi Smart City 2022" in text
    assert "Kota Bandung" in text and "Kota Jambi" in text
    for name in DIMENSION_NAMES:
        assert name in text
    assert "Sebaran predikat" in text


def test_the_report_command_writes_a_pdf_and_a_zip(published, tmp_path):
    out = tmp_path / "jambi.pdf"
    call_command("report", "--cycle", "2022", "--region", "15.71", "--out", str(out))
    text = pdf_text(out.read_bytes())
    assert "Kota Jambi" in text and "3,31" in text
    archive = tmp_path / "reports.zip"
    call_command("report", "--cycle", "2022", "--all", "--out", str(archive))
    with zipfile.ZipFile(archive) as opened:
        names = sorted(opened.namelist())
        assert "rapor/15.71-rapor-2022.pdf" in names
        assert "surat/15.71-surat-2022.pdf" in names
        assert "laporan-nasional-2022.pdf" in names
        assert len(names) == 2 * 5 + 1
        assert "Kota Jambi" in pdf_text(opened.read("rapor/15.71-rapor-2022.pdf"))


def test_the_letter_command(published, tmp_path):
    out = tmp_path / "letter.pdf"
    call_command("letter", "--cycle", "2022", "--region", "15.71", "--out", str(out))
    assert "B-1002/DJAI/AI.01.04/12/2022" in pdf_text(out.read_bytes())


def test_the_commands_name_what_is_wrong(published, tmp_path):
    out = str(tmp_path / "x.pdf")
    with pytest.raises(CommandError, match="Tidak ada siklus tahun 2030"):
        call_command("report", "--cycle", "2030", "--region", "15.71", "--out", out)
    with pytest.raises(CommandError, match=r"Unknown region code '99\.99'"):
        call_command("letter", "--cycle", "2022", "--region", "99.99", "--out", out)


def test_the_batch_builds_one_zip_and_records_progress(
    client, published, django_capture_on_commit_callbacks
):
    admin = make_user("admin.batch", Role.ADMIN)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:batch_start", args=[2022]))
    job = ReportJob.objects.get()
    assert response.url == reverse("reports:batch_status", args=[2022, job.pk])
    assert job.state == JobState.DONE
    assert job.done == job.total == 11
    status = client.get(response.url).content.decode()
    assert "Selesai" in status and "11 dari 11 dokumen" in status
    download = client.get(reverse("reports:batch_download", args=[2022, job.pk]))
    content = b"".join(download.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as opened:
        assert len(opened.namelist()) == 11


def test_a_second_batch_waits_for_the_first(published):
    admin = make_user("admin.batch", Role.ADMIN)
    ReportJob.objects.create(snapshot=published, total=11, state=JobState.RUNNING)
    with pytest.raises(Exception, match="sedang berjalan"):
        batch.start(published, by=admin)


def test_a_report_job_runs_once_and_shows_when_its_worker_stopped(published):
    """The job shares ``core.jobs.BackgroundJob``: a job already claimed is not run again, and a
    queued job nobody touched for ``STALLED_AFTER`` counts as stalled."""
    running = ReportJob.objects.create(snapshot=published, total=11, state=JobState.RUNNING)
    batch.run(running.pk)
    running.refresh_from_db()
    assert running.state == JobState.RUNNING and running.started_at is None and not running.file
    assert not running.is_stalled
    ReportJob.objects.filter(pk=running.pk).update(
        updated_at=timezone.now() - STALLED_AFTER - timedelta(minutes=1)
    )
    running.refresh_from_db()
    assert running.is_active and running.is_stalled


FAR = datetime(2099, 1, 20, 3, 0, tzinfo=UTC)  # 20 January 2099, 10.00 WIB


def page_texts(content: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(content))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def test_documents_of_a_version_under_embargo_say_so_on_every_page(client, published):
    Snapshot.objects.filter(pk=published.pk).update(released_at=FAR)
    client.force_login(make_user("admin.pdf", Role.ADMIN))
    mark = "EMBARGO — tidak untuk disebarkan sebelum 20 Januari 2099 pukul 10.00 WIB"
    for name, args in (
        ("reports:report_card", [2022, "15.71"]),
        ("reports:letter", [2022, "15.71"]),
        ("reports:national", [2022]),
    ):
        pages = page_texts(client.get(reverse(name, args=args)).content)
        assert all(mark in page for page in pages), name
    assert (
        len(page_texts(client.get(reverse("reports:report_card", args=[2022, "15.71"])).content))
        >= 2
    )

    client.cookies["django_language"] = "en"  # the report card follows the reader's language
    pages = page_texts(client.get(reverse("reports:report_card", args=[2022, "15.71"])).content)
    assert all("EMBARGO — not to be distributed before" in page for page in pages)

    Snapshot.objects.filter(pk=published.pk).update(released_at=timezone.now())  # released
    client.logout()
    text = pdf_text(client.get(reverse("reports:report_card", args=[2022, "15.71"])).content)
    assert "EMBARGO" not in text and "DRAF" not in text


def test_the_batch_of_a_version_under_embargo_is_marked(published, tmp_path):
    Snapshot.objects.filter(pk=published.pk).update(released_at=FAR)
    archive = tmp_path / "reports.zip"
    call_command("report", "--cycle", "2022", "--all", "--out", str(archive))
    with zipfile.ZipFile(archive) as opened:
        for name in ("rapor/15.71-rapor-2022.pdf", "laporan-nasional-2022.pdf"):
            pages = page_texts(opened.read(name))
            assert all("EMBARGO — tidak untuk disebarkan sebelum" in page for page in pages)


def test_documents_of_an_unpublished_version_are_marked_draft_on_every_page(db, tmp_path):
    cohort()
    draft = publish_cycle(2023, INDICES, published=False)
    draft.cycle.state = "final"
    draft.cycle.save()
    out = tmp_path / "jambi.pdf"
    call_command("report", "--cycle", "2023", "--region", "15.71", "--out", str(out))
    pages = page_texts(out.read_bytes())
    assert len(pages) >= 2
    assert all("DRAF — hasil ini belum dipublikasikan." in page for page in pages)
    assert not any("EMBARGO" in page for page in pages)
