"""Production settings pass Django's deployment checklist given the documented environment."""

import os
import subprocess
import sys
from pathlib import Path

from django.test import override_settings

from ent_pages.checks import check_shared_cache

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 64 + "-production-secret-for-the-check",
    "ALLOWED_HOSTS": "preau.example.fr",
    "REDIS_URL": "redis://127.0.0.1:6379/5",
}


def run_manage(*args, **env):
    inherited = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DB_CONN_MAX_AGE", "REDIS_URL",
                                                                    "SECURE_HSTS_PRELOAD", "SECURE_HSTS_INCLUDE_SUBDOMAINS")}
    full_env = {**inherited, "DJANGO_SETTINGS_MODULE": "preau.settings.production", **env}
    full_env = {name: value for name, value in full_env.items() if value is not None}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, check=False)


def production_setting(expression, **env):
    """The value of a Python expression on the production settings module (printed by a subprocess)."""
    code = f"from django.conf import settings; print({expression})"
    result = run_manage("shell", "-c", code, **{**PRODUCTION_ENV, **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_check_deploy_is_clean_with_the_documented_environment():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", **{**PRODUCTION_ENV, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_without_redis_fails_the_deploy_check():
    result = run_manage("check", "--deploy", **{**PRODUCTION_ENV, "REDIS_URL": None})
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


def test_deploy_check_refuses_a_per_process_cache():
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        assert [error.id for error in check_shared_cache(None)] == ["preau.E001"]
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                               "LOCATION": "redis://127.0.0.1:6379/5"}}):
        assert check_shared_cache(None) == []


def test_production_uses_redis_cached_sessions_and_persistent_connections():
    values = production_setting(
        "settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE, "
        "settings.DATABASES['default']['CONN_MAX_AGE'], settings.DATABASES['default']['CONN_HEALTH_CHECKS']"
    )
    # One Redis client per worker (preau.cache): Django's RedisCache, without a new client object per call.
    assert values == "preau.cache.PersistentRedisCache django.contrib.sessions.backends.cached_db 60 True"


def test_hsts_preload_and_subdomains_are_settings():
    assert production_setting("settings.SECURE_HSTS_PRELOAD, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS") == "True True"
    assert production_setting(
        "settings.SECURE_HSTS_PRELOAD, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS",
        SECURE_HSTS_PRELOAD="false", SECURE_HSTS_INCLUDE_SUBDOMAINS="false",
    ) == "False False"


def test_redis_client_is_installed():
    """`pip install -r requirements.txt` is enough for REDIS_URL to work: Django's RedisCache imports redis."""
    from django.core.cache.backends.redis import RedisCache

    cache = RedisCache("redis://127.0.0.1:6379/5", {})
    assert cache._cache._lib.__name__ == "redis"
