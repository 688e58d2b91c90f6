"""The right of reply through the API: the window, filing, the deadline, other regions, the
decision and its effect, the register and the public count. The world is ``world.py``'s: cycle
2019 final with computed results and the window open, Kota Jambi's draft appeal (GOV.01) and
Kabupaten Muaro Jambi's submitted one (GOV.01, pending)."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from kotacerdas.api import tokens
from kotacerdas.appeals.models import Appeal, AppealEvidence, AppealItem, AppealWindow
from kotacerdas.evaluations.models import FinalValue
from kotacerdas.results.services import computation

from .world import PDF, appeal_evidence

BASE = "/api/v1/cycles/2019/"
OWN = BASE + "appeals/15.71/"


WORLD_WITH_APPEALS = True  # the world of tests/api/conftest.py with its appeals part


def client_of(world, role: str) -> APIClient:
    client = APIClient()
    client.force_login(world.users[role])
    return client


def close_by_deadline(world) -> None:
    AppealWindow.objects.filter(pk=world.appeal_window.pk).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )


# --- The window ---------------------------------------------------------------------------------


def test_admin_moves_the_deadline_and_closes_the_window(world):
    admin = client_of(world, "admin")
    moved = admin.put(
        BASE + "appeal-window/", {"deadline": "2099-01-31T23:59:00+07:00"}, format="json"
    )
    assert moved.status_code == 200
    assert moved.json()["deadline"].startswith("2099-01-31T23:59:00")
    assert moved.json()["is_open"] is True

    seen = client_of(world, "operator_own").get(BASE + "appeal-window/").json()
    assert seen["is_open"] is True and seen["cycle"] == 2019

    closed = admin.post(BASE + "appeal-window/close/")
    assert closed.status_code == 200
    assert closed.json()["is_open"] is False
    world.appeal_window.refresh_from_db()
    assert world.appeal_window.closed_at is not None


def test_a_past_deadline_or_an_operator_changes_nothing(world):
    before = world.appeal_window.deadline
    refused = client_of(world, "admin").put(
        BASE + "appeal-window/", {"deadline": "2020-01-01T00:00:00+07:00"}, format="json"
    )
    assert refused.status_code == 409
    assert "sudah lewat" in refused.json()["detail"]
    forbidden = client_of(world, "operator_own").put(
        BASE + "appeal-window/", {"deadline": "2099-01-31T23:59:00+07:00"}, format="json"
    )
    assert forbidden.status_code == 403
    world.appeal_window.refresh_from_db()
    assert world.appeal_window.deadline == before


def test_a_cycle_without_a_window_has_none(world):
    response = client_of(world, "admin").get("/api/v1/cycles/2022/appeal-window/")
    assert response.status_code == 404


# --- Filing -------------------------------------------------------------------------------------


def test_the_operator_files_an_item_with_evidence_and_submits(world):
    operator = client_of(world, "operator_own")
    saved = operator.put(
        OWN + "items/ECO.01/",
        {"category": "new_evidence", "reason": "Perwal ekonomi digital terbit Maret."},
        format="json",
    )
    assert saved.status_code == 200
    assert saved.json()["indicator"] == "ECO.01"
    assert saved.json()["category"] == "new_evidence"
    assert saved.json()["decision"] == "pending"

    upload = SimpleUploadedFile("perwal.pdf", PDF, content_type="application/pdf")
    stored = operator.post(
        OWN + "items/ECO.01/evidence/",
        {"file": upload, "description": "Perwal 12/2019"},
        format="multipart",
    )
    assert stored.status_code == 201, stored.content
    assert stored.json()["kind"] == "file"
    assert stored.json()["original_name"] == "perwal.pdf"
    assert len(stored.json()["sha256"]) == 64
    link = operator.post(
        OWN + "items/ECO.01/evidence/",
        {"url": "https://jdih.jambikota.go.id/perwal-12-2019"},
        format="multipart",
    )
    assert link.status_code == 201

    submitted = operator.post(OWN + "submit/")
    assert submitted.status_code == 200
    body = submitted.json()
    assert body["state"] == "submitted"
    assert body["snapshot"] == 1
    assert [item["indicator"] for item in body["items"]] == ["ECO.01", "GOV.01"]
    assert [e["kind"] for e in body["items"][0]["evidence"]] == ["file", "link"]

    again = operator.put(OWN + "items/GOV.01/", {"reason": "Tambahan."}, format="json")
    assert again.status_code == 409
    assert again.json()["type"] == "urn:kotacerdas:problem:locked"


def test_the_assigned_assessor_reads_but_does_not_file(world):
    assessor = client_of(world, "assessor_assigned")
    read = assessor.get(OWN)
    assert read.status_code == 200
    assert read.json()["region"] == "15.71"
    assert read.json()["items"][0]["reason"] == "Perda SPBE belum dinilai."
    refused = assessor.put(OWN + "items/GOV.01/", {"reason": "Bukan saya."}, format="json")
    assert refused.status_code == 403
    assert AppealItem.objects.get(pk=world.own_item.pk).reason == "Perda SPBE belum dinilai."


def test_bad_input_writes_nothing(world):
    operator = client_of(world, "operator_own")
    items = AppealItem.objects.count()
    empty = operator.put(OWN + "items/ECO.01/", {"reason": ""}, format="json")
    assert empty.status_code == 400
    assert empty.json()["errors"][0]["pointer"] == "#/reason"
    wrong = operator.put(
        OWN + "items/ECO.01/", {"reason": "Alasan.", "category": "luck"}, format="json"
    )
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["field"] == "category"
    unknown = operator.put(OWN + "items/XXX.99/", {"reason": "Alasan."}, format="json")
    assert unknown.status_code == 404
    assert AppealItem.objects.count() == items

    fake = SimpleUploadedFile("perda.pdf", b"not a pdf at all", content_type="application/pdf")
    rejected = operator.post(OWN + "items/GOV.01/evidence/", {"file": fake}, format="multipart")
    assert rejected.status_code == 400
    assert rejected.json()["type"] == "urn:kotacerdas:problem:validation"
    both = operator.post(
        OWN + "items/GOV.01/evidence/",
        {"file": SimpleUploadedFile("a.pdf", PDF), "url": "https://a.example/"},
        format="multipart",
    )
    assert both.status_code == 400
    assert not AppealEvidence.objects.exists()


def test_after_the_deadline_nothing_is_written(world):
    close_by_deadline(world)
    operator = client_of(world, "operator_own")
    late = operator.put(OWN + "items/ECO.01/", {"reason": "Terlambat sedikit."}, format="json")
    assert late.status_code == 409
    assert late.json()["type"] == "urn:kotacerdas:problem:locked"
    assert "sudah ditutup" in late.json()["detail"]
    link = operator.post(
        OWN + "items/GOV.01/evidence/", {"url": "https://a.example/"}, format="multipart"
    )
    assert link.status_code == 409
    submit = operator.post(OWN + "submit/")
    assert submit.status_code == 409
    appeal = Appeal.objects.get(pk=world.own_appeal.pk)
    assert appeal.state == "draft"
    assert list(appeal.items.values_list("indicator__code", flat=True)) == ["GOV.01"]
    assert not AppealEvidence.objects.exists()


def test_another_region_is_refused(world):
    other = client_of(world, "operator_other")
    assert other.get(OWN).status_code == 404
    assert other.put(OWN + "items/ECO.01/", {"reason": "Iseng."}, format="json").status_code == 404
    assert other.post(OWN + "submit/").status_code == 404
    own = client_of(world, "operator_own")
    bandung = own.put(BASE + "appeals/32.73/items/ECO.01/", {"reason": "Iseng."}, format="json")
    assert bandung.status_code == 404
    assert not Appeal.objects.filter(region__code="32.73").exists()
    assert AppealItem.objects.filter(appeal=world.own_appeal).count() == 1


def test_a_read_token_cannot_file(world):
    _token, secret = tokens.issue_token(world.users["operator_own"], name="baca", scope="read")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get(OWN).status_code == 200
    refused = client.put(OWN + "items/ECO.01/", {"reason": "Alasan."}, format="json")
    assert refused.status_code == 403
    assert refused.json()["type"] == "urn:kotacerdas:problem:token-scope"


# --- Decisions, the register, the public count --------------------------------------------------

SUBMITTED = BASE + "appeals/15.05/items/GOV.01/decide/"


def test_an_accepted_item_records_its_effect(world):
    final = FinalValue.objects.get(
        submission__cycle=world.appeal_cycle,
        submission__region__code="15.05",
        indicator__code="GOV.01",
    )
    response = client_of(world, "admin").post(
        SUBMITTED,
        {"decision": "accepted", "value": "5", "reason": "Bukti MPP sah."},
        format="json",
    )
    assert response.status_code == 200, response.content
    item = response.json()
    assert item["decision"] == "accepted"
    assert item["decision_reason"] == "Bukti MPP sah."
    assert item["decided_by"] == "w.admin"
    assert Decimal(item["value_before"]) == final.value
    assert Decimal(item["value_after"]) == Decimal(5)
    # The results are recomputed in the background: the effect is pending (a test transaction
    # never commits, so the task waits, as on a queue nobody works).
    assert item["effect_pending"] is True
    assert item["display_before"] is not None and item["rank_before"] >= 1
    assert (item["display_after"], item["rank_after"], item["ranks_changed"]) == (None,) * 3
    assert (item["snapshot_before"], item["snapshot_after"]) == (1, None)
    final.refresh_from_db()
    assert final.value == Decimal(5)
    # While it is pending, no other decision is taken.
    refused = client_of(world, "admin").post(
        SUBMITTED, {"decision": "rejected", "reason": "Lagi."}, format="json"
    )
    assert refused.status_code == 409 and "latar belakang" in refused.json()["detail"]

    job = AppealItem.objects.get(pk=world.submitted_item.pk).computation
    computation.run(job.pk)  # what `kotacerdas db_worker` does
    appeal = client_of(world, "admin").get(BASE + "appeals/15.05/").json()
    (item,) = [i for i in appeal["items"] if i["indicator"] == "GOV.01"]
    assert item["effect_pending"] is False
    assert item["display_after"] > item["display_before"]
    assert item["rank_before"] >= item["rank_after"] >= 1
    assert (item["snapshot_before"], item["snapshot_after"]) == (1, 2)
    assert item["ranks_changed"] is not None


def test_a_rejection_changes_no_result_and_bad_input_decides_nothing(world):
    admin = client_of(world, "admin")
    no_reason = admin.post(SUBMITTED, {"decision": "rejected", "reason": ""}, format="json")
    assert no_reason.status_code == 400
    no_value = admin.post(SUBMITTED, {"decision": "accepted", "reason": "Ya."}, format="json")
    assert no_value.status_code == 409
    assert AppealItem.objects.get(pk=world.submitted_item.pk).decision == "pending"

    rejected = admin.post(
        SUBMITTED, {"decision": "rejected", "reason": "Bukti terbit sesudah 2019."}, format="json"
    )
    assert rejected.status_code == 200
    item = rejected.json()
    assert item["decision"] == "rejected"
    assert item["display_before"] == item["display_after"]
    assert item["snapshot_before"] == item["snapshot_after"] == 1
    twice = admin.post(SUBMITTED, {"decision": "rejected", "reason": "Lagi."}, format="json")
    assert twice.status_code == 409


def test_only_admins_decide(world):
    response = client_of(world, "operator_own").post(
        OWN + "items/GOV.01/decide/", {"decision": "rejected", "reason": "Saya sendiri."}
    )
    assert response.status_code == 403
    assert AppealItem.objects.get(pk=world.own_item.pk).decision == "pending"


def test_the_register_lists_every_appeal_of_the_cycle(world):
    body = client_of(world, "admin").get(BASE + "appeals/").json()
    assert body["count"] == 2
    assert [(a["region"], a["state"]) for a in body["results"]] == [
        ("15.05", "submitted"),
        ("15.71", "draft"),
    ]
    assert body["results"][0]["items"][0]["reason"] == "MPP sudah beroperasi sejak 2018."


def test_the_public_sees_counts_only_after_publication(world):
    anonymous = APIClient()
    assert anonymous.get("/api/v1/results/2019/appeals/").status_code == 404
    counts = anonymous.get("/api/v1/results/2020/appeals/")
    assert counts.status_code == 200
    assert counts.json() == {"year": 2020, "appeals": 0, "items": 0, "accepted": 0, "rejected": 0}


def test_an_appeal_evidence_file_downloads_for_who_may_read_the_appeal(world):
    upload, link = appeal_evidence(world)
    body = client_of(world, "assessor_assigned").get(OWN).json()
    listed = {e["id"]: e for e in body["items"][0]["evidence"]}
    assert listed[upload.pk]["download"] == f"/api/v1/appeal-evidence/{upload.pk}/file/"
    assert listed[link.pk]["download"] is None
    for role in ("admin", "operator_own", "assessor_assigned"):
        response = client_of(world, role).get(listed[upload.pk]["download"])
        assert response.status_code == 200, role
        assert b"".join(response.streaming_content) == PDF
        assert 'filename="perda-spbe-2019.pdf"' in response["Content-Disposition"]
        assert response["Content-Type"] == "application/pdf"
    for role in ("operator_other", "assessor_unassigned"):
        refused = client_of(world, role).get(f"/api/v1/appeal-evidence/{upload.pk}/file/")
        assert refused.status_code == 404, role
    not_a_file = client_of(world, "operator_own").get(f"/api/v1/appeal-evidence/{link.pk}/file/")
    assert not_a_file.status_code == 404
    assert not_a_file["Content-Type"] == "application/problem+json"
