"""The operator and cycle side of the evaluation: the admin's cycle pages, enrolment, reminders,
returns, the self-assessment, evidence (download included) and the history. One cycle of its own:
2029, open, Kota Jambi and Kota Bandung enrolled, Kota Jambi assessed by the assigned assessor and
holding one evidence file."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kotacerdas.evaluations.models import CycleState, Evidence, EvidenceKindStored
from tests import samples
from tests.factories import assign, enrol, make_cycle, make_instrument

from .framework import ADMIN_ONLY, OPERATOR_OWN, REGION_PARTIES, SIGNED_IN, Case

YEAR = 2029
ADMIN_AND_OPERATOR = frozenset({"admin", "operator_own"})


def build(world):
    own, other = world.own_region, world.other_region
    cycle = make_cycle(YEAR, CycleState.OPEN, make_instrument("matrix-cycle"))
    cycle.submission_deadline = timezone.now() + timedelta(days=30)
    cycle.save()
    own_submission, _other = enrol(cycle, own, other)
    assign(cycle, own, world.users["assessor_assigned"])
    evidence = Evidence(
        submission=own_submission,
        indicator=cycle.instrument.indicators.get(code="GOV.SVC.01"),
        kind=EvidenceKindStored.FILE,
        original_name="laporan.pdf",
        content_type="application/pdf",
        size=len(samples.pdf_bytes()),
        uploaded_by=world.users["operator_own"],
    )
    evidence.file.save("matrix-laporan.pdf", ContentFile(samples.pdf_bytes()), save=False)
    evidence.save()
    world.objects["cycle_open"] = cycle
    world.objects["evidence_own"] = evidence


def year(world):
    return {"year": YEAR}


def own(world):
    return {"year": YEAR, "code": world.own_region.code}


def own_indicator(world):
    return {**own(world), "indicator": "GOV.SVC.01"}


def evidence(world):
    return {"pk": world.evidence_own.pk}


def pdf(world):
    return {"file": SimpleUploadedFile("bukti.pdf", samples.pdf_bytes()), "description": "SK"}


CASES = [
    # The admin's cycle pages
    Case("evaluations:cycle_list", ADMIN_ONLY),
    Case("evaluations:cycle_create", ADMIN_ONLY),
    Case(
        "evaluations:cycle_create",
        ADMIN_ONLY,
        method="post",
        data=lambda w: {"year": ""},
        note="invalid form",
    ),
    Case("evaluations:cycle_detail", ADMIN_ONLY, kwargs=year),
    Case("evaluations:cycle_settings", ADMIN_ONLY, kwargs=year),
    Case(
        "evaluations:cycle_settings",
        ADMIN_ONLY,
        method="post",
        kwargs=year,
        data=lambda w: {"name": "Evaluasi 2029", "min_assessors": "0"},
        note="invalid settings",
    ),
    Case(
        "evaluations:cycle_transition",
        ADMIN_ONLY,
        method="post",
        kwargs=year,
        data=lambda w: {"to_state": CycleState.REVIEW},
    ),
    Case("evaluations:cycle_remind", ADMIN_ONLY, method="post", kwargs=year),
    Case("evaluations:cycle_enrol", ADMIN_ONLY, kwargs=year),
    Case(
        "evaluations:cycle_enrol",
        ADMIN_ONLY,
        kwargs=year,
        htmx=True,
        query=lambda w: {"q": "Jambi"},
        note="htmx search",
    ),
    Case(
        "evaluations:cycle_enrol",
        ADMIN_ONLY,
        method="post",
        kwargs=year,
        data=lambda w: {"regions": [w.own_region.code]},
    ),
    Case(
        "evaluations:cycle_enrol_csv",
        ADMIN_ONLY,
        method="post",
        kwargs=year,
        data=lambda w: {"file": SimpleUploadedFile("daerah.csv", b"kode\n15.71\n")},
    ),
    Case("evaluations:cycle_unenrol", ADMIN_ONLY, method="post", kwargs=own),
    Case("evaluations:cycle_history", ADMIN_ONLY, kwargs=year),
    Case("evaluations:cycle_operations", ADMIN_ONLY, kwargs=year),
    Case("evaluations:cycle_operations_xlsx", ADMIN_ONLY, kwargs=year),
    Case(
        "evaluations:submission_return",
        ADMIN_ONLY,
        method="post",
        kwargs=own,
        data=lambda w: {"reason": "SK belum ada"},
    ),
    # One region's deadline extension (admins; the rule is evaluations.extend_deadline)
    Case("evaluations:submission_extension", ADMIN_ONLY, kwargs=own),
    Case(
        "evaluations:submission_extension",
        ADMIN_ONLY,
        method="post",
        kwargs=own,
        data=lambda w: {
            "until": timezone.localtime(timezone.now() + timedelta(days=40)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "reason": "Banjir",
        },
    ),
    Case(
        "evaluations:submission_extension_cancel",
        ADMIN_ONLY,
        method="post",
        kwargs=own,
        data=lambda w: {"reason": "Tidak jadi"},
        note="no extension to cancel",
    ),
    # The self-assessment
    Case("evaluations:submission_list", SIGNED_IN),
    Case("evaluations:submission_form", REGION_PARTIES, kwargs=own),
    Case(
        "evaluations:answer_save",
        OPERATOR_OWN,
        method="post",
        htmx=True,
        kwargs=own_indicator,
        data=lambda w: {"value": "3", "justification": "MPP", "version": "0"},
    ),
    Case("evaluations:submission_submit", OPERATOR_OWN, method="post", kwargs=own),
    Case(
        "evaluations:evidence_upload", OPERATOR_OWN, method="post", kwargs=own_indicator, data=pdf
    ),
    Case(
        "evaluations:evidence_link",
        OPERATOR_OWN,
        method="post",
        kwargs=own_indicator,
        data=lambda w: {"url": "https://jambikota.go.id/mpp"},
    ),
    Case("evaluations:evidence_replace", OPERATOR_OWN, kwargs=evidence),
    Case(
        "evaluations:evidence_replace",
        OPERATOR_OWN,
        method="post",
        kwargs=evidence,
        data=lambda w: {"url": "https://jambikota.go.id/mpp-baru"},
    ),
    Case("evaluations:evidence_download", REGION_PARTIES, kwargs=evidence),
    Case("evaluations:indicator_history", ADMIN_AND_OPERATOR, kwargs=own_indicator),
]
