"""Revocation is immediate on every channel.

Each test logs a user in, opens every channel they may use (so that their scope and file decisions
are remembered, with the production cache lifetimes), then revokes the right that gave access
through the ORM, as an import, the admin or the shell would, and asks again with the SAME session:
the next request on each channel must be refused. A login, conversely, must not forget everyone's
remembered scopes.
"""

import datetime
import html

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from class_blog import notes as note_service
from class_blog.models import ClassPartnership, PartnershipStatus
from ent_pages.access import policy
from ent_pages.models import Enrolment, Guardianship, PrivateDocument, StaffAssignment, TeachingAssignment
from ent_pages.roles import page_collection
from tests.factories import (
    ClassPageFactory,
    ClassPostPageFactory,
    HomeworkEntryFactory,
    UserFactory,
    make_director,
    make_parent,
    make_teacher,
)
from tests.media_files import pdf_bytes
from tests.media_links import LINK_RE, post_body

pytestmark = pytest.mark.django_db

#: Every channel through which a class's content leaves Préau.
ALL_CHANNELS = ("page", "search", "feed", "file", "note", "homework")
#: A partner class reads the blog (and its files), never homework or notes.
PARTNER_CHANNELS = ("page", "search", "feed", "file")


@pytest.fixture(autouse=True)
def _production_lifetimes(settings):
    """Remembered scopes as in production, so that a missing bump makes a test fail."""
    settings.PREAU_SCOPE_CACHE_SECONDS = 60


@pytest.fixture(autouse=True)
def _school_day():
    """A Tuesday morning: notes are delivered at once (no quiet hours)."""
    with time_machine.travel(datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC), tick=True):
        yield


class ClassLife:
    """A class with one item on each channel; `reachable(client)` says which channels answer."""

    WORD = "xylophone"

    def __init__(self, class_page):
        self.class_page = class_page
        self.teacher = make_teacher(class_page)
        self.document = PrivateDocument.objects.create(
            title="Liste des fournitures", collection=page_collection(class_page),
            file=ContentFile(pdf_bytes(), name="fournitures.pdf"),
        )
        # The post shows the document: files reach families through the published pages that use them.
        self.post = ClassPostPageFactory(parent=class_page, title=f"Le {self.WORD} de la classe",
                                         body=post_body(document=self.document))
        self.homework = HomeworkEntryFactory(class_page=class_page, text="Apporter le trombone",
                                             due_on=timezone.localdate() + datetime.timedelta(days=1))

    def send_note(self):
        self.note = note_service.send_note(self.teacher, title="Sortie au musée", text="Merci de signer.",
                                           class_page=self.class_page)
        assert self.note.is_delivered

    def reachable(self, client):
        """The channels on which this class's content reaches the client's user."""
        seen = set()
        page = client.get(self.post.url)
        if page.status_code == 200:
            seen.add("page")
            # The file channel: the link the page hands to this browser, fetched with its cookie.
            for link in LINK_RE.findall(page.content.decode()):
                if link.startswith(f"/fichiers/documents/{self.document.pk}/") and \
                        client.get(html.unescape(link)).status_code == 200:
                    seen.add("file")
        search = client.get(reverse("search:api"), {"q": self.WORD})
        if search.status_code == 200 and self.WORD in str(search.json()["results"]).lower():
            seen.add("search")
        home = client.get(reverse("ent_pages:my_space"))
        if home.status_code == 200 and self.WORD in home.content.decode():
            seen.add("feed")
        if hasattr(self, "note") and client.get(reverse("class_blog:note_detail", args=[self.note.pk])).status_code == 200:
            seen.add("note")
        homework = client.get(reverse("class_blog:class_homework", args=[self.class_page.pk]))
        if homework.status_code == 200 and "trombone" in homework.content.decode():
            seen.add("homework")
        return seen


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def life(class_page):
    return ClassLife(class_page)


def assert_revoked(life, client, before, revoke):
    """`before` channels answer; after `revoke()` none does, on the session opened before the change."""
    assert life.reachable(client) == set(before)
    revoke()
    assert life.reachable(client) == set()


# ----------------------------------------------------------------------------------------- families
def test_removed_enrolment_closes_every_channel_at_once(life):
    parent, pupil = make_parent(life.class_page)
    life.send_note()
    assert_revoked(life, logged_in(parent), ALL_CHANNELS, lambda: Enrolment.objects.filter(pupil=pupil).delete())


def test_pupil_moved_to_another_class_loses_the_old_class_at_once(life, school):
    parent, pupil = make_parent(life.class_page)
    life.send_note()
    new_class = ClassPageFactory(parent=school, title="CE2 A")

    def move():
        enrolment = Enrolment.objects.get(pupil=pupil)
        enrolment.class_page = new_class
        enrolment.save()

    assert_revoked(life, logged_in(parent), ALL_CHANNELS, move)


def test_removed_guardianship_closes_every_channel_at_once(life):
    parent, pupil = make_parent(life.class_page)
    life.send_note()
    assert_revoked(life, logged_in(parent), ALL_CHANNELS, lambda: Guardianship.objects.filter(pupil=pupil).delete())


def test_deactivated_account_is_refused_at_once(life):
    parent, _ = make_parent(life.class_page)
    life.send_note()

    def deactivate():
        parent.is_active = False
        parent.save(update_fields=["is_active"])

    assert_revoked(life, logged_in(parent), ALL_CHANNELS, deactivate)


# -------------------------------------------------------------------------------------------- staff
def test_removed_teaching_assignment_closes_the_class_at_once(life):
    client = logged_in(life.teacher)
    life.send_note()
    assert_revoked(life, client, ALL_CHANNELS, lambda: TeachingAssignment.objects.filter(user=life.teacher).delete())


def test_removed_director_assignment_closes_the_school_at_once(life, school):
    director = make_director(school)
    life.send_note()
    assert_revoked(life, logged_in(director), ALL_CHANNELS,
                   lambda: StaffAssignment.objects.filter(user=director).delete())


def test_removed_explicit_grant_closes_the_class_at_once(life):
    substitute = UserFactory()
    assign_perm("ent_pages.view_class_content", substitute, life.class_page)
    life.send_note()
    # A grant opens the class's pages, search, files and homework; notes are for recipients and managers.
    assert_revoked(life, logged_in(substitute), ("page", "search", "feed", "file", "homework"),
                   lambda: remove_perm("ent_pages.view_class_content", substitute, life.class_page))


def test_leaving_a_granted_group_closes_the_class_at_once(life):
    substitute = UserFactory()
    group = Group.objects.create(name="Remplaçants")
    assign_perm("ent_pages.view_class_content", group, life.class_page)
    substitute.groups.add(group)
    assert_revoked(life, logged_in(substitute), ("page", "search", "feed", "file", "homework"),
                   lambda: substitute.groups.remove(group))


# ---------------------------------------------------------------------------------- partner classes
def test_revoked_partnership_closes_the_partner_families_and_teachers_at_once(life, other_school):
    partner_class = ClassPageFactory(parent=other_school, title="CM1 Louise Michel")
    partnership = ClassPartnership.objects.create(inviting_class=life.class_page, invited_class=partner_class,
                                                  status=PartnershipStatus.ACCEPTED)
    parent, _ = make_parent(partner_class)
    teacher = make_teacher(partner_class)
    clients = [logged_in(parent), logged_in(teacher)]
    for client in clients:
        assert life.reachable(client) == set(PARTNER_CHANNELS)
    partnership.status = PartnershipStatus.REVOKED
    partnership.save()
    for client in clients:
        assert life.reachable(client) == set()


def test_deleted_partnership_closes_the_blog_at_once(life, other_school):
    partner_class = ClassPageFactory(parent=other_school)
    partnership = ClassPartnership.objects.create(inviting_class=life.class_page, invited_class=partner_class,
                                                  status=PartnershipStatus.ACCEPTED)
    parent, _ = make_parent(partner_class)
    assert_revoked(life, logged_in(parent), PARTNER_CHANNELS, partnership.delete)


# ------------------------------------------------------------------------------------------- pages
def test_unpublished_class_closes_its_pages_and_files_at_once(life):
    parent, _ = make_parent(life.class_page)
    client = logged_in(parent)
    assert {"page", "file"} <= life.reachable(client)
    # As the admin's "unpublish, with its subpages" does: the class and its posts.
    for page in life.class_page.get_descendants(inclusive=True).live().specific():
        page.unpublish()
    seen = life.reachable(client)
    assert not {"page", "file", "search", "feed"} & seen
    assert client.get(life.class_page.url or "/").status_code != 200 or life.class_page.url is None


def test_class_moved_to_another_school_leaves_the_old_director_at_once(life, school, other_school):
    director = make_director(school)
    client = logged_in(director)
    assert {"page", "file", "homework"} <= life.reachable(client)
    life.class_page.move(other_school, pos="last-child")
    life.post.refresh_from_db()
    assert life.reachable(client) == set()


# ------------------------------------------------------------------------------------------ logins
def test_a_login_does_not_forget_remembered_scopes(life, client):
    parent, _ = make_parent(life.class_page)
    other = UserFactory()
    policy.scope(parent)
    version = policy.access_version()
    client.login(username=other.username, password="Un-mot-de-passe-2026")
    other.refresh_from_db()
    assert other.last_login is not None
    assert policy.access_version() == version


def test_a_change_of_role_still_bumps_the_access_version(life):
    version = policy.access_version()
    life.teacher.is_superuser = True
    life.teacher.save()
    assert policy.access_version() > version


def test_archived_class_closing_to_its_families_takes_effect_at_once(life):
    parent, pupil = make_parent(life.class_page)
    Enrolment.objects.filter(pupil=pupil).update(school_year="2019-2020")  # last year's class, archived
    life.class_page.family_visible_until = timezone.localdate() + datetime.timedelta(days=10)
    life.class_page.save(update_fields=["family_visible_until"])
    client = logged_in(parent)

    def close():
        life.class_page.family_visible_until = timezone.localdate() - datetime.timedelta(days=1)
        life.class_page.save(update_fields=["family_visible_until"])

    assert_revoked(life, client, ("page", "search", "feed", "file", "homework"), close)
