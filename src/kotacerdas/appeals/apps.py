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
        from kotacerdas.results.signals import computation_finished

        from .services import decisions, register

        register.register_with_lifecycle()
        register.register_navigation()
        # An accepted item's effect is recorded when the results' computation has finished.
        computation_finished.connect(decisions.record_effects, dispatch_uid="appeals.effects")
