from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "kotacerdas.surveys"
    label = "surveys"
    verbose_name = _("Survei warga")

    def ready(self) -> None:
        # The menu is extended through NAVIGATION (as the appeals app does), not edited. The
        # public survey is for citizens, operators and assessors; admins manage windows in the
        # Django admin, and their menu is full already.
        from kotacerdas.accounts.predicates import is_admin
        from kotacerdas.core.context_processors import NAVIGATION

        if not any(url_name == "surveys:home" for _label, url_name, _v in NAVIGATION):
            NAVIGATION.append((_("Survei warga"), "surveys:home", lambda user: not is_admin(user)))
