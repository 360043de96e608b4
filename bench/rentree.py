"""A rentrée morning: families arriving through `make serve`, stepped until it breaks, then 3× that.

One arrival = one family (locust, bench/rentree_locust.py): login, /mon-espace/, the class page, the
class gallery, its 10 photos (signed links, served by nginx). Against the production stack
(deploy/serve.py: nginx with its over-capacity guard in front of 2 gunicorn workers, production
settings) on PostgreSQL.

1. Builds (once, kept for the next run) a school of ``--classes`` classes, each with a live gallery of
   10 photos, and ``--families`` parents ``rentree.NNNNN`` with one shared password (bulk-created,
   the password hashed once).
2. Steps the arrival rate: ``--start`` arrivals/min, × ``--factor`` every ``--step-seconds``, until the
   p95 of page requests exceeds 500 ms (``--p95-ms``), any request fails (the waiting page included), or fewer than
   90 % of the planned arrivals started (less one). The last good step is the sustained rate.
3. Runs ``--overload-seconds`` at 3 × the sustained rate and reports the waiting pages (503) and their
   p95 (goal ≤ 1 s), and every other error (goal 0).
4. Prints the cores needed for 10,000 families arriving in 30 minutes (333 arrivals/min), at the
   sustained rate per 2 cores.

Locust runs from its own venv, var/locust-venv (created from bench/requirements-locust.txt when
missing): it brings gevent, Flask and pins of its own that the application's venv must not get.

    .venv/bin/python bench/rentree.py [--classes 10] [--families 5000] [--start 10] [--factor 1.5]
        [--step-seconds 40] [--overload-seconds 60] [--database postgres://postgres@127.0.0.1:5432/preau_bench_rentree]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stack import ROOT, Stack, django_setup, load_line, percentile, production_env  # noqa: E402

LOCUST_VENV = ROOT / "var" / "locust-venv"
WORKDIR = ROOT / "var" / "rentree"
PASSWORD = "Rentrée-2026-bench"  # noqa: S105 - throw-away accounts on a loopback stack
PREFIX = "rentree."
UAI = "0319998R"


def locust_binary() -> Path:
    binary = LOCUST_VENV / "bin" / "locust"
    if not binary.exists():
        print(f"installing locust into {LOCUST_VENV} (bench/requirements-locust.txt)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(LOCUST_VENV)], check=True)  # noqa: S603
        subprocess.run([str(LOCUST_VENV / "bin" / "pip"), "install", "-q", "-r",  # noqa: S603
                        str(ROOT / "bench" / "requirements-locust.txt")], check=True)
    return binary


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def build_school(classes: int, families: int) -> dict:
    """The school, its classes and galleries, the families; reused when already there."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from ent_pages.models import ClassPage, Enrolment, Guardian, Guardianship, Pupil, SchoolPage
    from ent_pages.tree import ensure_city_home
    from periscolaire.models import GalleryPage
    from tests.factories import ClassPageFactory, SchoolPageFactory

    started = time.perf_counter()
    school = SchoolPage.objects.filter(uai=UAI).first()
    if school is None:
        school = SchoolPageFactory(parent=ensure_city_home(), title="École de la rentrée", uai=UAI)
    class_pages = list(ClassPage.objects.child_of(school).order_by("path"))
    photos = None
    for n in range(len(class_pages), classes):
        class_pages.append(ClassPageFactory(parent=school, title=f"Classe {n + 1:02d}"))
    places = []
    for class_page in class_pages[:classes]:
        gallery = GalleryPage.objects.child_of(class_page).live().first()
        if gallery is None:
            photos = photos or make_photo_files()
            gallery = add_gallery(class_page, photos)
        places.append({"class": class_page.url, "gallery": gallery.url, "id": class_page.pk})

    User = get_user_model()  # noqa: N806
    have = User.objects.filter(username__startswith=PREFIX).count()
    if have < families:
        password = make_password(PASSWORD)  # one Argon2id hash for all: bulk creation stays fast
        ids = [place["id"] for place in places]
        years = dict(ClassPage.objects.filter(pk__in=ids).values_list("pk", "school_year"))
        with transaction.atomic():
            numbers = range(have, families)
            users = User.objects.bulk_create(
                [User(username=f"{PREFIX}{n:05d}", password=password, first_name="Famille", last_name=f"{n:05d}",
                      email=f"{PREFIX}{n:05d}@example.org") for n in numbers], batch_size=2000)
            pupils = Pupil.objects.bulk_create(
                [Pupil(external_id=f"RENTREE-E{n:05d}", first_name="Enfant", last_name=f"{n:05d}") for n in numbers],
                batch_size=2000)
            Enrolment.objects.bulk_create(
                [Enrolment(pupil=pupil, class_page_id=ids[n % len(ids)], school_year=years[ids[n % len(ids)]])
                 for n, pupil in zip(numbers, pupils, strict=True)], batch_size=2000)
            guardians = Guardian.objects.bulk_create(
                [Guardian(external_id=f"RENTREE-R{n:05d}", first_name="Famille", last_name=f"{n:05d}", user=user)
                 for n, user in zip(numbers, users, strict=True)], batch_size=2000)
            Guardianship.objects.bulk_create(
                [Guardianship(guardian=guardian, pupil=pupil, relationship="mother")
                 for guardian, pupil in zip(guardians, pupils, strict=True)], batch_size=2000)
    # Each family's class as the database has it (a school built by an earlier run may differ).
    index = {place["id"]: n for n, place in enumerate(places)}
    rows = Enrolment.objects.filter(pupil__guardianships__guardian__user__username__startswith=PREFIX).values_list(
        "pupil__guardianships__guardian__user__username", "class_page_id")
    family_class = [None] * families
    for username, class_id in rows:
        number = int(username[len(PREFIX):])
        if number < families and class_id in index:
            family_class[number] = index[class_id]
    print(f"school: {len(places)} classes with a 10-photo gallery, {max(have, families)} families "
          f"(set-up {time.perf_counter() - started:.1f} s)", flush=True)
    return {"password": PASSWORD, "prefix": PREFIX,
            "families": [n for n, place in enumerate(family_class) if place is not None], "family_class": family_class,
            "classes": [{"class": p["class"], "gallery": p["gallery"]} for p in places]}


def make_photo_files():
    from media_upload import make_photos

    folder = WORKDIR / "photos"
    folder.mkdir(parents=True, exist_ok=True)
    return [p.read_bytes() for p in make_photos(folder, 10, 2)]  # 2 MP phone-like photos


def add_gallery(class_page, photos):
    from ent_pages.media.uploads import create_image
    from periscolaire.media import gallery_collection
    from periscolaire.models import GalleryPage, GalleryPhoto

    gallery = class_page.add_child(instance=GalleryPage(title="Sortie de rentrée", slug="sortie-de-rentree", live=False))
    images = [create_image(title=f"Photo {n}", collection=gallery_collection(gallery), data=data, name=f"p{n}.jpg")
              for n, data in enumerate(photos)]
    gallery.photos = [GalleryPhoto(image=image) for image in images]
    gallery.save_revision().publish()
    return gallery


def run_locust(stack: Stack, plan_file: Path, rate: float, seconds: int, offset: int) -> list:
    """One locust run at ``rate`` arrivals/min: every response as (name, status, seconds, waiting page)."""
    per_second = rate / 60
    # Arrivals do not wait for earlier visits to end (an open model): enough users that each starts a
    # visit every 30 s, so a slow server meets more families at once — as on a rentrée morning — rather
    # than fewer arrivals.
    users = min(1000, max(2, math.ceil(per_second * 30)))
    records = Path(tempfile.mkstemp(prefix="rentree-", suffix=".json")[1])
    env = {**os.environ, "RENTREE_PLAN": str(plan_file), "RENTREE_RATE": str(rate), "RENTREE_USERS": str(users),
           "RENTREE_OFFSET": str(offset), "RENTREE_RECORDS": str(records)}
    command = [str(locust_binary()), "-f", str(ROOT / "bench" / "rentree_locust.py"), "--headless", "--only-summary",
               "-u", str(users), "-r", f"{per_second:.4f}", "-t", f"{seconds}s", "--stop-timeout", "30",
               "--host", stack.url("").rstrip("/"), "--loglevel", "ERROR"]
    subprocess.run(command, env=env, cwd=ROOT, check=False, capture_output=True)  # noqa: S603 - exit 1 on failures
    data = json.loads(records.read_text() or "[]")
    records.unlink()
    return data


def figures(records: list, seconds: int) -> dict:
    pages = [s for name, status, s, waiting in records if name != "photo" and not waiting and 0 < status < 400]
    photos = [s for name, status, s, waiting in records if name == "photo" and status == 200]
    logins = [s for name, status, s, waiting in records if name == "login" and status == 302]
    waiting = [s for _name, _status, s, waiting in records if waiting]
    errors = [(name, status) for name, status, _s, w in records if not w and not (0 < status < 400)]
    arrivals = sum(1 for name, *_ in records if name == "login form")
    visits = sum(1 for name, *_ in records if name == "gallery page")
    return {
        "arrivals": arrivals, "arrivals_per_min": arrivals * 60 / seconds, "visits": visits,
        "pages": len(pages), "page_p50": percentile(pages, .5) * 1000 if pages else 0,
        "page_p95": percentile(pages, .95) * 1000 if pages else 0,
        "login_p95": percentile(logins, .95) * 1000 if logins else 0,
        "photos": len(photos), "photo_p95": percentile(photos, .95) * 1000 if photos else 0,
        "waiting": len(waiting), "waiting_p95": percentile(waiting, .95) * 1000 if waiting else 0,
        "waiting_max": max(waiting) * 1000 if waiting else 0, "errors": errors,
    }


def line(label: str, f: dict) -> str:
    return (f"{label}: {f['arrivals']} arrivals ({f['arrivals_per_min']:.0f}/min), {f['visits']} full visits, "
            f"pages p50 {f['page_p50']:.0f} ms p95 {f['page_p95']:.0f} ms (n={f['pages']}; login p95 "
            f"{f['login_p95']:.0f} ms), photos p95 "
            f"{f['photo_p95']:.1f} ms (n={f['photos']}), waiting pages {f['waiting']} (p95 {f['waiting_p95']:.0f} ms, "
            f"max {f['waiting_max']:.0f} ms), other errors {len(f['errors'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--families", type=int, default=5000)
    parser.add_argument("--start", type=float, default=10, help="first step, arrivals per minute")
    parser.add_argument("--factor", type=float, default=1.5)
    parser.add_argument("--step-seconds", type=int, default=40)
    parser.add_argument("--max-steps", type=int, default=8)
    parser.add_argument("--overload-seconds", type=int, default=60)
    parser.add_argument("--p95-ms", type=float, default=500,
                        help="the goal for page requests (500); a loaded machine can show the shape with more")
    parser.add_argument("--database", default=os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/preau_bench_rentree"))
    args = parser.parse_args()

    locust_binary()
    WORKDIR.mkdir(parents=True, exist_ok=True)
    ensure_database(args.database)
    os.environ.update({"DATABASE_URL": args.database, "PRIVATE_MEDIA_ROOT": str(WORKDIR / "private"),
                       "MEDIA_ROOT": str(WORKDIR / "media"), "STATIC_ROOT": str(WORKDIR / "static")})
    production_env()
    django_setup()
    plan = build_school(args.classes, args.families)
    plan_file = WORKDIR / "plan.json"
    plan_file.write_text(json.dumps(plan))

    print(load_line("start"), flush=True)
    offset, rate, sustained, steps = 0, args.start, None, []
    log = (WORKDIR / "stack.log").open("w")  # the new-device email of every login, warnings, tracebacks
    with Stack(workers=2, var=WORKDIR / "serve", output=log) as stack:
        run_locust(stack, plan_file, 30, 10, 0)  # warm both workers (imports, templates, first queries)
        offset = 100  # the families of the warm-up logged in already
        for _ in range(args.max_steps):
            result = figures(run_locust(stack, plan_file, rate, args.step_seconds, offset), args.step_seconds)
            offset += result["arrivals"]
            steps.append((rate, result))
            print(line(f"step {rate:.0f}/min", result), flush=True)
            if (result["page_p95"] > args.p95_ms or result["waiting"] or result["errors"]
                    or result["arrivals"] < 0.9 * rate * args.step_seconds / 60 - 1):
                break
            sustained = rate
            rate *= args.factor
        overload = None
        if sustained:
            over = figures(run_locust(stack, plan_file, 3 * sustained, args.overload_seconds, offset),
                           args.overload_seconds)
            overload = (3 * sustained, over)
            print(line(f"3 × {sustained:.0f} = {3 * sustained:.0f}/min", over), flush=True)
            if over["errors"]:
                print("  other errors:", sorted(set(over["errors"])), flush=True)
    log.close()
    print(load_line("end"), flush=True)
    if sustained:
        needed = 10_000 / 30
        print(f"sustained: {sustained:.0f} arrivals/min on 2 gunicorn workers (p95 pages ≤ {args.p95_ms:.0f} ms, no error); "
              f"10,000 families in 30 min = {needed:.0f}/min → {2 * needed / sustained:.1f} cores at this rate")
    else:
        print(f"not even {args.start:.0f} arrivals/min sustained: lower --start")
    if overload:
        rate3, over = overload
        print(f"at {rate3:.0f}/min: {over['waiting']} waiting pages, p95 {over['waiting_p95']:.0f} ms (goal ≤ 1,000), "
              f"other errors {len(over['errors'])} (goal 0)")


if __name__ == "__main__":
    main()
