"""Conversations (issue 14): inbox queries, a class broadcast's server time, message throughput.

1. Inbox of a parent with 10, 100 and 500 threads (and 50 threads of 10 messages): SQL queries of the
   whole request and median server time (Django test client). Goal: ≤ 10 queries, flat.
2. A broadcast to the families of a 30-pupil class (two guardians each): median server time of
   ``send_broadcast``. Goal: ≤ 150 ms.
3. Throughput: gunicorn with 2 workers and the production settings on 127.0.0.1:8280; `--users`
   parents each reply in their own thread with the teacher, one `hey` process per user (its own
   session cookie), at a rate adding up to `--per-minute` messages per minute for `--seconds`.
   Prints the requests sent, errors, the rate reached and p50/p95/p99 latency. Goal: 1,000 per
   minute with p95 ≤ 300 ms.

Uses the database of DATABASE_URL (a throw-away PostgreSQL database: it is migrated and filled),
else a temporary SQLite file (then the throughput part measures SQLite's single writer).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/preau_bench14 .venv/bin/python bench/conversations.py
"""

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8280
HEY = shutil.which("hey") or "/usr/bin/hey"


def bootstrap():
    workdir = Path(tempfile.mkdtemp(prefix="preau-bench-conv-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.update({"SECRET_KEY": "bench-only", "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false",
                       "LOG_LEVEL": "WARNING", "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
                       "MEDIA_ROOT": str(workdir / "media"), "STATIC_ROOT": str(workdir / "static")})
    os.environ["DJANGO_SETTINGS_MODULE"] = "preau.settings.production"
    for path in (str(ROOT), str(ROOT / "site")):
        sys.path.insert(0, path)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    return workdir


def median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def make_school():
    from ent_pages.tree import ensure_city_home
    from tests.factories import ClassPageFactory, SchoolPageFactory, make_teacher

    school = SchoolPageFactory(parent=ensure_city_home(), title="École du banc", uai="0319998Y")
    class_page = ClassPageFactory(parent=school, title="CE1 banc")
    return school, class_page, make_teacher(class_page, username="teacher.bench")


def inbox_figures(class_page, teacher, repeat):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from conversations.models import Message, Participant, Thread
    from tests.factories import make_parent

    print("Inbox (whole request, Django test client):")
    parent, pupil = make_parent(class_page, username="parent.inbox")
    school_id = class_page.get_parent().pk
    made = 0
    for target, per_thread in ((10, 1), (100, 1), (500, 1), (550, 10)):
        count = target - made
        threads = Thread.objects.bulk_create([
            Thread(kind="family", subject=f"Sujet {made + n}", school_id=school_id, pupil=pupil, created_by=teacher)
            for n in range(count)
        ])
        if threads[0].pk is None:
            threads = list(Thread.objects.filter(created_by=teacher, pupil=pupil).order_by("-pk")[:count])
        Participant.objects.bulk_create(
            [Participant(thread=t, user=parent, is_family=True, pupil=pupil) for t in threads]
            + [Participant(thread=t, user=teacher, class_page=class_page) for t in threads])
        now = timezone.now()
        Message.objects.bulk_create([Message(thread=t, sender=teacher, body=f"Bonjour {i}", visible_at=now)
                                     for t in threads for i in range(per_thread)])
        made = target
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(parent)
        times, cpu = [], []
        for _ in range(repeat):
            from django.core.cache import cache

            cache.clear()  # the unread count and the scope computed afresh: the worst case
            with CaptureQueriesContext(connection) as queries:
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(reverse("conversations:inbox"))
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            assert response.status_code == 200
        total_messages = Message.objects.filter(thread__participants__user=parent).count()
        print(f"  {made:4d} threads, {total_messages:5d} messages: {len(queries)} queries, "
              f"median {median(times) * 1000:.1f} ms (Python CPU {median(cpu) * 1000:.1f} ms)")


def broadcast_figures(class_page, teacher, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from conversations.models import Broadcast
    from conversations.sending import send_broadcast
    from tests.factories import ClassPageFactory, GuardianFactory, GuardianshipFactory, UserFactory, make_parent

    big = ClassPageFactory(parent=class_page.get_parent(), title="CM1 30 élèves")
    from tests.factories import make_teacher

    teacher = make_teacher(big, username="teacher.broadcast")  # the inbox's bulk threads count in the first one's limits
    for n in range(30):
        _parent, pupil = make_parent(big, username=f"parent.bc{n}")
        GuardianshipFactory(guardian=GuardianFactory(user=UserFactory(username=f"parent2.bc{n}")), pupil=pupil)
    times, cpu = [], []
    for n in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start, start_cpu = time.perf_counter(), time.process_time()
            broadcast = send_broadcast(teacher, big, subject=f"Info {n}", text="Sortie jeudi : prévoir un pique-nique.")
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
    last_sql = sum(float(q["time"]) for q in queries.captured_queries)  # the last run's SQL time
    threads = broadcast.threads.count()
    Broadcast.objects.all().delete()
    print(f"Broadcast to a 30-pupil class ({threads} family threads, 60 guardians): {len(queries)} queries, "
          f"median {median(times) * 1000:.1f} ms (Python CPU {median(cpu) * 1000:.1f} ms, "
          f"SQL of the last run {last_sql * 1000:.1f} ms), max {max(times) * 1000:.1f} ms over {repeat}")


def throughput(class_page, users, per_minute, seconds, workdir):
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    from conversations.models import Message
    from conversations.sending import start_thread
    from ent_pages.access import policy
    from tests.factories import make_parent

    targets = []
    for n in range(users):
        parent, pupil = make_parent(class_page, username=f"parent.load{n}")
        contact = next(c for c in policy.conversation_contacts(parent) if c.key.startswith("t"))
        thread, _ = start_thread(parent, contact, subject=f"Charge {n}", text="Bonjour")
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(parent)
        targets.append((thread.pk, client.cookies["sessionid"].value))
    env = {**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'site'}"}
    server = subprocess.Popen(  # noqa: S603 - gunicorn from this virtualenv, loopback only
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{PORT}",
         "--log-level", "warning", "preau.wsgi"], cwd=ROOT, env=env)
    try:
        time.sleep(4)
        before = Message.objects.count()
        per_user = per_minute * seconds / 60 / users
        rate = per_minute / 60 / users
        procs = []
        started = time.time()
        for n, (thread_id, session) in enumerate(targets):
            token = _get_new_csrf_string()
            body = workdir / f"body{n}.txt"
            body.write_text(f"csrfmiddlewaretoken={token}&text=Merci+pour+votre+message+{n}")
            out = open(workdir / f"hey{n}.csv", "w")  # noqa: SIM115 - closed after the run
            procs.append((subprocess.Popen(  # noqa: S603 - hey from Debian, loopback only
                [HEY, "-n", str(int(per_user)), "-c", "1", "-q", f"{rate:.3f}", "-m", "POST", "-disable-redirects",
                 "-T", "application/x-www-form-urlencoded", "-D", str(body), "-o", "csv",
                 "-H", f"Cookie: sessionid={session}; csrftoken={token}",
                 f"http://127.0.0.1:{PORT}/messages/{thread_id}/"], stdout=out), out))
        for proc, out in procs:
            proc.wait()
            out.close()
        elapsed = time.time() - started
    finally:
        server.terminate()
        server.wait()
    latencies, codes = [], {}
    for n in range(len(targets)):
        with open(workdir / f"hey{n}.csv") as f:
            for row in csv.DictReader(f):
                latencies.append(float(row["response-time"]))
                codes[row["status-code"]] = codes.get(row["status-code"], 0) + 1
    stored = Message.objects.count() - before
    print(f"Throughput, gunicorn 2 workers, production settings, {users} parents × {int(per_user)} replies (hey):")
    print(f"  {len(latencies)} requests in {elapsed:.1f} s = {len(latencies) / elapsed * 60:.0f}/min; "
          f"status codes {codes}; messages stored {stored}")
    print(f"  latency p50 {percentile(latencies, .5) * 1000:.0f} ms, p95 {percentile(latencies, .95) * 1000:.0f} ms, "
          f"p99 {percentile(latencies, .99) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--per-minute", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-inbox", action="store_true")
    args = parser.parse_args()
    workdir = bootstrap()
    from django.db import connection

    print(f"Database: {connection.vendor}; load average {os.getloadavg()[0]:.1f} (shared 2-core machine)")
    _school, class_page, teacher = make_school()
    if not args.skip_inbox:
        inbox_figures(class_page, teacher, args.repeat)
    broadcast_figures(class_page, teacher, args.repeat)
    if not args.skip_load:
        throughput(class_page, args.users, args.per_minute, args.seconds, workdir)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
