"""Pupil accounts (issue 15): cards PDF for a class, one pupil login, and the pupil space vs a bare page.

Goals: cards PDF for a 30-pupil class ≤ 2 s; a pupil login ≤ 100 ms server time; /eleve/mon-espace/
≤ the cost of a bare Wagtail page, with no more queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/preau_bench_pupils .venv/bin/python bench/pupils.py \
        [--pupils 30] [--repeat 20] [--requests 300] [--rounds 4] [--concurrency 1 8]

The database named in DATABASE_URL is DROPPED and recreated (its name must contain "bench"); Redis
from REDIS_URL (default redis://127.0.0.1:6379/2). The first two figures run in-process (Django test
client, production settings, same database). The space is measured through the production stack
(bench/_stack.py: nginx + gunicorn, 2 workers, production settings) with `hey`, alternated in the
same run with two references served to the same pupil session: a bare Wagtail page (a piece of
school news marked for pupils, with an empty body: Wagtail serving + the access policy only) and a
post of the pupil's class. Before that, the queries of each page are counted in-process (warm).
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stack import Stack, alternate, django_setup, load_line, production_env, ratio_line, warm_queries  # noqa: E402

SEQUENCE = ("soleil", "arbre", "poisson")


def reset_database():
    import dj_database_url

    config = dj_database_url.config()
    name = str(config["NAME"])
    if "bench" not in name:
        sys.exit(f"Refusing to reset database {name!r}: its name must contain 'bench'.")
    if config["ENGINE"].endswith("sqlite3"):
        Path(name).unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"],
                         password=config["PASSWORD"] or None, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup(pupils):
    from django.core.cache import cache
    from django.utils import timezone

    from class_blog.models import SchoolNewsPage
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

    cache.clear()
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
    bare = school.add_child(instance=SchoolNewsPage(title="Page nue", slug="page-nue", for_pupils=True))
    accounts = list(PupilAccount.objects.filter(pupil__enrolments__class_page=class_page).select_related("user")
                    .order_by("pk"))
    emma = accounts[0]
    issue_card(emma, SEQUENCE)
    return class_page, accounts, emma, {"bare": bare, "post": posts[-1]}


def bench_cards(accounts, repeat):
    from pupils.cards import issue_cards

    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        pdf = issue_cards(accounts)
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2], len(pdf)


def bench_login(class_page, emma, repeat):
    from django.core.signing import get_cookie_signer
    from django.test import Client

    from pupils.credentials import issue_card
    from pupils.session import TABLET_COOKIE, TABLET_SALT

    url = f"/eleve/classe/{class_page.pk}/{emma.pk}/"
    issue_card(emma, SEQUENCE)  # the cards bench gave her random pictures
    pictures, cards, client = [], [], None
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
    return sorted(pictures)[repeat // 2], sorted(cards)[repeat // 2], client


def count_queries(client, paths):
    """Warm query counts of each path for the logged-in pupil (in-process, same database and cache)."""
    counts = {}
    for name, path in paths.items():
        assert client.get(path).status_code == 200, (name, path)
        counts[name] = warm_queries(client, path)
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    args = parser.parse_args()
    production_env()
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/preau_bench_pupils")
    reset_database()
    django_setup(migrate=True)
    print(load_line("start"), flush=True)
    class_page, accounts, emma, references = setup(args.pupils)
    cards_s, size = bench_cards(accounts, max(3, args.repeat // 4))
    print(f"cards PDF, {len(accounts)} pupils: median {cards_s * 1000:.0f} ms ({size // 1024} KiB)  goal ≤ 2000 ms")
    pictures_s, card_s, client = bench_login(class_page, emma, args.repeat)
    print(f"pupil login, picture password (last tap: check + login): median {pictures_s * 1000:.1f} ms  goal ≤ 100 ms")
    print(f"pupil login, QR card: median {card_s * 1000:.1f} ms  goal ≤ 100 ms")

    from django.conf import settings

    paths = {"space": "/eleve/mon-espace/", "bare": references["bare"].url, "post": references["post"].url}
    counts = count_queries(client, paths)
    print("warm queries: " + ", ".join(f"{name} {n}" for name, n in counts.items()))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    with Stack(workers=2) as stack:
        targets = {name: stack.url(path) for name, path in paths.items()}
        for concurrency in args.concurrency:
            figures = alternate(targets, rounds=args.rounds, requests=args.requests, concurrency=concurrency,
                                cookie=cookie)
            print(f"make serve (nginx + gunicorn, 2 workers) + hey -c {concurrency}, {args.rounds} alternated rounds, "
                  f"{args.requests} requests per page:")
            print("  " + ratio_line("space", figures, "bare", goal=1.0))
            print("  " + ratio_line("post", figures, "bare"))
    print(load_line("end"))


if __name__ == "__main__":
    main()
