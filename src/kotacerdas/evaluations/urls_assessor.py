"""Routes for assessors and moderation: workspace, scores, conflicts, assignments, sessions,
moderation queue and feedback."""

from django.urls import path

from .views import assessor, assignments, moderation, sessions

urlpatterns = [
    # The assessor's own work
    path("asesor/", assessor.assignment_list, name="assessor_home"),
    path("asesor/<int:year>/<str:code>/", assessor.workspace, name="assessor_workspace"),
    path(
        "asesor/<int:year>/<str:code>/nilai/<str:indicator>/",
        assessor.score_save,
        name="score_save",
    ),
    path(
        "asesor/<int:year>/<str:code>/catatan/",
        assessor.judgement_save,
        name="assessor_judgement",
    ),
    path("asesor/<int:year>/<str:code>/selesai/", assessor.mark_complete, name="assessor_complete"),
    path("konflik/", assessor.conflict_list, name="conflict_list"),
    path("konflik/<int:pk>/cabut/", assessor.conflict_withdraw, name="conflict_withdraw"),
    # Assignments (admin)
    path("siklus/<int:year>/penugasan/", assignments.assignment_panel, name="assignment_panel"),
    path("siklus/<int:year>/penugasan/tambah/", assignments.assignment_add, name="assignment_add"),
    path(
        "siklus/<int:year>/penugasan/otomatis/",
        assignments.assignment_auto,
        name="assignment_auto",
    ),
    path(
        "siklus/<int:year>/penugasan/<int:pk>/cabut/",
        assignments.assignment_remove,
        name="assignment_remove",
    ),
    # Virtual sessions
    path("sesi/", sessions.session_list, name="session_list"),
    path("sesi/<int:year>/<str:code>/jadwal/", sessions.session_schedule, name="session_schedule"),
    path("sesi/<int:year>/<str:code>/kalender.ics", sessions.session_ics, name="session_ics"),
    # Moderation (admin)
    path("moderasi/", moderation.moderation_home, name="moderation_home"),
    path("moderasi/<int:year>/", moderation.moderation_queue, name="moderation_queue"),
    path("moderasi/<int:year>/hitung/", moderation.moderation_prepare, name="moderation_prepare"),
    path(
        "moderasi/<int:year>/persiapan/",
        moderation.moderation_preparation,
        name="moderation_preparation",
    ),
    path("moderasi/<int:year>/<str:code>/", moderation.moderation_region, name="moderation_region"),
    path(
        "moderasi/<int:year>/<str:code>/umpan-balik/",
        moderation.feedback_edit,
        name="feedback_edit",
    ),
    path(
        "moderasi/<int:year>/<str:code>/<str:indicator>/",
        moderation.moderation_settle,
        name="moderation_settle",
    ),
]
