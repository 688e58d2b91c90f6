from django.urls import path

from . import views, views_outbox

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("surel/", views_outbox.outbox_list, name="outbox"),
    path("surel/<int:pk>/", views_outbox.outbox_detail, name="outbox_detail"),
    path("surel/<int:pk>/kirim-ulang/", views_outbox.outbox_retry, name="outbox_retry"),
    path("surel/kirim-ulang-gagal/", views_outbox.outbox_retry_failed, name="outbox_retry_failed"),
]
