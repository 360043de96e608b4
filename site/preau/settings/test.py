"""Test settings: the database comes from DATABASE_URL (SQLite by default, PostgreSQL in CI's second run)."""

import os
import tempfile

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret-preau"  # noqa: S105 - tests only
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# One folder per test process (xdist workers included), created only when a test stores a file and
# removed at the end of the session by the `_test_media_folders` fixture (tests/conftest.py).
PREAU_TEST_FILES_DIR = Path(tempfile.gettempdir()) / f"preau-test-{os.getpid()}"  # noqa: F405
MEDIA_ROOT = PREAU_TEST_FILES_DIR / "media"
PRIVATE_MEDIA_ROOT = PREAU_TEST_FILES_DIR / "private"
STORAGES = {  # noqa: F405
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": "/_private-media-is-never-public/"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
# django-axes refuses authenticate() without a request (the test client's login()); the throttle
# tests switch it on with override_settings(AXES_ENABLED=True).
AXES_ENABLED = False
# Background tasks run at once in tests; tests/conversations/test_background_delivery.py switches the
# real database backend on and runs the worker.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A test database in a file (in RAM where the machine has /dev/shm) rather than in memory: Django
    # shares an in-memory database's one connection between the test and every live-server thread, and
    # two of them writing at once (a browser's page and its favicon) failed with "database table is
    # locked". With a file, each thread has its own connection and waits for SQLite's lock instead.
    # One file per checkout (pytest-django adds each xdist worker's suffix), kept by --reuse-db like
    # any reused test database, recreated by --create-db.
    import hashlib

    _ram = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())  # noqa: F405, S108
    _checkout = hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:10]  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(_ram / f"preau-test-{_checkout}.sqlite3")}  # noqa: F405
