"""Programme evidence and masterplan documents: checked like evaluation evidence, served only
through a permission check, never deleted (a replacement keeps the old file)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kotacerdas.core.uploads import UploadRejected
from kotacerdas.masterplans.models import Attachment
from kotacerdas.masterplans.services import evidence
from kotacerdas.masterplans.services.evidence import InvalidAttachment

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="laporan mpp.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_file_is_checked_stored_and_downloaded_with_permission(
    client, programmes, operator, other_operator
):
    mpp = programmes[0]
    attachment = evidence.add(
        mpp.masterplan, programme=mpp, uploaded=pdf(), description="Laporan", by=operator
    )
    assert (attachment.original_name, attachment.size, attachment.content_type) == (
        "laporan mpp.pdf",
        len(PDF),
        "application/pdf",
    )
    assert len(attachment.sha256) == 64
    assert attachment.file.name.startswith("masterplans/15.71/")
    url = reverse("masterplans:attachment_download", args=[attachment.pk])
    assert client.get(url).status_code == 302  # anonymous: sign in
    client.force_login(other_operator)
    assert client.get(url).status_code == 403
    client.force_login(operator)
    response = client.get(url)
    assert b"".join(response.streaming_content) == PDF
    assert "laporan mpp.pdf" in response["Content-Disposition"]


def test_wrong_content_is_refused_and_nothing_stored(programmes, operator):
    mpp = programmes[0]
    with pytest.raises(UploadRejected):
        evidence.add(
            mpp.masterplan,
            programme=mpp,
            uploaded=pdf("foto.pdf", b"MZ\x90\x00 not a pdf"),
            by=operator,
        )
    with pytest.raises(InvalidAttachment):
        evidence.add(mpp.masterplan, programme=mpp, url="javascript:alert(1)", by=operator)
    assert not Attachment.objects.exists()


def test_replacing_keeps_the_old_file(programmes, operator):
    mpp = programmes[0]
    old = evidence.add(mpp.masterplan, programme=mpp, uploaded=pdf(), by=operator)
    new = evidence.replace(old, url="https://jambikota.go.id/mpp", by=operator)
    old.refresh_from_db()
    assert old.superseded and new.replaces == old
    assert old.file.storage.exists(old.file.name)
    with pytest.raises(InvalidAttachment):
        evidence.replace(old, url="https://example.org/", by=operator)


def test_document_upload_view(client, masterplan, operator):
    client.force_login(operator)
    response = client.post(
        reverse("masterplans:document_add", args=[masterplan.pk]),
        {"file": pdf("perda.pdf"), "description": "Perda 1/2019"},
    )
    assert response.status_code == 302
    document = Attachment.objects.get()
    assert document.programme is None and document.description == "Perda 1/2019"
    page = client.get(masterplan.get_absolute_url()).content.decode()
    assert "perda.pdf" in page
