"""Routes of the citizen survey, under /survei/."""

from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:year>/<str:code>/", views.region_form, name="region"),
    path("<int:year>/<str:code>/terima-kasih/", views.thanks, name="thanks"),
    path("<int:year>/<str:code>/hasil/", views.region_results, name="results"),
]
