"""URL map of the platform. Every route is listed in the permission matrix test."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from kotacerdas.accounts.views import set_language

urlpatterns = [
    path("", include("kotacerdas.core.urls")),
    path("daerah/", include("kotacerdas.regions.urls")),
    path("akun/", include("kotacerdas.accounts.urls")),
    path("instrumen/", include("kotacerdas.instruments.urls")),
    path("evaluasi/", include("kotacerdas.evaluations.urls")),
    path("masterplan/", include("kotacerdas.masterplans.urls")),
    path("hasil/", include("kotacerdas.results.urls")),
    path("hasil/", include("kotacerdas.reports.urls")),
    path("sanggahan/", include("kotacerdas.appeals.urls")),
    path("survei/", include("kotacerdas.surveys.urls")),
    # Django's set_language, which also saves a signed-in user's choice (their emails' language).
    path("i18n/setlang/", set_language, name="set_language"),
    path("akun/token-api/", include("kotacerdas.api.urls_tokens")),
    path("api/v1/", include("kotacerdas.api.urls")),
    # The Django admin signs in through our own page, which asks for the second factor.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
]
