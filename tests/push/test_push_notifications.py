"""Web Push as families receive it: real encrypted payloads (RFC 8291), decrypted by the test's devices;
only the push service is played by the test (tests/push/conftest.py)."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from py_vapid import Vapid02

from class_blog.notes import send_note
from push.models import PendingPush, PushSubscription
from push.vapid import public_key
from tests.factories import ClassPostPageFactory, HomeworkEntryFactory

PARIS = timezone.get_fixed_timezone(60)  # December: UTC+1
TUESDAY_10H = datetime(2026, 12, 1, 10, 0, tzinfo=PARIS)
TUESDAY_21H = datetime(2026, 12, 1, 21, 0, tzinfo=PARIS)
WEDNESDAY_7H05 = datetime(2026, 12, 2, 7, 5, tzinfo=PARIS)


def publish_post(class_page, teacher, title):
    post = ClassPostPageFactory(parent=class_page, title=title, live=False, owner=teacher)
    post.save_revision(user=teacher).publish()
    return post


def note_to(class_page, teacher, title="Sortie au musée : Emma Lefort", text="Le texte du mot, secret"):
    return send_note(teacher, title=title, text=text, class_page=class_page)


@pytest.fixture
def at_10h():
    with time_machine.travel(TUESDAY_10H, tick=False):
        yield


def test_a_note_push_names_the_class_never_the_child_nor_the_note(
    client, people, class_page, device, at_10h, django_capture_on_commit_callbacks
):
    phone = device("parent-phone")
    phone.subscribe(client, people["parent"])
    with django_capture_on_commit_callbacks(execute=True):
        note = note_to(class_page, people["teacher"])
    [push] = phone.pushes()
    assert push["title"] == "Nouveau mot de la classe CE1 B"
    assert push["url"] == reverse("class_blog:note_detail", args=[note.pk])
    assert push["lang"] == "fr"
    text = str(push)
    for personal in ("Emma", "Lefort", "musée", "secret", "N'Diaye", "ndiaye"):
        assert personal not in text
    # Signed with Préau's VAPID key (RFC 8292), kept 12 hours by the push service for a phone that is off.
    [received] = phone.service.to(phone.path)
    assert Vapid02.verify(received.headers["authorization"])
    assert received.headers["authorization"].endswith(f"k={public_key()}")
    assert received.headers["ttl"] == str(12 * 3600)
    # The teacher who wrote it is not told about it; the device's last delivery is recorded.
    assert PushSubscription.objects.get(user=people["parent"]).last_sent_at is not None


def test_a_post_and_homework_for_tomorrow_reach_the_class_families(
    client, people, class_page, device, at_10h, django_capture_on_commit_callbacks
):
    phone = device("parent-phone")
    phone.subscribe(client, people["parent"])
    with django_capture_on_commit_callbacks(execute=True):
        post = publish_post(class_page, people["teacher"], "Bravo Emma pour ton exposé")
    with django_capture_on_commit_callbacks(execute=True):
        HomeworkEntryFactory(
            class_page=class_page,
            due_on=date(2026, 12, 2),
            created_by=people["teacher"],
            text="Apprendre la poésie d'Emma",
        )
    with django_capture_on_commit_callbacks(execute=True):
        HomeworkEntryFactory(class_page=class_page, due_on=date(2026, 12, 10), text="Dans une semaine: no push")
    pushes = phone.pushes()
    assert [p["title"] for p in pushes] == ["Nouvelle publication en CE1 B", "Devoirs pour demain en CE1 B"]
    assert pushes[0]["url"] == f"/notifications/page/{post.pk}/"  # the post's own address says "bravo-emma"
    client.force_login(people["parent"])
    assert client.get(pushes[0]["url"])["Location"] == post.url
    client.force_login(people["cm2_parent"])
    assert client.get(pushes[0]["url"]).status_code == 404
    assert pushes[1]["url"] == reverse("class_blog:class_homework", args=[class_page.pk])
    assert "Emma" not in str(pushes) and "poésie" not in str(pushes)
    # A correction of the post is not news.
    with django_capture_on_commit_callbacks(execute=True):
        post.save_revision(user=people["teacher"]).publish()
    assert len(phone.pushes()) == 2


def test_a_parent_of_another_class_gets_nothing(
    client, people, class_page, device, at_10h, django_capture_on_commit_callbacks
):
    theirs, ours = device("cm2-phone"), device("ce1-phone")
    theirs.subscribe(client, people["cm2_parent"])
    ours.subscribe(client, people["parent"])
    with django_capture_on_commit_callbacks(execute=True):
        note_to(class_page, people["teacher"])
        publish_post(class_page, people["teacher"], "Sortie")
        HomeworkEntryFactory(class_page=class_page, due_on=date(2026, 12, 2))
    assert theirs.pushes() == []
    [push] = ours.pushes()  # due together: one grouped push
    assert push["body"].split("\n") == [
        "Nouveau mot de la classe CE1 B",
        "Nouvelle publication en CE1 B",
        "Devoirs pour demain en CE1 B",
    ]


def test_quiet_hours_hold_pushes_and_deliver_them_grouped_after(
    client, people, class_page, device, django_capture_on_commit_callbacks
):
    phone = device("parent-phone")
    with time_machine.travel(TUESDAY_21H, tick=False):
        phone.subscribe(client, people["parent"])
        with django_capture_on_commit_callbacks(execute=True):
            note_to(class_page, people["teacher"])
            publish_post(class_page, people["teacher"], "Le carnaval")
            HomeworkEntryFactory(class_page=class_page, due_on=date(2026, 12, 2), text="Lire")
        call_command("send_push_notifications", verbosity=0)  # the cron's catch-up: nothing is due yet
    assert phone.pushes() == []
    assert PendingPush.objects.count() == 3
    assert {timezone.localtime(p.due_at, PARIS) for p in PendingPush.objects.all()} == {
        datetime(2026, 12, 2, 7, 0, tzinfo=PARIS)
    }
    with time_machine.travel(datetime(2026, 12, 2, 6, 59, tzinfo=PARIS), tick=False):
        call_command("send_push_notifications", verbosity=0)
    assert phone.pushes() == []
    with time_machine.travel(WEDNESDAY_7H05, tick=False):
        call_command("send_push_notifications", verbosity=0)
    [push] = phone.pushes()
    assert push["title"] == "3 nouveautés sur Préau"
    assert push["body"].split("\n") == [
        "Nouveau mot de la classe CE1 B",
        "Nouvelle publication en CE1 B",
        "Devoirs pour aujourd’hui en CE1 B",
    ]
    assert push["url"] == reverse("ent_pages:my_space")
    assert not PendingPush.objects.exists()


def test_a_push_service_answering_gone_removes_the_subscription(
    client, people, class_page, device, at_10h, django_capture_on_commit_callbacks, push_service
):
    dropped, kept = device("dropped"), device("kept")
    dropped.subscribe(client, people["parent"])
    kept.subscribe(client, people["parent"])
    push_service.statuses[dropped.path] = 410
    with django_capture_on_commit_callbacks(execute=True):
        note_to(class_page, people["teacher"])
    assert len(push_service.to(dropped.path)) == 1
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [push_service.url(kept.path)]
    push_service.statuses[kept.path] = 404
    with django_capture_on_commit_callbacks(execute=True):
        note_to(class_page, people["teacher"])
    assert not PushSubscription.objects.exists()


def test_a_push_service_error_keeps_the_subscription(
    client, people, class_page, device, at_10h, django_capture_on_commit_callbacks, push_service
):
    phone = device("busy")
    phone.subscribe(client, people["parent"])
    push_service.statuses[phone.path] = 503
    with django_capture_on_commit_callbacks(execute=True):
        note_to(class_page, people["teacher"])
    assert PushSubscription.objects.filter(user=people["parent"]).exists()


def test_a_revoked_subscription_gets_nothing(
    client, people, class_page, device, at_10h, django_capture_on_commit_callbacks
):
    phone = device("revoked")
    pk = phone.subscribe(client, people["parent"])
    client.force_login(people["cm2_parent"])  # someone else cannot revoke it
    assert client.post(reverse("push:revoke", args=[pk])).status_code == 404
    client.force_login(people["parent"])
    assert client.post(reverse("push:revoke", args=[pk])).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        note_to(class_page, people["teacher"])
        publish_post(class_page, people["teacher"], "Sortie")
    assert phone.pushes() == []


def test_each_device_tells_only_what_it_was_asked_to(
    client, people, class_page, device, at_10h, django_capture_on_commit_callbacks
):
    notes_only, posts_only = device("notes-only"), device("posts-only")
    notes_only.subscribe(client, people["parent"], kinds=["note"])
    pk = posts_only.subscribe(client, people["parent"], kinds=["note"])
    client.force_login(people["parent"])  # changed on the settings page, without JavaScript
    assert client.post(reverse("push:update", args=[pk]), {"kinds": ["post"]}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        note_to(class_page, people["teacher"])
        publish_post(class_page, people["teacher"], "Sortie")
        HomeworkEntryFactory(class_page=class_page, due_on=date(2026, 12, 2))
    assert [p["title"] for p in notes_only.pushes()] == ["Nouveau mot de la classe CE1 B"]
    assert [p["title"] for p in posts_only.pushes()] == ["Nouvelle publication en CE1 B"]


def test_a_message_push_says_neither_who_nor_what(client, people, device, at_10h, django_capture_on_commit_callbacks):
    from tests.conversations.helpers import thread_between

    phone = device("parent-phone")
    phone.subscribe(client, people["parent"])
    with django_capture_on_commit_callbacks(execute=True):
        thread = thread_between(
            people["teacher"], people["parent"], subject="Emma à la cantine", text="Le texte secret"
        )
    [push] = phone.pushes()
    assert push["title"] == "Nouveau message sur Préau"
    assert push["url"] == reverse("conversations:thread", args=[thread.pk])
    assert "Emma" not in str(push) and "secret" not in str(push) and "N'Diaye" not in str(push)
