"""Safety: rate limits, burst lock, suspension, reports, closing, and notifications that never carry the text."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conversations.models import MessagingRestriction, Participant, Thread
from conversations.notifications import send_due_notifications
from conversations.sending import SendRefused, post_message, start_thread

from .helpers import contact_to, thread_between


def test_a_family_may_start_only_a_few_threads_per_day(people, settings):
    settings.PREAU_CONVERSATIONS_FAMILY_THREADS_PER_DAY = 3
    contact = contact_to(people["parent"], people["teacher"])
    for n in range(3):
        start_thread(people["parent"], contact, subject=f"Question {n}", text="Bonjour")
    with pytest.raises(SendRefused):
        start_thread(people["parent"], contact, subject="Question 4", text="Bonjour")
    assert Thread.objects.count() == 3
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        start_thread(people["parent"], contact, subject="Le lendemain", text="Bonjour")


def test_rate_limit_answers_in_french_without_error(client, people, settings):
    settings.PREAU_CONVERSATIONS_FAMILY_THREADS_PER_DAY = 1
    client.force_login(people["parent"])
    key = contact_to(people["parent"], people["teacher"]).key
    data = {"recipient": key, "subject": "Sujet", "text": "Bonjour"}
    assert client.post(reverse("conversations:new_thread"), data).status_code == 302
    response = client.post(reverse("conversations:new_thread"), data, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert "24 heures" in response.content.decode()


def test_a_burst_of_sends_locks_sending_until_the_director_clears_it(client, people, settings):
    settings.PREAU_CONVERSATIONS_BURST_MESSAGES = 5
    thread = thread_between(people["teacher"], people["parent"])
    participation = thread.participants.get(user=people["teacher"])
    for n in range(4):
        post_message(people["teacher"], thread, participation, text=f"Message {n}")
    with pytest.raises(SendRefused):
        post_message(people["teacher"], thread, participation, text="Un de trop")
    lock = MessagingRestriction.objects.in_force().get(user=people["teacher"])
    assert lock.kind == MessagingRestriction.Kind.BURST
    with time_machine.travel(timezone.now() + timedelta(hours=1)), pytest.raises(SendRefused):
        post_message(people["teacher"], thread, participation, text="Toujours bloqué")
    # Another family cannot lift it; the school's director can.
    client.force_login(people["other_parent"])
    assert client.post(reverse("conversations:lift", args=[lock.pk])).status_code == 404
    client.force_login(people["director"])
    assert "Message 3" not in client.get(reverse("conversations:moderation")).content.decode()
    assert client.post(reverse("conversations:lift", args=[lock.pk])).status_code == 302
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        post_message(people["teacher"], thread, participation, text="Débloqué")


def test_report_sends_the_thread_to_the_director_who_may_close_it_and_suspend_the_family(client, people):
    thread = thread_between(people["parent"], people["teacher"], text="Propos déplacés")
    client.force_login(people["director"])
    url = reverse("conversations:thread", args=[thread.pk])
    assert client.get(url).status_code == 404  # not reported yet: private to its participants
    client.force_login(people["teacher"])
    client.post(reverse("conversations:report", args=[thread.pk]), {"context": "Ton agressif"})
    [alert] = mail.outbox
    assert alert.to == [people["director"].email] and "Propos" not in alert.body
    client.force_login(people["director"])
    page = client.get(url).content.decode()
    assert "Propos déplacés" in page and "Ton agressif" in page
    client.post(reverse("conversations:suspend", args=[thread.pk, people["parent"].pk]), {"reason": "Menaces"})
    client.post(reverse("conversations:close", args=[thread.pk]))
    thread.refresh_from_db()
    assert thread.closed_at is not None
    client.force_login(people["parent"])
    client.post(url, {"text": "Encore"})
    assert not thread.messages.filter(body__contains="Encore").exists()
    other = contact_to(people["parent"], people["director"])
    with pytest.raises(SendRefused):
        start_thread(people["parent"], other, subject="Suspendu", text="Bonjour")


def test_another_schools_director_cannot_read_a_reported_thread(client, people, other_school):
    from tests.factories import make_director

    thread = thread_between(people["parent"], people["teacher"])
    client.force_login(people["teacher"])
    client.post(reverse("conversations:report", args=[thread.pk]), {"context": "Ton agressif"})
    client.force_login(make_director(other_school, username="autre.direction"))
    assert client.get(reverse("conversations:thread", args=[thread.pk])).status_code == 404


PARIS = timezone.get_fixed_timezone(60)


def test_notification_waits_for_the_end_of_quiet_hours_and_never_carries_the_text(people):
    tuesday_night = datetime(2026, 12, 1, 21, 30, tzinfo=PARIS)
    with time_machine.travel(tuesday_night, tick=False):
        thread_between(people["teacher"], people["parent"], subject="Cahier", text="Le texte secret du message")
        assert mail.outbox == []  # stored at once, the notification waits
        assert send_due_notifications() == 0
    participant = Participant.objects.get(user=people["parent"])
    assert timezone.localtime(participant.notify_due_at).hour == 7
    with time_machine.travel(datetime(2026, 12, 2, 7, 5, tzinfo=PARIS), tick=False):
        assert send_due_notifications() == 1
    [email] = mail.outbox
    assert "Awa N'Diaye" in email.subject
    assert "secret" not in email.body and "secret" not in email.subject
    assert "/messages/" in email.body


def test_friday_evening_message_is_notified_on_monday_morning(people):
    with time_machine.travel(datetime(2026, 12, 4, 20, 30, tzinfo=PARIS), tick=False):
        thread_between(people["teacher"], people["parent"])
    due = timezone.localtime(Participant.objects.get(user=people["parent"]).notify_due_at)
    assert (due.weekday(), due.hour) == (0, 7)


def test_daytime_message_is_notified_at_once(people, django_capture_on_commit_callbacks):
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=PARIS), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        thread_between(people["teacher"], people["parent"], text="Le texte secret")
    [email] = mail.outbox
    assert email.to == [people["parent"].email]
    assert "secret" not in email.body


def test_the_daily_digest_counts_new_messages(people):
    from class_blog.digests import send_digests

    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=PARIS), tick=False):
        thread_between(people["teacher"], people["parent"], text="Le texte secret")
    mail.outbox.clear()
    with time_machine.travel(datetime(2026, 12, 1, 17, 30, tzinfo=PARIS), tick=False):
        send_digests()
    bodies = {m.to[0]: m.body for m in mail.outbox}
    body = bodies[people["parent"].email]
    assert "1 new message" in body or "1 nouveau message" in body
    assert "secret" not in body
