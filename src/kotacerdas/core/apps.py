from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kotacerdas.core"
    label = "core"
    verbose_name = "Kota Cerdas"
