"""Search latency and index build time on a synthetic city (database backend: SQLite or PostgreSQL).

    .venv/bin/python bench/search.py                               # SQLite file var/bench-search.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/preau_bench_wt7 .venv/bin/python bench/search.py
    options: --resources 10000 --posts 100000 --schools 20 --classes 25 --runs 40

The database named in DATABASE_URL is DROPPED and recreated (its name must contain "bench").

Corpus: 10,000 ResourcePages under the resource index and 100,000 private "class posts". The class
blog's post model is not on this branch, so the posts are stand-ins: ClassPage rows (title + welcome
text, i.e. private class content) inserted at depth 5 below the 500 real classes, by bulk insert
(bypassing page-type rules, bench only). The access policy treats them exactly like class posts:
visible to that class's families, teachers and the school's director. Text is French-like, drawn from
a Zipf-distributed vocabulary so some words are very common and others rare.

Timed: `search.engine.DatabaseSearchEngine.search()` end to end (access filter, French query, ranking,
count, facets, snippets of the 10 hits) as a parent (one child) and as a city editor, for one-word,
three-word and faceted queries; and the index build (all pages through Wagtail's database backend).

`--stack` (PostgreSQL): the search page as users get it, through the production stack (bench/_stack.py:
nginx + 2 gunicorn workers, production settings, Redis) with `hey`, for a parent and an editor: one word,
three words, a word that matches nothing (typo fallback included), each alternated round after round
with a bare Wagtail page (a city news page without body) served to the same session, at -c 1 and -c 8.
Then `--first N` requests per URL that are each a first search: the answers search.pgindex remembers
(same Redis and key prefix as the stack's workers) are renewed before each request. Fills PostgreSQL's
page entries first when some live page has none (timed: the entries' build).

In-process (without `--stack`), on PostgreSQL: each kind of query as it repeats (answers remembered),
as a first search (answers renewed before each), and search.pgindex's statements alone (SQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/preau_bench_search .venv/bin/python bench/search.py --measure-only --stack
"""

import argparse
import itertools
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "site")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "preau.settings.test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-search.sqlite3'}")

COMMON = ["école", "classe", "enfant", "famille", "sortie", "lecture", "cantine", "repas", "écran", "vacances", "cahier", "musée", "piscine", "jeu", "dessin", "chanson", "semaine", "matin", "après-midi", "parents", "maîtresse", "récréation", "projet", "atelier", "bibliothèque", "jardin", "sport", "danse", "théâtre", "conte", "poésie", "nombre", "calcul", "problème", "histoire", "géographie", "science", "nature", "forêt", "rivière", "animal", "oiseau", "arbre", "saison", "hiver", "printemps", "été", "automne", "fête", "carnaval", "spectacle", "photo", "voyage", "visite", "exposition", "concert", "livre", "album", "dictée", "mot", "phrase", "verbe", "conjugaison", "inscription", "tarif", "quotient", "santé", "sommeil", "hygiène", "sécurité", "vélo", "trottinette", "transport", "horaire", "calendrier", "réunion"]
RARE = ["dinosaure", "crétacé", "girafe", "zèbre", "volcan", "planétarium", "astronaute", "pyramide", "chevalier", "château", "mosaïque", "origami", "marionnette", "xylophone", "boussole", "herbier", "coquillage", "fossile", "météorite", "hérisson"]


def reset_database():
    import dj_database_url

    config = dj_database_url.config()
    name = config["NAME"]
    if "bench" not in str(name):
        sys.exit(f"Refusing to reset database {name!r}: its name must contain 'bench'.")
    if config["ENGINE"].endswith("sqlite3"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"],
                         password=config["PASSWORD"] or None, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


class Vocabulary:
    def __init__(self, rng, size=3000):
        self.rng = rng
        self.words = COMMON + [f"mot{n:04d}" for n in range(size)]
        self.cum_weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(self.words))))

    def text(self, n, rare_rate=0.0):
        words = self.rng.choices(self.words, cum_weights=self.cum_weights, k=n)
        if rare_rate and self.rng.random() < rare_rate:
            words[self.rng.randrange(n)] = self.rng.choice(RARE)
        return " ".join(words)


def build_corpus(args):
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from wagtail.models import Locale, Page

    from ent_pages.models import ClassPage, Role, SchoolPage, StaffAssignment
    from ent_pages.tree import ensure_city_home
    from resources.models import ResourceIndexPage, ResourcePage, Theme
    from tests.factories import UserFactory, make_parent

    rng = random.Random(2026)
    vocab = Vocabulary(rng)
    city = ensure_city_home()
    index = city.add_child(instance=ResourceIndexPage(title="Ressources", slug="ressources"))
    tree_started = time.perf_counter()
    themes = [Theme.objects.create(name=f"Thème {i}", slug=f"theme-{i}") for i in range(12)]
    classes = []
    for s in range(args.schools):
        school = city.add_child(instance=SchoolPage(title=f"École {s}", slug=f"ecole-{s}", uai=f"{310000 + s:07d}A"))
        for c in range(args.classes):
            classes.append(school.add_child(instance=ClassPage(title=f"Classe {s}-{c}", slug=f"classe-{c}", levels=["CE1"])))
    locale = Locale.get_default()

    def bulk_pages(parent_rows, model, count, make_fields):
        """Insert `count` live pages of `model` spread over parents: Page rows, then the model's own rows."""
        ct = ContentType.objects.get_for_model(model)
        per_parent = {}
        pages = []
        for i in range(count):
            parent = parent_rows[i % len(parent_rows)]
            n = per_parent.get(parent.pk, parent.numchild) + 1
            per_parent[parent.pk] = n
            title, extra = make_fields(i)
            slug = f"p{i}"
            pages.append((Page(
                title=title, draft_title=title, slug=slug, content_type=ct, locale=locale, live=True,
                depth=parent.depth + 1, path=Page._get_path(parent.path, parent.depth + 1, n),
                numchild=0, url_path=f"{parent.url_path}{slug}/",
            ), extra))
        for start in range(0, len(pages), 2000):
            # Fresh planner statistics: PostgreSQL plans its deferred foreign-key checks from them, and
            # with the statistics of the near-empty tree it checked each new row by a sequential scan of
            # wagtailcore_page (measured: over 10 minutes at COMMIT for 100,000 rows).
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE wagtailcore_page")
            with transaction.atomic():
                chunk = pages[start:start + 2000]
                created = Page.objects.bulk_create([p for p, _ in chunk])
                rows = [model(page_ptr_id=page.pk, **extra)
                        for page, extra in zip(created, [e for _, e in chunk], strict=True)]
                model.objects._insert(rows, fields=list(model._meta.local_concrete_fields), raw=True)
        with transaction.atomic():
            for parent in parent_rows:
                Page.objects.filter(pk=parent.pk).update(numchild=per_parent.get(parent.pk, parent.numchild))

    def resource_fields(i):
        return vocab.text(4).capitalize(), {
            "summary": vocab.text(25), "audience": rng.sample(["families", "teachers", "pupils"], rng.randint(1, 2)),
            "levels": rng.sample(["PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2"], 2),
            "body": [("paragraph", f"<p>{vocab.text(80)}</p>")],
        }

    def post_fields(i):
        return vocab.text(5).capitalize(), {"levels": ["CE1"], "school_year": "2026-2027",
                                            "welcome": f"<p>{vocab.text(60, rare_rate=0.02)}</p>"}

    print(f"tree: {len(classes)} classes in {time.perf_counter() - tree_started:.1f} s", flush=True)
    started = time.perf_counter()
    bulk_pages([index], ResourcePage, args.resources, resource_fields)
    ids = list(ResourcePage.objects.values_list("pk", flat=True))
    through = ResourcePage.themes.through
    through.objects.bulk_create([through(resourcepage_id=pk, theme_id=rng.choice(themes).pk) for pk in ids], batch_size=5000)
    classes = list(ClassPage.objects.filter(depth=4))
    bulk_pages(classes, ClassPage, args.posts, post_fields)
    print(f"corpus: {args.resources} resources + {args.posts} class posts under {len(classes)} classes "
          f"inserted in {time.perf_counter() - started:.1f} s")

    parent, _pupil = make_parent(classes[0], username="bench.parent")
    editor = UserFactory(username="bench.editor")
    StaffAssignment.objects.create(user=editor, school=None, role=Role.CITY_EDITOR)
    return parent, editor


def build_index():
    from wagtail.models import Page
    from wagtail.search.backends import get_search_backend

    from ent_pages.models import ClassPage
    from resources.models import ResourcePage

    backend = get_search_backend("default")
    started = time.perf_counter()
    total = 0
    for model, related in ((ResourcePage, ["themes", "tags"]), (ClassPage, [])):
        ids = list(model.objects.values_list("pk", flat=True))
        for start in range(0, len(ids), 1000):
            objs = list(model.objects.filter(pk__in=ids[start:start + 1000]).prefetch_related(*related))
            backend.add_bulk(model, objs)
            total += len(objs)
    others = list(Page.objects.filter(depth__lte=3).specific())
    for page in others:
        backend.add(page)
    elapsed = time.perf_counter() - started
    print(f"index build: {total + len(others)} pages in {elapsed:.1f} s ({(total + len(others)) / elapsed:.0f} pages/s)")
    return elapsed


QUERIES = {
    "one word": [{"q": q} for q in ("cantine", "sortie", "dinosaures", "piscines", "ecrans", "mot0150", "théâtre", "girafe")],
    "three words": [{"q": q} for q in ("sortie au musée", "lecture cahier vacances", "repas cantine tarif",
                                       "projet jardin printemps", "conte poésie livre", "calcul problème nombre")],
    "faceted": [{"q": q, **f} for q in ("lecture", "ecrans", "sortie", "calcul")
                for f in ({"niveau": "CE1"}, {"public": "families"}, {"theme": "theme-3"})],
}


def renew_answers():
    """PostgreSQL: new versions for every remembered answer (what a rebuild does): the next search of
    each words and audience is a first one, computed by the index ("cold")."""
    from django.db import connection

    if connection.vendor == "postgresql":
        from search import pgindex

        pgindex.bump_tags([], epoch=True)


def measure(engine, user, runs, cold=False):
    """(p50, p95) in ms per query kind; `cold`: every search a first one (answers renewed before each)."""
    from search.params import SearchParams

    figures = {}
    for kind, queries in QUERIES.items():
        if not cold:  # each query once first: the timed ones repeat it
            for query in queries:
                engine.search(user, SearchParams.from_query_dict(query))
        timings = []
        for i in range(runs):
            params = SearchParams.from_query_dict(queries[i % len(queries)])
            if cold:
                renew_answers()
            started = time.perf_counter()
            engine.search(user, params)
            timings.append((time.perf_counter() - started) * 1000)
        figures[kind] = percentiles(timings)
    return figures


def percentiles(timings):
    timings = sorted(timings)
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)]


def measure_statements(user, runs):
    """(p50, p95) in ms of search.pgindex's statements alone (no cache, no page loading, no snippets)."""
    from django.utils import timezone

    from ent_pages.access import policy
    from search import pgindex
    from search.french import plain_query
    from search.params import SearchParams

    tags = policy.index_tags_for(user)
    figures = {}
    for kind, queries in QUERIES.items():
        timings = []
        for i in range(runs):
            params = SearchParams.from_query_dict(queries[i % len(queries)])
            started = time.perf_counter()
            pgindex._search(tags, params, plain_query(params.q), timezone.localdate())
            timings.append((time.perf_counter() - started) * 1000)
        figures[kind] = percentiles(timings)
    return figures


def build_entries(force=False):
    """PostgreSQL's page entries (search.pgindex), built once for the corpus (timed)."""
    from wagtail.models import Page

    from search import pgindex
    from search.models import PageEntry

    # Not "any entry exists": the tree's pages (city, schools, classes) get theirs on save, through
    # search.signals, before the bulk-inserted corpus, which has none.
    if PageEntry.objects.count() >= Page.objects.live().filter(depth__gt=1).count() and not force:
        return
    started = time.perf_counter()
    done = pgindex.rebuild(chunk_size=1000)
    elapsed = time.perf_counter() - started
    print(f"page entries build: {done} pages in {elapsed:.1f} s ({done / elapsed:.0f} pages/s)", flush=True)


STACK_QUERIES = {"one word": "cantine", "three words": "sortie au musée", "no match": "kangourou"}


def bare_page():
    """A city news page without body under the city home: the reference page, public, served by Wagtail."""
    from class_blog.models import CityNewsPage
    from ent_pages.tree import ensure_city_home

    page = CityNewsPage.objects.filter(slug="page-nue").first()
    if page is None:
        page = ensure_city_home().add_child(instance=CityNewsPage(title="Page nue", slug="page-nue"))
    return page


def hey_times(url, requests, concurrency, cookie):
    """(response times in s, answers missing) of one hey run: a request hey got no answer to (its 20 s
    timeout on a loaded machine) is counted and reported, not hidden; any status but 200 stops the run."""
    import csv
    import io
    import subprocess

    out = subprocess.run(["hey", "-n", str(requests), "-c", str(concurrency), "-o", "csv",  # noqa: S603, S607
                          "-H", f"Cookie: {cookie}", url], check=True, capture_output=True, text=True).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    requests = requests // concurrency * concurrency  # hey sends n // c requests per client
    statuses = {row["status-code"] for row in rows} - {"200"}
    if statuses:
        raise RuntimeError(f"{url}: statuses {sorted(statuses)}")
    return [float(row["response-time"]) for row in rows], requests - len(rows)


def alternated(targets, rounds, requests, concurrency, cookie):
    """Each URL in turn, round after round (after a warm-up of each), like _stack.alternate, keeping count
    of the answers hey never got."""
    from _stack import summary

    for url in targets.values():
        hey_times(url, 20, max(2, concurrency), cookie)
    times = {name: [] for name in targets}
    missing = dict.fromkeys(targets, 0)
    per_round = -(-requests // (rounds * concurrency)) * concurrency  # a multiple of -c: hey sends n // c per client
    for _ in range(rounds):
        for name, url in targets.items():
            got, lost = hey_times(url, per_round, concurrency, cookie)
            times[name] += got
            missing[name] += lost
    return {name: {**summary(values), "missing": missing[name]} for name, values in times.items()}


def first_searches(url, count, cookie):
    """Response times of `count` requests each of which is a first search: the answers the stack's
    workers remember (same Redis, same key prefix) are renewed before each one."""
    from _stack import summary

    times = []
    for _ in range(count):
        renew_answers()
        got, _missing = hey_times(url, 1, 1, cookie)
        times += got
    return summary(times)


def measure_stack(parent, editor, args):
    from urllib.parse import urlencode

    from _stack import Stack, load_line, ratio_line, session_cookie

    from search.engine import DatabaseSearchEngine
    from search.params import SearchParams

    bare = bare_page()
    for label, user in (("parent", parent), ("editor", editor)):
        for kind, q in STACK_QUERIES.items():
            outcome = DatabaseSearchEngine().search(user, SearchParams(q=q))
            print(f"{label:<7} {kind:<12} {q!r}: {outcome.total} results{' (approximate)' if outcome.approximate else ''}")
    print(load_line("start"), flush=True)
    with Stack(workers=2) as stack:
        for label, user in (("parent", parent), ("editor", editor)):
            cookie = session_cookie(user)
            targets = {kind: stack.url("/recherche/?" + urlencode({"q": q})) for kind, q in STACK_QUERIES.items()}
            targets["bare page"] = stack.url(bare.url)
            for concurrency in args.concurrency:
                figures = alternated(targets, args.rounds, args.requests, concurrency, cookie)
                print(f"{label}, /recherche/ through make serve (nginx + gunicorn, 2 workers) + hey -c {concurrency}, "
                      f"{args.rounds} alternated rounds, {args.requests} requests per URL (goal p95 ≤ 50 ms):", flush=True)
                for kind in STACK_QUERIES:
                    print("  " + ratio_line(kind, figures, "bare page")
                          + f" ({figures[kind]['n']} answers, {figures[kind]['missing']} missing)", flush=True)
            if args.first:
                print(f"{label}, first searches (every remembered answer renewed before each request, "
                      f"{args.first} requests, -c 1):", flush=True)
                for kind in STACK_QUERIES:
                    figures = first_searches(targets[kind], args.first, cookie)
                    print(f"  {kind}: p50 {figures['p50']:.1f} ms p95 {figures['p95']:.1f} ms ({figures['n']} answers)",
                          flush=True)
            print(load_line(f"end of {label}"), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--schools", type=int, default=20)
    parser.add_argument("--classes", type=int, default=25, help="classes per school")
    parser.add_argument("--runs", type=int, default=40, help="timed searches per query kind and user")
    parser.add_argument("--measure-only", action="store_true", help="reuse the corpus and index of the last run")
    parser.add_argument("--stack", action="store_true", help="measure through the production stack with hey (PostgreSQL)")
    parser.add_argument("--requests", type=int, default=200, help="--stack: hey requests per URL (alternated rounds)")
    parser.add_argument("--rounds", type=int, default=4, help="--stack: alternated rounds")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8], help="--stack: hey -c values")
    parser.add_argument("--first", type=int, default=200,
                        help="--stack: first searches per URL (answers renewed before each request); 0: none")
    parser.add_argument("--skip-wagtail-index", action="store_true",
                        help="do not build Wagtail's own index (PostgreSQL's search reads its page entries)")
    args = parser.parse_args()
    if args.stack:
        sys.path.append(str(ROOT / "bench"))  # after the project: this file is named like the search app
        from _stack import production_env

        production_env()

    if not args.measure_only:
        reset_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    from wagtail.search.backends import get_search_backend

    # The corpus is bulk-inserted; the index is built once, timed, rather than page by page.
    from search.engine import DatabaseSearchEngine

    if args.measure_only:
        from ent_pages.models import User

        parent, editor = User.objects.get(username="bench.parent"), User.objects.get(username="bench.editor")
    else:
        call_command("migrate", verbosity=0)
        parent, editor = build_corpus(args)
        if not args.skip_wagtail_index:
            get_search_backend("default").reset_indexes()
            build_index()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # steady-state statistics, as autovacuum would leave them
    call_command("migrate", verbosity=0)  # a corpus built before the page entries existed gains their table
    if connection.vendor == "postgresql":
        build_entries()
    if args.stack:
        measure_stack(parent, editor, args)
        return
    engine = DatabaseSearchEngine()
    for user in (parent, editor):  # warm-up: connection, content types, first FTS pages in cache
        measure(engine, user, 3)
    postgresql = connection.vendor == "postgresql"

    def load_line(when):
        one, five, _ = os.getloadavg()
        return f"load average at {when}: {one:.2f} / {five:.2f} on {os.cpu_count()} cores"

    print(load_line("start"), flush=True)
    print(f"{'user':<8} {'query':<12} {'p50 ms':>8} {'p95 ms':>8}"
          + (f" {'first p50':>10} {'first p95':>10} {'SQL p50':>8} {'SQL p95':>8}" if postgresql else ""))
    for label, user in (("parent", parent), ("editor", editor)):
        warm = measure(engine, user, args.runs)
        cold = measure(engine, user, args.runs, cold=True) if postgresql else {}
        statements = measure_statements(user, args.runs) if postgresql else {}
        for kind, (p50, p95) in warm.items():
            line = f"{label:<8} {kind:<12} {p50:8.1f} {p95:8.1f}"
            if postgresql:
                line += f" {cold[kind][0]:10.1f} {cold[kind][1]:10.1f} {statements[kind][0]:8.1f} {statements[kind][1]:8.1f}"
            print(line, flush=True)
    print(load_line("end"), flush=True)
    if postgresql:
        print("p50/p95: searches as they repeat (answers remembered); first: every search a first one "
              "(answers renewed before each); SQL: search.pgindex's statements alone.")


if __name__ == "__main__":
    main()
