"""The API permission matrix: every endpoint × method × role, with the exact status expected.

``ENTRIES`` lists every operation of the OpenAPI schema (and the schema and documentation pages
themselves). ``test_every_operation_has_an_entry`` fails when an endpoint is added without one,
so nobody can add an endpoint without deciding who may use it. 401: no credentials; 403: signed
in but not allowed; 404: an object the user may not know about (as in the web pages); 409: the
permission passed and the service refused because of the cycle's state (that is the point of
the entry: the role got through).
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from .world import ROLES, appeal_evidence

API_PREFIX = "/api/v1/"
WORLD_WITH_APPEALS = True  # the world of tests/api/conftest.py with its appeals part


def expect(default: int, **per_role: int) -> dict[str, int]:
    unknown = set(per_role) - set(ROLES)
    assert not unknown, unknown
    return {role: per_role.get(role, default) for role in ROLES}


PUBLIC = expect(200)
SIGNED_IN = expect(200, anonymous=401)
ADMIN_ONLY = expect(403, anonymous=401, admin=200)
# Reading a region's self-assessment: admin, the region's operator, its assigned assessor.
REGION_PARTIES = expect(404, anonymous=401, admin=200, assessor_assigned=200, operator_own=200)
# Scores and final values: admin and the assigned assessor; the region's operator is known to
# the submission (so 403, not 404).
REVIEWERS = expect(404, anonymous=401, admin=200, assessor_assigned=200, operator_own=403)
# Changing the self-assessment: the region's operator only; others who may read it get 403.
OPERATOR_WRITES = expect(404, anonymous=401, admin=403, assessor_assigned=403, operator_own=200)
# The moderator's feedback: admins; the region's parties know the submission (403).
MODERATOR = expect(404, anonymous=401, admin=200, assessor_assigned=403, operator_own=403)
# The whole masterplan of a region (published programme or not): admins, the region's operator
# and assessors; the masterplan and published programmes are public, so others get 403.
INTERNAL = expect(403, anonymous=401, admin=200, assessor_assigned=200, operator_own=200)
MASTERPLAN_EDITORS = expect(403, anonymous=401, admin=200, operator_own=200)
MASTERPLAN_EDITORS_CREATE = expect(403, anonymous=401, admin=201, operator_own=201)
# The audit trail of a self-assessment: admins and the region's operator.
HISTORY = expect(404, anonymous=401, admin=200, operator_own=200, assessor_assigned=403)


@dataclass(frozen=True)
class Entry:
    method: str
    path: str  # the OpenAPI path template
    expected: dict[str, int]
    values: Callable = lambda w: {}
    body: Callable | None = None
    multipart: bool = False
    note: str = ""

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}{' ' + self.note if self.note else ''}"

    def url(self, world) -> str:
        return self.path.format(**self.values(world))


def own_open(w):
    return {"id": w.own_open.pk}


def answer_put(w):
    return {"id": w.own_open.pk, "indicator": "GOV.SVC.01"}


def own_appeal(w):
    return {"year": 2019, "code": w.own_region.code}


def own_appeal_item(w):
    return {"year": 2019, "code": w.own_region.code, "indicator": "GOV.01"}


# One region's appeal: read by admins, the region's operator and its assigned assessor; others
# do not know it (404).
APPEAL_PARTIES = expect(404, anonymous=401, admin=200, assessor_assigned=200, operator_own=200)
# Filing: the region's operator; the others who may read the appeal get 403.
APPEAL_FILING = expect(404, anonymous=401, admin=403, assessor_assigned=403, operator_own=200)


ENTRIES = [
    Entry("GET", "/api/v1/schema/", PUBLIC),
    Entry("GET", "/api/v1/docs/", PUBLIC),
    Entry("GET", "/api/v1/me/", SIGNED_IN),
    # Regions: public.
    Entry("GET", "/api/v1/regions/", PUBLIC),
    Entry("GET", "/api/v1/regions/{code}/", PUBLIC, lambda w: {"code": w.own_region.code}),
    # Instruments: read and exported by everyone signed in.
    Entry("GET", "/api/v1/instruments/", SIGNED_IN),
    Entry("GET", "/api/v1/instruments/{code}/", SIGNED_IN, lambda w: {"code": "test-2023"}),
    Entry("GET", "/api/v1/instruments/{code}/export/", SIGNED_IN, lambda w: {"code": "test-2023"}),
    # Cycles: read by everyone signed in; stages and moderation by admins.
    Entry("GET", "/api/v1/cycles/", SIGNED_IN),
    Entry("GET", "/api/v1/cycles/{year}/", SIGNED_IN, lambda w: {"year": 2023}),
    Entry(
        "POST",
        "/api/v1/cycles/{year}/transition/",
        expect(403, anonymous=401, admin=409),
        lambda w: {"year": 2023},
        body=lambda w: {"to": "review"},
        note="refused: nobody has submitted yet",
    ),
    Entry(
        "GET",
        "/api/v1/cycles/{year}/moderation/",
        ADMIN_ONLY,
        lambda w: {"year": 2021},
    ),
    Entry(
        "POST",
        "/api/v1/cycles/{year}/moderation/settle/",
        ADMIN_ONLY,
        lambda w: {"year": 2021},
        body=lambda w: {
            "submission": w.own_moderation.pk,
            "indicator": "GOV.SVC.01",
            "value": "3",
            "reason": "Bukti Perda dan MPP diperiksa bersama.",
            "version": 0,
        },
    ),
    # Self-assessments.
    Entry("GET", "/api/v1/submissions/", SIGNED_IN),
    Entry("GET", "/api/v1/submissions/{id}/", REGION_PARTIES, own_open),
    Entry("GET", "/api/v1/submissions/{id}/answers/", REGION_PARTIES, own_open),
    Entry(
        "POST",
        "/api/v1/submissions/{id}/answers/",
        OPERATOR_WRITES,
        own_open,
        body=lambda w: {"answers": [{"indicator": "ENV.WAS.01", "value": "60", "version": 0}]},
    ),
    Entry(
        "PUT",
        "/api/v1/submissions/{id}/answers/{indicator}/",
        OPERATOR_WRITES,
        answer_put,
        body=lambda w: {
            "value": "3",
            "justification": "MPP melayani 250 jenis layanan.",
            "version": 0,
        },
    ),
    Entry("GET", "/api/v1/submissions/{id}/evidence/", REGION_PARTIES, own_open),
    Entry(
        "POST",
        "/api/v1/submissions/{id}/evidence/",
        expect(404, anonymous=401, admin=403, assessor_assigned=403, operator_own=201),
        own_open,
        body=lambda w: {"url": "https://jambikota.go.id/mpp", "indicator": "GOV.SVC.01"},
        multipart=True,
    ),
    Entry(
        "POST",
        "/api/v1/submissions/{id}/submit/",
        expect(404, anonymous=401, admin=403, assessor_assigned=403, operator_own=409),
        own_open,
        note="refused: unanswered indicators",
    ),
    Entry(
        "POST",
        "/api/v1/submissions/{id}/return/",
        expect(404, anonymous=401, admin=200, assessor_assigned=403, operator_own=403),
        lambda w: {"id": w.own_review.pk},
        body=lambda w: {"reason": "Data dukung Perda belum terbaca."},
    ),
    # One region's deadline extension: admins (the open cycle of this world has no deadline, so
    # the admin gets through to the service's refusal); the region's parties know it (403).
    Entry(
        "POST",
        "/api/v1/submissions/{id}/extension/",
        expect(404, anonymous=401, admin=409, assessor_assigned=403, operator_own=403),
        own_open,
        body=lambda w: {"until": "2099-01-31T23:59:00+07:00", "reason": "Banjir"},
        note="refused: the cycle has no deadline",
    ),
    Entry(
        "POST",
        "/api/v1/submissions/{id}/extension/cancel/",
        expect(404, anonymous=401, admin=409, assessor_assigned=403, operator_own=403),
        own_open,
        body=lambda w: {"reason": "Tidak jadi"},
        note="refused: no extension",
    ),
    Entry("GET", "/api/v1/submissions/{id}/scores/", REVIEWERS, lambda w: {"id": w.own_review.pk}),
    Entry("GET", "/api/v1/submissions/{id}/finals/", REVIEWERS, lambda w: {"id": w.own_review.pk}),
    Entry("GET", "/api/v1/evidence/{id}/", REGION_PARTIES, lambda w: {"id": w.link_evidence.pk}),
    Entry(
        "GET", "/api/v1/evidence/{id}/file/", REGION_PARTIES, lambda w: {"id": w.file_evidence.pk}
    ),
    Entry(
        "GET",
        "/api/v1/evidence/{id}/archive/",
        REGION_PARTIES,
        lambda w: {"id": w.link_evidence.pk},
    ),
    Entry(
        "GET",
        "/api/v1/evidence/{id}/archive/",
        expect(404, anonymous=401),
        lambda w: {"id": w.file_evidence.pk},
        note="a file has no archived copy",
    ),
    # Masterplans: headers and published programmes are public; the rest for the region's parties.
    Entry("GET", "/api/v1/masterplans/", PUBLIC),
    Entry("GET", "/api/v1/masterplans/{id}/", PUBLIC, lambda w: {"id": w.masterplan.pk}),
    Entry("GET", "/api/v1/programmes/", PUBLIC),
    Entry(
        "GET",
        "/api/v1/programmes/{id}/",
        PUBLIC,
        lambda w: {"id": w.published_programme.pk},
        note="published",
    ),
    Entry(
        "GET",
        "/api/v1/programmes/{id}/",
        expect(404, admin=200, assessor_assigned=200, operator_own=200),
        lambda w: {"id": w.unpublished_programme.pk},
        note="unpublished",
    ),
    Entry(
        "POST",
        "/api/v1/programmes/",
        expect(403, anonymous=401, admin=201, operator_own=201),
        body=lambda w: {
            "masterplan": w.masterplan.pk,
            "code": "perpus",
            "name": "Perpustakaan komunitas",
            "dimension": "SOC",
            "element": "SOC.LEA",
            "kind": "infrastructure",
            "agency": "Dinas Perpustakaan",
            "start_year": 2020,
            "end_year": 2022,
        },
    ),
    Entry(
        "PUT",
        "/api/v1/programmes/{id}/",
        # The assigned assessor may read the programme (so 403); others do not see it (404).
        expect(404, anonymous=401, admin=200, operator_own=200, assessor_assigned=403),
        lambda w: {"id": w.unpublished_programme.pk},
        body=lambda w: {
            "code": "sipin",
            "name": "Wisata Danau Sipin (revitalisasi)",
            "dimension": "GOV",
            "element": "GOV.SVC",
            "kind": "application",
            "agency": "Dinas Pariwisata",
            "start_year": 2019,
            "end_year": 2022,
            "version": 1,
        },
    ),
    # Masterplan details: KPIs, documents and evidence for the region's parties; budgets and
    # KPIs changed by admins and the region's operator.
    Entry(
        "GET",
        "/api/v1/masterplans/{id}/attachments/",
        INTERNAL,
        lambda w: {"id": w.masterplan.pk},
    ),
    Entry("GET", "/api/v1/attachments/{id}/", INTERNAL, lambda w: {"id": w.document.pk}),
    Entry(
        "GET",
        "/api/v1/attachments/{id}/file/",
        expect(403, anonymous=401, admin=404, assessor_assigned=404, operator_own=404),
        lambda w: {"id": w.document.pk},
        note="a link has no file",
    ),
    Entry(
        "GET",
        "/api/v1/programmes/{id}/kpis/",
        INTERNAL,
        lambda w: {"id": w.published_programme.pk},
    ),
    Entry(
        "POST",
        "/api/v1/programmes/{id}/kpis/",
        MASTERPLAN_EDITORS_CREATE,
        lambda w: {"id": w.published_programme.pk},
        body=lambda w: {
            "code": "pengunjung",
            "name": "Pengunjung per hari",
            "unit": "orang",
            "values": [{"year": 2022, "target": "500"}],
        },
    ),
    Entry(
        "PUT",
        "/api/v1/programmes/{id}/kpis/{kpi}/",
        MASTERPLAN_EDITORS,
        lambda w: {"id": w.published_programme.pk, "kpi": w.kpi.code},
        body=lambda w: {"code": "jenis-layanan", "name": "Jenis layanan MPP", "unit": "jenis"},
    ),
    Entry(
        "PUT",
        "/api/v1/programmes/{id}/budgets/",
        MASTERPLAN_EDITORS,
        lambda w: {"id": w.published_programme.pk},
        body=lambda w: {"budgets": [{"year": 2021, "planned": "900000000", "realised": "0"}]},
    ),
    # Published results: open data; a cycle that is not published does not exist for anyone.
    Entry("GET", "/api/v1/results/", PUBLIC),
    Entry("GET", "/api/v1/results/{year}/", PUBLIC, lambda w: {"year": 2020}),
    Entry(
        "GET",
        "/api/v1/results/{year}/",
        expect(404),
        lambda w: {"year": 2022},
        note="computed, not published",
    ),
    Entry(
        "GET",
        "/api/v1/results/{year}/{code}/",
        PUBLIC,
        lambda w: {"year": 2020, "code": w.own_region.code},
    ),
    # Enrolment, panels and the cycle's history: admins.
    Entry("GET", "/api/v1/cycles/{year}/enrolment/", ADMIN_ONLY, lambda w: {"year": 2023}),
    Entry(
        "GET",
        "/api/v1/cycles/{year}/enrolment/candidates/",
        ADMIN_ONLY,
        lambda w: {"year": 2023},
    ),
    Entry(
        "POST",
        "/api/v1/cycles/{year}/enrolment/",
        ADMIN_ONLY,
        lambda w: {"year": 2023},
        body=lambda w: {"regions": [w.own_region.code]},
        note="already enrolled: reported",
    ),
    Entry(
        "DELETE",
        "/api/v1/cycles/{year}/enrolment/{code}/",
        expect(403, anonymous=401, admin=409),
        lambda w: {"year": 2023, "code": w.own_region.code},
        note="refused: the cycle is open",
    ),
    Entry("GET", "/api/v1/cycles/{year}/panels/", ADMIN_ONLY, lambda w: {"year": 2022}),
    Entry(
        "POST", "/api/v1/cycles/{year}/panels/auto-assign/", ADMIN_ONLY, lambda w: {"year": 2022}
    ),
    Entry("GET", "/api/v1/cycles/{year}/history/", ADMIN_ONLY, lambda w: {"year": 2022}),
    Entry("GET", "/api/v1/cycles/{year}/operations/", ADMIN_ONLY, lambda w: {"year": 2022}),
    Entry("GET", "/api/v1/reliability/", ADMIN_ONLY),
    Entry("GET", "/api/v1/cycles/{year}/audit/", ADMIN_ONLY, lambda w: {"year": 2020}),
    Entry("GET", "/api/v1/cycles/{year}/calibration/", ADMIN_ONLY, lambda w: {"year": 2022}),
    # Feedback (the moderator) and the audit trail (admins and the region's operator).
    Entry(
        "GET",
        "/api/v1/submissions/{id}/feedback/",
        MODERATOR,
        lambda w: {"id": w.own_moderation.pk},
    ),
    Entry(
        "PUT",
        "/api/v1/submissions/{id}/feedback/",
        MODERATOR,
        lambda w: {"id": w.own_moderation.pk},
        body=lambda w: {
            "weaknesses": "Data dukung tidak lengkap",
            "strengths": "MPP terintegrasi",
            "recommendations": "Lengkapi Perda",
            "version": 0,
        },
    ),
    Entry("GET", "/api/v1/submissions/{id}/history/", HISTORY, own_open),
    Entry("GET", "/api/v1/submissions/{id}/history/{indicator}/", HISTORY, answer_put),
    # Assessors.
    Entry("GET", "/api/v1/assignments/", SIGNED_IN, note="operators get an empty list"),
    Entry(
        "POST",
        "/api/v1/assignments/",
        expect(403, anonymous=401, admin=201),
        body=lambda w: {
            "cycle": 2022,
            "region": w.other_region.code,
            "assessor": "w.assessor.second",
        },
    ),
    Entry(
        "DELETE",
        "/api/v1/assignments/{id}/",
        expect(404, anonymous=401, admin=204, assessor_assigned=403),
        lambda w: {"id": w.review_assignment.pk},
    ),
    # Conflicts of interest: an assessor's own, an admin's all.
    Entry("GET", "/api/v1/conflicts/", SIGNED_IN, note="operators get an empty list"),
    Entry(
        "GET",
        "/api/v1/conflicts/{id}/",
        expect(404, anonymous=401, admin=200, assessor_unassigned=200),
        lambda w: {"id": w.conflict.pk},
    ),
    Entry(
        "POST",
        "/api/v1/conflicts/",
        expect(403, anonymous=401, admin=201, assessor_unassigned=201),
        body=lambda w: {
            "assessor": "w.assessor.unassigned",
            "region": w.own_region.code,
            "reason": "Keluarga bekerja di Pemkot",
        },
        note="for w.assessor.unassigned",
    ),
    Entry(
        "DELETE",
        "/api/v1/conflicts/{id}/",
        expect(404, anonymous=401, admin=204, assessor_unassigned=403),
        lambda w: {"id": w.conflict.pk},
    ),
    # Virtual sessions: the region's parties read; admins schedule.
    Entry("GET", "/api/v1/sessions/", SIGNED_IN),
    Entry("GET", "/api/v1/sessions/{id}/", REGION_PARTIES, lambda w: {"id": w.session.pk}),
    Entry("GET", "/api/v1/sessions/{id}/ics/", REGION_PARTIES, lambda w: {"id": w.session.pk}),
    Entry(
        "POST",
        "/api/v1/sessions/",
        expect(403, anonymous=401, admin=201),
        body=lambda w: {
            "cycle": 2022,
            "region": w.own_region.code,
            "starts_at": "2022-08-01T09:00:00+07:00",
            "duration_minutes": 60,
            "meeting_url": "https://zoom.example/j/2",
            "assessors": ["w.assessor.assigned"],
        },
    ),
    Entry(
        "PUT",
        "/api/v1/sessions/{id}/",
        expect(404, anonymous=401, admin=200, assessor_assigned=403, operator_own=403),
        lambda w: {"id": w.session.pk},
        body=lambda w: {
            "starts_at": "2023-06-06T13:00:00+07:00",
            "duration_minutes": 120,
            "location": "Kantor Wali Kota Jambi",
            "assessors": ["w.assessor.assigned"],
        },
    ),
    Entry(
        "GET",
        "/api/v1/assignments/{id}/",
        expect(404, anonymous=401, admin=200, assessor_assigned=200),
        lambda w: {"id": w.review_assignment.pk},
    ),
    Entry(
        "GET",
        "/api/v1/assignments/{id}/scores/",
        expect(404, anonymous=401, admin=200, assessor_assigned=200),
        lambda w: {"id": w.review_assignment.pk},
    ),
    Entry(
        "GET",
        "/api/v1/assignments/{id}/judgement/",
        expect(404, anonymous=401, admin=200, assessor_assigned=200),
        lambda w: {"id": w.review_assignment.pk},
    ),
    Entry(
        "PUT",
        "/api/v1/assignments/{id}/judgement/",
        expect(404, anonymous=401, admin=403, assessor_assigned=200),
        lambda w: {"id": w.review_assignment.pk},
        body=lambda w: {
            "strengths": "MPP terintegrasi\nPerda smart city",
            "weaknesses": "",
            "version": 0,
        },
    ),
    Entry(
        "POST",
        "/api/v1/assignments/{id}/complete/",
        expect(404, anonymous=401, admin=403, assessor_assigned=409),
        lambda w: {"id": w.review_assignment.pk},
        note="refused: indicators without a score",
    ),
    # The right of reply: the window (read by everyone signed in, changed by admins), a region's
    # appeal (its parties read, its operator files, admins decide), the register (admins) and
    # the public count of a published cycle.
    Entry("GET", "/api/v1/cycles/{year}/appeal-window/", SIGNED_IN, lambda w: {"year": 2019}),
    Entry(
        "PUT",
        "/api/v1/cycles/{year}/appeal-window/",
        ADMIN_ONLY,
        lambda w: {"year": 2019},
        body=lambda w: {"deadline": "2099-12-31T23:59:00+07:00"},
    ),
    Entry(
        "POST", "/api/v1/cycles/{year}/appeal-window/close/", ADMIN_ONLY, lambda w: {"year": 2019}
    ),
    Entry("GET", "/api/v1/cycles/{year}/appeals/", ADMIN_ONLY, lambda w: {"year": 2019}),
    Entry("GET", "/api/v1/cycles/{year}/appeals/{code}/", APPEAL_PARTIES, own_appeal),
    Entry(
        "PUT",
        "/api/v1/cycles/{year}/appeals/{code}/items/{indicator}/",
        APPEAL_FILING,
        own_appeal_item,
        body=lambda w: {"category": "overlooked", "reason": "Perda SPBE 2019 ada di JDIH."},
    ),
    Entry(
        "DELETE",
        "/api/v1/cycles/{year}/appeals/{code}/items/{indicator}/",
        expect(404, anonymous=401, admin=403, assessor_assigned=403, operator_own=204),
        own_appeal_item,
    ),
    Entry(
        "POST",
        "/api/v1/cycles/{year}/appeals/{code}/items/{indicator}/evidence/",
        expect(404, anonymous=401, admin=403, assessor_assigned=403, operator_own=201),
        own_appeal_item,
        body=lambda w: {"url": "https://jdih.jambikota.go.id/perda-spbe"},
        multipart=True,
    ),
    Entry("POST", "/api/v1/cycles/{year}/appeals/{code}/submit/", APPEAL_FILING, own_appeal),
    Entry(
        "GET",
        "/api/v1/appeal-evidence/{id}/file/",
        APPEAL_PARTIES,
        lambda w: {"id": appeal_evidence(w)[0].pk},
    ),
    Entry(
        "GET",
        "/api/v1/appeal-evidence/{id}/file/",
        expect(404, anonymous=401),
        lambda w: {"id": appeal_evidence(w)[1].pk},
        note="a link has no file",
    ),
    Entry(
        "POST",
        "/api/v1/cycles/{year}/appeals/{code}/items/{indicator}/decide/",
        expect(404, anonymous=401, admin=409, assessor_assigned=403, operator_own=403),
        own_appeal_item,
        body=lambda w: {"decision": "rejected", "reason": "Tidak ada bukti baru."},
        note="refused: the appeal is a draft",
    ),
    Entry(
        "POST",
        "/api/v1/cycles/{year}/appeals/{code}/items/{indicator}/decide/",
        expect(404, anonymous=401, admin=200),
        lambda w: {"year": 2019, "code": "15.05", "indicator": "GOV.01"},
        body=lambda w: {"decision": "rejected", "reason": "Tidak ada bukti baru."},
        note="submitted",
    ),
    Entry("GET", "/api/v1/results/{year}/appeals/", PUBLIC, lambda w: {"year": 2020}),
    Entry(
        "GET",
        "/api/v1/results/{year}/appeals/",
        expect(404),
        lambda w: {"year": 2019},
        note="not published",
    ),
    # The citizen survey's figures: open data once the cycle is published; before, only the
    # region's parties (admins, its operator, its assessor in the cycle); never comments.
    Entry("GET", "/api/v1/surveys/{year}/", PUBLIC, lambda w: {"year": 2020}),
    Entry("GET", "/api/v1/surveys/{year}/", expect(404), lambda w: {"year": 2022}, note="review"),
    Entry(
        "GET", "/api/v1/surveys/{year}/{code}/", PUBLIC, lambda w: {"year": 2020, "code": "15.71"}
    ),
    Entry(
        "GET",
        "/api/v1/surveys/{year}/{code}/",
        expect(404, admin=200, assessor_assigned=200, operator_own=200),
        lambda w: {"year": 2022, "code": "15.71"},
        note="review: the region's parties",
    ),
    Entry(
        "PUT",
        "/api/v1/assignments/{id}/scores/{indicator}/",
        expect(404, anonymous=401, admin=403, assessor_assigned=200),
        lambda w: {"id": w.review_assignment.pk, "indicator": "GOV.SVC.01"},
        body=lambda w: {"value": "4", "note": "Sesuai dokumen.", "version": 0},
    ),
]


def schema_operations() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }


def api_url_names(resolver=None, namespace="") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= api_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and namespace.startswith("api:"):
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_operation_has_an_entry():
    covered = {(entry.method, entry.path) for entry in ENTRIES}
    missing = schema_operations() - covered
    assert not missing, f"API operations without a permission entry: {sorted(missing)}"
    stale = {(m, p) for m, p in covered if p not in ("/api/v1/schema/", "/api/v1/docs/")}
    assert not stale - schema_operations(), "entries for operations that no longer exist"


def test_every_api_url_name_has_an_entry():
    named = {f"api:{_name_of_template(entry.path)}" for entry in ENTRIES}
    missing = api_url_names() - named
    assert not missing, f"API routes without a permission entry: {sorted(missing)}"


def _name_of_template(path: str) -> str:
    sample = (
        path.replace("/instruments/{code}", "/instruments/test-2022")
        .replace("{code}", "15.71")
        .replace("{year}", "2022")
        .replace("{id}", "1")
        .replace("{indicator}", "GOV.SVC.01")
        .replace("{kpi}", "jenis-layanan")
    )
    return resolve(sample).url_name


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.id)
def test_permission(world, entry, role):
    client = APIClient()
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    url = entry.url(world)
    body = entry.body(world) if entry.body else {}
    if entry.method == "GET":
        response = client.get(url)
    else:
        response = getattr(client, entry.method.lower())(
            url, body, format="multipart" if entry.multipart else "json"
        )
    expected = entry.expected[role]
    detail = getattr(response, "content", b"")[:300]
    assert response.status_code == expected, (
        f"{entry.id} as {role}: expected {expected}, got {response.status_code} {detail!r}"
    )
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
