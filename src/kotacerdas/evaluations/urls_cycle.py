"""Routes for the admin: cycles, transitions, enrolment, reminders, returns, deadline
extensions, and the cycle's history."""

from django.urls import path

from .views import cycle_admin, history, operations

urlpatterns = [
    path("siklus/", cycle_admin.cycle_list, name="cycle_list"),
    path("siklus/baru/", cycle_admin.cycle_create, name="cycle_create"),
    path("siklus/<int:year>/", cycle_admin.cycle_detail, name="cycle_detail"),
    path("siklus/<int:year>/pengaturan/", cycle_admin.cycle_settings, name="cycle_settings"),
    path("siklus/<int:year>/tahap/", cycle_admin.cycle_transition, name="cycle_transition"),
    path("siklus/<int:year>/daerah/", cycle_admin.cycle_enrol, name="cycle_enrol"),
    path("siklus/<int:year>/daerah/csv/", cycle_admin.cycle_enrol_csv, name="cycle_enrol_csv"),
    path(
        "siklus/<int:year>/daerah/<str:code>/keluarkan/",
        cycle_admin.cycle_unenrol,
        name="cycle_unenrol",
    ),
    path("siklus/<int:year>/operasional/", operations.cycle_operations, name="cycle_operations"),
    path(
        "siklus/<int:year>/operasional.xlsx",
        operations.cycle_operations_xlsx,
        name="cycle_operations_xlsx",
    ),
    path("siklus/<int:year>/pengingat/", cycle_admin.cycle_remind, name="cycle_remind"),
    path("siklus/<int:year>/riwayat/", history.cycle_history, name="cycle_history"),
    path(
        "penilaian/<int:year>/<str:code>/kembalikan/",
        cycle_admin.submission_return,
        name="submission_return",
    ),
    path(
        "penilaian/<int:year>/<str:code>/perpanjang/",
        cycle_admin.submission_extension,
        name="submission_extension",
    ),
    path(
        "penilaian/<int:year>/<str:code>/perpanjang/batal/",
        cycle_admin.submission_extension_cancel,
        name="submission_extension_cancel",
    ),
]
