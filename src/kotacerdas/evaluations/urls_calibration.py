"""Routes for calibration rounds: the admin's pages under the cycle and the assessor's page."""

from django.urls import path

from .views import calibration

ROUND = "siklus/<int:year>/kalibrasi/<int:pk>/"

urlpatterns = [
    path("siklus/<int:year>/kalibrasi/", calibration.calibration_list, name="calibration_list"),
    path(
        "siklus/<int:year>/kalibrasi/baru/",
        calibration.calibration_create,
        name="calibration_create",
    ),
    path(ROUND, calibration.calibration_detail, name="calibration_detail"),
    path(ROUND + "kasus/", calibration.calibration_case_add, name="calibration_case_add"),
    path(ROUND + "saran/", calibration.calibration_suggested_add, name="calibration_suggested_add"),
    path(
        ROUND + "kasus/<int:case>/", calibration.calibration_case_edit, name="calibration_case_edit"
    ),
    path(
        ROUND + "kasus/<int:case>/hapus/",
        calibration.calibration_case_remove,
        name="calibration_case_remove",
    ),
    path(ROUND + "buka/", calibration.calibration_open, name="calibration_open"),
    path(ROUND + "tutup/", calibration.calibration_close, name="calibration_close"),
    path(ROUND + "laporan/", calibration.calibration_report, name="calibration_report"),
    path(
        "siklus/<int:year>/kalibrasi/<int:pk>/laporan.xlsx",
        calibration.calibration_report_xlsx,
        name="calibration_report_xlsx",
    ),
    # The assessor's page of a round
    path("asesor/kalibrasi/<int:pk>/", calibration.calibration_take, name="calibration_take"),
    path(
        "asesor/kalibrasi/<int:pk>/kasus/<int:case>/",
        calibration.calibration_score,
        name="calibration_score",
    ),
]
