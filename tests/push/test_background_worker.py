"""Held pushes leave with the real background worker: the database task backend stores `deliver_pushes`
with run_after at the end of quiet hours, and `db_worker --backend background` sends them then."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from class_blog.notes import send_note
from tests.factories import HomeworkEntryFactory

PARIS = timezone.get_fixed_timezone(60)
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_worker():
    call_command(
        "db_worker",
        "--backend",
        "background",
        "--queue-name",
        "*",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        verbosity=0,
    )


def test_the_worker_delivers_what_quiet_hours_held_in_one_push(client, people, class_page, device, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    phone = device("parent-phone")
    with time_machine.travel(datetime(2026, 12, 4, 19, 0, tzinfo=PARIS), tick=False):  # a Friday evening
        phone.subscribe(client, people["parent"])
        send_note(people["teacher"], title="Piscine", text="Maillot", class_page=class_page)  # 19:00: not quiet yet
        run_worker()
    assert [p["title"] for p in phone.pushes()] == ["Nouveau mot de la classe CE1 B"]
    with time_machine.travel(datetime(2026, 12, 4, 20, 30, tzinfo=PARIS), tick=False):  # the weekend's quiet hours
        send_note(people["teacher"], title="Sortie", text="Lundi", class_page=class_page)
        HomeworkEntryFactory(class_page=class_page, due_on=date(2026, 12, 7), text="Réciter")
        run_worker()
    assert len(phone.pushes()) == 1
    due = {timezone.localtime(t.run_after, PARIS) for t in DBTaskResult.objects.filter(run_after__year__lt=9999)}
    assert due == {datetime(2026, 12, 7, 7, 0, tzinfo=PARIS)}  # Monday morning
    with time_machine.travel(datetime(2026, 12, 7, 7, 1, tzinfo=PARIS), tick=False):
        run_worker()
    latest = phone.pushes()[-1]
    assert latest["title"] == "2 nouveautés sur Préau"
    assert latest["body"].split("\n") == ["Nouveau mot de la classe CE1 B", "Devoirs pour aujourd’hui en CE1 B"]
