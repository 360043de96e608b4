"""Pupil accounts (issue 15): cards PDF for a class, one pupil login, and the pupil space vs a bare page.

Goals: cards PDF for a 30-pupil class ≤ 2 s; a pupil login ≤ 100 ms server time; /eleve/mon-espace/
≤ the cost of a bare Wagtail page. The first two run in-process (Django test client, production
settings, a throw-away SQLite database); the third through gunicorn (production settings, one
worker, 127.0.0.1:8380) with `hey`, alternating the pupil space and a bare Wagtail page (a post of
the pupil's class, served to the same pupil session: Wagtail serving + the access policy) in the
same run.

    .venv/bin/python bench/pupils.py [--pupils 30] [--repeat 20] [--requests 300] [--rounds 3]
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _media_common import ROOT, bootstrap, median  # noqa: E402

PORT = 8380
SEQUENCE = ("soleil", "arbre", "poisson")


def setup(pupils):
    os.environ.update({"SECRET_KEY": "bench-only", "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false",
                       "LOG_LEVEL": "WARNING"})
    workdir = bootstrap("preau.settings.production")
    from django.core.management import call_command
    from django.utils import timezone

    call_command("collectstatic", "--noinput", verbosity=0)  # production serves hashed static names

    from ent_pages.tree import ensure_city_home
    from pupils.accounts import sync_pupil_accounts
    from pupils.credentials import issue_card
    from pupils.models import PupilAccount
    from resources.demo import seed as seed_resources
    from tests.factories import (
        ClassPageFactory,
        ClassPostPageFactory,
        EnrolmentFactory,
        HomeworkEntryFactory,
        PupilFactory,
        SchoolPageFactory,
    )

    city = ensure_city_home()
    seed_resources(city)
    school = SchoolPageFactory(parent=city, title="École du banc d'essai", uai="0319998Y")
    class_page = ClassPageFactory(parent=school, title="CE1 banc", levels=["CE1"])
    other = ClassPageFactory(parent=school, title="CM2 banc", levels=["CM2"])
    for n in range(pupils):
        EnrolmentFactory(pupil=PupilFactory(first_name=f"Enfant{n}", last_name="Banc"), class_page=class_page)
        EnrolmentFactory(pupil=PupilFactory(first_name=f"Autre{n}", last_name="Banc"), class_page=other)
    sync_pupil_accounts()
    posts = [ClassPostPageFactory(parent=class_page, title=f"Billet {n}") for n in range(20)]
    for n in range(10):
        HomeworkEntryFactory(class_page=class_page, text=f"Lire la page {n}",
                             due_on=timezone.localdate() + timezone.timedelta(days=n % 5))
    accounts = list(PupilAccount.objects.filter(pupil__enrolments__class_page=class_page).select_related("user")
                    .order_by("pk"))
    emma = accounts[0]
    issue_card(emma, SEQUENCE)
    return workdir, class_page, accounts, emma, posts[-1]


def bench_cards(accounts, repeat):
    from pupils.cards import issue_cards

    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        pdf = issue_cards(accounts)
        times.append(time.perf_counter() - start)
    return median(times), len(pdf)


def bench_login(class_page, emma, repeat):
    from django.core.signing import get_cookie_signer
    from django.test import Client

    from pupils.credentials import issue_card
    from pupils.session import TABLET_COOKIE, TABLET_SALT

    url = f"/eleve/classe/{class_page.pk}/{emma.pk}/"
    issue_card(emma, SEQUENCE)  # the cards bench gave her random pictures
    pictures, cards = [], []
    for _ in range(repeat):
        client = Client(HTTP_HOST="127.0.0.1")
        client.cookies[TABLET_COOKIE] = get_cookie_signer(salt=TABLET_COOKIE + TABLET_SALT).sign(str(class_page.pk))
        client.post(url, {"taps": "", "picture": SEQUENCE[0]})
        client.post(url, {"taps": ",".join(SEQUENCE[:1]), "picture": SEQUENCE[1]})
        start = time.perf_counter()
        response = client.post(url, {"taps": ",".join(SEQUENCE[:2]), "picture": SEQUENCE[2]})
        pictures.append(time.perf_counter() - start)
        assert response.status_code == 302 and response["Location"] == "/eleve/mon-espace/", response
        token, _sequence = issue_card(emma, SEQUENCE)
        card = Client(HTTP_HOST="127.0.0.1")
        start = time.perf_counter()
        response = card.post(f"/eleve/carte/{token}/")
        cards.append(time.perf_counter() - start)
        assert response.status_code == 302, response
    return median(pictures), median(cards), client.cookies["sessionid"].value


def wait_for_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("server did not start")


def hey(url, session, requests):
    out = subprocess.run(  # noqa: S603
        ["hey", "-n", str(requests), "-c", "2", "-H", f"Cookie: sessionid={session}", url],  # noqa: S607
        capture_output=True, text=True, check=True).stdout
    p50 = float(re.search(r"50%+ in ([\d.]+) secs", out).group(1))
    codes = re.findall(r"\[(\d{3})\]\s+(\d+) responses", out)
    return p50 * 1000, dict(codes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    workdir, class_page, accounts, emma, post = setup(args.pupils)
    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores shared)")
    cards_s, size = bench_cards(accounts, max(3, args.repeat // 4))
    print(f"cards PDF, {len(accounts)} pupils: median {cards_s * 1000:.0f} ms ({size // 1024} KiB)  goal ≤ 2000 ms")
    pictures_s, card_s, session = bench_login(class_page, emma, args.repeat)
    print(f"pupil login, picture password (last tap: check + login): median {pictures_s * 1000:.1f} ms  goal ≤ 100 ms")
    print(f"pupil login, QR card: median {card_s * 1000:.1f} ms  goal ≤ 100 ms")

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "preau.settings.production", "PYTHONPATH": f"{ROOT}:{ROOT / 'site'}"}
    server = subprocess.Popen(  # noqa: S603 - gunicorn from this virtualenv
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{PORT}",
         "--log-level", "warning", "preau.wsgi"], cwd=ROOT, env=env)
    try:
        wait_for_port(PORT)
        base = f"http://127.0.0.1:{PORT}"
        urls = {"space": f"{base}/eleve/mon-espace/", "bare": base + post.url}
        for url in urls.values():  # warm up (scope, content types, templates)
            hey(url, session, 20)
        results = {"space": [], "bare": []}
        for _ in range(args.rounds):
            for name, url in urls.items():
                p50, codes = hey(url, session, args.requests)
                assert set(codes) == {"200"}, (name, codes)
                results[name].append(p50)
        space, bare = median(results["space"]), median(results["bare"])
        print(f"gunicorn (1 worker) + hey -c 2, {args.rounds} alternated rounds of {args.requests} requests, p50:")
        print(f"  /eleve/mon-espace/ {space:.1f} ms   bare Wagtail page (class post, same pupil) {bare:.1f} ms   "
              f"ratio {space / bare:.2f}  goal ≤ 1.00")
        print(f"  rounds: space {[round(v, 1) for v in results['space']]}  bare {[round(v, 1) for v in results['bare']]}")
        print(f"load average at end: {os.getloadavg()[0]:.2f}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"(work files in {workdir})")


if __name__ == "__main__":
    main()
