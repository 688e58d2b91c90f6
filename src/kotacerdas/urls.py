"""URL map of the platform. Every route is listed in the permission matrix test."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("kotacerdas.core.urls")),
    path("daerah/", include("kotacerdas.regions.urls")),
    path("akun/", include("kotacerdas.accounts.urls")),
    path("instrumen/", include("kotacerdas.instruments.urls")),
    path("evaluasi/", include("kotacerdas.evaluations.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
