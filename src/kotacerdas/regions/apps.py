from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class RegionsConfig(AppConfig):
    name = "kotacerdas.regions"
    label = "regions"
    verbose_name = pgettext_lazy("jamak", "Daerah")
