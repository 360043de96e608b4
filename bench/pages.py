"""Pages at the floor (issue 12): the class page, the school page and /mon-espace/ against a bare Wagtail page.

    .venv/bin/python bench/pages.py [--schools 206] [--pupils 35000] [--requests 240] [--rounds 4]
        [--concurrency 1 8] [--database postgres://postgres@127.0.0.1:5432/preau_bench_pages]

On PostgreSQL, the synthetic city of `bench/import_city.py` (206 schools, 35,000 pupils, imported
through the registry import; built once, reused by later runs), plus, in one class: 20 posts, a
project, homework, a live 10-photo gallery and a document shown by a post. A parent of a pupil of
that class (their account as activation makes it) and one of its teachers (from the import) get a
session each.

The reference, the **bare Wagtail page**, is a plain ``wagtail.models.Page`` (no Préau model, no
Préau context) under the city home, rendered by Wagtail's own ``wagtailcore/page.html``; it goes
through the same URL routing, middleware and ``on_serve_page`` hook as every page of the site.

Queries: each page is requested twice in-process (Django test client, production settings, same
database and Redis) and the second, warm, request is counted. Times: the production stack
(`bench/_stack.py`: nginx + 2 gunicorn workers + production settings + Redis) driven by `hey`, each
page alternated with the bare page round after round in the same run, for each viewer and each
concurrency, with the cookies a browser holds (session and media key); p50/p95 over ``--requests``
requests per page, and the ratio to the bare page.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stack import ROOT, Stack, django_setup, load_line, production_env, ratio_line, summary  # noqa: E402

WORKDIR = ROOT / "var" / "bench-pages"
GOAL = 1.2


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def build_city(schools: int, pupils: int) -> None:
    """The synthetic city through the registry import, unless the database holds it already."""
    from ent_pages.models import SchoolPage
    from ent_pages.registry.generator import generate_city
    from ent_pages.registry.importer import import_city

    if SchoolPage.objects.exists():
        return
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as directory:
        generate_city(directory, schools=schools, pupils=pupils, seed=1)
        import_city(directory)
    from django.db import connection

    with connection.cursor() as cursor:  # planner statistics, as autovacuum would gather them in production
        cursor.execute("ANALYZE")
    print(f"city: {schools} schools, {pupils} pupils imported in {time.perf_counter() - started:.0f} s", flush=True)


def build_class_life() -> dict:
    """Content in the largest class of the first school, a parent and a teacher; reused when there."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from wagtail.models import Page

    from class_blog.models import ClassPostPage, ClassProjectPage, HomeworkEntry
    from ent_pages.models import ClassPage, Guardian, TeachingAssignment
    from ent_pages.roles import page_collection
    from ent_pages.tree import ensure_city_home
    from tests.media_links import post_body

    city = ensure_city_home()
    bare = Page.objects.filter(slug="page-nue", depth=city.depth + 1).first()
    if bare is None:
        bare = city.add_child(instance=Page(title="Page nue", slug="page-nue"))
    class_page = (
        ClassPage.objects.filter(teaching_assignments__isnull=False, enrolments__isnull=False).order_by("path").first()
    )
    school = class_page.get_parent().specific
    User = get_user_model()  # noqa: N806
    parent = User.objects.filter(username="bench.pages.parent").first()
    if parent is None:
        guardian = Guardian.objects.filter(
            user__isnull=True, guardianships__pupil__enrolments__class_page=class_page
        ).first()
        parent = User.objects.create(
            username="bench.pages.parent",
            email="bench.pages.parent@example.org",
            first_name=guardian.first_name,
            last_name=guardian.last_name,
        )
        guardian.user = parent
        guardian.save()
    teacher = TeachingAssignment.objects.filter(class_page=class_page).select_related("user").first().user
    if not ClassPostPage.objects.child_of(class_page).exists():
        from django.core.files.base import ContentFile

        from ent_pages.models import PrivateDocument
        from tests.media_files import pdf_bytes

        document = PrivateDocument.objects.create(
            title="Liste des fournitures",
            collection=page_collection(class_page),
            file=ContentFile(pdf_bytes(), name="fournitures.pdf"),
        )
        project = class_page.add_child(instance=ClassProjectPage(title="Le potager", slug="potager"))
        for n in range(20):
            body = post_body(document=document) if n == 0 else [("paragraph", f"<p>Nouvelles {n} de la classe.</p>")]
            post = (project if n % 5 == 0 else class_page).add_child(
                instance=ClassPostPage(title=f"Billet {n}", slug=f"billet-{n}", body=body, live=False)
            )
            post.tags.add("classe", f"theme{n % 4}")
            post.save_revision().publish()
        HomeworkEntry.objects.bulk_create(
            [
                HomeworkEntry(
                    class_page=class_page,
                    text=f"Lire la page {n}",
                    due_on=timezone.localdate() + timezone.timedelta(days=n % 10),
                )
                for n in range(30)
            ]
        )
        from rentree import add_gallery, make_photo_files

        add_gallery(class_page, make_photo_files())
    return {"bare": bare, "class": class_page, "school": school, "parent": parent, "teacher": teacher}


def warm(url: str, cookie: str, requests: int = 40) -> None:
    """Both workers warm (imports, templates, caches); a first request slower than hey's 20 s is not a figure."""
    import subprocess

    subprocess.run(  # noqa: S603
        ["hey", "-n", str(requests), "-c", "2", "-H", f"Cookie: {cookie}", url],  # noqa: S607
        check=True,
        capture_output=True,
    )


def hey_times(url: str, requests: int, concurrency: int, cookie: str) -> tuple[list[float], int]:
    """Response times (s) of the answered requests, and how many got no answer (hey's CSV leaves them out).

    A connection error or hey's 20 s timeout leaves no CSV row: such requests are counted and printed,
    not hidden. (hey also sends only ``n // c`` requests per client: `alternate` asks multiples of c.)
    """
    import csv
    import io
    import subprocess

    command = ["hey", "-n", str(requests), "-c", str(concurrency), "-o", "csv", "-H", f"Cookie: {cookie}", url]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    rows = list(csv.DictReader(io.StringIO(out)))
    statuses = {row["status-code"] for row in rows} - {"200"}
    if statuses:
        raise RuntimeError(f"{url}: unexpected statuses {sorted(statuses)}")
    return [float(row["response-time"]) for row in rows], requests - len(rows)


def alternate(targets: dict[str, str], rounds: int, requests: int, concurrency: int, cookie: str) -> dict:
    """Each URL in turn, round after round, ``requests`` per URL in all; p50/p95 and unanswered requests."""
    for url in targets.values():
        warm(url, cookie)
    # hey sends n // c requests from each of its c clients: a round is a multiple of the concurrency.
    per_round = concurrency * max(1, -(-requests // (rounds * concurrency)))
    times: dict[str, list[float]] = {name: [] for name in targets}
    lost = dict.fromkeys(targets, 0)
    for _ in range(rounds):
        for name, url in targets.items():
            answered, missing = hey_times(url, per_round, concurrency, cookie)
            times[name] += answered
            lost[name] += missing
    return {name: {**summary(values), "lost": lost[name]} for name, values in times.items()}


def count_queries(client, paths: dict[str, str]) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, path in paths.items():
        assert client.get(path).status_code == 200, (name, path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (name, path, response.status_code)
        counts[name] = len(queries)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=206)
    parser.add_argument("--pupils", type=int, default=35000)
    parser.add_argument("--requests", type=int, default=240, help="per page, viewer and concurrency (≥ 200)")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--viewers", nargs="+", default=["parent", "teacher"])
    parser.add_argument(
        "--database", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/preau_bench_pages")
    )
    args = parser.parse_args()

    WORKDIR.mkdir(parents=True, exist_ok=True)
    ensure_database(args.database)
    os.environ.update(
        {
            "DATABASE_URL": args.database,
            "PRIVATE_MEDIA_ROOT": str(WORKDIR / "private"),
            "MEDIA_ROOT": str(WORKDIR / "media"),
            "STATIC_ROOT": str(WORKDIR / "static"),
        }
    )
    production_env(redis_url="redis://127.0.0.1:6379/11")
    django_setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    build_city(args.schools, args.pupils)
    data = build_class_life()
    paths = {
        "class page": data["class"].url,
        "school page": data["school"].url,
        "/mon-espace/": "/mon-espace/",
        "bare": data["bare"].url,
    }
    print(f"pages: {paths}", flush=True)

    from django.test import Client

    cookies, counts = {}, {}
    for viewer in args.viewers:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(data[viewer])
        counts[viewer] = count_queries(client, paths)
        # Every cookie the browser holds, as a browser sends them: the session's, and the media key
        # its file links are signed for (without it, each page with links mints a new key and saves
        # the session: BEGIN, UPDATE, COMMIT on every request, which a browser never does).
        cookies[viewer] = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
        print(f"warm queries, {viewer}: " + ", ".join(f"{name} {n}" for name, n in counts[viewer].items()), flush=True)

    print(load_line("start"), flush=True)
    with Stack(workers=2, var=WORKDIR / "serve", output=(WORKDIR / "stack.log").open("w")) as stack:
        for concurrency in args.concurrency:
            for viewer in args.viewers:
                print(
                    f"{viewer}, hey -c {concurrency}, {args.rounds} alternated rounds, {args.requests} requests "
                    f"per page:",
                    flush=True,
                )
                for name, path in paths.items():
                    if name == "bare":
                        continue
                    targets = {name: stack.url(path), "bare": stack.url(paths["bare"])}
                    figures = alternate(
                        targets,
                        rounds=args.rounds,
                        requests=args.requests,
                        concurrency=concurrency,
                        cookie=cookies[viewer],
                    )
                    print(
                        "  "
                        + ratio_line(name, figures, "bare", goal=GOAL)
                        + f"; queries {counts[viewer][name]} vs {counts[viewer]['bare']}"
                        + (
                            f"; no answer: {figures[name]['lost']} / {figures['bare']['lost']}"
                            if figures[name]["lost"] or figures["bare"]["lost"]
                            else ""
                        ),
                        flush=True,
                    )
            print(load_line(f"end of c={concurrency}"), flush=True)


if __name__ == "__main__":
    main()
