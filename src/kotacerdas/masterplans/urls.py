"""Routes of the masterplan area (prefix ``masterplan/``). Every one has a permission case in
tests/permissions/matrix_50_masterplans.py."""

from django.urls import path

from .views import citations, editing, files, history, public

app_name = "masterplans"

urlpatterns = [
    path("", public.national, name="national"),
    path("katalog/", public.catalogue_view, name="catalogue"),
    path("templat.xlsx", public.template_download, name="template"),
    path("daerah/<str:code>/", public.region, name="region"),
    path("daerah/<str:code>/baru/", editing.masterplan_create, name="create"),
    path("daerah/<str:code>/impor/", editing.import_view, name="import"),
    path("<int:pk>/", public.detail, name="detail"),
    path("<int:pk>/dasbor/", public.region_dashboard, name="dashboard"),
    path("<int:pk>/ubah/", editing.masterplan_edit, name="edit"),
    path("<int:pk>/ekspor.xlsx", files.export, name="export"),
    path("<int:pk>/riwayat/", history.masterplan_history, name="history"),
    path("<int:pk>/dokumen/", files.document_add, name="document_add"),
    path("<int:masterplan_pk>/program/baru/", editing.programme_form, name="programme_create"),
    path("program/<int:pk>/", public.programme, name="programme"),
    path("program/<int:pk>/ubah/", editing.programme_form, name="programme_edit"),
    path("program/<int:pk>/anggaran/", editing.budgets, name="budgets"),
    path("program/<int:programme_pk>/iku/baru/", editing.kpi_form, name="kpi_create"),
    path("program/<int:pk>/lampiran/", files.evidence_add, name="evidence_add"),
    path("program/<int:pk>/riwayat/", history.programme_history, name="programme_history"),
    path("iku/<int:pk>/", editing.kpi_form, name="kpi_edit"),
    path("lampiran/<int:pk>/", files.attachment_download, name="attachment_download"),
    path("lampiran/<int:pk>/ganti/", files.attachment_replace, name="attachment_replace"),
    path("kutipan/<int:answer_pk>/", citations.citations_partial, name="citations"),
    path("kutipan/<int:answer_pk>/tambah/", citations.cite, name="cite"),
    path("kutipan/<int:answer_pk>/hapus/", citations.uncite, name="uncite"),
    path(
        "kutipan/<int:year>/<str:code>/<str:indicator>/tambah/",
        citations.cite_for_indicator,
        name="cite_indicator",
    ),
]
