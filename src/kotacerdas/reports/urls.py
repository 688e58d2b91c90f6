"""Routes of the reports, under /hasil/ beside the results pages."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("<int:year>/daerah/<str:code>/rapor.pdf", views.report_card, name="report_card"),
    path("<int:year>/daerah/<str:code>/surat.pdf", views.letter, name="letter"),
    path("<int:year>/laporan-nasional.pdf", views.national, name="national"),
    path("kelola/<int:year>/laporan/", views.batch_start, name="batch_start"),
    path("kelola/<int:year>/laporan/<int:job>/", views.batch_status, name="batch_status"),
    path("kelola/<int:year>/laporan/<int:job>/unduh/", views.batch_download, name="batch_download"),
]
