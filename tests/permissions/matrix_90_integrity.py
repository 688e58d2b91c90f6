"""The integrity checks of a cycle: the admin's page (evidence reuse, self-assessment gaps,
outlier assessors, jumps). One cycle of its own: 2032, in review, both regions of the world
enrolled and sending the same PDF; the assigned assessor reviews Kota Jambi. Assessors see the
"same file" badge only inside their own workspace (a case of matrix_40); operators nothing.
Only admins mark a flag as reviewed or take the mark back."""

import hashlib

from django.core.files.base import ContentFile

from kotacerdas.evaluations.models import CycleState, Evidence, EvidenceKindStored
from tests import samples
from tests.factories import assign, enrol, make_cycle, make_instrument

from .framework import ADMIN_ONLY, Case

YEAR = 2032
# Any well-formed fingerprint: a review is keyed by it whether or not a flag has it now.
FINGERPRINT = "f" * 64


def build(world):
    cycle = make_cycle(YEAR, CycleState.REVIEW, make_instrument("matrix-integrity"))
    content = samples.pdf_bytes("Dokumen yang sama")
    indicator = cycle.instrument.indicators.get(code="GOV.SVC.01")
    for submission in enrol(cycle, world.own_region, world.other_region):
        evidence = Evidence(
            submission=submission,
            indicator=indicator,
            kind=EvidenceKindStored.FILE,
            original_name="sama.pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        evidence.file.save("sama.pdf", ContentFile(content), save=False)
        evidence.save()
    assign(cycle, world.own_region, world.users["assessor_assigned"])


CASES = [
    Case("results:integrity", ADMIN_ONLY, kwargs=lambda w: {"year": YEAR}),
    Case(
        "results:integrity",
        ADMIN_ONLY,
        kwargs=lambda w: {"year": w.results_year},
        note="a published cycle with results",
    ),
    Case(
        "results:integrity_review",
        ADMIN_ONLY,
        method="post",
        kwargs=lambda w: {"year": YEAR},
        data=lambda w: {"kind": "file", "fingerprint": FINGERPRINT, "note": "Perda yang sama"},
    ),
    Case(
        "results:integrity_review",
        ADMIN_ONLY,
        method="post",
        kwargs=lambda w: {"year": YEAR},
        data=lambda w: {"kind": "file", "fingerprint": FINGERPRINT, "note": "Perda yang sama"},
        htmx=True,
        note="htmx",
    ),
    Case(
        "results:integrity_unreview",
        ADMIN_ONLY,
        method="post",
        kwargs=lambda w: {"year": YEAR},
        data=lambda w: {"kind": "file", "fingerprint": FINGERPRINT},
    ),
]
