"""The family home's weight and its first load on a slow mobile network, through the production stack.

    .venv/bin/python bench/page_weight.py [--runs 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/preau_bench_weight .venv/bin/python bench/page_weight.py

Builds a small demo-like city (a throw-away database: a temporary SQLite file unless DATABASE_URL is
set; it is migrated and filled): a parent with 3 children in 3 classes, each class with posts, homework
and a note to sign. Starts nginx + gunicorn with production settings (bench._stack), then, in Debian's
Chromium driven by Playwright, with the parent's session:

- the weight of ``/mon-espace/``: HTML + CSS + JS as transferred (compressed as nginx serves them,
  headers included: the DevTools protocol's ``encodedDataLength``), images and fonts excluded; goal ≤ 60 KB;
- the first load (empty cache, no service worker yet) on a throttled network through the DevTools
  protocol's ``Network.emulateNetworkConditions``: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up
  (Lighthouse's mobile profile, the "Fast 3G" of the issue), with 4x CPU slowdown off; first contentful
  paint and DOMContentLoaded, median of --runs cold loads; goal ≤ 3 s to first contentful paint.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._stack import Stack, django_setup, load_line, production_env  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: Lighthouse's mobile network (150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up), in DevTools units (bytes/s).
PROFILE = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
COUNTED = {"Document", "Stylesheet", "Script"}
GOAL_BYTES, GOAL_SECONDS = 60 * 1024, 3.0


def bootstrap():
    workdir = Path(tempfile.mkdtemp(prefix="preau-bench-weight-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.update(
        {
            "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
            "MEDIA_ROOT": str(workdir / "media"),
            "STATIC_ROOT": str(workdir / "static"),
        }
    )
    production_env()
    django_setup()
    from django.core.cache import cache

    cache.clear()
    return workdir


def build():
    """A parent with 3 children in 3 classes of one school; each class lives: posts, homework, a note."""
    from django.utils import timezone

    from class_blog.models import ClassPostPage, HomeworkEntry, Subject
    from class_blog.notes import send_note
    from ent_pages.models import (
        ClassPage,
        Enrolment,
        Guardian,
        Guardianship,
        Pupil,
        Role,
        SchoolPage,
        StaffAssignment,
        TeachingAssignment,
        User,
    )
    from ent_pages.school_year import current_school_year
    from ent_pages.tree import ensure_city_home

    year, now = current_school_year(), timezone.now()
    city = ensure_city_home()
    school = city.add_child(instance=SchoolPage(title="École Jules Ferry", slug="jules-ferry", uai="0319998Y"))
    teacher = User.objects.create(username="enseignante.poids", email="enseignante@example.org", first_name="Suzanne")
    StaffAssignment.objects.create(user=teacher, school=school, role=Role.TEACHER)
    parent = User.objects.create(
        username="parent.poids@example.org", email="parent.poids@example.org", first_name="Julie"
    )
    guardian = Guardian.objects.create(external_id="POIDS-RL", first_name="Julie", last_name="Martin", user=parent)
    for i, (title, child) in enumerate((("CP A", "Léo"), ("CE2 B", "Inès"), ("CM2 A", "Noé"))):
        class_page = school.add_child(
            instance=ClassPage(title=title, slug=f"classe-{i}", levels=["CE1"], school_year=year)
        )
        TeachingAssignment.objects.create(user=teacher, class_page=class_page)
        pupil = Pupil.objects.create(external_id=f"POIDS-ELV-{i}", first_name=child, last_name="Martin")
        Enrolment.objects.create(pupil=pupil, class_page=class_page, school_year=year)
        Guardianship.objects.create(guardian=guardian, pupil=pupil)
        for n in range(8):
            post = class_page.add_child(
                instance=ClassPostPage(
                    title=f"Nouvelles de la classe {title}, semaine {n}",
                    slug=f"semaine-{n}",
                    date=timezone.localdate() - timedelta(days=7 * n),
                    body=[("paragraph", "<p>Cette semaine, nous avons lu un album et planté des haricots.</p>")],
                )
            )
            post.save_revision().publish()
        for n in range(4):
            HomeworkEntry.objects.create(
                class_page=class_page,
                subject=Subject.FRENCH,
                text=f"Lire la page {10 + n}",
                due_on=timezone.localdate() + timedelta(days=n + 1),
            )
        send_note(
            teacher,
            class_page=class_page,
            title=f"Sortie au musée ({title})",
            text="Merci de signer ce mot.",
            scheduled_for=now - timedelta(days=1),
            now=now - timedelta(days=1),
        )
    return parent


def cookie_for(user, base_url):
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
    }


def load(browser, url, cookie, throttle):
    """One cold load of `url` in a new context: (bytes by resource type, encodings, FCP s, DCL s)."""
    context = browser.new_context(service_workers="block")
    context.add_cookies([cookie])
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if throttle:
        cdp.send("Network.emulateNetworkConditions", PROFILE)
    requests = {}
    cdp.on(
        "Network.responseReceived",
        lambda e: requests.setdefault(e["requestId"], {}).update(
            type=e["type"],
            url=e["response"]["url"],
            encoding={k.lower(): v for k, v in e["response"]["headers"].items()}.get("content-encoding", ""),
        ),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: requests.setdefault(e["requestId"], {}).update(bytes=e["encodedDataLength"]),
    )
    response = page.goto(url, wait_until="load")
    assert response.status == 200 and page.url == url, (response.status, page.url)
    timing = page.evaluate("""() => new Promise(resolve => {
        const nav = performance.getEntriesByType("navigation")[0];
        new PerformanceObserver(list => {
            const fcp = list.getEntriesByName("first-contentful-paint")[0];
            if (fcp) resolve({dcl: nav.domContentLoadedEventEnd, fcp: fcp.startTime});
        }).observe({type: "paint", buffered: true});
    })""")
    context.close()
    weights, encodings = {}, {}
    for item in requests.values():
        if item.get("type") in COUNTED and "bytes" in item:
            weights[item["type"]] = weights.get(item["type"], 0) + item["bytes"]
            encodings[item["url"].split("?")[0].rsplit("/", 1)[-1] or "/mon-espace/"] = (
                item["encoding"] or "none",
                item["bytes"],
            )
    return weights, encodings, timing["fcp"] / 1000, timing["dcl"] / 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    workdir = bootstrap()
    parent = build()
    print(load_line("start"))
    with Stack(workers=2, var=workdir / "stack") as stack:
        url = stack.url("/mon-espace/")
        cookie = cookie_for(parent, stack.url(""))  # before Playwright's event loop runs in this thread
        measure(url, cookie, args.runs)
    print(load_line("end"))
    shutil.rmtree(workdir, ignore_errors=True)


def measure(url, cookie, runs):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        load(browser, url, cookie, throttle=False)  # warm the workers and their caches
        weights, encodings, _fcp, _dcl = load(browser, url, cookie, throttle=False)
        total = sum(weights.values())
        print(
            f"/mon-espace/ as transferred (headers included), HTML + CSS + JS: {total / 1024:.1f} KB "
            f"(goal ≤ {GOAL_BYTES // 1024} KB: {'met' if total <= GOAL_BYTES else 'MISSED'})"
        )
        for kind, size in sorted(weights.items()):
            print(f"  {kind}: {size / 1024:.1f} KB")
        for name, (encoding, size) in sorted(encodings.items(), key=lambda item: -item[1][1]):
            print(f"    {name}: {size / 1024:.1f} KB, {encoding}")
        fcps, dcls = [], []
        for _ in range(runs):
            _w, _e, fcp, dcl = load(browser, url, cookie, throttle=True)
            fcps.append(fcp)
            dcls.append(dcl)
        browser.close()
    print(
        f"first load, 150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up, empty cache, median of {runs}: "
        f"first contentful paint {statistics.median(fcps):.2f} s (max {max(fcps):.2f}), DOMContentLoaded "
        f"{statistics.median(dcls):.2f} s (max {max(dcls):.2f}); goal ≤ {GOAL_SECONDS:.0f} s to first contentful "
        f"paint: {'met' if statistics.median(fcps) <= GOAL_SECONDS else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
