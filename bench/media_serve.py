"""Private photos through `make serve` (nginx checks signed links) vs the same bytes as static files.

Goal (issue 10): ≤ 1.3 × the static file, median, same nginx, same run.

The bench builds a throw-away SQLite database (a class, a parent, a live gallery of 20 photos),
starts the production stack with deploy/serve.py (what `make serve` runs: nginx in front of
gunicorn with production settings) on free loopback ports, logs the parent in (session and media
key as the browser would hold them), then alternates, round after round:

1. **thumbnail**: one class-page thumbnail (fill-320x240) by its signed link, with `hey`
   (Debian), vs a byte-identical copy under STATIC_ROOT served by the same nginx;
2. **family page**: the gallery page (20 photos) then its 20 thumbnails over 6 keep-alive
   connections like a browser, vs the same page's HTML followed by 20 static copies.

    .venv/bin/python bench/media_serve.py [--requests 200] [--rounds 4] [--views 200]
"""

import argparse
import csv
import html
import http.client
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _media_common import ROOT, bootstrap, class_with_people, median, percentile  # noqa: E402

SECRET = "bench-only-not-secret"  # noqa: S105


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def setup(workdir):
    os.environ.update({"SECRET_KEY": SECRET, "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false",
                       "LOG_LEVEL": "WARNING"})
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/2")  # production settings need a shared cache
    bootstrap("preau.settings.production", workdir)
    from django.core.management import call_command
    from django.test import Client
    from media_upload import make_photos

    from ent_pages.media.uploads import create_image
    from periscolaire.media import gallery_collection
    from periscolaire.models import GalleryPage, GalleryPhoto

    call_command("collectstatic", "--noinput", verbosity=0)  # production settings: hashed names
    class_page, _teacher, parent = class_with_people()
    gallery = class_page.add_child(instance=GalleryPage(title="Vingt photos", slug="vingt-photos", live=False))
    photos = make_photos(workdir, 20, 2)  # 2 MP photos with sensor-like noise (media_upload's generator)
    images = [create_image(title=f"Photo {n}", collection=gallery_collection(gallery), data=p.read_bytes(), name=f"p{n}.jpg")
              for n, p in enumerate(photos)]
    gallery.photos = [GalleryPhoto(image=image) for image in images]
    gallery.save_revision().publish()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(parent)
    page = client.get(gallery.url)
    assert page.status_code == 200, page.status_code
    cookies = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    static_dir = Path(os.environ["STATIC_ROOT"]) / "bench"
    static_dir.mkdir(parents=True, exist_ok=True)
    for image in images:
        rendition = image.get_rendition("fill-320x240")
        shutil.copyfile(rendition.file.path, static_dir / Path(rendition.file.name).name)
    return gallery.url, cookies


def thumbnails(page_html):
    return [html.unescape(src) for src in re.findall(r'<img[^>]+src="(/fichiers/images/[^"]+)"', page_html)]


def static_twin(link):
    return "/static/bench/" + link.split("?", 1)[0].rsplit("/", 1)[-1]


def hey(url, cookies, requests, concurrency=1):
    requests = -(-requests // concurrency) * concurrency  # hey sends n // c per client: ask a multiple of c
    command = ["hey", "-n", str(requests), "-c", str(concurrency), "-H", f"Cookie: {cookies}", "-o", "csv", url]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603, S607 - Debian's hey
    rows = list(csv.DictReader(io.StringIO(out)))
    assert all(row["status-code"] == "200" for row in rows), {row["status-code"] for row in rows}
    return [float(row["response-time"]) for row in rows]


class Browser:
    """Six keep-alive connections, like a browser loading a page's images."""

    def __init__(self, port, cookies):
        self.port, self.cookies = port, cookies
        self.pool = ThreadPoolExecutor(6)
        self.connections = {}

    def get(self, path):
        import threading

        conn = self.connections.get(threading.get_ident())
        if conn is None:
            conn = self.connections[threading.get_ident()] = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        conn.request("GET", path, headers={"Cookie": self.cookies, "Host": "127.0.0.1"})
        response = conn.getresponse()
        data = response.read()
        assert response.status == 200, (path, response.status)
        return data

    def view(self, page_url, images_of):
        start = time.perf_counter()
        page = self.get(page_url).decode()
        list(self.pool.map(self.get, images_of(page)))
        return time.perf_counter() - start


def stats(values):
    return median(values) * 1000, percentile(values, 0.95) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="hey requests per side and round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--views", type=int, default=200, help="page views per side")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8], help="hey -c values for the thumbnail")
    args = parser.parse_args()
    workdir = Path(__import__("tempfile").mkdtemp(prefix="preau-bench-serve-"))
    page_url, cookies = setup(workdir)
    port, app_port = free_port(), free_port()
    stack = subprocess.Popen(  # noqa: S603 - the project's own serving script
        [sys.executable, "deploy/serve.py", "--port", str(port), "--app-port", str(app_port), "--workers", "2",
         "--var", str(workdir / "serve")], cwd=ROOT, env=dict(os.environ), start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        for wanted in (app_port, port):  # gunicorn, then nginx
            while time.monotonic() < deadline:
                with socket.socket() as sock:
                    if sock.connect_ex(("127.0.0.1", wanted)) == 0:
                        break
                time.sleep(0.3)
        base = f"http://127.0.0.1:{port}"
        browser = Browser(port, cookies)
        for _ in range(4):  # warm both gunicorn workers (imports, first queries)
            browser.get(page_url)
        links = thumbnails(browser.get(page_url).decode())
        assert len(links) == 20, len(links)
        size = len(browser.get(links[0]))
        assert browser.get(static_twin(links[0])) == browser.get(links[0])

        thumbnail_figures = {}
        for concurrency in args.concurrency:
            signed, static = [], []
            for _ in range(args.rounds):
                signed += hey(base + links[0], cookies, args.requests, concurrency)
                static += hey(base + static_twin(links[0]), cookies, args.requests, concurrency)
            thumbnail_figures[concurrency] = signed, static
        views_signed, views_static = [], []
        for _ in range(args.views):
            views_signed.append(browser.view(page_url, thumbnails))
            views_static.append(browser.view(page_url, lambda page: [static_twin(link) for link in thumbnails(page)]))

        load = os.getloadavg()
        print(f"media_serve: through deploy/serve.py (= make serve: nginx + 2 gunicorn workers, production settings, "
              f"SQLite); load average {load[0]:.1f} / {load[1]:.1f} on {os.cpu_count()} cores (shared machine)")
        for concurrency, (signed, static) in thumbnail_figures.items():
            print(f"  thumbnail ({size / 1024:.1f} KiB), hey -c {concurrency}, {len(signed)} requests each, "
                  f"alternated in {args.rounds} rounds:")
            s50, s95 = stats(signed)
            t50, t95 = stats(static)
            print(f"    signed link (nginx secure_link):   p50 {s50:.2f} ms  p95 {s95:.2f} ms")
            print(f"    same bytes as a static file:       p50 {t50:.2f} ms  p95 {t95:.2f} ms")
            print(f"    ratio of medians: {s50 / t50:.2f} ×, of p95: {s95 / t95:.2f} ×   (goal ≤ 1.3 ×)")
        v50, v95 = stats(views_signed)
        w50, w95 = stats(views_static)
        print(f"  family page with 20 photos (page + 20 thumbnails, 6 connections), {args.views} views each, alternated:")
        print(f"    signed links:   p50 {v50:.1f} ms  p95 {v95:.1f} ms")
        print(f"    static images:  p50 {w50:.1f} ms  p95 {w95:.1f} ms")
        print(f"    ratio of medians: {v50 / w50:.2f} ×   (goal ≤ 1.3 ×)")
    finally:
        os.killpg(stack.pid, signal.SIGTERM)
        stack.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
