from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "kotacerdas.results"
    label = "results"
    verbose_name = _("Hasil evaluasi")

    def ready(self) -> None:
        # Publication needs current results, and publishing freezes the snapshot: the cycle's
        # lifecycle is extended through its CHECKS and ON_ENTER tables, not edited.
        from .services import publication

        publication.register_with_lifecycle()
