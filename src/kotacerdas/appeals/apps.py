from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "kotacerdas.appeals"
    label = "appeals"
    verbose_name = _("Sanggahan hasil")

    def ready(self) -> None:
        # Publication waits for the reply window and every appeal: the cycle's lifecycle is
        # extended through its CHECKS table (as the results app does), and the menu through
        # NAVIGATION, not edited.
        from .services import register

        register.register_with_lifecycle()
        register.register_navigation()
