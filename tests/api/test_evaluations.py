"""The evaluation endpoints do what the services do, for the right people, and say why not."""

import hashlib
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from kotacerdas.api import tokens
from kotacerdas.evaluations.models import (
    Answer,
    CycleState,
    Evidence,
    FinalValue,
    LinkCheck,
    Score,
)
from kotacerdas.evaluations.services import links

from .world import ARCHIVED_PAGE, PDF


def client_for(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_each_role_lists_only_the_submissions_it_may_see(world):
    def regions(role):
        body = client_for(world.users[role]).get("/api/v1/submissions/", {"page_size": 100}).json()
        return sorted((row["cycle"], row["region"]) for row in body["results"])

    assert regions("admin") == sorted(
        [(2023, "15.71"), (2023, "32.73"), (2022, "15.71"), (2022, "32.73"), (2021, "15.71")]
    )
    assert regions("operator_own") == [(2021, "15.71"), (2022, "15.71"), (2023, "15.71")]
    assert regions("operator_other") == [(2022, "32.73"), (2023, "32.73")]
    assert regions("assessor_assigned") == [(2021, "15.71"), (2022, "15.71"), (2023, "15.71")]
    assert regions("assessor_unassigned") == []


def test_filtering_submissions_by_cycle_and_state(world):
    client = client_for(world.users["admin"])
    body = client.get("/api/v1/submissions/", {"cycle__year": 2022, "state": "submitted"}).json()
    assert [(r["cycle"], r["region"]) for r in body["results"]] == [(2022, "15.71")]


def test_an_operator_answers_with_the_version_and_a_stale_save_is_a_409(world):
    client = client_for(world.users["operator_own"])
    url = f"/api/v1/submissions/{world.own_open.pk}/answers/GOV.SVC.01/"
    first = client.put(url, {"value": "3", "version": 0}, format="json")
    assert first.status_code == 200
    assert first.json()["version"] == 1
    assert first.json()["value"] == "3.000000"
    stale = client.put(url, {"value": "4", "version": 0}, format="json")
    assert stale.status_code == 409
    problem = stale.json()
    assert problem["type"] == "urn:kotacerdas:problem:stale-version"
    assert Answer.objects.get(submission=world.own_open, indicator__code="GOV.SVC.01").value == 3
    listed = client.get(f"/api/v1/submissions/{world.own_open.pk}/answers/").json()
    assert [(row["indicator"], row["version"]) for row in listed] == [
        ("GOV.SVC.01", 1),
        ("GOV.SVC.02", 0),
        ("ENV.WAS.01", 0),
        ("ENV.WAS.02", 0),
    ]


def test_an_operator_saves_several_answers_at_once(world):
    client = client_for(world.users["operator_own"])
    url = f"/api/v1/submissions/{world.own_open.pk}/answers/"
    batch = [
        {"indicator": "ENV.WAS.01", "value": "72.5", "justification": "Data DLH", "version": 0},
        {"indicator": "GOV.SVC.02", "not_applicable": False, "value": "1", "version": 0},
    ]
    response = client.post(url, {"answers": batch}, format="json")
    assert response.status_code == 200, response.content
    assert [(row["indicator"], row["value"], row["version"]) for row in response.json()] == [
        ("ENV.WAS.01", "72.500000", 1),
        ("GOV.SVC.02", "1.000000", 1),
    ]
    listed = client.get(url).json()
    assert [(row["indicator"], row["version"]) for row in listed] == [
        ("GOV.SVC.01", 0),
        ("GOV.SVC.02", 1),
        ("ENV.WAS.01", 1),
        ("ENV.WAS.02", 0),
    ]


def test_a_stale_item_refuses_the_whole_batch_and_names_it(world):
    client = client_for(world.users["operator_own"])
    url = f"/api/v1/submissions/{world.own_open.pk}/answers/"
    client.put(f"{url}GOV.SVC.01/", {"value": "3", "version": 0}, format="json")
    batch = [
        {"indicator": "ENV.WAS.01", "value": "50", "version": 0},
        {"indicator": "GOV.SVC.01", "value": "5", "version": 0},
    ]
    response = client.post(url, {"answers": batch}, format="json")
    assert response.status_code == 409
    problem = response.json()
    assert problem["type"] == "urn:kotacerdas:problem:stale-version"
    assert problem["detail"].startswith("Jawaban ke-2 (GOV.SVC.01): ")
    assert problem["errors"] == [
        {"field": "answers.1", "pointer": "#/answers/1", "detail": problem["detail"]}
    ]
    stored = Answer.objects.filter(submission=world.own_open)
    assert [(a.indicator.code, a.value) for a in stored] == [("GOV.SVC.01", 3)]


def test_every_refused_item_of_a_batch_is_a_field_error(world):
    client = client_for(world.users["operator_own"])
    url = f"/api/v1/submissions/{world.own_open.pk}/answers/"
    batch = [
        {"indicator": "GOV.SVC.01", "value": "7", "version": 0},
        {"indicator": "ENV.WAS.01", "value": "50", "version": 0},
        {"indicator": "GOV.SVC.02", "value": "3", "version": 0},
    ]
    response = client.post(url, {"answers": batch}, format="json")
    assert response.status_code == 400  # the first refused item's kind: a value that does not fit
    problem = response.json()
    assert problem["detail"].startswith("2 jawaban ditolak; tidak ada yang disimpan. Jawaban ke-1")
    assert [error["pointer"] for error in problem["errors"]] == ["#/answers/0", "#/answers/2"]
    assert problem["errors"][1]["detail"].startswith("Jawaban ke-3 (GOV.SVC.02): ")
    assert not Answer.objects.filter(submission=world.own_open).exists()


def test_unknown_indicators_in_a_batch_are_field_errors(world):
    client = client_for(world.users["operator_own"])
    url = f"/api/v1/submissions/{world.own_open.pk}/answers/"
    batch = [
        {"indicator": "XXX.01", "value": "1", "version": 0},
        {"indicator": "GOV.SVC.01", "value": "3", "version": 0},
        {"indicator": "ENV.WAS.01", "value": "50"},
    ]
    response = client.post(url, {"answers": batch}, format="json")
    assert response.status_code == 400
    assert [error["pointer"] for error in response.json()["errors"]] == ["#/answers/2/version"]
    batch[2]["version"] = 0
    response = client.post(url, {"answers": batch}, format="json")
    assert response.json()["errors"] == [
        {
            "field": "answers.0.indicator",
            "pointer": "#/answers/0/indicator",
            "detail": "Indikator XXX.01 tidak ada pada instrumen siklus ini.",
        }
    ]
    assert not Answer.objects.filter(submission=world.own_open).exists()
    empty = client.post(url, {"answers": []}, format="json")
    assert empty.status_code == 400
    assert empty.json()["errors"][0]["pointer"] == "#/answers"


def test_a_body_over_the_upload_limit_is_a_413_problem(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    client = client_for(world.users["operator_own"])
    item = {"indicator": "GOV.SVC.01", "value": "1", "version": 0, "justification": "x" * 5000}
    response = client.post(
        f"/api/v1/submissions/{world.own_open.pk}/answers/", {"answers": [item] * 300}, "json"
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Isi permintaan lebih besar dari 1 MB."
    assert not Answer.objects.filter(submission=world.own_open).exists()


def test_a_form_with_too_many_fields_is_a_400_problem(world, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    client = client_for(world.users["operator_own"])
    fields = {f"field{n}": "x" for n in range(10)}
    url = f"/api/v1/submissions/{world.own_open.pk}/evidence/"
    response = client.post(url, {"url": "https://jambikota.go.id/mpp", **fields}, "multipart")
    assert response.status_code == 400
    assert response.json()["detail"] == "Permintaan tidak dapat dibaca."


def test_an_out_of_range_answer_is_a_400_validation_problem(world):
    client = client_for(world.users["operator_own"])
    url = f"/api/v1/submissions/{world.own_open.pk}/answers/ENV.WAS.01/"
    response = client.put(url, {"value": "140", "version": 0}, format="json")
    assert response.status_code == 400
    assert response.json()["type"] == "urn:kotacerdas:problem:validation"
    assert "ENV.WAS.01" in response.json()["detail"]


def test_a_missing_version_is_a_field_error(world):
    client = client_for(world.users["operator_own"])
    url = f"/api/v1/submissions/{world.own_open.pk}/answers/GOV.SVC.01/"
    response = client.put(url, {"value": "3"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "version", "pointer": "#/version", "detail": "Bidang ini harus diisi."}
    ]


def test_an_unknown_indicator_is_a_404(world):
    client = client_for(world.users["operator_own"])
    url = f"/api/v1/submissions/{world.own_open.pk}/answers/XXX.01/"
    assert client.put(url, {"value": "3", "version": 0}, format="json").status_code == 404


def test_evidence_upload_and_download_keep_every_byte(world):
    client = client_for(world.users["operator_own"])
    upload = SimpleUploadedFile("Perda 1 2019.pdf", PDF, content_type="application/pdf")
    response = client.post(
        f"/api/v1/submissions/{world.own_open.pk}/evidence/",
        {"file": upload, "indicator": "GOV.SVC.01", "description": "Perda smart city"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert created["original_name"] == "Perda 1 2019.pdf"
    download = client_for(world.users["assessor_assigned"]).get(created["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


def test_a_disguised_upload_is_refused_with_a_clear_problem(world):
    client = client_for(world.users["operator_own"])
    fake = SimpleUploadedFile("laporan.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    response = client.post(
        f"/api/v1/submissions/{world.own_open.pk}/evidence/", {"file": fake}, format="multipart"
    )
    assert response.status_code == 400
    assert "laporan.pdf" in response.json()["detail"]
    assert not Evidence.objects.filter(original_name="laporan.pdf").exists()


def test_replacing_evidence_keeps_the_old_one(world):
    client = client_for(world.users["operator_own"])
    response = client.post(
        f"/api/v1/submissions/{world.own_open.pk}/evidence/",
        {"url": "https://jambikota.go.id/perda-baru", "replaces": world.link_evidence.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["replaces"] == world.link_evidence.pk
    world.link_evidence.refresh_from_db()
    assert world.link_evidence.superseded
    current = client.get(f"/api/v1/submissions/{world.own_open.pk}/evidence/").json()
    assert world.link_evidence.pk not in [row["id"] for row in current]
    everything = client.get(f"/api/v1/submissions/{world.own_open.pk}/evidence/?all=true").json()
    assert world.link_evidence.pk in [row["id"] for row in everything]


def test_submitting_an_incomplete_self_assessment_lists_what_is_missing(world):
    client = client_for(world.users["operator_own"])
    response = client.post(f"/api/v1/submissions/{world.own_open.pk}/submit/")
    assert response.status_code == 409
    problem = response.json()
    assert problem["type"] == "urn:kotacerdas:problem:refused"
    assert any("GOV.SVC.02" in item for item in problem["details"])


def test_an_assessor_scores_and_a_stale_score_is_refused(world):
    client = client_for(world.users["assessor_assigned"])
    url = f"/api/v1/assignments/{world.review_assignment.pk}/scores/GOV.SVC.01/"
    assert client.put(url, {"value": "4", "version": 0}, format="json").status_code == 200
    assert client.put(url, {"value": "2", "version": 0}, format="json").status_code == 409
    assert Score.objects.get(assignment=world.review_assignment).value == 4


def test_admin_returns_a_submission_with_a_reason(world):
    client = client_for(world.users["admin"])
    url = f"/api/v1/submissions/{world.own_review.pk}/return/"
    assert client.post(url, {}, format="json").status_code == 400
    response = client.post(url, {"reason": "Perda belum terbaca."}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "returned"
    assert response.json()["return_reason"] == "Perda belum terbaca."


def test_a_refused_transition_lists_every_missing_precondition(world):
    client = client_for(world.users["admin"])
    response = client.post("/api/v1/cycles/2023/transition/", {"to": "review"}, format="json")
    assert response.status_code == 409
    assert response.json()["details"]
    world.open_cycle.refresh_from_db()
    assert world.open_cycle.state == CycleState.OPEN
    assert client.get("/api/v1/cycles/2023/").json()["next_states"] == ["review"]


def test_the_moderator_sees_the_disagreement_and_settles_it(world):
    client = client_for(world.users["admin"])
    queue = client.get("/api/v1/cycles/2021/moderation/").json()
    item = next(row for row in queue if row["indicator"] == "GOV.SVC.01")
    assert sorted(score["value"] for score in item["scores"]) == ["1.000000", "5.000000"]
    response = client.post(
        "/api/v1/cycles/2021/moderation/settle/",
        {
            "submission": item["submission"],
            "indicator": "GOV.SVC.01",
            "value": "3",
            "reason": "Dibahas bersama kedua asesor.",
            "version": item["final_version"],
        },
        format="json",
    )
    assert response.status_code == 200
    final = FinalValue.objects.get(submission=world.own_moderation, indicator__code="GOV.SVC.01")
    assert (final.value, final.method) == (3, "moderated")


def test_a_read_token_cannot_answer_but_a_write_token_can(world):
    operator = world.users["operator_own"]
    url = f"/api/v1/submissions/{world.own_open.pk}/answers/GOV.SVC.01/"
    _read, read_secret = tokens.issue_token(operator, name="r", scope="read")
    _write, write_secret = tokens.issue_token(operator, name="w", scope="write")
    client = APIClient()
    denied = client.put(
        url, {"value": "3", "version": 0}, format="json", HTTP_AUTHORIZATION=f"Bearer {read_secret}"
    )
    assert denied.status_code == 403
    assert denied.json()["type"] == "urn:kotacerdas:problem:token-scope"
    allowed = client.put(
        url,
        {"value": "3", "version": 0},
        format="json",
        HTTP_AUTHORIZATION=f"Bearer {write_secret}",
    )
    assert allowed.status_code == 200
    assert (
        Answer.objects.get(submission=world.own_open, indicator__code="GOV.SVC.01").updated_by
        == operator
    )


def test_a_link_has_no_file_to_download(world):
    client = client_for(world.users["operator_own"])
    response = client.get(f"/api/v1/evidence/{world.link_evidence.pk}/file/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_link_evidence_carries_its_newest_check_and_the_archive_downloads(world):
    client = client_for(world.users["assessor_assigned"])
    item = client.get(f"/api/v1/evidence/{world.link_evidence.pk}/").json()
    check = item["link_check"]
    assert check["state"] == "done" and check["status_code"] == 200
    assert check["final_url"] == "https://jambikota.go.id/beranda"
    assert check["checked_at"] and check["archived"] is True
    assert check["archive"] == f"/api/v1/evidence/{world.link_evidence.pk}/archive/"
    listed = client.get(f"/api/v1/submissions/{world.own_open.pk}/evidence/").json()
    by_id = {row["id"]: row for row in listed}
    assert by_id[world.link_evidence.pk]["link_check"] == check
    assert by_id[world.file_evidence.pk]["link_check"] is None

    copy = client.get(check["archive"])
    assert copy.status_code == 200
    assert b"".join(copy.streaming_content) == ARCHIVED_PAGE
    assert copy["Content-Type"] == "text/html"
    assert "attachment" in copy["Content-Disposition"]
    assert copy["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_an_unreachable_link_shows_why_and_has_no_archive(world):
    LinkCheck.objects.create(
        evidence=world.link_evidence, state="done", error="nama host tidak ditemukan"
    )
    client = client_for(world.users["operator_own"])
    check = client.get(f"/api/v1/evidence/{world.link_evidence.pk}/").json()["link_check"]
    assert check["status_code"] is None and check["error"] == "nama host tidak ditemukan"
    assert check["archived"] is False and check["archive"] is None
    response = client.get(f"/api/v1/evidence/{world.link_evidence.pk}/archive/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_check_that_never_finished_reads_as_stale_with_the_reason(world):
    LinkCheck.objects.update(requested_at=timezone.now() - timedelta(days=1))  # the earlier one
    waiting = LinkCheck.objects.create(evidence=world.link_evidence)
    client = client_for(world.users["assessor_assigned"])
    check = client.get(f"/api/v1/evidence/{world.link_evidence.pk}/").json()["link_check"]
    assert (check["id"], check["state"], check["error"]) == (waiting.pk, "queued", "")
    LinkCheck.objects.filter(pk=waiting.pk).update(requested_at=timezone.now() - links.STALE_AFTER)
    check = client.get(f"/api/v1/evidence/{world.link_evidence.pk}/").json()["link_check"]
    assert (check["id"], check["state"]) == (waiting.pk, "stale")
    assert check["error"] == (
        "pemeriksaan tidak selesai dalam 15 menit (pekerja latar belakang berhenti?)"
    )
    assert check["checked_at"] is None and check["archived"] is False


def test_an_instrument_reads_as_its_tree_and_exports_as_yaml_and_xlsx(world):
    client = client_for(world.users["assessor_unassigned"])
    tree = client.get("/api/v1/instruments/test-2023/").json()
    assert [d["code"] for d in tree["dimensions"]] == ["GOV", "ENV"]
    level = tree["dimensions"][0]["elements"][0]["indicators"][0]
    assert level["code"] == "GOV.SVC.01" and len(level["levels"]) == 6
    yaml_file = client.get("/api/v1/instruments/test-2023/export/")
    assert yaml_file["Content-Type"] == "application/yaml"
    assert b"GOV.SVC.01" in yaml_file.content
    xlsx = client.get("/api/v1/instruments/test-2023/export/", {"as": "xlsx"})
    assert xlsx.content.startswith(b"PK")
    assert 'filename="test-2023.xlsx"' in xlsx["Content-Disposition"]
    assert client.get("/api/v1/instruments/test-2023/export/", {"as": "pdf"}).status_code == 400


def test_an_assessor_writes_the_judgement_and_completes_the_review(world):
    client = client_for(world.users["assessor_assigned"])
    base = f"/api/v1/assignments/{world.review_assignment.pk}"
    saved = client.put(
        f"{base}/judgement/",
        {
            "strengths": " MPP terintegrasi \n",
            "recommendations": "Perluas layanan daring",
            "version": 0,
        },
        format="json",
    )
    assert saved.status_code == 200
    assert saved.json()["strengths"] == "MPP terintegrasi"
    refused = client.post(f"{base}/complete/")
    assert refused.status_code == 409
    assert set(refused.json()["details"]) == {
        "GOV.SVC.01",
        "GOV.SVC.02",
        "ENV.WAS.01",
        "ENV.WAS.02",
    }
    for code, value in [
        ("GOV.SVC.01", "4"),
        ("GOV.SVC.02", "1"),
        ("ENV.WAS.01", "80"),
        ("ENV.WAS.02", "120"),
    ]:
        assert (
            client.put(
                f"{base}/scores/{code}/", {"value": value, "version": 0}, format="json"
            ).status_code
            == 200
        )
    done = client.post(f"{base}/complete/")
    assert done.status_code == 200
    assert done.json()["completed_at"] is not None
