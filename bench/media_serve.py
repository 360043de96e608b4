"""A private rendition served through the access check vs the same file served as a static file.

Goal (issue 3): ≤ 1.3 × the static file, same server, same run. One gunicorn worker runs the
production settings (streaming backend of django-sendfile2, as no nginx runs here); the bench
asks, alternately, for a class photo's rendition as a parent of the class (session cookie,
access policy, Cache-Control private) and for a byte-identical copy of it under STATIC_ROOT,
served by WhiteNoise in the same worker. With `--backend nginx`, the worker answers
X-Accel-Redirect instead of the bytes (what production does): that isolates the cost of the check.

    .venv/bin/python bench/media_serve.py [--requests 400] [--spec max-1600x1600] [--backend simple|nginx]
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _media_common import ROOT, bootstrap, class_with_people, median, percentile  # noqa: E402

PORT = 8004


def setup(spec):
    os.environ.update({"SECRET_KEY": "bench-only", "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false",
                       "LOG_LEVEL": "WARNING"})
    workdir = bootstrap("preau.settings.production")
    from django.core.cache import cache
    from django.test import Client
    from media_upload import make_photos

    from ent_pages.media.uploads import create_image
    from ent_pages.roles import page_collection
    from ent_pages.tree import ensure_city_home

    class_page, _teacher, parent = class_with_people()
    photo_file = make_photos(workdir, 1, 12)[0]  # a 12 MP photo with sensor-like noise, as in media_upload
    photo = create_image(title="Banc", collection=page_collection(class_page), data=photo_file.read_bytes(), name="banc.jpg")
    city_photo = create_image(title="Parc", collection=page_collection(ensure_city_home()), data=photo_file.read_bytes(),
                              name="parc.jpg")
    rendition = photo.get_rendition(spec)
    static_copy = Path(os.environ["STATIC_ROOT"]) / "bench" / Path(rendition.file.name).name
    static_copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(rendition.file.path, static_copy)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(parent)
    cache.clear()
    urls = {"private": rendition.url, "static": f"/static/bench/{static_copy.name}", "public": city_photo.get_rendition(spec).url}
    return workdir, urls, client.cookies["sessionid"].value, rendition.file.size


def wait_for_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("server did not start")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--spec", default="max-1600x1600")
    parser.add_argument("--backend", choices=["simple", "nginx"], default="simple")
    args = parser.parse_args()
    workdir, urls, session, size = setup(args.spec)
    private_url, static_url = urls["private"], urls["static"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "preau.settings.production", "PYTHONPATH": f"{ROOT}:{ROOT / 'site'}",
           "SENDFILE_BACKEND": f"django_sendfile.backends.{args.backend}"}
    server = subprocess.Popen(  # noqa: S603 - gunicorn from this virtualenv
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{PORT}",
         "--log-level", "warning", "preau.wsgi"],
        cwd=ROOT, env=env,
    )
    try:
        wait_for_port(PORT)
        import requests

        http = requests.Session()
        cookies = {"sessionid": session}
        headers = {}
        base = f"http://127.0.0.1:{PORT}"
        for url in (private_url, static_url):
            response = http.get(base + url, cookies=cookies, timeout=10)
            assert response.status_code == 200, (url, response.status_code)
            if args.backend == "simple":
                assert len(response.content) == size
            headers[url] = response.headers.get("Cache-Control", "")
        anonymous = requests.get(base + private_url, allow_redirects=False, timeout=10)
        assert anonymous.status_code == 302, anonymous.status_code
        anonymous_http = requests.Session()
        timings = {"private": [], "static": [], "public": []}
        for _ in range(args.requests):
            for name, url, session_http, jar in (("private", private_url, http, cookies), ("static", static_url, http, cookies),
                                                 ("public", urls["public"], anonymous_http, None)):
                start = time.perf_counter()
                response = session_http.get(base + url, cookies=jar, timeout=10)
                _ = response.content
                assert response.status_code == 200
                timings[name].append(time.perf_counter() - start)
        private, static = median(timings["private"]), median(timings["static"])
        print(f"media_serve: {args.requests} requests each, {args.spec} rendition ({size / 1024:.0f} KiB), one gunicorn worker, "
              f"production settings, SQLite, sendfile backend '{args.backend}'")
        print(f"  private rendition (session + access policy): median {private * 1000:.2f} ms, "
              f"p90 {percentile(timings['private'], 0.9) * 1000:.2f} ms   Cache-Control: {headers[private_url]}")
        print(f"  same file as a static file (WhiteNoise):    median {static * 1000:.2f} ms, "
              f"p90 {percentile(timings['static'], 0.9) * 1000:.2f} ms")
        print(f"  a public city photo, anonymous (no session, no user): median {median(timings['public']) * 1000:.2f} ms")
        print(f"  ratio private / static: {private / static:.2f} ×   (goal ≤ 1.3 ×; load average {os.getloadavg()[0]:.1f})")
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
