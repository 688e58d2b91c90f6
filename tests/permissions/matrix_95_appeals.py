"""The right of reply: the list, the admin's register and window, a region's appeal (filing,
evidence, submission, decisions) and the evidence download. Cycle 2040 is final with a stored
preview snapshot of both regions, an open window, and Kota Jambi's draft appeal with one item
and one PDF."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kotacerdas.appeals.choices import EvidenceKind
from kotacerdas.appeals.models import Appeal, AppealEvidence, AppealItem, AppealWindow
from kotacerdas.evaluations.models import CycleState, SubmissionState
from tests import samples
from tests.factories import assign, enrol, make_cycle, make_instrument
from tests.results.builders import make_stored_snapshot

from .framework import ADMIN_ONLY, OPERATOR_OWN, REGION_PARTIES, SIGNED_IN, Case

YEAR = 2040
ITEM = "GOV.SVC.01"


def build(world):
    own, other = world.own_region, world.other_region
    cycle = make_cycle(YEAR, CycleState.FINAL, make_instrument("matrix-appeals"))
    for submission in enrol(cycle, own, other):
        submission.state = SubmissionState.SUBMITTED
        submission.save()
    assign(cycle, own, world.users["assessor_assigned"])
    make_stored_snapshot(cycle, {own.code: 60.0, other.code: 70.0}, published=False)
    AppealWindow.objects.create(cycle=cycle, deadline=timezone.now() + timedelta(days=7))
    appeal = Appeal.objects.create(cycle=cycle, region=own)
    item = AppealItem.objects.create(
        appeal=appeal,
        indicator=cycle.instrument.indicators.get(code=ITEM),
        reason="SK tim smart city belum dinilai",
    )
    evidence = AppealEvidence(
        item=item,
        kind=EvidenceKind.FILE,
        original_name="sk.pdf",
        content_type="application/pdf",
        size=len(samples.pdf_bytes()),
    )
    evidence.file.save("matrix-sk.pdf", ContentFile(samples.pdf_bytes()), save=False)
    evidence.save()
    world.objects["appeal_evidence"] = evidence


def _year(w):
    return {"year": YEAR}


def _region(w):
    return {"year": YEAR, "code": w.own_region.code}


def _item(w):
    return {"year": YEAR, "code": w.own_region.code, "indicator": ITEM}


def _deadline(w):
    later = timezone.localtime() + timedelta(days=10)
    return {"date": later.date().isoformat(), "time": "23:59"}


CASES = [
    Case("appeals:home", SIGNED_IN),
    Case("appeals:register", ADMIN_ONLY, kwargs=_year),
    Case("appeals:window_open", ADMIN_ONLY, method="post", kwargs=_year, data=_deadline),
    Case("appeals:window_close", ADMIN_ONLY, method="post", kwargs=_year),
    Case("appeals:region", REGION_PARTIES, kwargs=_region),
    Case(
        "appeals:item_save",
        OPERATOR_OWN,
        method="post",
        kwargs=_region,
        data=lambda w: {"indicator": "ENV.WAS.01", "category": "other", "reason": "Data BPS"},
    ),
    Case(
        "appeals:item_remove",
        OPERATOR_OWN,
        method="post",
        kwargs=_item,
        note="refused: the item holds evidence",
    ),
    Case(
        "appeals:evidence_upload",
        OPERATOR_OWN,
        method="post",
        kwargs=_item,
        data=lambda w: {"file": SimpleUploadedFile("sk2.pdf", samples.pdf_bytes())},
    ),
    Case(
        "appeals:evidence_link",
        OPERATOR_OWN,
        method="post",
        kwargs=_item,
        data=lambda w: {"url": "https://jambikota.go.id/sk"},
    ),
    Case("appeals:submit", OPERATOR_OWN, method="post", kwargs=_region),
    Case(
        "appeals:decide",
        ADMIN_ONLY,
        method="post",
        kwargs=_item,
        data=lambda w: {},
        note="invalid form: back to the appeal",
    ),
    Case(
        "appeals:evidence_download",
        REGION_PARTIES,
        kwargs=lambda w: {"pk": w.appeal_evidence.pk},
    ),
]
