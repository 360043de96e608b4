"""A pupil writes to the teachers of their class when they turn messages on; nobody else, tried from the outside."""

import pytest
from django.core import mail
from django.test import Client

from conversations.models import Message, Participant, Thread
from ent_pages.access import policy
from tests.factories import make_parent, make_teacher

from .conftest import log_in_with_card, make_pupil

pytestmark = pytest.mark.django_db

SETTINGS = {"accounts_enabled": "on", "show_blog": "on", "show_homework": "on", "show_workbooks": "on"}


def set_messages(class_page, teacher, on=True):
    """The teacher flips "messages with my pupils" on the class's pupil-accounts admin page."""
    staff = Client()
    staff.force_login(teacher)
    response = staff.post(f"/admin/preau/eleves/{class_page.pk}/", {**SETTINGS, **({"messages_enabled": "on"} if on else {})})
    assert response.status_code == 302


@pytest.fixture
def teacher(class_page):
    return make_teacher(class_page)


@pytest.fixture
def open_class(class_page, teacher):
    set_messages(class_page, teacher)
    return class_page


def write(client, recipient, text="Bonjour maîtresse, j'ai oublié mon cahier."):
    return client.post("/eleve/messages/ecrire/", {"recipient": recipient, "text": text})


def test_pupil_writes_to_their_teacher_who_answers_from_the_usual_inbox(open_class, teacher, pupil_client):
    page = pupil_client.get("/eleve/messages/ecrire/")
    assert page.status_code == 200 and teacher.get_full_name() in page.content.decode()
    response = write(pupil_client, f"t{teacher.pk}")
    thread = Thread.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/eleve/messages/{thread.pk}/"
    assert thread.kind == Thread.Kind.PUPIL and thread.class_page_id == open_class.pk

    staff = Client()
    staff.force_login(teacher)
    assert "Emma" in staff.get("/messages/").content.decode()
    assert "oublié mon cahier" in staff.get(f"/messages/{thread.pk}/").content.decode()
    assert staff.post(f"/messages/{thread.pk}/", {"text": "Ce n'est pas grave, Emma."}).status_code == 302

    html = pupil_client.get(f"/eleve/messages/{thread.pk}/").content.decode()
    assert "Ce n&#x27;est pas grave" in html or "Ce n'est pas grave" in html
    assert pupil_client.post(f"/eleve/messages/{thread.pk}/", {"text": "Merci !"}).status_code == 302
    assert Message.objects.filter(thread=thread).count() == 3
    assert "/eleve/messages/" in pupil_client.get("/eleve/mon-espace/").content.decode()


def test_pupils_get_no_email_notification(open_class, teacher, pupil_client, emma):
    write(pupil_client, f"t{teacher.pk}")
    thread = Thread.objects.get()
    staff = Client()
    staff.force_login(teacher)
    staff.post(f"/messages/{thread.pk}/", {"text": "Bien reçu."})
    pupil_row = Participant.objects.get(thread=thread, user=emma.account.user)
    assert pupil_row.notify_due_at is None
    assert all(emma.account.user.email not in message.to for message in mail.outbox)


def test_messages_are_off_until_the_teacher_turns_them_on(class_page, teacher, pupil_client):
    assert pupil_client.get("/eleve/messages/").status_code == 403
    assert write(pupil_client, f"t{teacher.pk}").status_code == 403
    assert "/eleve/messages/" not in pupil_client.get("/eleve/mon-espace/").content.decode()
    assert not Thread.objects.exists()
    set_messages(class_page, teacher)
    assert pupil_client.get("/eleve/messages/").status_code == 200


def test_switch_turned_off_closes_the_pupil_side_and_stops_replies(open_class, teacher, pupil_client):
    write(pupil_client, f"t{teacher.pk}")
    thread = Thread.objects.get()
    set_messages(open_class, teacher, on=False)
    assert pupil_client.get(f"/eleve/messages/{thread.pk}/").status_code == 403
    assert pupil_client.post(f"/eleve/messages/{thread.pk}/", {"text": "Encore moi"}).status_code == 403
    staff = Client()
    staff.force_login(teacher)
    assert staff.get(f"/messages/{thread.pk}/").status_code == 200  # the teacher keeps the history
    staff.post(f"/messages/{thread.pk}/", {"text": "Tu es là ?"})
    assert Message.objects.filter(thread=thread).count() == 1


def test_pupil_cannot_open_another_pupils_thread(open_class, teacher, client, emma):
    leo = make_pupil(open_class, first_name="Léo", last_name="Martin", sequence=("voiture", "maison", "etoile"))
    log_in_with_card(client, leo)
    write(client, f"t{teacher.pk}", "Secret de Léo")
    leos_thread = Thread.objects.get()
    emma_client = Client()
    log_in_with_card(emma_client, emma)
    assert emma_client.get(f"/eleve/messages/{leos_thread.pk}/").status_code == 404
    assert emma_client.post(f"/eleve/messages/{leos_thread.pk}/", {"text": "Coucou Léo"}).status_code == 404
    assert "Secret de Léo" not in emma_client.get("/eleve/messages/").content.decode()
    assert Message.objects.filter(thread=leos_thread).count() == 1


def test_pupil_cannot_write_to_a_family_another_pupil_or_another_class_teacher(
        open_class, other_class, teacher, pupil_client, emma):
    other_teacher = make_teacher(other_class)
    set_messages(other_class, other_teacher)
    parent, pupil = make_parent(open_class)
    leo = make_pupil(open_class, first_name="Léo", last_name="Martin", sequence=("voiture", "maison", "etoile"))
    page = pupil_client.get("/eleve/messages/ecrire/").content.decode()
    assert other_teacher.get_full_name() not in page and parent.get_full_name() not in page
    for key in (f"t{other_teacher.pk}", f"f{pupil.pk}", f"g{parent.pk}-p{pupil.pk}", f"t{leo.account.user_id}",
                f"t{teacher.pk}-p{pupil.pk}", f"c{other_teacher.pk}-s{open_class.get_parent().pk}"):
        assert write(pupil_client, key).status_code == 400, key
    assert not Thread.objects.exists()
    assert {c.kind for c in policy.conversation_contacts(emma.account.user)} == {"pupil"}
    # The grown-ups' messaging is not a pupil's page.
    assert pupil_client.get("/messages/nouveau/").status_code == 302
    assert pupil_client.get("/messages/").status_code == 302


def test_teacher_of_another_class_cannot_read_a_pupil_thread(open_class, other_class, teacher, pupil_client):
    write(pupil_client, f"t{teacher.pk}")
    thread = Thread.objects.get()
    stranger = Client()
    stranger.force_login(make_teacher(other_class))
    assert stranger.get(f"/messages/{thread.pk}/").status_code == 404


def test_revoked_pupil_account_closes_messages_at_the_next_request(open_class, teacher, pupil_client, emma):
    write(pupil_client, f"t{teacher.pk}")
    thread = Thread.objects.get()
    assert pupil_client.get(f"/eleve/messages/{thread.pk}/").status_code == 200
    staff = Client()
    staff.force_login(teacher)
    staff.post(f"/admin/preau/eleves/{open_class.pk}/compte/{emma.account.pk}/", {"action": "disable"})
    response = pupil_client.get(f"/eleve/messages/{thread.pk}/")
    assert response.status_code in (302, 403, 404) and "oublié mon cahier" not in response.content.decode()
    assert pupil_client.post(f"/eleve/messages/{thread.pk}/", {"text": "Allô ?"}).status_code in (302, 403, 404)
    assert Message.objects.filter(thread=thread).count() == 1


def test_pupil_who_changed_class_no_longer_opens_the_old_thread(open_class, other_class, teacher, pupil_client, emma):
    from ent_pages.models import Enrolment

    write(pupil_client, f"t{teacher.pk}")
    thread = Thread.objects.get()
    set_messages(other_class, make_teacher(other_class))
    Enrolment.objects.filter(pupil=emma.account.pupil).update(class_page=other_class)
    policy.bump_access_version()  # bulk updates send no signal; the admin and imports bump it
    assert pupil_client.get(f"/eleve/messages/{thread.pk}/").status_code == 404


def _staff(user):
    staff = Client()
    staff.force_login(user)
    return staff


def test_teacher_starts_a_thread_with_one_pupil_who_reads_and_answers_it(open_class, teacher, pupil_client, emma):
    staff = _staff(teacher)
    families = staff.get(f"/messages/classe/{open_class.pk}/familles/").content.decode()
    assert f"?a=e{emma.account.pupil_id}" in families
    response = staff.post("/messages/nouveau/", {"recipient": f"e{emma.account.pupil_id}", "subject": "Ton exposé",
                                                 "text": "Bravo pour ton exposé, Emma !"})
    thread = Thread.objects.get()
    assert response.status_code == 302 and thread.kind == Thread.Kind.PUPIL and thread.pupil_id == emma.account.pupil_id
    assert "Bravo pour ton exposé" in pupil_client.get(f"/eleve/messages/{thread.pk}/").content.decode()
    assert pupil_client.post(f"/eleve/messages/{thread.pk}/", {"text": "Merci maîtresse"}).status_code == 302
    assert "Merci maîtresse" in staff.get(f"/messages/{thread.pk}/").content.decode()
    # A pupil is never owed an email, whoever starts the thread.
    assert Participant.objects.get(thread=thread, user=emma.account.user).notify_due_at is None
    assert all(emma.account.user.email not in message.to for message in mail.outbox)


def test_teacher_cannot_write_to_a_pupil_while_messages_are_off_nor_to_another_class_pupil(
        class_page, other_class, teacher, emma):
    staff = _staff(teacher)
    key = f"e{emma.account.pupil_id}"
    assert f"?a={key}" not in staff.get(f"/messages/classe/{class_page.pk}/familles/").content.decode()
    assert staff.post("/messages/nouveau/", {"recipient": key, "subject": "Coucou", "text": "Bonjour"}).status_code == 400
    other_pupil = make_pupil(other_class, first_name="Léo", last_name="Martin", sequence=("voiture", "maison", "etoile"))
    set_messages(other_class, make_teacher(other_class))
    set_messages(class_page, teacher)
    response = staff.post("/messages/nouveau/", {"recipient": f"e{other_pupil.account.pupil_id}", "subject": "Coucou",
                                                 "text": "Bonjour Léo"})
    assert response.status_code == 400
    assert not Thread.objects.exists()
    # A family member gets no pupil among their contacts.
    parent, _child = make_parent(class_page)
    assert all(c.kind != Thread.Kind.PUPIL for c in policy.conversation_contacts(parent))
