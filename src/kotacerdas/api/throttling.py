"""Request limits: per client address for anonymous clients (open data), per account otherwise.

The rates come from settings at request time (``KOTACERDAS_API_ANON_RATE``,
``KOTACERDAS_API_USER_RATE``), so an installation can tune them through the environment.
"""

from django.conf import settings
from rest_framework import throttling


class AnonymousThrottle(throttling.AnonRateThrottle):
    def get_rate(self) -> str:
        return settings.KOTACERDAS_API_ANON_RATE


class SignedInThrottle(throttling.UserRateThrottle):
    def get_rate(self) -> str:
        return settings.KOTACERDAS_API_USER_RATE

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None  # anonymous clients are limited by AnonymousThrottle
        return super().get_cache_key(request, view)
