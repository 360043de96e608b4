"""The family home (/mon-espace/) is remembered per user (ent_pages.my_space_cache), and never stale on
what it shows: a revocation, a publish, homework, a note, an acknowledgement or a message shows at the
next request. Each test reads the home once first, so that what follows is served from what was
remembered unless a version says otherwise; lifetimes are production's."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from class_blog import notes as note_service
from class_blog.models import ClassPostPage, HomeworkEntry
from ent_pages.models import Enrolment, Guardianship, TeachingAssignment
from tests.factories import (
    ClassPageFactory,
    ClassPostPageFactory,
    HomeworkEntryFactory,
    make_director,
    make_parent,
    make_teacher,
)

pytestmark = pytest.mark.django_db

HOME = "/mon-espace/"
TUESDAY_MORNING = datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC)  # 10:00 in Paris, no quiet hours


@pytest.fixture(autouse=True)
def _production_lifetimes(settings):
    """Scopes and page content remembered as in production: a missing invalidation makes a test fail."""
    settings.PREAU_SCOPE_CACHE_SECONDS = 60
    settings.PREAU_PAGE_CACHE_SECONDS = 600


@pytest.fixture(autouse=True)
def _tuesday_morning():
    """A school-day morning: notes reach families at once, homework is due this week."""
    with time_machine.travel(TUESDAY_MORNING, tick=False):
        yield


@pytest.fixture
def class_life(class_page):
    """A class with a post, homework due soon and a note to acknowledge."""
    ClassPostPageFactory(parent=class_page, title="La sortie au musée")
    HomeworkEntryFactory(class_page=class_page, text="Apprendre la table de 7",
                         due_on=TUESDAY_MORNING.date() + datetime.timedelta(days=1))
    return class_page


def home(client):
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def _send_note(class_page, title="Autorisation de sortie"):
    return note_service.send_note(make_teacher(class_page), title=title, text="Merci de signer.", class_page=class_page)


def test_a_child_removed_from_the_class_takes_its_life_off_the_home_at_the_next_request(client, class_life):
    parent, pupil = make_parent(class_life)
    note = _send_note(class_life)
    client.force_login(parent)
    page = home(client)
    assert "La sortie au musée" in page and "Apprendre la table de 7" in page and note.title in page

    Enrolment.objects.filter(pupil=pupil).delete()

    page = home(client)
    assert "La sortie au musée" not in page
    assert "Apprendre la table de 7" not in page
    assert note.title not in page
    assert class_life.title not in page


def test_a_guardianship_revoked_takes_the_class_off_the_home_at_the_next_request(client, class_life):
    parent, pupil = make_parent(class_life)
    client.force_login(parent)
    assert "La sortie au musée" in home(client)

    Guardianship.objects.filter(pupil=pupil).delete()

    page = home(client)
    assert "La sortie au musée" not in page and "Apprendre la table de 7" not in page


def test_a_post_published_shows_at_the_next_request_and_leaves_when_unpublished(client, class_life):
    client.force_login(make_parent(class_life)[0])
    assert "Le spectacle de Noël" not in home(client)

    post = class_life.add_child(instance=ClassPostPage(title="Le spectacle de Noël", slug="noel", live=False))
    assert "Le spectacle de Noël" not in home(client)  # a draft is not shown
    post.save_revision().publish()
    assert "Le spectacle de Noël" in home(client)

    ClassPostPage.objects.get(pk=post.pk).unpublish()
    assert "Le spectacle de Noël" not in home(client)


def test_homework_written_shows_at_the_next_request_and_leaves_when_removed(client, class_life):
    teacher = make_teacher(class_life)
    parent, _ = make_parent(class_life)
    client.force_login(parent)
    assert "Lire le chapitre 3" not in home(client)

    # The teacher's quick entry writes in bulk (no model signal).
    writer = Client()
    writer.force_login(teacher)
    due = datetime.date.today() + datetime.timedelta(days=2)
    assert writer.post(reverse("class_blog:homework_quick_entry"), {
        "classes": [class_life.pk], "due_on": due.isoformat(), "subject": "francais", "text": "Lire le chapitre 3",
    }).status_code == 302
    assert "Lire le chapitre 3" in home(client)

    HomeworkEntry.objects.filter(text="Lire le chapitre 3").delete()
    assert "Lire le chapitre 3" not in home(client)


def test_a_note_sent_shows_at_the_next_request_and_shows_acknowledged_once_acknowledged(client, class_life):
    parent, _ = make_parent(class_life)
    client.force_login(parent)
    assert "Autorisation de sortie" not in home(client)

    note = _send_note(class_life)
    page = home(client)
    assert "Autorisation de sortie" in page
    acknowledge = reverse("class_blog:note_acknowledge", args=[note.pk])
    assert acknowledge in page

    assert client.post(acknowledge, {"next": "home"}).status_code == 302
    assert acknowledge not in home(client)  # no longer waits for the family


def test_a_teacher_follows_acknowledgements_at_the_next_request(client, class_life):
    teacher = make_teacher(class_life)
    parent, _ = make_parent(class_life)
    note = note_service.send_note(teacher, title="Sortie", text="Merci de signer.", class_page=class_life)
    client.force_login(teacher)
    assert "0 sur 1" in home(client) or "0 of 1" in home(client)

    note_service.acknowledge(note, parent)

    page = home(client)
    assert "1 sur 1" in page or "1 of 1" in page


def test_a_note_waiting_for_quiet_hours_shows_when_it_reaches_the_family(client, class_life):
    parent, _ = make_parent(class_life)
    client.force_login(parent)
    dawn = datetime.datetime(2026, 11, 24, 5, 55, tzinfo=datetime.UTC)  # 06:55 in Paris: quiet until 07:00
    with time_machine.travel(dawn, tick=False):
        note = _send_note(class_life, title="Réunion de rentrée")
        assert note.scheduled_for > dawn
        assert "Réunion de rentrée" not in home(client)  # remembered, without the note
    # Six minutes later, the same day, nothing changed since (the entry lives ten): only the time has come.
    with time_machine.travel(note.scheduled_for + datetime.timedelta(minutes=1), tick=False):
        assert "Réunion de rentrée" in home(client)


def test_a_teacher_removed_from_a_class_no_longer_sees_it_at_the_next_request(client, class_life):
    teacher = make_teacher(class_life)
    client.force_login(teacher)
    page = home(client)
    assert class_life.title in page and "La sortie au musée" in page and "Apprendre la table de 7" in page

    TeachingAssignment.objects.filter(user=teacher).delete()

    page = home(client)
    assert class_life.title not in page and "La sortie au musée" not in page
    assert "Apprendre la table de 7" not in page


def test_a_new_message_s_unread_count_shows_at_the_next_request(client, class_life):
    from tests.conversations.helpers import thread_between

    teacher = make_teacher(class_life)
    parent, _ = make_parent(class_life)
    client.force_login(parent)
    page = home(client)
    assert "1 message non lu" not in page and "1 unread message" not in page

    thread_between(teacher, parent, subject="Cahier")

    page = home(client)
    assert "1 message non lu" in page or "1 unread message" in page


def test_two_families_of_different_classes_never_get_each_other_s_home(school, class_life):
    other = ClassPageFactory(parent=school, title="CM2 A")
    ClassPostPageFactory(parent=other, title="Le cross du CM2")
    first, second = Client(), Client()
    for client, class_page, child, parent_name in ((first, class_life, "Emma", "Claire"), (second, other, "Louis", "Hugo")):
        parent = make_parent(class_page, first_name=child)[0]
        # The parents' own names are fixed: a random one ("Bonjour Louis") would read as the other child's.
        parent.first_name, parent.last_name = parent_name, "Martin"
        parent.save(update_fields=["first_name", "last_name"])
        client.force_login(parent)
    for _ in range(2):  # the second round is served from what was remembered
        mine, theirs = home(first), home(second)
        assert "La sortie au musée" in mine and "Le cross du CM2" not in mine and "Louis" not in mine
        assert "Le cross du CM2" in theirs and "La sortie au musée" not in theirs and "Emma" not in theirs


def test_a_remembered_home_carries_each_browser_s_own_csrf_token(class_life):
    parent, _ = make_parent(class_life)
    note = _send_note(class_life)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(parent)
    second.force_login(parent)
    home(first)  # remembered now
    page = home(second)
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert "preau-csrf" not in page
    acknowledge = reverse("class_blog:note_acknowledge", args=[note.pk])
    assert second.post(acknowledge, {"next": "home", "csrfmiddlewaretoken": token}).status_code == 302


def test_a_page_submitted_for_moderation_awaits_the_director_at_the_next_request(client, school, class_life):
    from wagtail.models import Task as WagtailTask
    from wagtail.models import Workflow, WorkflowTask

    director = make_director(school)
    client.force_login(director)
    assert "Le spectacle de Noël" not in home(client)

    post = class_life.add_child(instance=ClassPostPage(title="Le spectacle de Noël", slug="noel", live=False))
    workflow = Workflow.objects.create(name="Relecture")
    WorkflowTask.objects.create(workflow=workflow, task=WagtailTask.objects.create(name="Relire"), sort_order=0)
    post.save_revision()
    workflow.start(post, make_teacher(class_life))

    assert "Le spectacle de Noël" in home(client)
