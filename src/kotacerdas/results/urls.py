"""Routes of the results: public pages under /hasil/, internal ones under /hasil/kelola/."""

from django.urls import path

from . import views, views_audit, views_integrity, views_manage, views_reliability

app_name = "results"

urlpatterns = [
    path("", views.index, name="index"),
    path("peta/<str:level>.geojson", views.boundaries, name="boundaries"),
    path("kelola/", views_manage.manage, name="manage"),
    path("kelola/keandalan/", views_reliability.reliability_page, name="reliability"),
    path(
        "kelola/keandalan/unduh.xlsx", views_reliability.reliability_xlsx, name="reliability_xlsx"
    ),
    path("kelola/audit/", views_audit.audit_page, name="audit"),
    path("kelola/audit/unduh.xlsx", views_audit.audit_xlsx, name="audit_xlsx"),
    path("kelola/<int:year>/", views_manage.dashboard, name="dashboard"),
    path("kelola/<int:year>/hitung/", views_manage.compute_view, name="compute"),
    path("kelola/<int:year>/perhitungan/", views_manage.computation_status, name="computation"),
    path(
        "kelola/<int:year>/perhitungan/ulang/",
        views_manage.computation_restart,
        name="computation_restart",
    ),
    path("kelola/<int:year>/pratinjau/", views_manage.preview, name="preview"),
    path("kelola/<int:year>/integritas/", views_integrity.integrity_page, name="integrity"),
    path(
        "kelola/<int:year>/integritas/tinjau/",
        views_integrity.review_flag,
        name="integrity_review",
    ),
    path(
        "kelola/<int:year>/integritas/tinjau/batal/",
        views_integrity.unreview_flag,
        name="integrity_unreview",
    ),
    path("kelola/<int:year>/publikasi-ulang/", views_manage.republish_view, name="republish"),
    path("daerah-saya/", views_manage.my_results, name="my_results"),
    path("<int:year>/", views.ranking, name="ranking"),
    path("<int:year>/metodologi/", views.methodology_page, name="methodology"),
    path("<int:year>/peta/", views.map_page, name="map"),
    path("<int:year>/unduh/hasil.<str:fmt>", views.export, name="export"),
    path("<int:year>/unduh/paket-data.zip", views.data_package, name="data_package"),
    path("<int:year>/daerah/<str:code>/", views.profile, name="profile"),
    path("<int:year>/daerah/<str:code>/unduh.<str:fmt>", views.region_export, name="region_export"),
]
