"""The assessor side of the evaluation: workspace, scores, conflicts, assignments, sessions and
moderation. Two cycles of their own: 2030 in review (Kota Jambi assessed by the assigned
assessor, with a session) and 2031 in moderation (a disagreement waiting in the queue)."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from kotacerdas.accounts.roles import Role
from kotacerdas.evaluations.models import (
    ConflictOfInterest,
    CycleState,
    Score,
    SubmissionState,
    VirtualSession,
)
from tests.conftest import make_user
from tests.factories import assign, enrol, make_cycle, make_instrument

from .framework import ADMIN_ONLY, ASSESSOR_ASSIGNED, REGION_PARTIES, SIGNED_IN, Case

REVIEW, MODERATION = 2030, 2031
ASSESSORS = frozenset({"assessor_assigned", "assessor_unassigned"})
ADMIN_AND_ASSESSORS = ADMIN_ONLY | ASSESSORS


def build(world):
    own, other = world.own_region, world.other_region
    assessor = world.users["assessor_assigned"]
    review = make_cycle(REVIEW, CycleState.REVIEW, make_instrument("matrix-review"))
    enrol(review, own, other)
    assign(review, own, assessor)
    spare = make_user("m.assessor.spare", Role.ASSESSOR)
    (world.objects["spare_assignment"],) = assign(review, other, spare)
    session = VirtualSession.objects.create(
        cycle=review,
        region=own,
        starts_at=datetime(2030, 10, 3, 9, tzinfo=ZoneInfo("Asia/Jakarta")),
        meeting_url="https://meet.example.org/jambi",
    )
    session.assessors.add(assessor)
    world.objects["conflict"] = ConflictOfInterest.objects.create(
        assessor=spare, region=own, reason="Asal daerah"
    )

    moderated = make_cycle(MODERATION, CycleState.MODERATION, make_instrument("matrix-moderation"))
    (submission,) = enrol(moderated, own)
    submission.state = SubmissionState.SUBMITTED
    submission.save()
    second = make_user("m.assessor.second", Role.ASSESSOR)
    level = moderated.instrument.indicators.get(code="GOV.SVC.01")
    for assignment, value in zip(assign(moderated, own, assessor, second), (1, 4), strict=True):
        Score.objects.create(assignment=assignment, indicator=level, value=Decimal(value))


def review_region(world):
    return {"year": REVIEW, "code": world.own_region.code}


def moderation_region(world):
    return {"year": MODERATION, "code": world.own_region.code}


CASES = [
    # The assessor's own work
    Case("evaluations:assessor_home", ASSESSORS),
    Case("evaluations:assessor_workspace", ASSESSOR_ASSIGNED, kwargs=review_region),
    Case(
        "evaluations:assessor_workspace",
        ASSESSOR_ASSIGNED,
        kwargs=moderation_region,
        query=lambda w: {"dimensi": "ENV"},
        note="read-only in moderation",
    ),
    Case(
        "evaluations:score_save",
        ASSESSOR_ASSIGNED,
        method="post",
        htmx=True,
        kwargs=lambda w: {**review_region(w), "indicator": "GOV.SVC.01"},
        data=lambda w: {"value": "3", "note": "Sesuai data dukung", "version": "0"},
    ),
    Case(
        "evaluations:assessor_judgement",
        ASSESSOR_ASSIGNED,
        method="post",
        kwargs=review_region,
        data=lambda w: {
            "weaknesses": "Forum belum rutin",
            "strengths": "",
            "recommendations": "",
            "version": 0,
        },
    ),
    Case("evaluations:assessor_complete", ASSESSOR_ASSIGNED, method="post", kwargs=review_region),
    Case("evaluations:conflict_list", ADMIN_AND_ASSESSORS),
    Case(
        "evaluations:conflict_list",
        ADMIN_AND_ASSESSORS,
        method="post",
        data=lambda w: {"region": w.other_region.code, "reason": "Bekas tempat kerja"},
        note="declare",
    ),
    Case(
        "evaluations:conflict_withdraw",
        ADMIN_ONLY,
        method="post",
        kwargs=lambda w: {"pk": w.conflict.pk},
    ),
    # Assignments
    Case("evaluations:assignment_panel", ADMIN_ONLY, kwargs=lambda w: {"year": REVIEW}),
    Case(
        "evaluations:assignment_add",
        ADMIN_ONLY,
        method="post",
        kwargs=lambda w: {"year": REVIEW},
        data=lambda w: {
            "region": w.other_region.code,
            "assessor": w.users["assessor_unassigned"].pk,
        },
    ),
    Case(
        "evaluations:assignment_auto", ADMIN_ONLY, method="post", kwargs=lambda w: {"year": REVIEW}
    ),
    Case(
        "evaluations:assignment_remove",
        ADMIN_ONLY,
        method="post",
        kwargs=lambda w: {"year": REVIEW, "pk": w.spare_assignment.pk},
    ),
    # Virtual sessions
    Case("evaluations:session_list", SIGNED_IN),
    Case("evaluations:session_list", SIGNED_IN, query=lambda w: {"siklus": REVIEW}, note="cycle"),
    Case("evaluations:session_schedule", ADMIN_ONLY, kwargs=review_region),
    Case(
        "evaluations:session_schedule",
        ADMIN_ONLY,
        method="post",
        kwargs=review_region,
        data=lambda w: {
            "date": "2030-10-04",
            "time": "13:00",
            "duration_minutes": "90",
            "meeting_url": "https://meet.example.org/jambi-2",
            "assessors": [w.users["assessor_assigned"].pk],
        },
    ),
    Case("evaluations:session_ics", REGION_PARTIES, kwargs=review_region),
    # Moderation
    Case("evaluations:moderation_home", ADMIN_ONLY),
    Case("evaluations:moderation_queue", ADMIN_ONLY, kwargs=lambda w: {"year": MODERATION}),
    Case(
        "evaluations:moderation_queue",
        ADMIN_ONLY,
        kwargs=lambda w: {"year": MODERATION},
        query=lambda w: {"reason": "disagreement", "dimension": "GOV"},
        note="filtered",
    ),
    Case(
        "evaluations:moderation_prepare",
        ADMIN_ONLY,
        method="post",
        kwargs=lambda w: {"year": MODERATION},
    ),
    Case(
        "evaluations:moderation_preparation",
        ADMIN_ONLY,
        kwargs=lambda w: {"year": MODERATION},
        htmx=True,
        note="htmx poll",
    ),
    Case("evaluations:moderation_preparation", ADMIN_ONLY, kwargs=lambda w: {"year": MODERATION}),
    Case("evaluations:moderation_region", ADMIN_ONLY, kwargs=moderation_region),
    Case(
        "evaluations:moderation_settle",
        ADMIN_ONLY,
        kwargs=lambda w: {**moderation_region(w), "indicator": "GOV.SVC.01"},
    ),
    Case(
        "evaluations:moderation_settle",
        ADMIN_ONLY,
        method="post",
        htmx=True,
        kwargs=lambda w: {**moderation_region(w), "indicator": "GOV.SVC.01"},
        data=lambda w: {"value": "3", "reason": "Wawancara menguatkan tingkat 3", "version": "0"},
    ),
    Case("evaluations:feedback_edit", ADMIN_ONLY, kwargs=moderation_region),
    Case(
        "evaluations:feedback_edit",
        ADMIN_ONLY,
        method="post",
        kwargs=moderation_region,
        data=lambda w: {"weaknesses": "a", "strengths": "b", "recommendations": "c", "version": 0},
    ),
]
