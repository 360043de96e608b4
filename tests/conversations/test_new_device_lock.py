"""A sign-in from a new device pauses the account's sending until the school confirms (hijacked accounts)."""

from django.urls import reverse

from conversations.models import Message, MessagingRestriction, Thread
from ent_pages.access import policy
from ent_pages.models import Guardian
from ent_pages.second_factor import service
from tests.factories import (
    ClassPageFactory,
    EnrolmentFactory,
    GuardianshipFactory,
    PupilFactory,
    UserFactory,
)
from tests.media_links import browser

from .helpers import contact_to, thread_between

PASSWORD = "Un-mot-de-passe-2026"  # tests.factories.UserFactory
LOGIN = "/connexion/"
PAUSED = "envoi de messages est en pause"


def sign_in(user):
    """A browser of its own signing in with the password (a family: no second factor)."""
    client = browser()
    client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert "_auth_user_id" in client.session
    return client


def pauses(user):
    return MessagingRestriction.objects.in_force().filter(user=user, kind=MessagingRestriction.Kind.NEW_DEVICE)


def test_the_very_first_device_does_not_pause_sending(people):
    sign_in(people["parent"])
    assert not pauses(people["parent"]).exists()
    assert policy.may_send_messages(people["parent"])


def test_a_new_device_pauses_sending_in_each_school_of_the_account(people, other_school):
    parent = people["parent"]
    second_child = PupilFactory(first_name="Zoé")
    EnrolmentFactory(pupil=second_child, class_page=ClassPageFactory(parent=other_school, title="CP"))
    GuardianshipFactory(guardian=Guardian.objects.get(user=parent), pupil=second_child)
    first = sign_in(parent)
    device_cookie = first.cookies[service.DEVICE_COOKIE].value
    again = browser()
    again.cookies[service.DEVICE_COOKIE] = device_cookie
    again.post(LOGIN, {"username": parent.username, "password": PASSWORD})
    assert not pauses(parent).exists()  # the same browser again: nothing new

    sign_in(parent)  # another browser
    assert {r.school_id for r in pauses(parent)} == {people["pupil"].enrolments.get().class_page.get_parent().pk,
                                                     other_school.pk}
    assert not policy.may_send_messages(parent)
    sign_in(parent)  # a third browser while paused: no second pause
    assert pauses(parent).count() == 2


def test_an_account_without_a_school_is_not_paused(db):
    user = UserFactory()
    sign_in(user)
    sign_in(user)
    assert not MessagingRestriction.objects.exists()


def test_where_the_family_writes_a_french_message_explains_and_the_typed_text_is_kept(people):
    thread = thread_between(people["teacher"], people["parent"], subject="Sortie")
    sign_in(people["parent"])
    family = sign_in(people["parent"])  # a new device
    url = reverse("conversations:thread", args=[thread.pk])
    assert PAUSED in family.get(url).content.decode()

    response = family.post(url, {"text": "Mon fils sera absent vendredi, il a rendez-vous chez le médecin."})
    page = response.content.decode()
    assert response.status_code == 200 and PAUSED in page
    assert "Mon fils sera absent vendredi, il a rendez-vous chez le médecin." in page  # nothing lost
    assert not Message.objects.filter(body__contains="absent").exists()

    new_thread = reverse("conversations:new_thread")
    assert PAUSED in family.get(new_thread).content.decode()
    key = contact_to(people["parent"], people["teacher"]).key
    response = family.post(new_thread, {"recipient": key, "subject": "Cantine", "text": "Il ne mange pas de porc."})
    page = response.content.decode()
    assert response.status_code == 400 and PAUSED in page and "Il ne mange pas de porc." in page and "Cantine" in page
    assert not Thread.objects.filter(subject="Cantine").exists()


def test_the_director_lifts_the_pause_as_a_burst_lock_and_sending_works_again(people, other_school):
    parent = people["parent"]
    second_child = PupilFactory(first_name="Zoé")
    EnrolmentFactory(pupil=second_child, class_page=ClassPageFactory(parent=other_school, title="CP"))
    GuardianshipFactory(guardian=Guardian.objects.get(user=parent), pupil=second_child)
    thread = thread_between(people["teacher"], parent, subject="Sortie")
    sign_in(parent)
    family = sign_in(parent)
    lock = pauses(parent).get(school=thread.school)

    director = browser(people["director"])
    moderation = director.get(reverse("conversations:moderation")).content.decode()
    assert "en pause après une connexion depuis un nouvel appareil" in moderation
    assert browser(people["other_parent"]).post(reverse("conversations:lift", args=[lock.pk])).status_code == 404
    assert director.post(reverse("conversations:lift", args=[lock.pk])).status_code == 302
    # One confirmation is enough: the pause set in the other school at the same sign-in is lifted too.
    assert not pauses(parent).exists()
    assert policy.may_send_messages(parent)

    url = reverse("conversations:thread", args=[thread.pk])
    assert PAUSED not in family.get(url).content.decode()
    assert family.post(url, {"text": "Merci, c'était bien moi."}).status_code == 302
    assert Message.objects.filter(body__contains="bien moi").exists()
