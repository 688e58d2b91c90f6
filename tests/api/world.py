"""The objects the API matrix and the fuzzing act on, one per situation an endpoint can meet.

- ``open_cycle`` (2023, self-assessment open): a draft submission for each region, one link
  evidence (checked: ``link_check`` answered 200 and its copy was archived) and one file evidence
  of the own region;
- ``review_cycle`` (2022, assessors scoring): the own region submitted, ``assessor_assigned``
  assigned to it;
- ``masterplan`` of the own region (2018–2022) with a ``document`` (a link), a
  ``published_programme`` (budgets, a quick win, a ``kpi`` with its 2022 value) and an
  ``unpublished_programme`` with internal notes;
- ``published_snapshot``: the 2020 cycle, published, Kota Bandung first and Kota Jambi second;
  the review cycle (2022) has a computed snapshot that is not published;
- ``moderation_cycle`` (2021, moderation): the own region submitted with two assessors whose
  scores disagree (so the queue is not empty).
- citizen survey windows on the published 2020 cycle (no responses) and on the review cycle
  (2022, open now) with one response about the published programme's 2022 quick win
  (``survey_window``);
- with ``appeals=True``, ``appeal_cycle`` (2019, final, results computed; the five cohort regions of
  ``tests.results.builders``): the reply window open for a week; the own region's draft appeal
  (``own_appeal``) with an item on GOV.01 (``own_item``) and no evidence; Kabupaten Muaro Jambi's
  (15.05, no operator in this world) appeal submitted with a pending item on GOV.01
  (``submitted_item``). The published 2020 cycle had a reply window (so its public count exists).

``assessor_assigned`` is assigned to the own region in every cycle; ``assessor_unassigned`` to
nothing (and has declared a ``conflict`` with the other region); the own region's ``session`` of
the open cycle is scheduled with ``assessor_assigned``; the operators belong to the own (Kota
Jambi) and the other (Kota Bandung) region.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.utils import timezone

from kotacerdas.accounts.roles import Role
from kotacerdas.appeals.choices import AppealState
from kotacerdas.appeals.models import Appeal, AppealEvidence, AppealItem, AppealWindow
from kotacerdas.evaluations.models import (
    ConflictOfInterest,
    CycleState,
    Evidence,
    Feedback,
    LinkCheck,
    LinkCheckState,
    Score,
    SubmissionState,
    VirtualSession,
)
from kotacerdas.masterplans.models import (
    Attachment,
    Budget,
    Kpi,
    KpiValue,
    Masterplan,
    Programme,
    QuickWin,
)
from kotacerdas.results.services.compute import compute_results
from kotacerdas.surveys.models import SurveyResponse, SurveyWindow
from tests.conftest import make_user
from tests.factories import assign, enrol, make_cycle
from tests.results.builders import make_evaluated_cycle, make_stored_snapshot, publish_cycle

ROLES = (
    "anonymous",
    "admin",
    "assessor_assigned",
    "assessor_unassigned",
    "operator_own",
    "operator_other",
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ARCHIVED_PAGE = b"<html><title>Pemerintah Kota Jambi</title></html>"


@dataclass
class ApiWorld:
    users: dict[str, Any]
    objects: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def build_world(own_region, other_region, *, appeals: bool = False) -> ApiWorld:
    """The world of the module docstring; the appeals part (2019, and the 2020 window) only with
    ``appeals`` (the matrix, the fuzzing and the appeals tests), so the assessor's assignments
    and the cycles seen by the other tests stay as they were."""
    users = {
        "anonymous": None,
        "admin": make_user("w.admin", Role.ADMIN),
        "assessor_assigned": make_user("w.assessor.assigned", Role.ASSESSOR),
        "assessor_unassigned": make_user("w.assessor.unassigned", Role.ASSESSOR),
        "operator_own": make_user("w.operator.own", Role.OPERATOR, region=own_region),
        "operator_other": make_user("w.operator.other", Role.OPERATOR, region=other_region),
    }
    second = make_user("w.assessor.second", Role.ASSESSOR)
    world = ApiWorld(users=users)
    o = world.objects
    o["own_region"], o["other_region"] = own_region, other_region
    assessor = users["assessor_assigned"]

    o["open_cycle"] = make_cycle(2023, state=CycleState.OPEN)
    o["own_open"], o["other_open"] = enrol(o["open_cycle"], own_region, other_region)
    assign(o["open_cycle"], own_region, assessor)
    level = o["open_cycle"].instrument.indicators.get(code="GOV.SVC.01")
    o["link_evidence"] = Evidence.objects.create(
        submission=o["own_open"], indicator=level, kind="link", url="https://jambikota.go.id/"
    )
    link_check = LinkCheck(
        evidence=o["link_evidence"],
        state=LinkCheckState.DONE,
        checked_at=timezone.now(),
        status_code=200,
        final_url="https://jambikota.go.id/beranda",
        content_type="text/html",
        size=len(ARCHIVED_PAGE),
        sha256=hashlib.sha256(ARCHIVED_PAGE).hexdigest(),
    )
    link_check.archive.save("beranda.arsip", ContentFile(ARCHIVED_PAGE), save=False)
    link_check.save()
    o["link_check"] = link_check
    file_evidence = Evidence(
        submission=o["own_open"],
        indicator=level,
        kind="file",
        original_name="perda.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    file_evidence.file.save("perda.pdf", ContentFile(PDF), save=False)
    file_evidence.save()
    o["file_evidence"] = file_evidence

    o["session"] = VirtualSession.objects.create(
        cycle=o["open_cycle"],
        region=own_region,
        starts_at=datetime(2023, 6, 5, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta")),
        duration_minutes=90,
        meeting_url="https://zoom.example/j/1",
    )
    o["session"].assessors.set([assessor])
    o["conflict"] = ConflictOfInterest.objects.create(
        assessor=users["assessor_unassigned"], region=other_region, reason="Bekas pegawai Pemkot"
    )

    o["review_cycle"] = make_cycle(2022, state=CycleState.REVIEW)
    o["own_review"], o["other_review"] = enrol(o["review_cycle"], own_region, other_region)
    o["own_review"].state = SubmissionState.SUBMITTED
    o["own_review"].save()
    (o["review_assignment"],) = assign(o["review_cycle"], own_region, assessor)

    o["moderation_cycle"] = make_cycle(2021, state=CycleState.MODERATION)
    (o["own_moderation"],) = enrol(o["moderation_cycle"], own_region)
    o["own_moderation"].state = SubmissionState.SUBMITTED
    o["own_moderation"].save()
    first, other = assign(o["moderation_cycle"], own_region, assessor, second)
    for assignment, value in ((first, 1), (other, 5)):
        for indicator in o["moderation_cycle"].instrument.indicators.all():
            Score.objects.create(
                assignment=assignment,
                indicator=indicator,
                value=Decimal(value) if indicator.code == "GOV.SVC.01" else Decimal(1),
            )

    o["masterplan"] = Masterplan.objects.create(
        region=own_region,
        title="Masterplan Smart City Kota Jambi 2018–2022",
        start_year=2018,
        end_year=2022,
        status="adopted",
        legal_basis_kind="perda",
        legal_basis_number="1",
        legal_basis_year=2019,
        legal_basis_title="Penyelenggaraan Smart City",
        internal_notes="Catatan internal masterplan",
    )
    common = {
        "masterplan": o["masterplan"],
        "dimension": "GOV",
        "element": "GOV.SVC",
        "kind": "application",
        "agency": "Diskominfo Kota Jambi",
        "start_year": 2019,
        "end_year": 2022,
        "status": "in_progress",
    }
    o["published_programme"] = Programme.objects.create(
        code="mpp", name="Mal Pelayanan Publik", published=True, **common
    )
    Budget.objects.create(
        programme=o["published_programme"], year=2022, planned=1_500_000_000, realised=1_200_000_000
    )
    QuickWin.objects.create(programme=o["published_programme"], year=2022)
    o["kpi"] = Kpi.objects.create(
        programme=o["published_programme"], code="jenis-layanan", name="Jenis layanan", unit="jenis"
    )
    KpiValue.objects.create(kpi=o["kpi"], year=2022, target=200, realisation=250)
    o["document"] = Attachment.objects.create(
        masterplan=o["masterplan"],
        kind="link",
        url="https://jdih.jambikota.go.id/perwal-smart-city",
        description="Perwal Masterplan Smart City",
    )
    o["unpublished_programme"] = Programme.objects.create(
        code="sipin", name="Wisata Danau Sipin", published=False, internal_notes="Rahasia", **common
    )

    o["published_snapshot"] = publish_cycle(2020, {"15.71": 62.5, "32.73": 71.0})
    make_stored_snapshot(o["review_cycle"], {"15.71": 80.0, "32.73": 40.0}, published=False)
    _surveys(world)
    if appeals:
        _appeals(world)
    return world


def _surveys(world: ApiWorld) -> None:
    """Survey windows on the published 2020 cycle and the review cycle (module docstring)."""
    o = world.objects
    now = timezone.now()
    SurveyWindow.objects.create(
        cycle=o["published_snapshot"].cycle,
        starts_at=datetime(2020, 10, 1, tzinfo=ZoneInfo("Asia/Jakarta")),
        ends_at=datetime(2020, 11, 1, tzinfo=ZoneInfo("Asia/Jakarta")),
    )
    o["survey_window"] = SurveyWindow.objects.create(
        cycle=o["review_cycle"], starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=7)
    )
    SurveyResponse.objects.create(
        window=o["survey_window"],
        region=o["own_region"],
        programme=o["published_programme"],
        knows=True,
        used=True,
        rating=4,
        comment="Komentar warga yang tidak pernah publik",
        fingerprint="0" * 64,
    )


def _appeals(world: ApiWorld) -> None:
    """The 2019 cycle in final with its reply window open and two appeals (module docstring)."""
    o = world.objects
    AppealWindow.objects.create(
        cycle=o["published_snapshot"].cycle, deadline=timezone.now() - timedelta(days=30)
    )
    cycle = o["appeal_cycle"] = make_evaluated_cycle(2019)
    # As moderation leaves it: feedback settled, so the cycle may return to final on acceptance.
    Feedback.objects.filter(submission__cycle=cycle).update(settled_by=world.users["admin"])
    compute_results(cycle, samples=20)
    assign(cycle, o["own_region"], world.users["assessor_assigned"])
    o["appeal_window"] = AppealWindow.objects.create(
        cycle=cycle, deadline=timezone.now() + timedelta(days=7)
    )
    gov = cycle.instrument.indicators.get(code="GOV.01")
    o["own_appeal"] = Appeal.objects.create(cycle=cycle, region=o["own_region"])
    o["own_item"] = AppealItem.objects.create(
        appeal=o["own_appeal"], indicator=gov, reason="Perda SPBE belum dinilai."
    )
    muaro_jambi = cycle.submissions.get(region__code="15.05").region
    submitted = Appeal.objects.create(
        cycle=cycle,
        region=muaro_jambi,
        state=AppealState.SUBMITTED,
        submitted_at=timezone.now(),
    )
    o["submitted_item"] = AppealItem.objects.create(
        appeal=submitted, indicator=gov, reason="MPP sudah beroperasi sejak 2018."
    )


def appeal_evidence(world: ApiWorld) -> tuple[AppealEvidence, AppealEvidence]:
    """A file (a PDF) and a link as evidence of the own region's item (``own_item``), made on
    first use: the appeals world itself has no evidence, which the filing tests count on."""
    o = world.objects
    if "appeal_file" not in o:
        item = o["own_item"]
        upload = AppealEvidence(
            item=item,
            kind="file",
            original_name="perda-spbe-2019.pdf",
            content_type="application/pdf",
            size=len(PDF),
            sha256=hashlib.sha256(PDF).hexdigest(),
            description="Perda SPBE 2019",
        )
        upload.file.save("perda-spbe-2019.pdf", ContentFile(PDF), save=False)
        upload.save()
        o["appeal_file"] = upload
        o["appeal_link"] = AppealEvidence.objects.create(
            item=item, kind="link", url="https://jdih.jambikota.go.id/perda-spbe"
        )
    return o["appeal_file"], o["appeal_link"]
