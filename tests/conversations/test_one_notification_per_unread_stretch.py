"""One notification per unread stretch: someone told of new messages in a thread is owed nothing more
there until they open it again. A family writing five replies in a row to a teacher who has not read
yet causes one pending notification, one task and one email — quiet hours, the rule that an email
never carries the text, and the grounds checked again at delivery all still hold. The real database
task backend and the real worker command, as in test_background_delivery."""

from datetime import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conversations.models import Participant
from ent_pages.models import Guardianship

from .helpers import thread_between
from .test_background_delivery import PARIS, TUESDAY_10H, database_tasks, run_worker  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def reply(client, thread, text, at):
    with time_machine.travel(at, tick=False):
        assert client.post(reverse("conversations:thread", args=[thread.pk]), {"text": text}).status_code == 302


def at(hour, minute):
    return datetime(2026, 12, 1, hour, minute, tzinfo=PARIS)


@pytest.fixture
def told_family(client, people, database_tasks):  # noqa: F811 - the fixture imported above
    """The teacher wrote on Tuesday morning and the family was told; the family is logged in."""
    with time_machine.travel(TUESDAY_10H, tick=False):
        thread = thread_between(people["teacher"], people["parent"], subject="Sortie", text="Le texte secret")
        run_worker()
    mail.outbox.clear()
    client.force_login(people["parent"])
    return thread


def test_five_replies_in_a_row_to_a_teacher_who_has_not_read_cause_one_email(client, people, told_family):
    tasks = []
    for n in range(5):  # the worker runs between them, as it does within a second in the daytime
        reply(client, told_family, f"Réponse secrète {n}", at(10, 5 + n))
        tasks.append(DBTaskResult.objects.ready().count())
        with time_machine.travel(at(10, 5 + n), tick=False):
            run_worker()
    assert tasks == [1, 0, 0, 0, 0]
    [email] = mail.outbox
    assert email.to == [people["teacher"].email]
    assert "secr" not in email.body and "secr" not in email.subject


def test_a_teacher_told_is_owed_nothing_more_until_they_open_the_thread(client, people, told_family):
    reply(client, told_family, "Première réponse", at(10, 5))
    with time_machine.travel(at(10, 6), tick=False):
        run_worker()
    assert len(mail.outbox) == 1
    for n in range(3):  # the teacher has not opened it: no task, no email, their row untouched
        reply(client, told_family, f"Encore {n}", at(10, 10 + n))
    teacher_row = Participant.objects.get(thread=told_family, user=people["teacher"])
    assert teacher_row.notify_due_at is None
    assert not DBTaskResult.objects.ready().exists()
    client.force_login(people["teacher"])
    with time_machine.travel(at(11, 0), tick=False):  # the teacher reads, then the family writes again
        assert client.get(reverse("conversations:thread", args=[told_family.pk])).status_code == 200
    client.force_login(people["parent"])
    reply(client, told_family, "Après lecture", at(11, 30))
    with time_machine.travel(at(11, 31), tick=False):
        run_worker()
    assert [m.to for m in mail.outbox] == [[people["teacher"].email]] * 2


def test_replies_written_in_quiet_hours_wait_for_the_morning_as_one_email(client, people, told_family):
    for n in range(5):
        reply(client, told_family, f"Le soir {n}", at(21, n))
    [task] = DBTaskResult.objects.filter(status="READY")  # the first message's task has run
    assert timezone.localtime(task.run_after, PARIS) == datetime(2026, 12, 2, 7, 0, tzinfo=PARIS)
    with time_machine.travel(at(23, 0), tick=False):
        run_worker()
    assert mail.outbox == []
    with time_machine.travel(datetime(2026, 12, 2, 7, 1, tzinfo=PARIS), tick=False):
        run_worker()
    assert [m.to for m in mail.outbox] == [[people["teacher"].email]]


def test_a_guardian_whose_grounds_were_revoked_is_neither_told_nor_counted_as_told(client, people, database_tasks):  # noqa: F811
    with time_machine.travel(TUESDAY_10H, tick=False):
        thread = thread_between(people["teacher"], people["parent"], text="Le texte secret")
        Guardianship.objects.filter(guardian__user=people["parent"]).delete()
        run_worker()
    assert mail.outbox == []
    row = Participant.objects.get(thread=thread, user=people["parent"])
    assert row.notify_due_at is None and row.notified_at is None
