"""A file download sends one of the content types its OpenAPI operation declares: the
evidence, attachment and appeal-evidence files in the type they were stored with (every type an
upload may have), the archived copy of a link in whatever type the link answered."""

from fnmatch import fnmatch

from django.core.files.base import ContentFile
from rest_framework.test import APIClient

from kotacerdas.appeals.models import AppealEvidence
from kotacerdas.core.uploads import KINDS, STORED_CONTENT_TYPES
from kotacerdas.evaluations.models import Evidence, LinkCheck
from kotacerdas.masterplans.models import Attachment

from .world import PDF, appeal_evidence

UPLOAD_ENDPOINTS = {
    "/api/v1/evidence/{id}/file/": Evidence,
    "/api/v1/attachments/{id}/file/": Attachment,
    "/api/v1/appeal-evidence/{id}/file/": AppealEvidence,
}


WORLD_WITH_APPEALS = True  # the world of tests/api/conftest.py with its appeals part


def declared(client, path: str) -> list[str]:
    """The media types the schema declares for the 200 answer of GET ``path``."""
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    return list(schema["paths"][path]["get"]["responses"]["200"]["content"])


def served(response) -> str:
    return response["Content-Type"].split(";")[0].strip()


def file_objects(world) -> dict:
    attachment = Attachment(
        masterplan=world.masterplan, kind="file", original_name="perwal.pdf", size=len(PDF)
    )
    attachment.file.save("perwal.pdf", ContentFile(PDF), save=False)
    attachment.save()
    appeal_file, _link = appeal_evidence(world)
    return {
        "/api/v1/evidence/{id}/file/": world.file_evidence,
        "/api/v1/attachments/{id}/file/": attachment,
        "/api/v1/appeal-evidence/{id}/file/": appeal_file,
    }


def test_upload_downloads_declare_every_type_they_send(world):
    client = APIClient()
    client.force_login(world.users["admin"])
    for path, item in file_objects(world).items():
        types = declared(client, path)
        assert set(types) == set(STORED_CONTENT_TYPES)  # and nothing it never sends
        model = UPLOAD_ENDPOINTS[path]
        for content_type in [kind.mime for kind in KINDS.values()] + [""]:
            model.objects.filter(pk=item.pk).update(content_type=content_type)
            response = client.get(path.format(id=item.pk))
            assert response.status_code == 200, (path, content_type)
            assert served(response) == (content_type or "application/octet-stream")
            assert served(response) in types, (path, served(response))


def test_the_archived_copy_declares_any_type(world):
    client = APIClient()
    client.force_login(world.users["admin"])
    path = "/api/v1/evidence/{id}/archive/"
    types = declared(client, path)
    assert types == ["*/*"]
    for content_type in ("text/html", "application/pdf", "image/svg+xml"):
        LinkCheck.objects.filter(pk=world.link_check.pk).update(content_type=content_type)
        response = client.get(path.format(id=world.link_evidence.pk))
        assert served(response) == content_type
        assert any(fnmatch(served(response), pattern) for pattern in types)
