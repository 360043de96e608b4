"""Throttling per token (DRF's cache-based throttle). Logins are throttled by django-axes (api.views)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle
from wagtail.models import APIToken

DEFAULT_RATE = "120/min"


class TokenRateThrottle(SimpleRateThrottle):
    """``PREAU_API_RATE`` requests per token (default 120 a minute: a phone refreshing busily, not a scraper)."""

    scope = "api_token"

    def get_rate(self):
        return getattr(settings, "PREAU_API_RATE", DEFAULT_RATE)

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, APIToken):
            return None  # anonymous requests reach the login only, which django-axes guards
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
