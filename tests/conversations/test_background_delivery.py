"""Notifications leave the request: the database task backend stores them with the message, and its
worker (`db_worker --backend background`) sends them when the school's quiet hours end — school
holidays included. The real backend and the real worker command, on a database with real commits."""

from datetime import date, datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conversations.models import Participant
from school_calendar.models import Event, EventKind

from .helpers import thread_between

PARIS = timezone.get_fixed_timezone(60)  # December: UTC+1
TUESDAY_10H = datetime(2026, 12, 1, 10, 0, tzinfo=PARIS)

# Real commits (the worker reads what the request committed); the page tree of the migrations is restored.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }


def run_worker():
    """The worker of deploy/serve.py, until nothing is ready."""
    call_command("db_worker", "--backend", "background", "--queue-name", "*", "--batch", "--no-startup-delay",
                 "--no-reload", verbosity=0)


def test_a_reply_is_stored_at_once_and_its_notification_sent_by_the_worker(client, people, database_tasks):
    with time_machine.travel(TUESDAY_10H, tick=False):
        thread = thread_between(people["teacher"], people["parent"], subject="Sortie", text="Le texte secret")
        assert mail.outbox == []  # not in the request
        run_worker()
        assert [m.to for m in mail.outbox] == [[people["parent"].email]]
        mail.outbox.clear()
    with time_machine.travel(datetime(2026, 12, 1, 10, 5, tzinfo=PARIS), tick=False):  # the family answers
        client.force_login(people["parent"])
        response = client.post(reverse("conversations:thread", args=[thread.pk]), {"text": "Merci, réponse secrète"})
        assert response.status_code == 302
        assert mail.outbox == []
        assert DBTaskResult.objects.ready().count() == 1
        run_worker()
    [email] = mail.outbox
    assert email.to == [people["teacher"].email]
    assert "secr" not in email.body and "secr" not in email.subject
    assert not DBTaskResult.objects.ready().exists()
    assert Participant.objects.get(thread=thread, user=people["teacher"]).notify_due_at is None


def test_a_message_written_in_quiet_hours_is_sent_by_the_worker_when_they_end(people, database_tasks):
    with time_machine.travel(datetime(2026, 12, 1, 21, 30, tzinfo=PARIS), tick=False):
        thread_between(people["teacher"], people["parent"])
        run_worker()
        assert mail.outbox == []
    [task] = DBTaskResult.objects.all()
    assert timezone.localtime(task.run_after, PARIS) == datetime(2026, 12, 2, 7, 0, tzinfo=PARIS)
    with time_machine.travel(datetime(2026, 12, 2, 6, 59, tzinfo=PARIS), tick=False):
        run_worker()
        assert mail.outbox == []
    with time_machine.travel(datetime(2026, 12, 2, 7, 1, tzinfo=PARIS), tick=False):
        run_worker()
    assert [m.to for m in mail.outbox] == [[people["parent"].email]]


def test_a_message_written_in_the_school_holidays_waits_for_the_first_school_day(people, city, database_tasks):
    Event.objects.create(page=city, kind=EventKind.HOLIDAY, title="Vacances de Noël",
                         starts_on=date(2026, 12, 19), ends_on=date(2027, 1, 3))
    with time_machine.travel(datetime(2026, 12, 22, 10, 0, tzinfo=PARIS), tick=False):  # a Tuesday of the holidays
        thread_between(people["teacher"], people["parent"])
        run_worker()
    assert mail.outbox == []
    due = Participant.objects.get(user=people["parent"]).notify_due_at
    assert timezone.localtime(due, PARIS) == datetime(2027, 1, 4, 7, 0, tzinfo=PARIS)
    with time_machine.travel(datetime(2027, 1, 4, 7, 5, tzinfo=PARIS), tick=False):
        run_worker()
    assert len(mail.outbox) == 1


def test_the_catch_up_command_sends_what_a_stopped_worker_missed(people, database_tasks):
    with time_machine.travel(TUESDAY_10H, tick=False):
        thread_between(people["teacher"], people["parent"])
        DBTaskResult.objects.all().delete()  # the worker never ran it
        call_command("send_message_notifications", verbosity=0)
        assert mail.outbox == []  # the catch-up enqueues the emails on the background backend
        run_worker()
    assert [m.to for m in mail.outbox] == [[people["parent"].email]]
