"""Link evidence checks: asking the server to check a link again (assessors of the region and
admins) and the archived copy of a checked link (whoever may read the self-assessment). Uses the
2029 cycle of matrix_30; adds a link evidence item of Kota Jambi with one finished check."""

from django.core.files.base import ContentFile
from django.utils import timezone

from kotacerdas.evaluations.models import Evidence, EvidenceKindStored, LinkCheck, LinkCheckState

from .framework import REGION_PARTIES, REVIEWERS, Case


def build(world):
    submission = world.evidence_own.submission
    link = Evidence.objects.create(
        submission=submission,
        indicator=world.evidence_own.indicator,
        kind=EvidenceKindStored.LINK,
        url="https://jambikota.go.id/sk-mpp",
        uploaded_by=world.users["operator_own"],
    )
    check = LinkCheck(
        evidence=link,
        state=LinkCheckState.DONE,
        checked_at=timezone.now(),
        status_code=200,
        final_url=link.url,
        content_type="text/html",
        size=11,
    )
    check.archive.save("matrix-arsip.html", ContentFile(b"<p>SK</p>\n"), save=False)
    check.save()
    world.objects["link_own"] = link
    world.objects["link_check_own"] = check


CASES = [
    Case(
        "evaluations:evidence_link_check",
        REVIEWERS,
        method="post",
        kwargs=lambda w: {"pk": w.link_own.pk},
    ),
    Case("evaluations:link_archive", REGION_PARTIES, kwargs=lambda w: {"pk": w.link_check_own.pk}),
]
