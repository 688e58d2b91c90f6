"""Routes for operators: the self-assessment, answers, the offline workbook, evidence and the
indicator history."""

from django.urls import path

from .views import evidence, history, operator, workbook

urlpatterns = [
    path("penilaian/", operator.submission_list, name="submission_list"),
    path("penilaian/<int:year>/<str:code>/", operator.submission_form, name="submission_form"),
    path(
        "penilaian/<int:year>/<str:code>/jawaban/<str:indicator>/",
        operator.answer_save,
        name="answer_save",
    ),
    path(
        "penilaian/<int:year>/<str:code>/kirim/",
        operator.submission_submit,
        name="submission_submit",
    ),
    path(
        "penilaian/<int:year>/<str:code>/lembar-kerja.xlsx",
        workbook.workbook_download,
        name="workbook_download",
    ),
    path(
        "penilaian/<int:year>/<str:code>/lembar-kerja/",
        workbook.workbook_upload,
        name="workbook_upload",
    ),
    path(
        "penilaian/<int:year>/<str:code>/lembar-kerja/<str:token>/",
        workbook.workbook_preview,
        name="workbook_preview",
    ),
    path(
        "penilaian/<int:year>/<str:code>/lembar-kerja/<str:token>/terapkan/",
        workbook.workbook_apply,
        name="workbook_apply",
    ),
    path(
        "penilaian/<int:year>/<str:code>/data-dukung/<str:indicator>/unggah/",
        evidence.evidence_upload,
        name="evidence_upload",
    ),
    path(
        "penilaian/<int:year>/<str:code>/data-dukung/<str:indicator>/tautan/",
        evidence.evidence_link,
        name="evidence_link",
    ),
    path(
        "penilaian/<int:year>/<str:code>/riwayat/<str:indicator>/",
        history.indicator_history,
        name="indicator_history",
    ),
    path("data-dukung/<int:pk>/ganti/", evidence.evidence_replace, name="evidence_replace"),
    path("data-dukung/<int:pk>/unduh/", evidence.evidence_download, name="evidence_download"),
    path(
        "data-dukung/<int:pk>/periksa-tautan/",
        evidence.evidence_link_check,
        name="evidence_link_check",
    ),
    path("data-dukung/arsip-tautan/<int:pk>/", evidence.link_archive, name="link_archive"),
]
