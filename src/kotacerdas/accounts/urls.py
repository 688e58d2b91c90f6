from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("masuk/verifikasi/", views.login_verify, name="login_verify"),
    path("keluar/", views.LogoutView.as_view(), name="logout"),
    path("kata-sandi/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "kata-sandi/selesai/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("profil/", views.profile, name="profile"),
    path("dua-langkah/", views.two_factor_setup, name="two_factor_setup"),
    path(
        "dua-langkah/kode-pemulihan/",
        views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("dua-langkah/matikan/", views.two_factor_turn_off, name="two_factor_turn_off"),
]
