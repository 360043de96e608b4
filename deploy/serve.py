"""`make serve`: the production stack on loopback, in the foreground — nginx in front of gunicorn.

    python deploy/serve.py [--port 8080] [--app-port 8081] [--workers 2] [--var var/serve]

- gunicorn runs ``preau.wsgi`` with production settings (``preau.settings.production``); for a
  local run this script provides what production reads from the environment when it is missing:
  a SECRET_KEY kept in ``<var>/secret_key`` (mode 600), ALLOWED_HOSTS and CSRF_TRUSTED_ORIGINS for
  the loopback, SECURE_SSL_REDIRECT and HSTS off (plain HTTP on 127.0.0.1). The database is the
  same as ``make run``'s unless DATABASE_URL says otherwise.
- nginx (Debian's) renders deploy/nginx.conf.template into ``<var>/nginx.conf``, with the media-link
  secret written to ``<var>/media-secret.conf`` (mode 600), outside the repository; it serves
  static files and checks signed file links itself, and proxies everything else to gunicorn.
- A background task worker (``manage.py db_worker --backend background``: notifications at the end
  of quiet hours, digests' emails) runs beside gunicorn; if it dies it is started again after
  WORKER_RESTART_SECONDS (a dead worker delays emails, it never stops the site). ``--no-task-worker``
  leaves it out (another machine runs it).
- Over capacity, nginx answers a French waiting page (503, ``Retry-After``) at once instead of
  queueing: at most ``--in-flight`` requests per gunicorn worker reach the application, of which
  ``--anonymous-in-flight`` per worker from visitors neither logged in nor signing in. The page is
  rendered at start into ``<var>/_attente.html`` (``manage.py render_waiting_page``).
- SIGTERM or SIGINT (Ctrl-C) to this process, or to its process group, stops them all.

``--render-only`` writes the configuration and exits (a server's nginx can include it).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
#: gunicorn's settings (the collector told to leave the loaded application alone: see the file).
GUNICORN_CONFIG = Path(__file__).resolve().parent / "gunicorn.conf.py"
#: A task worker that exited is started again after this long.
WORKER_RESTART_SECONDS = 30


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("SERVE_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("SERVE_PORT", 8080)))
    parser.add_argument("--app-port", type=int, default=int(os.environ.get("SERVE_APP_PORT", 8081)))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("SERVE_WORKERS", 2)))
    parser.add_argument("--var", type=Path, default=Path(os.environ.get("SERVE_VAR", ROOT / "var" / "serve")))
    parser.add_argument("--in-flight", type=int, default=int(os.environ.get("SERVE_IN_FLIGHT", 6)),
                        help="requests at once per gunicorn worker before the waiting page (default 6)")
    parser.add_argument("--anonymous-in-flight", type=int,
                        default=int(os.environ.get("SERVE_ANONYMOUS_IN_FLIGHT", 3)),
                        help="of which from visitors neither logged in nor signing in (default 3)")
    parser.add_argument("--retry-after", type=int, default=int(os.environ.get("SERVE_RETRY_AFTER", 20)),
                        help="seconds the waiting page asks to wait before retrying (default 20)")
    parser.add_argument("--access-log", action="store_true", help="log every request (off: figures)")
    parser.add_argument("--no-collectstatic", action="store_true")
    parser.add_argument("--render-only", action="store_true")
    parser.add_argument("--no-task-worker", action="store_true", help="do not run the background task worker here")
    return parser.parse_args(argv)


def production_environment(args) -> dict:
    """The environment production settings need, completed for a loopback run."""
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "preau.settings.production"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "site"), str(ROOT), env.get("PYTHONPATH")]))
    if not env.get("SECRET_KEY"):
        key_file = args.var / "secret_key"
        if not key_file.exists():
            _write_private(key_file, secrets.token_urlsafe(50))
        env["SECRET_KEY"] = key_file.read_text().strip()
    origins = [f"http://{args.host}:{args.port}", f"http://localhost:{args.port}"]
    env.setdefault("ALLOWED_HOSTS", f"{args.host},localhost")
    env.setdefault("CSRF_TRUSTED_ORIGINS", ",".join(origins))
    env.setdefault("PREAU_BASE_URL", origins[0])
    # Production refuses per-process caches (several workers): the machine's Redis, unless told otherwise.
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/1")
    env.setdefault("SECURE_SSL_REDIRECT", "false")  # plain HTTP on the loopback
    env.setdefault("SECURE_HSTS_SECONDS", "0")
    return env


def _write_private(path: Path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)


def django_paths(env) -> dict:
    """STATIC_ROOT, PRIVATE_MEDIA_ROOT and the media secret, as the production settings say."""
    code = (
        "import django, json; django.setup();"
        "from django.conf import settings; from ent_pages.media.links import media_secret;"
        "print(json.dumps({'static': str(settings.STATIC_ROOT), 'private': str(settings.PRIVATE_MEDIA_ROOT),"
        " 'secret': media_secret()}))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    import json

    return json.loads(out.stdout.strip().splitlines()[-1])


def render(args, paths) -> Path:
    """Write <var>/nginx.conf and <var>/media-secret.conf; return the configuration's path."""
    run_dir = args.var.resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    secret_file = run_dir / "media-secret.conf"
    _write_private(secret_file, f'map $host $preau_media_secret {{\n    default "{paths["secret"]}";\n}}\n')
    values = {
        "USER": "user root;" if os.geteuid() == 0 else "",  # workers must read the private storage
        "WORKER_PROCESSES": "2",
        "RUN_DIR": str(run_dir),
        "MIME_TYPES": "/etc/nginx/mime.types",
        "ACCESS_LOG": str(run_dir / "access.log") if args.access_log else "off",
        "SECRET_FILE": str(secret_file),
        "UPSTREAM": f"127.0.0.1:{args.app_port}",
        "LISTEN": f"{args.host}:{args.port}",
        "STATIC_ROOT": str(Path(paths["static"]).resolve()),
        "PRIVATE_ROOT": str(Path(paths["private"]).resolve()),
        "FORWARDED_PROTO": "$scheme",
        "IN_FLIGHT": str(args.in_flight * args.workers),
        "ANONYMOUS_IN_FLIGHT": str(args.anonymous_in_flight * args.workers),
        "RETRY_AFTER": str(args.retry_after),
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace(f"@@{name}@@", value)
    assert "@@" not in text, "unrendered placeholder in nginx.conf.template"
    conf = run_dir / "nginx.conf"
    conf.write_text(text)
    return conf


def render_waiting_page(args, env) -> Path:
    """The page nginx answers over capacity, in the site's language, as a file of the run directory."""
    page = args.var.resolve() / "_attente.html"
    subprocess.run([sys.executable, "manage.py", "render_waiting_page", str(page), "--retry-after", str(args.retry_after)],
                   env=env, cwd=ROOT, check=True)
    return page


def task_worker_command() -> list[str]:
    return [sys.executable, "manage.py", "db_worker", "--backend", "background", "--queue-name", "*",
            "--no-reload", "--verbosity", "0"]


def wait_for_port(host, port, timeout=120.0, process=None) -> bool:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex((host, port)) == 0:
                return True
        time.sleep(0.1)
    return False


def main(argv=None) -> int:
    args = parse_args(argv)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        print("nginx is missing: `apt-get install nginx` (make serve does it).", file=sys.stderr)
        return 2
    env = production_environment(args)
    if not args.no_collectstatic and not args.render_only:
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
                       env=env, cwd=ROOT, check=True)
    conf = render(args, django_paths(env))
    render_waiting_page(args, env)
    subprocess.run([nginx, "-t", "-q", "-p", str(conf.parent), "-c", str(conf)], check=True)
    if args.render_only:
        print(conf)
        return 0

    children = []
    worker = None
    stopping = False

    def stop(signum=None, frame=None):
        nonlocal stopping
        stopping = True
        for child in [*children, worker]:
            if child is not None and child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    gunicorn = [str(Path(sys.executable).with_name("gunicorn")), "preau.wsgi", "--config", str(GUNICORN_CONFIG),
                "--bind", f"127.0.0.1:{args.app_port}",
                "--workers", str(args.workers), "--chdir", str(ROOT), "--no-control-socket", "--access-logfile", "-" if args.access_log else "/dev/null"]
    children.append(subprocess.Popen(gunicorn, env={**env, "MALLOC_ARENA_MAX": "2"}, cwd=ROOT))
    # nginx listens once gunicorn does: an open port means the whole stack answers.
    ready = wait_for_port("127.0.0.1", args.app_port, process=children[0]) and not stopping
    if ready:
        children.append(subprocess.Popen([nginx, "-p", str(conf.parent), "-c", str(conf), "-g", "daemon off;"], cwd=ROOT))
        ready = wait_for_port(args.host, args.port, process=children[1])
    if ready and not stopping and not args.no_task_worker:
        worker = subprocess.Popen(task_worker_command(), env=env, cwd=ROOT)
    if ready and not stopping:
        print(f"Préau (production settings) on http://{args.host}:{args.port}/ — nginx in front of gunicorn "
              f"(127.0.0.1:{args.app_port}). Ctrl-C or SIGTERM stops.", flush=True)
    else:
        stop()
    worker_died_at = None
    while any(child.poll() is None for child in children) or (worker is not None and worker.poll() is None):
        if not stopping and any(child.poll() is not None for child in children):
            stop()  # nginx or gunicorn died: stop the rest
        if not stopping and worker is not None and worker.poll() is not None:
            if worker_died_at is None:
                worker_died_at = time.monotonic()
                print(f"The task worker exited ({worker.returncode}): restarting it in {WORKER_RESTART_SECONDS} s.",
                      file=sys.stderr, flush=True)
            elif time.monotonic() - worker_died_at >= WORKER_RESTART_SECONDS:
                worker, worker_died_at = subprocess.Popen(task_worker_command(), env=env, cwd=ROOT), None
        time.sleep(0.2)
    return 0 if stopping and ready else 1


if __name__ == "__main__":
    sys.exit(main())
