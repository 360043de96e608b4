"""Attachments leave only over links signed for one participant's browser, like every private photo."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from conversations.attachments import attachment_url
from conversations.models import Attachment, Report
from conversations.sending import post_message, recall
from ent_pages.access import policy
from ent_pages.media import links
from tests.media_files import pdf_bytes, photo_bytes, upload
from tests.media_links import body, browser, links_on, media_key, path_of

from .helpers import thread_between


def thread_url(thread):
    return reverse("conversations:thread", args=[thread.pk])


def photo_thread(people, sender="teacher", recipient="parent", **kwargs):
    return thread_between(people[sender], people[recipient], subject="Sortie",
                          attachment=upload("sortie.jpg", photo_bytes()), **kwargs)


def test_participants_get_a_working_link_to_a_photo_and_a_document(people):
    thread = photo_thread(people)
    photo = Attachment.objects.get().image
    parent = browser(people["parent"])
    (link,) = links_on(parent, thread_url(thread))
    assert link.startswith(f"/fichiers/originaux/{photo.pk}/") and "?e=" in link and "&s=" in link
    response = parent.get(link)
    assert response.status_code == 200 and body(response)[:2] == b"\xff\xd8"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]

    participation = policy.thread_participation(people["parent"], thread)
    post_message(people["parent"], thread, participation, text="Le bulletin signé",
                 attachment=upload("bulletin.pdf", pdf_bytes(), content_type="application/pdf"))
    document = Attachment.objects.get(document__isnull=False).document
    teacher = browser(people["teacher"])
    found = links_on(teacher, thread_url(thread))
    (document_link,) = [link for link in found if link.startswith(f"/fichiers/documents/{document.pk}/")]
    response = teacher.get(document_link)
    assert response.status_code == 200 and body(response).startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment")
    assert any(link.startswith(f"/fichiers/originaux/{photo.pk}/") for link in found)  # the sender's own photo


def test_outsiders_get_no_link_and_a_participants_link_is_refused_to_them(people):
    thread = photo_thread(people)
    attachment = Attachment.objects.get()
    parent = browser(people["parent"])
    (link,) = links_on(parent, thread_url(thread))
    outsiders = {"another family of the class": people["other_parent"], "another class's parent": people["cm2_parent"]}
    for case, outsider in outsiders.items():
        assert not policy.can_view_attachment(outsider, attachment), case
        assert attachment_url(outsider, attachment, viewer_key=links.new_media_key()) is None, case
        other = browser(outsider)
        assert other.get(thread_url(thread)).status_code == 404, case
        other.cookies[links.COOKIE_NAME] = links.new_media_key()  # that browser's own media key
        assert media_key(other) != media_key(parent)
        assert other.get(link).status_code == 403, case
    anonymous = browser()
    assert attachment_url(None, attachment, viewer_key="") is None
    assert anonymous.get(thread_url(thread)).status_code == 302
    assert anonymous.get(link).status_code == 403
    assert anonymous.get(path_of(link)).status_code == 403


def test_a_link_signed_for_one_viewer_fails_for_another(people):
    photo_thread(people)
    attachment = Attachment.objects.get()
    parent_key, outsider_key = links.new_media_key(), links.new_media_key()
    link = attachment_url(people["parent"], attachment, viewer_key=parent_key)
    own, other = browser(people["parent"]), browser(people["other_parent"])
    own.cookies[links.COOKIE_NAME] = parent_key
    other.cookies[links.COOKIE_NAME] = outsider_key
    assert own.get(link).status_code == 200
    assert other.get(link).status_code == 403


def test_recipients_of_a_recalled_message_get_no_link(people):
    thread = photo_thread(people, sender="parent", recipient="teacher")
    attachment = Attachment.objects.get()
    assert policy.can_view_attachment(people["teacher"], attachment)
    assert recall(people["parent"], attachment.message)
    attachment = Attachment.objects.get()
    for who in ("teacher", "parent"):  # recalled: nobody, its sender included
        assert not policy.can_view_attachment(people[who], attachment), who
        assert attachment_url(people[who], attachment, viewer_key="") is None, who
        assert not links_on(browser(people[who]), thread_url(thread)), who


def test_a_scheduled_messages_file_reaches_the_family_at_its_time(people):
    later = timezone.now() + timedelta(days=1)
    photo_thread(people, scheduled_for=later)
    attachment = Attachment.objects.get()
    assert not policy.can_view_attachment(people["parent"], attachment)
    assert policy.can_view_attachment(people["teacher"], attachment)  # its sender sees what is scheduled
    with time_machine.travel(later + timedelta(minutes=1)):
        assert policy.can_view_attachment(people["parent"], Attachment.objects.get())


def test_the_director_gets_a_link_only_once_the_thread_is_reported(people):
    thread = photo_thread(people)
    assert not policy.can_view_attachment(people["director"], Attachment.objects.get())
    Report.objects.create(thread=thread, reporter=people["parent"], context="Photo déplacée")
    assert policy.can_view_attachment(people["director"], Attachment.objects.get())
    director = browser(people["director"])
    (link,) = links_on(director, thread_url(thread))
    assert director.get(link).status_code == 200


def test_thread_page_with_files_keeps_its_query_budget(people, django_assert_max_num_queries):
    thread = photo_thread(people)
    participation = policy.thread_participation(people["teacher"], thread)
    for n in range(5):
        post_message(people["teacher"], thread, participation, text=f"Photo {n}",
                     attachment=upload(f"photo{n}.jpg", photo_bytes(size=(64, 48))))
    parent = browser(people["parent"])
    links_on(parent, thread_url(thread))  # as after a real login: the browser holds its media key
    with django_assert_max_num_queries(16):  # the budget of a thread page without files
        found = links_on(parent, thread_url(thread))
    assert len(found) == 6
