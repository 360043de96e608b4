"""Conversations (issue 14): inbox queries, a class broadcast's server time, message throughput.

1. Inbox of a parent with 10, 100 and 500 threads (and 50 threads of 10 messages): SQL queries of the
   whole request and median server time (Django test client). Goal: ≤ 10 queries, flat.
2. A broadcast to the families of a 30-pupil class (two guardians each): median time of
   ``send_broadcast`` in-process, then the whole request (POST of the broadcast form) through the
   production stack, `--repeat` times with `hey`. Goal: ≤ 150 ms server time.
3. Throughput through the production stack (bench/_stack.py: nginx + gunicorn with 2 workers and the
   production settings, PostgreSQL, Redis, and the background task worker that sends the
   notifications): `--users` parents each reply in their own thread with the teacher, one `hey`
   process per user (its own session cookie), at a rate adding up to `--per-minute` messages per
   minute for `--seconds`, `--rounds` times. Prints the requests sent, errors, the rate reached and
   p50/p95/p99 latency, and the CPU the stack used per reply (steadier than latencies on a shared
   machine). Goal: 1,000 per minute with p95 ≤ 300 ms.
   Each `hey` sends at a fixed interval (`-q`): started together, the 40 parents would all press "Envoyer"
   in the same millisecond every 2.4 s, a burst no real class makes. `--phase random` (the default)
   starts each parent at a random moment of the first interval (seeded), as independent people do;
   `--phase same` keeps the synchronised bursts as a stress case.

Uses the database of DATABASE_URL (a throw-away PostgreSQL database: it is migrated and filled),
else a temporary SQLite file (then the throughput part measures SQLite's single writer), and the
Redis of REDIS_URL (default redis://127.0.0.1:6379/2).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/preau_bench14 .venv/bin/python bench/conversations.py
"""

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HEY = shutil.which("hey") or "/usr/bin/hey"

from bench._stack import Stack, django_setup, load_line, production_env, session_cookie, summary  # noqa: E402


def bootstrap():
    workdir = Path(tempfile.mkdtemp(prefix="preau-bench-conv-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.update({"PRIVATE_MEDIA_ROOT": str(workdir / "private"), "MEDIA_ROOT": str(workdir / "media"),
                       "STATIC_ROOT": str(workdir / "static")})
    production_env()
    django_setup()
    from django.core.cache import cache

    cache.clear()  # a throw-away Redis database: nothing remembered from an earlier run
    return workdir


def median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def make_school():
    from datetime import time as clock

    from class_blog.models import SchoolQuietHours
    from ent_pages.tree import ensure_city_home
    from tests.factories import ClassPageFactory, SchoolPageFactory, make_teacher

    school = SchoolPageFactory(parent=ensure_city_home(), title="École du banc", uai="0319998Y")
    # Notifications due at once at any hour (quiet one second a night, weekends too): the figures must
    # not depend on the hour the bench runs at; the worker's side is measured as on a school day.
    SchoolQuietHours.objects.create(school=school, evening=clock(23, 59, 59), morning=clock(0, 0), weekend=False)
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
    print(f"Broadcast to a 30-pupil class ({threads} family threads, 60 guardians), in-process: {len(queries)} queries, "
          f"median {median(times) * 1000:.1f} ms (Python CPU {median(cpu) * 1000:.1f} ms, "
          f"SQL of the last run {last_sql * 1000:.1f} ms), max {max(times) * 1000:.1f} ms over {repeat}")
    return big, teacher


def broadcast_through_stack(stack, big, teacher, repeat):
    """The whole broadcast request (form POST, 302) through nginx + gunicorn, one at a time."""
    from django.middleware.csrf import _get_new_csrf_string
    from django.urls import reverse

    from conversations.models import Broadcast

    token = _get_new_csrf_string()
    cookie = f"{session_cookie(teacher)}; csrftoken={token}"
    url = stack.url(reverse("conversations:broadcast_new", args=[big.pk]))
    times = []
    for n in range(repeat + 2):
        out = subprocess.run(  # noqa: S603 - hey from Debian, loopback only
            [HEY, "-n", "1", "-c", "1", "-m", "POST", "-disable-redirects", "-o", "csv",
             "-T", "application/x-www-form-urlencoded", "-H", f"Cookie: {cookie}", "-H", f"Referer: {stack.url('/')}",
             "-d", f"csrfmiddlewaretoken={token}&subject=Info+{n}&text=Sortie+jeudi+%3A+pr%C3%A9voir+un+pique-nique.",
             url], check=True, capture_output=True, text=True).stdout
        row = next(csv.DictReader(out.splitlines()), None)
        if row is None:  # hey prints no row for a request that failed (timeout, reset)
            raise RuntimeError(f"broadcast gave no answer: {out.strip()[-300:]}")
        if row["status-code"] != "302":
            raise RuntimeError(f"broadcast answered {row['status-code']}")
        if n >= 2:  # the first two warm both workers
            times.append(float(row["response-time"]))
    Broadcast.objects.all().delete()
    figures = summary(times)
    print(f"Broadcast to a 30-pupil class, whole request through nginx + gunicorn: median {median(times) * 1000:.1f} ms, "
          f"p95 {figures['p95']:.1f} ms, max {max(times) * 1000:.1f} ms over {len(times)} (goal ≤ 150 ms)")


def prepare_throughput(class_page, users):
    from conversations.sending import start_thread
    from ent_pages.access import policy
    from tests.factories import make_parent

    targets = []
    for n in range(users):
        parent, pupil = make_parent(class_page, username=f"parent.load{n}")
        contact = next(c for c in policy.conversation_contacts(parent) if c.key.startswith("t"))
        thread, _ = start_thread(parent, contact, subject=f"Charge {n}", text="Bonjour")
        targets.append((thread.pk, session_cookie(parent)))
    return targets


def stack_cpu(stack):
    """CPU seconds used so far by each process of the stack (nginx, gunicorn, the task worker) and by
    the PostgreSQL backends of this database, by pid (Linux /proc). The difference over a round, per
    reply, does not depend on what else the shared machine runs, unlike the latencies."""
    from django.db import connection

    ticks = os.sysconf("SC_CLK_TCK")

    def read(pid):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline") as f:
                command = f.read()
        except OSError:
            return None
        return int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks, command

    procs = {int(p): info for p in os.listdir("/proc") if p.isdigit() and (info := read(p))}
    mine, todo = {}, [stack.process.pid]
    while todo:
        parent = todo.pop()
        for pid, (ppid, cpu, command) in procs.items():
            if ppid == parent:
                todo.append(pid)
                kind = "gunicorn" if "gunicorn" in command else "task worker" if "db_worker" in command else \
                    "nginx" if "nginx" in command else "other"
                mine[pid] = (kind, cpu)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
            mine.update({pid: ("postgres", procs[pid][1]) for (pid,) in cursor.fetchall() if pid in procs})
    return mine


def cpu_line(before, after, replies):
    """Stack CPU per reply over a round, by kind of process (new processes count from zero)."""
    used = {}
    for pid, (kind, cpu) in after.items():
        used[kind] = used.get(kind, 0.0) + cpu - before.get(pid, (kind, 0.0))[1]
    parts = ", ".join(f"{kind} {seconds / replies * 1000:.1f}" for kind, seconds in sorted(used.items()))
    return f"stack CPU per reply {sum(used.values()) / replies * 1000:.1f} ms ({parts})"


def throughput(stack, targets, per_minute, seconds, workdir, round_no, phase="random"):
    from django.middleware.csrf import _get_new_csrf_string

    from conversations.models import Message

    users = len(targets)
    before = Message.objects.count()
    per_user = per_minute * seconds / 60 / users
    rate = per_minute / 60 / users
    procs = []
    interval = 1 / rate
    offsets = sorted(random.Random(round_no).uniform(0, interval) for _ in targets) if phase == "random" else [0.0] * users
    cpu_before = stack_cpu(stack)
    started = time.time()
    for n, (thread_id, cookie) in enumerate(targets):
        time.sleep(max(0.0, started + offsets[n] - time.time()))
        token = _get_new_csrf_string()
        body = workdir / f"body{n}.txt"
        body.write_text(f"csrfmiddlewaretoken={token}&text=Merci+pour+votre+message+{n}")
        out = open(workdir / f"hey{n}.csv", "w")  # noqa: SIM115 - closed after the run
        procs.append((subprocess.Popen(  # noqa: S603 - hey from Debian, loopback only
            [HEY, "-n", str(int(per_user)), "-c", "1", "-q", f"{rate:.3f}", "-m", "POST", "-disable-redirects",
             "-T", "application/x-www-form-urlencoded", "-D", str(body), "-o", "csv",
             "-H", f"Cookie: {cookie}; csrftoken={token}", "-H", f"Referer: {stack.url('/')}",
             stack.url(f"/messages/{thread_id}/")], stdout=out), out))
    cpu_after = {}
    while any(proc.poll() is None for proc, _out in procs):  # sampled: a database connection may be replaced
        cpu_after.update(stack_cpu(stack))
        time.sleep(1)
    for proc, out in procs:
        proc.wait()
        out.close()
    elapsed = time.time() - started
    cpu_after.update(stack_cpu(stack))
    latencies, codes = [], {}  # latencies of the replies sent (302); a waiting page (503) is no message sent
    for n in range(users):
        with open(workdir / f"hey{n}.csv") as f:
            for row in csv.DictReader(f):
                if row["status-code"] == "302":
                    latencies.append(float(row["response-time"]))
                codes[row["status-code"]] = codes.get(row["status-code"], 0) + 1
    stored = Message.objects.count() - before
    print(f"Throughput round {round_no}, nginx + gunicorn 2 workers + task worker, production settings, "
          f"{users} parents × {int(per_user)} replies (hey, phase {phase}):")
    print(f"  {sum(codes.values())} requests in {elapsed:.1f} s; sent {len(latencies) / elapsed * 60:.0f}/min; "
          f"status codes {codes}; messages stored {stored}; {load_line('the end of the round')}")
    print(f"  latency p50 {percentile(latencies, .5) * 1000:.0f} ms, p95 {percentile(latencies, .95) * 1000:.0f} ms, "
          f"p99 {percentile(latencies, .99) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms")
    print(f"  {cpu_line(cpu_before, cpu_after, max(1, len(latencies)))} (nginx, gunicorn, task worker, PostgreSQL backends)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--in-flight", type=int, default=None,
                        help="deploy/serve.py --in-flight (per worker; default: the stack's own over-capacity guard)")
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--per-minute", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=1, help="throughput rounds against the same stack")
    parser.add_argument("--phase", choices=("random", "same"), default="random",
                        help="parents start at random moments of the first interval, or all together (bursts)")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-inbox", action="store_true")
    args = parser.parse_args()
    args.stack_args = ("--in-flight", str(args.in_flight)) if args.in_flight else ()
    workdir = bootstrap()
    from django.db import connection

    print(f"Database: {connection.vendor}; {load_line('start')} (shared 2-core machine)")
    _school, class_page, teacher = make_school()
    if not args.skip_inbox:
        inbox_figures(class_page, teacher, args.repeat)
    big, broadcaster = broadcast_figures(class_page, teacher, args.repeat)
    targets = [] if args.skip_load else prepare_throughput(class_page, args.users)
    connection.close()  # the stack's workers and the task worker get the database's connections
    with Stack(workers=2, var=workdir / "stack", extra_args=args.stack_args) as stack:
        broadcast_through_stack(stack, big, broadcaster, args.repeat)
        for round_no in range(1, args.rounds + 1 if targets else 1):
            throughput(stack, targets, args.per_minute, args.seconds, workdir, round_no, args.phase)
    print(load_line("the end"))


if __name__ == "__main__":
    main()
