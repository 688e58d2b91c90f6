"""Routes of the REST API, mounted at /api/v1/ (namespace ``api``).

Every route here has entries in tests/api/test_permission_matrix.py (role × method).
"""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from . import problems, views
from .endpoints import (
    appeals,
    assessors,
    calibration,
    cycle_admin,
    evaluations,
    index_audit,
    instruments,
    masterplans,
    operations,
    regions,
    reliability,
    results,
    surveys,
)

app_name = "api"

router = SimpleRouter(trailing_slash=True)
router.register("regions", regions.RegionViewSet, basename="region")
router.register("instruments", instruments.InstrumentViewSet, basename="instrument")
router.register("cycles", evaluations.CycleViewSet, basename="cycle")
router.register(
    r"cycles/(?P<year>\d{4})/enrolment", cycle_admin.EnrolmentViewSet, basename="enrolment"
)
router.register(r"cycles/(?P<year>\d{4})/panels", cycle_admin.PanelViewSet, basename="panel")
router.register(
    r"cycles/(?P<year>\d{4})/operations", operations.OperationsViewSet, basename="operations"
)
router.register(
    r"cycles/(?P<year>\d{4})/calibration", calibration.CalibrationViewSet, basename="calibration"
)
router.register(r"cycles/(?P<year>\d{4})/appeals", appeals.AppealViewSet, basename="appeal")
router.register("appeal-evidence", appeals.AppealEvidenceViewSet, basename="appeal-evidence")
router.register("submissions", evaluations.SubmissionViewSet, basename="submission")
router.register("evidence", evaluations.EvidenceViewSet, basename="evidence")
router.register("assignments", evaluations.AssignmentViewSet, basename="assignment")
router.register("conflicts", assessors.ConflictViewSet, basename="conflict")
router.register("sessions", assessors.SessionViewSet, basename="session")
router.register("masterplans", masterplans.MasterplanViewSet, basename="masterplan")
router.register("programmes", masterplans.ProgrammeViewSet, basename="programme")
router.register("attachments", masterplans.AttachmentViewSet, basename="attachment")

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.docs, name="docs"),
    path("me/", views.MeView.as_view(), name="me"),
    path("results/", results.ResultViewSet.as_view({"get": "list"}), name="results"),
    path(
        "results/<int:year>/",
        results.ResultViewSet.as_view({"get": "ranking"}),
        name="results-year",
    ),
    path(
        "results/<int:year>/appeals/",
        appeals.AppealSummaryViewSet.as_view({"get": "retrieve"}),
        name="results-appeals",
    ),
    path(
        "cycles/<int:year>/appeal-window/",
        appeals.AppealWindowViewSet.as_view({"get": "retrieve", "put": "update"}),
        name="appeal-window",
    ),
    path(
        "cycles/<int:year>/appeal-window/close/",
        appeals.AppealWindowViewSet.as_view({"post": "close"}),
        name="appeal-window-close",
    ),
    path(
        "results/<int:year>/<str:code>/",
        results.ResultViewSet.as_view({"get": "region"}),
        name="results-region",
    ),
    path(
        "cycles/<int:year>/audit/",
        index_audit.AuditViewSet.as_view({"get": "retrieve"}),
        name="cycle-audit",
    ),
    path(
        "reliability/",
        reliability.ReliabilityViewSet.as_view({"get": "retrieve"}),
        name="reliability",
    ),
    path(
        "surveys/<int:year>/",
        surveys.SurveyViewSet.as_view({"get": "year"}),
        name="surveys-year",
    ),
    path(
        "surveys/<int:year>/<str:code>/",
        surveys.SurveyViewSet.as_view({"get": "region"}),
        name="surveys-region",
    ),
    *router.urls,
    # Anything else under /api/v1/ is a 404 problem, not an HTML page.
    re_path(r"^[\s\S]*$", problems.not_found),
]
