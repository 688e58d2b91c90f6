"""The offline workbook of the self-assessment: download, the upload page, the preview and apply
are the region's own operator's alone. Uses the open 2029 cycle of matrix_30; Kota Jambi's
operator has uploaded a workbook (one answer changed) that waits for its preview."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from kotacerdas.evaluations.models import Submission
from kotacerdas.evaluations.services import workbook
from kotacerdas.evaluations.services import workbook_import as importer

from .framework import OPERATOR_OWN, Case

YEAR = 2029


def filled(submission, by) -> bytes:
    book = load_workbook(io.BytesIO(workbook.write_workbook(submission, by=by)))
    book["GOV"]["G2"] = 3
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def build(world):
    # The upload is made on first use (``state``): a whole workbook for every case of the
    # matrix would slow every other module's cases for nothing.
    world.objects["workbook_state"] = {}


def state(world) -> dict:
    """Kota Jambi's workbook with one answer changed, uploaded by its operator: its bytes, the
    upload's token and the preview's plan."""
    found = world.workbook_state
    if not found:
        operator = world.users["operator_own"]
        submission = Submission.objects.get(cycle=world.cycle_open, region=world.own_region)
        data = filled(submission, operator)
        token = importer.stash(submission, SimpleUploadedFile("lembar.xlsx", data), by=operator)
        found["bytes"] = data
        found["token"] = token
        found["plan"] = importer.preview(submission, token, by=operator).fingerprint
    return found


def own(world):
    return {"year": YEAR, "code": world.own_region.code}


def stashed(world):
    return {**own(world), "token": state(world)["token"]}


CASES = [
    Case("evaluations:workbook_download", OPERATOR_OWN, kwargs=own),
    Case("evaluations:workbook_upload", OPERATOR_OWN, kwargs=own),
    Case(
        "evaluations:workbook_upload",
        OPERATOR_OWN,
        method="post",
        kwargs=own,
        data=lambda w: {"file": SimpleUploadedFile("lembar.xlsx", state(w)["bytes"])},
    ),
    Case("evaluations:workbook_preview", OPERATOR_OWN, kwargs=stashed),
    Case(
        "evaluations:workbook_apply",
        OPERATOR_OWN,
        method="post",
        kwargs=stashed,
        data=lambda w: {"plan": state(w)["plan"]},
    ),
]
