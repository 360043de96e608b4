"""Production: everything comes from the environment; refuses to start without a secret key or a shared cache."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() == "true"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
# A city whose other sub-domains are not all on HTTPS, or which does not want to be on the browsers'
# preload list (hard to leave), sets these to false.
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("SECURE_HSTS_INCLUDE_SUBDOMAINS", "true").lower() == "true"
SECURE_HSTS_PRELOAD = os.environ.get("SECURE_HSTS_PRELOAD", "true").lower() == "true"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"  # Wagtail marks its own preview views SAMEORIGIN

# One cache shared by every worker and every command (imports, rollover, the shell): the access
# version that revokes remembered decisions, throttling counters and sessions live there. A
# per-process cache would let a revoked user in on the workers that did not see the change.
if not os.environ.get("REDIS_URL"):
    raise ImproperlyConfigured("REDIS_URL must be set in production (a cache shared by all workers).")
CACHES = {
    "default": {"BACKEND": "preau.cache.PersistentRedisCache", "LOCATION": os.environ["REDIS_URL"],
                # Several Préau sites (or a site and its staging copy) may share one Redis.
                "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "")},
    # Wagtail writes every rendition a template uses to this cache, on every use: in Redis that was two
    # round trips per photo (20 for a class page's 10 photos). Renditions decide nothing (file links are
    # signed for each viewer as the page renders): each worker keeps its own.
    "renditions": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
# Sessions are read from the cache on every request and written through to the database, so that a
# Redis restart or eviction logs nobody out (cached_db rather than the cache-only engine).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Persistent database connections: a new PostgreSQL connection per request costs ~8 ms (40 % of a
# file request). Health checks replace a connection the server closed instead of failing a request.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "60"))  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"  # noqa: F405

if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "true").lower() == "true"

# Push notifications only with a key from the environment: a key generated on one server would not be
# the one browsers subscribed with on another.
PREAU_VAPID_KEY_FILE = None

LOGGING["root"]["level"] = os.environ.get("LOG_LEVEL", "INFO")  # noqa: F405
