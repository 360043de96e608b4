"""Benchmarks as users feel them: the production stack (`make serve`) driven by a real load client.

One place for what every page, file and search bench needs:

- ``Stack``: starts ``deploy/serve.py`` (nginx in front of gunicorn, production settings) on given or
  free loopback ports, against the DATABASE_URL / REDIS_URL of the environment, and stops it (a context
  manager). The bench prepares its database first, in-process, then starts the stack.
- ``session_cookie(user)``: a logged-in session for a user, made through Django's session engine so
  the stack's workers accept it (same database, same SECRET_KEY: set ``production_env()`` first).
- ``hey(url, ...)``: runs Debian's ``hey`` and returns every response time (CSV output), refusing a
  run with an unexpected status code; ``summary()`` gives p50/p95 in milliseconds.
- ``alternate(targets, rounds, ...)``: measures several URLs round after round (target, reference,
  target, reference, …) so a reference such as a bare Wagtail page or a static file sees the same
  machine as the page it is compared with.

Figures taken on a loaded machine are not figures: each run prints the load average at start and end.
"""

from __future__ import annotations

import csv
import io
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-only-not-secret"  # noqa: S105 - throw-away stacks on loopback


def production_env(redis_url: str | None = None, settings: str = "preau.settings.production") -> None:
    """Environment shared by the in-process set-up and the stack (same secret, hosts and cache)."""
    os.environ.update({
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": settings,
    })
    os.environ.setdefault("REDIS_URL", redis_url or "redis://127.0.0.1:6379/2")
    # This run's keys only: two benches on one machine (other databases, same user ids) share the Redis.
    os.environ.setdefault("CACHE_KEY_PREFIX", f"bench{os.getpid()}")
    for path in (str(ROOT), str(ROOT / "site")):
        if path not in sys.path:
            sys.path.insert(0, path)


def django_setup(migrate: bool = True) -> None:
    """django.setup() under the environment above, migrating the database when asked.

    Static files are collected first: production settings name them from the manifest, so a page rendered
    in-process (query counts, warm-up) needs it before the stack (which collects them too) starts.
    """
    import django
    from django.core.management import call_command

    django.setup()
    call_command("collectstatic", "--noinput", verbosity=0)
    if migrate:
        call_command("migrate", verbosity=0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 180.0, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the stack exited with {process.returncode} before port {port} answered")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise RuntimeError(f"nothing answers on 127.0.0.1:{port}")


class Stack:
    """`make serve` on loopback: ``with Stack() as stack: stack.url("/mon-espace/")``."""

    def __init__(self, port: int | None = None, app_port: int | None = None, workers: int = 2,
                 var: Path | None = None, extra_args: tuple[str, ...] = (), output=None):
        self.port = port or free_port()
        self.app_port = app_port or free_port()
        self.workers = workers
        self.var = Path(var or tempfile.mkdtemp(prefix="preau-bench-stack-"))
        self.extra_args = tuple(extra_args)
        self.output = output  # a file for the stack's output (emails, tracebacks); default: this terminal
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Stack:
        command = [sys.executable, "deploy/serve.py", "--port", str(self.port), "--app-port", str(self.app_port),
                   "--workers", str(self.workers), "--var", str(self.var), *self.extra_args]
        self.process = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ), start_new_session=True,  # noqa: S603
                                        stdout=self.output, stderr=subprocess.STDOUT if self.output else None)
        try:
            wait_for_port(self.app_port, process=self.process)
            wait_for_port(self.port, process=self.process)
            self.wait_until_workers_answer()
        except BaseException:
            self.stop()
            raise
        return self

    def wait_until_workers_answer(self, timeout: float = 180.0) -> None:
        """Return once every gunicorn worker has answered a page: a listening port is not a loaded app.

        Each worker imports Django and Wagtail after the port opens (several seconds on a busy machine);
        a load client started before would time out on its first requests and count a cold start as the
        page's cost. Rounds of as many simultaneous requests as workers, until one round answers fast.
        """
        import concurrent.futures
        import urllib.error
        import urllib.request

        def fetch(_n):
            start = time.monotonic()
            try:
                with urllib.request.urlopen(self.url("/"), timeout=timeout) as response:  # noqa: S310 - loopback
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            return status, time.monotonic() - start

        deadline = time.monotonic() + timeout
        with concurrent.futures.ThreadPoolExecutor(self.workers * 2) as pool:
            while time.monotonic() < deadline:
                answers = list(pool.map(fetch, range(self.workers * 2)))
                if all(status < 500 and seconds < 1.0 for status, seconds in answers):
                    return
                time.sleep(0.2)
        raise RuntimeError("the stack's workers did not answer in time")

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def session_cookie(user) -> str:
    """A ``Cookie:`` header value with a fresh logged-in session of ``user`` (in-process, same database)."""
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def hey(url: str, requests: int = 200, concurrency: int = 1, cookie: str | None = None,
        method: str = "GET", body: str | None = None, headers: dict | None = None,
        statuses: tuple[str, ...] = ("200",)) -> list[float]:
    """Response times in seconds of ``requests`` requests through Debian's hey (keep-alive, like a browser).

    hey gives each of its ``concurrency`` clients ``requests // concurrency`` requests: the count is rounded
    up to a multiple of the concurrency, so that every request asked for is sent (and answered)."""
    requests = -(-requests // concurrency) * concurrency
    command = ["hey", "-n", str(requests), "-c", str(concurrency), "-m", method, "-o", "csv"]
    for name, value in {**({"Cookie": cookie} if cookie else {}), **(headers or {})}.items():
        command += ["-H", f"{name}: {value}"]
    if body is not None:
        command += ["-d", body]
    out = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout  # noqa: S603
    rows = list(csv.DictReader(io.StringIO(out)))
    unexpected = {row["status-code"] for row in rows} - set(statuses)
    if unexpected or len(rows) != requests:
        raise RuntimeError(f"{url}: {len(rows)}/{requests} answers, unexpected statuses {sorted(unexpected)}")
    return [float(row["response-time"]) for row in rows]


def warm_queries(client, path: str) -> int:
    """SQL queries of one request to ``path`` by the Django test ``client`` (in-process, same database and
    cache as the stack): call it after a first request, so that it counts a warm page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return len(queries)


def percentile(values, fraction: float) -> float:
    """Nearest-rank percentile (p95 of 200 values is the 190th: a true p95, not a p90)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered) - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def summary(times) -> dict:
    """p50 and p95 in milliseconds, and the count."""
    return {"n": len(times), "p50": percentile(times, 0.50) * 1000, "p95": percentile(times, 0.95) * 1000}


def alternate(targets: dict[str, str], rounds: int = 4, requests: int = 200, concurrency: int = 1,
              cookie: str | None = None, warmup: int = 20, **hey_args) -> dict[str, dict]:
    """Each URL of ``targets`` measured in turn, ``rounds`` times; ``requests`` per URL in all (≥ 200 for a p95)."""
    per_round = max(1, -(-requests // rounds))
    for url in targets.values():  # both workers warm: imports, templates, first queries, caches
        hey(url, warmup, concurrency=max(2, concurrency), cookie=cookie, **hey_args)
    times: dict[str, list[float]] = {name: [] for name in targets}
    for _ in range(rounds):
        for name, url in targets.items():
            times[name] += hey(url, per_round, concurrency=concurrency, cookie=cookie, **hey_args)
    return {name: summary(values) for name, values in times.items()}


def ratio_line(name: str, figures: dict, reference: str, goal: float | None = None) -> str:
    """``class page: p50 12.3 ms p95 20.1 ms vs bare 10.2 / 15.0 ms: 1.21× / 1.34× (goal ≤ 1.2×)``."""
    mine, ref = figures[name], figures[reference]
    text = (f"{name}: p50 {mine['p50']:.1f} ms p95 {mine['p95']:.1f} ms vs {reference} "
            f"{ref['p50']:.1f} / {ref['p95']:.1f} ms: {mine['p50'] / ref['p50']:.2f}× / {mine['p95'] / ref['p95']:.2f}×")
    return text + (f" (goal ≤ {goal}×)" if goal else "")


def load_line(when: str) -> str:
    one, five, _ = os.getloadavg()
    return f"load average at {when}: {one:.2f} / {five:.2f} on {os.cpu_count()} cores"
