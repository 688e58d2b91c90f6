"""The Django admin names of third-party apps in the reader's language (their own are English,
or a label such as "Otp_Totp"). Same app, label and models: only ``verbose_name`` changes, so no
migration is involved."""

from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpConfig
from django_tasks_db.apps import TasksAppConfig


class TotpAppConfig(TotpConfig):
    verbose_name = _("Autentikator (TOTP)")


class StaticAppConfig(StaticConfig):
    verbose_name = _("Kode cadangan masuk")


class TaskResultsAppConfig(TasksAppConfig):
    verbose_name = _("Pekerjaan latar belakang")
