"""Privacy from the outside: another family holding exact URLs, revocations, recalls, attachments."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conversations.models import Message, Thread
from conversations.sending import post_message, recall, send_broadcast
from ent_pages.access import policy
from ent_pages.models import Guardianship, TeachingAssignment
from tests.media_files import photo_bytes

from .helpers import contact_to, thread_between


@pytest.fixture
def question(people):
    return thread_between(people["parent"], people["teacher"], subject="Sortie au musée",
                          text="Faut-il un pique-nique ?")


def test_family_cannot_open_or_post_in_a_thread_it_is_not_part_of(client, people, question):
    client.force_login(people["other_parent"])
    url = reverse("conversations:thread", args=[question.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "Je m'incruste"}).status_code == 404
    assert client.post(reverse("conversations:report", args=[question.pk]), {"context": "x"}).status_code == 404
    assert not Message.objects.filter(body__contains="incruste").exists()


def test_family_cannot_list_or_search_another_familys_thread(client, people, question):
    client.force_login(people["other_parent"])
    assert "Sortie au musée" not in client.get(reverse("conversations:inbox")).content.decode()
    assert "Sortie au musée" not in client.get(reverse("conversations:inbox"), {"q": "pique-nique"}).content.decode()
    client.force_login(people["parent"])
    found = client.get(reverse("conversations:inbox"), {"q": "pique-nique"}).content.decode()
    assert "Sortie au musée" in found


def test_anonymous_visitor_is_sent_to_login(client, question):
    response = client.get(reverse("conversations:thread", args=[question.pk]))
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_family_cannot_start_a_thread_with_another_family(client, people):
    client.force_login(people["parent"])
    for key in (f"f{people['other_pupil'].pk}", f"g{people['other_parent'].pk}-p{people['other_pupil'].pk}",
                f"t{people['other_parent'].pk}-p{people['pupil'].pk}"):
        response = client.post(reverse("conversations:new_thread"),
                               {"recipient": key, "subject": "Coucou", "text": "Bonjour"})
        assert response.status_code == 400
    assert not Thread.objects.exists()


def test_family_cannot_broadcast_to_a_class(client, people, class_page):
    client.force_login(people["parent"])
    response = client.post(reverse("conversations:broadcast_new", args=[class_page.pk]), {"subject": "A", "text": "B"})
    assert response.status_code == 404


def test_broadcast_families_see_neither_each_other_nor_a_recipient_list(client, people, class_page):
    broadcast = send_broadcast(people["teacher"], class_page, subject="Réunion", text="Mardi 17 h 30")
    threads = list(broadcast.threads.all())
    assert len(threads) == 2
    mine = Thread.objects.get(broadcast=broadcast, participants__user=people["parent"])
    client.force_login(people["parent"])
    page = client.get(reverse("conversations:thread", args=[mine.pk])).content.decode()
    assert "Mardi 17 h 30" in page
    assert people["other_parent"].get_full_name() not in page
    assert people["other_pupil"].first_name not in page
    other = next(t for t in threads if t.pk != mine.pk)
    assert client.get(reverse("conversations:thread", args=[other.pk])).status_code == 404
    # A reply reaches the sender only.
    post_message(people["parent"], mine, mine.participants.get(user=people["parent"]), text="Présents !")
    assert set(mine.participants.values_list("user", flat=True)) == {people["teacher"].pk, people["parent"].pk}
    # The sender sees "read by 1 family out of 2".
    client.force_login(people["teacher"])
    page = client.get(reverse("conversations:broadcast", args=[broadcast.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Lu par 1 famille sur 2" in page.content.decode()


def test_revoked_guardianship_closes_access_at_once(client, people, question):
    client.force_login(people["parent"])
    url = reverse("conversations:thread", args=[question.pk])
    assert client.get(url).status_code == 200
    Guardianship.objects.filter(guardian__user=people["parent"]).delete()
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "Encore moi"}).status_code == 404
    assert "Sortie au musée" not in client.get(reverse("conversations:inbox")).content.decode()


def test_revoked_teaching_assignment_closes_access_at_once(client, people, question):
    client.force_login(people["teacher"])
    url = reverse("conversations:thread", args=[question.pk])
    assert client.get(url).status_code == 200
    TeachingAssignment.objects.filter(user=people["teacher"]).delete()
    assert client.get(url).status_code == 404


def test_ended_partnership_closes_the_partner_thread(client, people):
    from class_blog.models import ClassPartnership, PartnershipStatus

    thread = thread_between(people["teacher"], people["partner_teacher"], subject="Lettres")
    assert thread.kind == "partner"
    client.force_login(people["partner_teacher"])
    url = reverse("conversations:thread", args=[thread.pk])
    assert client.get(url).status_code == 200
    ClassPartnership.objects.update(status=PartnershipStatus.REVOKED)
    assert client.get(url).status_code == 404


def test_recalled_message_disappears_for_its_recipients(client, people, question):
    message = question.messages.get()
    assert recall(people["parent"], message)
    client.force_login(people["teacher"])
    page = client.get(reverse("conversations:thread", args=[question.pk])).content.decode()
    assert "pique-nique" not in page
    assert "Sortie au musée" not in client.get(reverse("conversations:inbox")).content.decode()


def test_a_read_message_cannot_be_recalled(client, people, question):
    client.force_login(people["teacher"])
    client.get(reverse("conversations:thread", args=[question.pk]))
    assert not recall(people["parent"], question.messages.get())


def test_message_cannot_be_recalled_after_the_delay(people, question, settings):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    settings.PREAU_CONVERSATIONS_RECALL_MINUTES = 15
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert not recall(people["parent"], question.messages.get())


def test_attachment_reachable_only_by_participants(client, people):
    photo = SimpleUploadedFile("sortie.jpg", photo_bytes(), content_type="image/jpeg")
    thread = thread_between(people["teacher"], people["parent"], subject="Photo", attachment=photo)
    attachment = thread.messages.get().attachments.get()
    from conversations.attachments import attachment_url

    assert attachment_url(people["parent"], attachment, viewer_key="") is not None
    # Nobody else: another family, the school's director (not reported), the file views of pages.
    for outsider in (people["other_parent"], people["director"], people["cm2_teacher"]):
        assert attachment_url(outsider, attachment, viewer_key="") is None
        client.force_login(outsider)
        # No page uses an attachment: no signed link is ever minted for it, and a bare path opens nothing.
        assert client.get(attachment.image.get_rendition("original").url).status_code in (403, 404)
        assert not policy.can_view_file(outsider, attachment.image)


def test_a_non_image_disguised_as_a_photo_is_refused_with_nothing_stored(client, people):
    client.force_login(people["parent"])
    fake = SimpleUploadedFile("photo.jpg", b"not an image at all", content_type="image/jpeg")
    key = contact_to(people["parent"], people["teacher"]).key
    response = client.post(reverse("conversations:new_thread"),
                           {"recipient": key, "subject": "Photo", "text": "Voici", "attachment": fake})
    assert response.status_code == 400
    assert not Thread.objects.exists()
