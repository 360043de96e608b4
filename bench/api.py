"""The family home as JSON (issue 16): /api/v1/home/ vs the HTML /mon-espace/ for a parent of 3 children.

Goals: ≤ 10 queries; ≤ 1.0 × the HTML page's time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/preau_bench_api .venv/bin/python bench/api.py \
        [--posts 40] [--requests 300] [--rounds 4] [--concurrency 1 8]

The database named in DATABASE_URL is DROPPED and recreated (its name must contain "bench"); Redis from
REDIS_URL (default redis://127.0.0.1:6379/2). A school with 3 classes (one child of the parent in each),
--posts posts per class, homework and a note per class. Warm query counts are taken in-process (test
client, production settings, same database and cache); then the production stack (bench/_stack.py:
nginx + gunicorn, 2 workers) is driven by `hey`, the JSON home (token), the HTML home (session) and a
bare Wagtail page (a piece of school news with an empty body) alternated in the same run.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stack import (  # noqa: E402
    Stack,
    alternate,
    django_setup,
    load_line,
    production_env,
    ratio_line,
    session_cookie,
    warm_queries,
)


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

    with psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup(posts):
    from django.core.cache import cache
    from django.utils import timezone

    from class_blog.models import SchoolNewsPage
    from class_blog.notes import send_note
    from ent_pages.tree import ensure_city_home
    from tests.factories import (
        ClassPageFactory,
        ClassPostPageFactory,
        EnrolmentFactory,
        GuardianshipFactory,
        HomeworkEntryFactory,
        PupilFactory,
        SchoolPageFactory,
        make_parent,
        make_teacher,
    )

    cache.clear()
    city = ensure_city_home()
    school = SchoolPageFactory(parent=city, title="École du banc d'essai", uai="0319997X")
    classes = [ClassPageFactory(parent=school, title=title) for title in ("CP banc", "CE2 banc", "CM2 banc")]
    parent, first = make_parent(classes[0], username="parent.banc.api", first_name="Alice")
    guardian = first.guardianships.get().guardian
    for name, class_page in (("Bruno", classes[1]), ("Chloé", classes[2])):
        child = PupilFactory(first_name=name)
        EnrolmentFactory(pupil=child, class_page=class_page)
        GuardianshipFactory(guardian=guardian, pupil=child)
    for class_page in classes:
        teacher = make_teacher(class_page)
        for n in range(posts):
            ClassPostPageFactory(
                parent=class_page,
                title=f"{class_page.title} : billet {n}",
                body='[{"type": "paragraph", "value": "<p>Nous sommes allés au musée.</p>"}]',
            )
        for n in range(5):
            HomeworkEntryFactory(
                class_page=class_page,
                text=f"Lire la page {n}",
                due_on=timezone.localdate() + timezone.timedelta(days=n),
            )
        send_note(teacher, title=f"Sortie {class_page.title}", text="Merci de signer.", class_page=class_page)
    bare = school.add_child(instance=SchoolNewsPage(title="Page nue", slug="page-nue"))
    return parent, bare


def count_queries(paths, headers):
    """Warm query counts of each path (in-process, same database and cache)."""
    from django.test import Client

    counts = {}
    for name, (path, cookie) in paths.items():
        client = Client(HTTP_HOST="127.0.0.1", headers={**headers, "Cookie": cookie})
        statuses = [client.get(path).status_code for _ in range(2)]
        assert statuses[-1] == 200, (name, path, statuses)
        counts[name] = warm_queries(client, path)
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=40)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    args = parser.parse_args()
    production_env()
    # The per-token throttle stays on (its cache round trip is part of the cost) but above the bench's rate.
    os.environ.setdefault("PREAU_API_RATE", "1000000/min")
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/preau_bench_api")
    reset_database()
    django_setup(migrate=True)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # production pages need the manifest
    print(load_line("start"), flush=True)
    parent, bare = setup(args.posts)

    from api import tokens

    _row, token = tokens.issue(parent, "banc d'essai")
    headers = {"Authorization": f"Bearer {token}"}
    cookie = session_cookie(parent)
    paths = {"json": ("/api/v1/home/", ""), "html": ("/mon-espace/", cookie), "bare": (bare.url, cookie)}
    counts = count_queries(paths, headers)
    print("warm queries: " + ", ".join(f"{name} {n}" for name, n in counts.items()) + "  (goal: json ≤ 10)")
    with Stack(workers=2) as stack:
        targets = {name: stack.url(path) for name, (path, _cookie) in paths.items()}
        auth = f"Authorization: Bearer {token}"
        # Cold workers (imports, first queries) may take longer than hey's 20 s timeout on a loaded machine.
        for url in targets.values():
            warm = ["hey", "-n", "20", "-c", "2", "-t", "180", "-H", f"Cookie: {cookie}", "-H", auth]
            subprocess.run([*warm, url], check=True, capture_output=True)  # noqa: S603
        for concurrency in args.concurrency:
            # One session cookie and one token for every target: the API reads the token only, the pages the cookie.
            figures = alternate(
                targets,
                rounds=args.rounds,
                requests=args.requests,
                concurrency=concurrency,
                cookie=cookie,
                headers=headers,
            )
            print(
                f"make serve (nginx + gunicorn, 2 workers) + hey -c {concurrency}, {args.rounds} alternated rounds, "
                f"{args.requests} requests per URL:"
            )
            print("  " + ratio_line("json", figures, "html", goal=1.0))
            print("  " + ratio_line("html", figures, "bare"))
            print("  " + ratio_line("json", figures, "bare"))
    print(load_line("end"))


if __name__ == "__main__":
    main()
