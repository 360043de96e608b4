"""Revocation through two gunicorn workers sharing Redis, with production settings.

The acceptance test of issue 11: a parent's session is opened and used on both workers (each
remembers their scope), their child's enrolment is removed through the ORM from another process (as
an import or the shell would), and the next request served by EITHER worker is refused, on the
page and the search API. With a per-process cache, the worker that did not see the change would keep
answering for a minute. (Files need no shared state: a link is checked by its signature alone, and a
refused page hands out no new link — tests/ent_pages/test_revocation.py and test_private_media.py.)

Needs a Redis server (PREAU_TEST_REDIS_URL, default redis://127.0.0.1:6379/5: only that database
is flushed) and gunicorn; the test database is served as is on PostgreSQL, copied to a file on SQLite.
"""

import concurrent.futures
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from ent_pages.models import Enrolment
from ent_pages.tree import ensure_city_home
from tests.factories import ClassPageFactory, ClassPostPageFactory, SchoolPageFactory, make_parent

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("PREAU_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
#: Loopback ports this test may use (the first free one is taken).
PORTS = range(int(os.environ.get("PREAU_TEST_PORT_FIRST", "8180")), int(os.environ.get("PREAU_TEST_PORT_LAST", "8189")) + 1)

# Committed data (the workers must see it); the flush at the end is followed by `migrated_rows_back`.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _redis_available():
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return False


def _free_port():
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"No free port in {PORTS.start}-{PORTS.stop - 1}")


@pytest.fixture(scope="module")
def migrated_rows_back(django_db_blocker):
    """Module-scoped, so torn down after the flush that ends the transactional test: put back the rows
    the migrations wrote (root page, root collection, content types...) for the tests that run next,
    in this session or the next one reusing the database."""
    yield
    with django_db_blocker.unblock():
        contents = getattr(connection, "_test_serialized_contents", None)
        assert contents, "the test database was not serialized (serialized_rollback)"
        connection.creation.deserialize_db_from_string(contents)


@pytest.fixture
def shared_cache(settings):
    """This process writes to the Redis database the workers read (sessions, access version)."""
    if not _redis_available():
        pytest.skip(f"No Redis server at {REDIS_URL}")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def served_database(transactional_db, tmp_path):
    """A DATABASE_URL for the workers, on the data this test writes (committed, transaction=True)."""
    params = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
        yield f"postgres://{auth}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}"
        return
    assert connection.vendor == "sqlite"
    # The SQLite test database lives in memory: copy it (migrated, empty) to a file both sides use.
    path = tmp_path / "served.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
    in_memory, name = connection.connection, params["NAME"]
    connection.connection = None
    params["NAME"] = str(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        connection.close()
        params["NAME"] = name
        connection.connection = in_memory


@pytest.fixture
def two_workers(served_database, shared_cache, settings, tmp_path):
    """gunicorn with production settings and 2 workers on a loopback port: (base URL, access log path)."""
    port = _free_port()
    log = tmp_path / "access.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "preau.settings.production",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "site"), str(ROOT)]),
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": served_database,
        "REDIS_URL": REDIS_URL,
        "STATIC_ROOT": str(tmp_path / "static"),
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "LOG_LEVEL": "ERROR",
    }
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "preau.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--timeout", "120", "--access-logfile", str(log), "--access-logformat", "%(p)s %(s)s %(U)s"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240  # a shared, loaded machine boots Wagtail slowly
        while _status(base + "/connexion/") is None:
            assert server.poll() is None, "gunicorn did not start"
            assert time.monotonic() < deadline, "gunicorn did not answer in 240 s"
            time.sleep(0.5)
        yield base, log
    finally:
        server.terminate()
        server.wait(timeout=30)


def _fetch(url, cookie=None):
    """(status, body) of a GET, or (None, b"") when nobody answers."""
    request = urllib.request.Request(url, headers={"Cookie": cookie or "", "Connection": "close"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - loopback test server
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""
    except (urllib.error.URLError, OSError):  # refused while booting, or slow on a loaded machine
        return None, b""


def _status(url, cookie=None):
    return _fetch(url, cookie)[0]


def _ask_both_workers(base, log, cookie, paths):
    """Ask for `paths` concurrently until both workers have answered each of them.

    Returns ({path: {status: worker pids}}, [search bodies]): the access log names the worker.
    """
    start = log.stat().st_size if log.exists() else 0
    bodies = []
    for _ in range(20):
        with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
            for path, (_status_code, body) in zip(paths * 3, pool.map(lambda p: _fetch(base + p, cookie), paths * 3),
                                                  strict=True):
                if path.startswith("/recherche/"):
                    bodies.append(body)
        time.sleep(0.3)  # the access log line is written after the answer
        answered = {}
        for line in log.read_bytes()[start:].decode().splitlines():
            pid, status, path = line.split(" ", 2)
            answered.setdefault(path, {}).setdefault(status, set()).add(pid)
        wanted = [path.split("?")[0] for path in paths]
        if all(len(set().union(*answered.get(path, {}).values())) >= 2 for path in wanted):
            return answered, bodies
    pytest.fail(f"Both workers never answered every path: {answered}")


def test_enrolment_removed_by_the_orm_is_refused_by_both_workers(migrated_rows_back, two_workers):
    base, log = two_workers
    school = SchoolPageFactory(parent=ensure_city_home(), title="École Jules Ferry", uai="0311234A")
    class_page = ClassPageFactory(parent=school, title="CE1 B")
    post = ClassPostPageFactory(parent=class_page, title="Le xylophone de la classe")
    parent, pupil = make_parent(class_page)
    client = Client()
    client.force_login(parent)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    search = "/recherche/api/?q=xylophone"
    paths = [post.url, search]

    before, bodies = _ask_both_workers(base, log, cookie, paths)
    assert {path: set(statuses) for path, statuses in before.items()} == {
        post.url: {"200"}, "/recherche/api/": {"200"}}
    assert all(b"xylophone" in body.split(b'"results"', 1)[1] for body in bodies)

    Enrolment.objects.filter(pupil=pupil).delete()  # through the ORM, in another process than the workers

    after, bodies = _ask_both_workers(base, log, cookie, paths)
    assert {path: set(statuses) for path, statuses in after.items()} == {
        post.url: {"404"}, "/recherche/api/": {"200"}}
    assert bodies and not any(b"xylophone" in body.split(b'"results"', 1)[1] for body in bodies)
