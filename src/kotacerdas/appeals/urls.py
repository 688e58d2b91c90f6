"""Routes of the right of reply, under /sanggahan/."""

from django.urls import path

from . import views

app_name = "appeals"

urlpatterns = [
    path("", views.home, name="home"),
    path("berkas/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("<int:year>/", views.register_page, name="register"),
    path("<int:year>/masa/", views.window_open, name="window_open"),
    path("<int:year>/masa/tutup/", views.window_close, name="window_close"),
    path("<int:year>/<str:code>/", views.region_page, name="region"),
    path("<int:year>/<str:code>/butir/", views.item_save, name="item_save"),
    path("<int:year>/<str:code>/kirim/", views.submit, name="submit"),
    path(
        "<int:year>/<str:code>/butir/<str:indicator>/hapus/", views.item_remove, name="item_remove"
    ),
    path(
        "<int:year>/<str:code>/butir/<str:indicator>/berkas/",
        views.evidence_upload,
        name="evidence_upload",
    ),
    path(
        "<int:year>/<str:code>/butir/<str:indicator>/tautan/",
        views.evidence_link,
        name="evidence_link",
    ),
    path("<int:year>/<str:code>/butir/<str:indicator>/putusan/", views.decide, name="decide"),
]
