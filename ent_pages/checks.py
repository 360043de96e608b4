"""Deployment checks (``manage.py check --deploy``): production must share its cache between processes.

Remembered access decisions are dropped by bumping an access version in the cache; sessions and
throttling counters live there too. A per-process cache (local memory, files, dummy) would let a
revoked user in on every worker that did not see the change, and never see changes made by an
import, the rollover or the shell.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
)


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PER_PROCESS_CACHES:
        return [Error(
            "The default cache is not shared between processes.",
            hint="Set REDIS_URL (django.core.cache.backends.redis.RedisCache): revocations, sessions and "
                 "throttling must reach every worker.",
            id="preau.E001",
        )]
    return []
