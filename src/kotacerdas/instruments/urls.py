"""Routes for instruments: list, detail, import and export, copy, aspect weights, crosswalks."""

from django.urls import path

from . import views

app_name = "instruments"

urlpatterns = [
    path("", views.instrument_list, name="list"),
    path("impor/", views.instrument_import, name="import"),
    path("crosswalk/", views.crosswalk_start, name="crosswalk_start"),
    path("crosswalk/<int:pk>/", views.crosswalk_detail, name="crosswalk"),
    path("crosswalk/<int:pk>/saran/", views.crosswalk_suggest, name="crosswalk_suggest"),
    path("crosswalk/<int:pk>/ekspor.csv", views.crosswalk_export, name="crosswalk_export"),
    path("crosswalk/<int:pk>/impor/", views.crosswalk_import, name="crosswalk_import"),
    path("<slug:code>/", views.instrument_detail, name="detail"),
    path("<slug:code>/ekspor.yaml", views.instrument_export_yaml, name="export_yaml"),
    path("<slug:code>/ekspor.xlsx", views.instrument_export_xlsx, name="export_xlsx"),
    path("<slug:code>/salin/", views.instrument_copy, name="copy"),
    path("<slug:code>/bobot-aspek/", views.instrument_aspects, name="aspects"),
]
