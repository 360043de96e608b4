"""Class life figures: query counts and server time of the class page and the parent home, digest throughput.

    .venv/bin/python bench/class_life.py [--guardians 3000] [--repeat 30]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/preau_bench_class_life .venv/bin/python bench/class_life.py

Builds a fresh synthetic city in its own database (a temporary SQLite file unless DATABASE_URL is set;
a PostgreSQL database is dropped and created): one class with 200 posts, 300 homework entries and 50
notes, a family with 3 children in 3 classes, and --guardians families in further classes for the
digest run. Prints the figures; the issue's goals are ≤ 20 queries, ≤ 1.5 × a bare page, 60,000
digests in ≤ 5 minutes and ≤ 1 GiB.
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "site")]


def setup_django():
    if not os.environ.get("DATABASE_URL"):
        path = Path(tempfile.gettempdir()) / "preau_bench_class_life.sqlite3"
        path.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "preau.settings.test")
    import django
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        _recreate_postgres(settings.DATABASES["default"])
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _recreate_postgres(db):
    import psycopg

    with psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"] or None,
                         dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}"')
        conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


def build(guardians):
    from django.utils import timezone

    from class_blog.models import ClassPostPage, ClassProjectPage, HomeworkEntry, SchoolNewsPage, Subject
    from class_blog.news import ensure_city_news_index
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

    year = current_school_year()
    city = ensure_city_home()
    school = city.add_child(instance=SchoolPage(title="École du banc d'essai", slug="banc", uai="0319999Z"))
    classes = [school.add_child(instance=ClassPage(title=f"Classe {i}", slug=f"classe-{i}", levels=["CE1"], school_year=year))
               for i in range(3)]
    big = classes[0]
    teacher = User.objects.create(username="enseignant.banc", email="enseignant@example.org")
    StaffAssignment.objects.create(user=teacher, school=school, role=Role.TEACHER)
    for class_page in classes:
        TeachingAssignment.objects.create(user=teacher, class_page=class_page)

    parent = User.objects.create(username="parent.banc", email="parent@example.org", first_name="Julie")
    guardian = Guardian.objects.create(external_id="BANC-RL-0", first_name="Julie", last_name="Banc", user=parent)
    for i, class_page in enumerate(classes):
        pupil = Pupil.objects.create(external_id=f"BANC-ELV-{i}", first_name=f"Enfant{i}", last_name="Banc")
        Enrolment.objects.create(pupil=pupil, class_page=class_page, school_year=year)
        Guardianship.objects.create(guardian=guardian, pupil=pupil)
    # Classmates' families (30 per class).
    _families(classes, 30, prefix="CLASSMATE")

    project = big.add_child(instance=ClassProjectPage(title="Le potager", slug="potager"))
    now = timezone.now()
    for i in range(200):
        parent_page = project if i % 5 == 0 else big
        post = parent_page.add_child(instance=ClassPostPage(
            title=f"Billet {i}", slug=f"billet-{i}", date=timezone.localdate() - timedelta(days=i),
            body=[("paragraph", f"<p>Texte du billet {i}.</p>")],
        ))
        post.tags.add(f"theme{i % 7}", "classe")
        post.save()
        ClassPostPage.objects.filter(pk=post.pk).update(first_published_at=now - timedelta(hours=i))
    for class_page in classes[1:]:
        class_page.add_child(instance=ClassPostPage(title="Un billet", slug="un-billet"))
    HomeworkEntry.objects.bulk_create([
        HomeworkEntry(class_page=big, subject=Subject.FRENCH, text=f"Devoir {i}",
                      given_on=timezone.localdate() - timedelta(days=300 - i),
                      due_on=timezone.localdate() + timedelta(days=(i % 40) - 20))
        for i in range(300)
    ])
    for i in range(50):
        send_note(teacher, class_page=big, title=f"Mot {i}", text="Merci de signer.",
                  scheduled_for=now - timedelta(days=50 - i), now=now - timedelta(days=50 - i))
    school.add_child(instance=SchoolNewsPage(title="Kermesse", slug="kermesse"))
    bare = school.add_child(instance=SchoolNewsPage(title="Page nue", slug="page-nue"))
    ensure_city_news_index(city)

    # Families for the digest run: 30 per class, each class with a post, homework and a note today.
    digest_classes = []
    other_teacher = User.objects.create(username="enseignant.digest", email="digest@example.org")
    for i in range(max(1, guardians // 30)):
        class_page = school.add_child(instance=ClassPage(title=f"Classe D{i}", slug=f"classe-d{i}", levels=["CM1"], school_year=year))
        TeachingAssignment.objects.create(user=other_teacher, class_page=class_page)
        class_page.add_child(instance=ClassPostPage(title=f"Nouvelles de la classe D{i}", slug="nouvelles"))
        HomeworkEntry.objects.create(class_page=class_page, text="Lire", due_on=timezone.localdate() + timedelta(days=1))
        digest_classes.append(class_page)
    _families(digest_classes, 30, prefix="DIGEST")
    for class_page in digest_classes:
        send_note(other_teacher, class_page=class_page, title="Réunion", text="Mardi 18 h.", now=now - timedelta(hours=2),
                  scheduled_for=now - timedelta(hours=2))
    return {"big": big, "parent": parent, "teacher": teacher, "bare": bare}


def _families(classes, per_class, prefix):
    from ent_pages.models import Enrolment, Guardian, Guardianship, Pupil, User
    from ent_pages.school_year import current_school_year

    year = current_school_year()
    users, pupils, guardians = [], [], []
    for class_page in classes:
        for n in range(per_class):
            key = f"{prefix}-{class_page.pk}-{n}"
            users.append(User(username=key.lower(), email=f"{key.lower()}@example.org", first_name="Parent"))
            pupils.append(Pupil(external_id=f"ELV-{key}", first_name="Élève", last_name=str(n)))
            guardians.append(Guardian(external_id=f"RL-{key}", first_name="Parent", last_name=str(n)))
    users = User.objects.bulk_create(users, batch_size=500)
    pupils = Pupil.objects.bulk_create(pupils, batch_size=500)
    for user, guardian in zip(users, guardians, strict=True):
        guardian.user = user
    guardians = Guardian.objects.bulk_create(guardians, batch_size=500)
    Enrolment.objects.bulk_create(
        [Enrolment(pupil=p, class_page=classes[i // per_class], school_year=year) for i, p in enumerate(pupils)], batch_size=500)
    Guardianship.objects.bulk_create([Guardianship(guardian=g, pupil=p) for g, p in zip(guardians, pupils, strict=True)], batch_size=500)


def measure(client, url, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm up
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    count = len(queries)  # read now: later requests reset Django's query log
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return count, statistics.median(times)


def compare(client, url, baseline, repeat):
    """Median times of `url` and `baseline`, requested alternately (the machine's load hits both alike)."""
    times, base_times = [], []
    for _ in range(repeat):
        for target, bucket in ((url, times), (baseline, base_times)):
            start = time.perf_counter()
            client.get(target)
            bucket.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), statistics.median(base_times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guardians", type=int, default=3000, help="families in the digest run (default 3000)")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    start = time.perf_counter()
    data = build(args.guardians)
    print(f"database: {engine}; synthetic city built in {time.perf_counter() - start:.1f} s "
          "(class with 200 posts, 300 homework entries, 50 notes; a family with 3 children in 3 classes)")

    client = Client()
    client.force_login(data["parent"])
    class_q, class_ms = measure(client, data["big"].url, args.repeat)
    home_q, home_ms = measure(client, reverse("ent_pages:my_space"), args.repeat)
    bare_q, bare_ms = measure(client, data["bare"].url, args.repeat)
    teacher = Client()
    teacher.force_login(data["teacher"])
    teacher_q, teacher_ms = measure(teacher, reverse("ent_pages:my_space"), args.repeat)
    print(f"class page (parent):         {class_q:3d} queries, median {class_ms:6.1f} ms")
    print(f"parent home (3 children):    {home_q:3d} queries, median {home_ms:6.1f} ms")
    print(f"teacher home ({len(data['teacher'].teaching_assignments.all())} classes):     {teacher_q:3d} queries, median {teacher_ms:6.1f} ms")
    print(f"bare Wagtail page (parent):  {bare_q:3d} queries, median {bare_ms:6.1f} ms  (a SchoolNewsPage: page serving + policy only)")
    home_alt, bare_alt = compare(client, reverse("ent_pages:my_space"), data["bare"].url, args.repeat)
    print(f"parent home / bare page:     {home_alt / bare_alt:.2f} x  (requested alternately: {home_alt:.1f} ms vs {bare_alt:.1f} ms)")

    from django.core import mail

    from class_blog.digests import guardian_accounts, send_digests

    mail.outbox = []
    accounts = guardian_accounts().count()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    sent, nothing_new, not_due = send_digests(timezone.now(), ignore_quiet_hours=True)
    elapsed = time.perf_counter() - start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"digests: {accounts} guardian accounts, {sent} sent, {nothing_new} with nothing new, in {elapsed:.1f} s "
          f"({elapsed / max(accounts, 1) * 1000:.2f} ms each → {elapsed / max(accounts, 1) * 60000 / 60:.1f} min for 60,000); "
          f"peak RSS {rss_after / 1024:.0f} MiB (before the run {rss_before / 1024:.0f} MiB)")


if __name__ == "__main__":
    main()
