"""Where families find their messages, in a number of queries that does not grow with their threads."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from conversations.models import Message, Participant, Thread

from .helpers import thread_between


def bulk_threads(people, count, messages_each=1):
    """`count` threads between the parent and the teacher, made in bulk (the inbox's cost is what we test)."""
    now = timezone.now()
    threads = Thread.objects.bulk_create([
        Thread(kind="family", subject=f"Sujet {n}", school_id=people["teacher"].teaching_assignments.get().class_page
               .get_parent().pk, pupil=people["pupil"], created_by=people["teacher"], created_at=now)
        for n in range(count)
    ])
    if threads[0].pk is None:
        threads = list(Thread.objects.order_by("pk"))
    class_page_id = people["teacher"].teaching_assignments.get().class_page_id
    Participant.objects.bulk_create(
        [Participant(thread=t, user=people["parent"], is_family=True, pupil=people["pupil"]) for t in threads]
        + [Participant(thread=t, user=people["teacher"], class_page_id=class_page_id) for t in threads]
    )
    Message.objects.bulk_create([
        Message(thread=t, sender=people["teacher"], body=f"Message {i}", visible_at=now - timedelta(minutes=i))
        for t in threads for i in range(messages_each)
    ])


@pytest.mark.parametrize(("threads", "messages_each"), [(5, 1), (500, 1), (50, 10)])
def test_inbox_queries_stay_flat_in_threads_and_messages(client, people, django_assert_max_num_queries, threads,
                                                         messages_each):
    bulk_threads(people, threads, messages_each)
    client.force_login(people["parent"])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("conversations:inbox"))
    assert response.status_code == 200
    assert response.content.decode().count('class="thread unread"') == min(threads, 30)


def test_inbox_shows_unread_counts_newest_first(client, people):
    first = thread_between(people["teacher"], people["parent"], subject="Ancien")
    thread_between(people["teacher"], people["parent"], subject="Récent")
    client.force_login(people["parent"])
    page = client.get(reverse("conversations:inbox")).content.decode()
    assert page.index("Récent") < page.index("Ancien")
    client.get(reverse("conversations:thread", args=[first.pk]))
    page = client.get(reverse("conversations:inbox")).content.decode()
    assert page.count('class="thread unread"') == 1


def test_thread_page_queries_are_bounded(client, people, django_assert_max_num_queries):
    thread = thread_between(people["teacher"], people["parent"])
    for n in range(20):
        Message.objects.create(thread=thread, sender=people["teacher"], body=f"Suite {n}")
    client.force_login(people["parent"])
    with django_assert_max_num_queries(16):
        assert client.get(reverse("conversations:thread", args=[thread.pk])).status_code == 200


def test_unread_count_in_the_header_and_in_my_space(client, people, django_assert_max_num_queries):
    thread_between(people["teacher"], people["parent"], subject="Cahier")
    client.force_login(people["parent"])
    page = client.get(reverse("ent_pages:my_space")).content.decode()
    assert '<span class="badge"' in page
    assert "1 message non lu" in page or "1 unread message" in page
    client.force_login(people["other_parent"])
    page = client.get(reverse("ent_pages:my_space")).content.decode()
    assert '<span class="badge"' not in page


def test_class_page_offers_write_to_the_teacher_to_its_families_only(client, people, class_page):
    url = Page.objects.get(pk=class_page.pk).url
    client.force_login(people["parent"])
    page = client.get(url).content.decode()
    link = f'{reverse("conversations:new_thread")}?a=t{people["teacher"].pk}-c{class_page.pk}'
    assert link in page
    assert reverse("conversations:broadcast_new", args=[class_page.pk]) not in page
    form = client.get(link).content.decode()
    assert f'value="t{people["teacher"].pk}-p{people["pupil"].pk}" selected' in form
    client.force_login(people["teacher"])
    page = client.get(url).content.decode()
    assert reverse("conversations:broadcast_new", args=[class_page.pk]) in page


def test_pupil_row_writes_to_the_family(client, people, class_page):
    client.force_login(people["teacher"])
    page = client.get(reverse("conversations:class_families", args=[class_page.pk])).content.decode()
    key = f"f{people['pupil'].pk}"
    assert f"?a={key}" in page
    response = client.post(reverse("conversations:new_thread"), {"recipient": key, "subject": "Bravo",
                                                                   "text": "Très beau travail d'Emma."})
    thread = Thread.objects.get(subject="Bravo")
    assert response.status_code == 302
    assert set(thread.participants.values_list("user", flat=True)) == {people["teacher"].pk, people["parent"].pk}
    client.force_login(people["parent"])
    assert client.get(reverse("conversations:class_families", args=[class_page.pk])).status_code == 404


def test_staff_see_who_has_read_their_message(client, people):
    thread = thread_between(people["teacher"], people["parent"], text="Bonjour")
    client.force_login(people["parent"])
    client.get(reverse("conversations:thread", args=[thread.pk]))
    client.force_login(people["teacher"])
    page = client.get(reverse("conversations:thread", args=[thread.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Lu par" in page and str(people["parent"]) in page


def test_scheduled_message_reaches_the_family_at_its_time(client, people):
    import time_machine

    later = timezone.now() + timedelta(days=1)
    thread = thread_between(people["teacher"], people["parent"], subject="Programmé", text="Demain", scheduled_for=later)
    client.force_login(people["parent"])
    assert "Programmé" not in client.get(reverse("conversations:inbox")).content.decode()
    assert "Demain" not in client.get(reverse("conversations:thread", args=[thread.pk])).content.decode()
    with time_machine.travel(later + timedelta(minutes=1)):
        client.force_login(people["parent"])
        assert "Demain" in client.get(reverse("conversations:thread", args=[thread.pk])).content.decode()


def test_new_thread_report_and_attachment_queries_are_bounded(client, people, django_assert_max_num_queries):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.media_files import photo_bytes
    from tests.media_links import links_on

    photo = SimpleUploadedFile("classe.jpg", photo_bytes(), content_type="image/jpeg")
    thread = thread_between(people["teacher"], people["parent"], attachment=photo)
    client.force_login(people["parent"])
    # 16: one indexed EXISTS on messaging restrictions, so that a paused account reads why before typing.
    with django_assert_max_num_queries(16):
        assert client.get(reverse("conversations:new_thread")).status_code == 200
    (link,) = links_on(client, reverse("conversations:thread", args=[thread.pk]))
    with django_assert_max_num_queries(0):  # a signed link is the whole decision (nginx in production)
        assert client.get(link).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.post(reverse("conversations:report", args=[thread.pk]), {"context": "Bizarre"}).status_code == 302


SCHOOL_DAY = timezone.make_aware(timezone.datetime(2026, 12, 1, 10, 0))  # a Tuesday morning: notifications due now


@pytest.mark.parametrize("families", [4, 30])
def test_a_broadcast_costs_the_same_few_queries_whatever_the_size_of_the_class(people, class_page, families,
                                                                               django_assert_max_num_queries):
    import time_machine

    from class_blog.quiet_hours import rules_for_school
    from conversations.sending import send_broadcast
    from ent_pages.access import policy
    from tests.factories import make_parent

    for n in range(families - 2):  # the class already has two families
        make_parent(class_page, username=f"famille.{n}")
    # As in a teacher's request: their scope and the school's quiet hours are remembered in the cache.
    policy.scope(people["teacher"])
    rules_for_school(class_page.get_parent().pk)
    with time_machine.travel(SCHOOL_DAY, tick=False), django_assert_max_num_queries(12):
        broadcast = send_broadcast(people["teacher"], class_page, subject="Sortie", text="Prévoir un pique-nique")
    assert broadcast.threads.count() == families
    assert Participant.objects.filter(thread__broadcast=broadcast, notify_due_at__isnull=False).count() == families


def test_a_reply_costs_nine_queries_for_the_whole_request(client, people, django_assert_max_num_queries):
    import time_machine

    with time_machine.travel(SCHOOL_DAY, tick=False):
        thread = thread_between(people["teacher"], people["parent"])
        client.force_login(people["parent"])
        url = reverse("conversations:thread", args=[thread.pk])
        assert client.get(url).status_code == 200  # the family reads first: their scope is remembered
        with django_assert_max_num_queries(9):
            assert client.post(url, {"text": "Merci !"}).status_code == 302
    assert thread.messages.filter(sender=people["parent"]).exists()
    teacher_row = Participant.objects.get(thread=thread, user=people["teacher"])
    assert teacher_row.notify_due_at is not None  # owed to the teacher, sent by the background worker
