"""`make serve`'s stack for the tests: deploy/serve.py on free loopback ports, stopped for sure.

``running_stack(var, *extra_args)`` starts nginx in front of one gunicorn worker (production settings,
this test run's secret and private storage, an unused database file) and yields its ports; on exit it
sends SIGTERM to the stack's process group — what `make serve` gets from Ctrl-C or a supervisor — and
SIGKILL if it has not stopped in time, so that a stuck request never hangs the test run.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port):
    with socket.socket() as sock:
        sock.settimeout(0.3)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _stop(process, grace=30.0):
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 10.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
            return sig
        except subprocess.TimeoutExpired:
            continue
    return None


@contextlib.contextmanager
def running_stack(var, *extra_args):
    """deploy/serve.py with ``extra_args``, its run directory under ``var``.

    Yields {"port", "app_port", "var"}, to which "stopped_by" is added on exit: SIGTERM, or SIGKILL when
    the stack did not stop within 30 s (a machine so loaded that a worker was still busy).
    """
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        pytest.fail("nginx is not installed: `apt-get install nginx` (.ci/run and `make serve` do it)")
    var = Path(var)
    port, app_port = free_port(), free_port()
    env = {**os.environ, "SECRET_KEY": settings.SECRET_KEY, "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
           "STATIC_ROOT": str(var / "static"), "DATABASE_URL": f"sqlite:///{var / 'unused.sqlite3'}"}
    (var / "static").mkdir(exist_ok=True)
    (var / "static" / "hello.txt").write_text("static")
    info = {}
    # The stack's output goes to a file, never to a pipe nobody reads: once a pipe is full, nginx (a
    # warning per refused request) and gunicorn (a traceback per error) block on writing, and every
    # request after that hangs.
    log = var / "stack.log"
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 - the project's own serving script
            [sys.executable, "deploy/serve.py", "--port", str(port), "--app-port", str(app_port), "--workers", "1",
             "--var", str(var), "--no-collectstatic", *extra_args],
            cwd=ROOT, env=env, start_new_session=True, stdout=output, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 180  # nginx listens once gunicorn does (slow on a loaded machine)
        while not port_open(port) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert port_open(port), log.read_text()[-5000:] if process.poll() is not None else "the stack did not start"
        info = {"port": port, "app_port": app_port, "var": var}
        yield info
    finally:
        info["stopped_by"] = _stop(process)
    assert not port_open(port) and not port_open(app_port)
