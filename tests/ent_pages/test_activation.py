"""Activation: a letter's code becomes an account linked to every child, once; guessing is throttled."""

import re
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from ent_pages import activation
from ent_pages.models import ActivationCode, User
from tests.factories import (
    ClassPageFactory,
    EnrolmentFactory,
    GuardianFactory,
    GuardianshipFactory,
    PupilFactory,
    make_parent,
)

pytestmark = pytest.mark.django_db
URL = "/activation/"
PASSWORD = "Cartable-Vert-2026"


def family(*class_pages, external_id=None):
    """A guardian record without account, with one child in each class; returns (guardian, pupils)."""
    guardian = GuardianFactory(user=None, **({"external_id": external_id} if external_id else {}))
    pupils = []
    for class_page in class_pages:
        pupil = PupilFactory()
        EnrolmentFactory(pupil=pupil, class_page=class_page)
        GuardianshipFactory(guardian=guardian, pupil=pupil)
        pupils.append(pupil)
    return guardian, pupils


def code_for(guardian):
    return activation.issue_codes(guardian_ids=[guardian.pk])[("guardian", guardian.pk)]


def form(code, email="maman@example.org", password=PASSWORD, **extra):
    return {"code": code, "email": email, "password1": password, "password2": password, "accept_terms": "on", **extra}


def test_codes_are_four_groups_without_ambiguous_characters_and_stored_only_as_a_keyed_hash(guardian_without_account):
    code = code_for(guardian_without_account)
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){3}", code)
    assert not set(code) & set("01OIL")
    stored = ActivationCode.objects.get(guardian=guardian_without_account)
    assert stored.digest == activation.digest(code) and activation.normalize(code) not in stored.digest
    assert stored.digest == salted_hmac("preau.activation-code", activation.normalize(code), algorithm="sha256").hexdigest()
    assert len(activation.ALPHABET) ** activation.CODE_LENGTH >= 2**60
    assert stored.expires_at.date() == (timezone.now() + timedelta(days=90)).date()


@pytest.fixture
def guardian_without_account(class_page):
    return family(class_page)[0]


def test_a_new_code_kills_the_previous_one(guardian_without_account):
    old = code_for(guardian_without_account)
    new = code_for(guardian_without_account)
    assert activation.find_usable(old) is None
    assert activation.find_usable(new.lower().replace("-", " ")) is not None


def test_parent_activates_with_a_letter_code_and_lands_on_all_their_children(client, class_page, other_class):
    guardian, pupils = family(class_page, other_class)
    code = code_for(guardian)

    response = client.post(URL, form(code))

    # The family is asked for image consent first (periscolaire's after_family_activation hook).
    assert response.status_code == 302 and response.url == reverse("periscolaire:my_image_consents")
    user = User.objects.get(username="maman@example.org")
    guardian.refresh_from_db()
    assert guardian.user == user and user.check_password(PASSWORD)
    home = client.get(reverse("ent_pages:my_space"))
    assert class_page.title in home.content.decode() and other_class.title in home.content.decode()
    for pupil in pupils:
        assert pupil.first_name in home.content.decode()

    client.logout()
    again = client.post(URL, form(code, email="autre@example.org"))
    assert again.status_code == 400
    assert "Ce code ne fonctionne pas" in again.content.decode()
    assert not User.objects.filter(username="autre@example.org").exists()


def test_wrong_expired_and_used_codes_get_the_same_message(client, class_page):
    used_guardian, expired_guardian = family(class_page)[0], family(class_page)[0]
    used = code_for(used_guardian)
    client.post(URL, form(used, email="premier@example.org"))
    client.logout()
    expired = code_for(expired_guardian)
    ActivationCode.objects.filter(guardian=expired_guardian).update(expires_at=timezone.now() - timedelta(seconds=1))
    bodies = []
    for code in (used, expired, "ABCD-EFGH-JKMN-PQRS"):
        response = client.post(URL, form(code, email="x@example.org"))
        assert response.status_code == 400
        bodies.append(re.search(r'<ul class="errorlist[^>]*>(.*?)</ul>', response.content.decode(), re.S).group(1))
    assert bodies[0] == bodies[1] == bodies[2]


def test_password_must_have_12_characters_of_three_kinds(client, guardian_without_account):
    code = code_for(guardian_without_account)
    response = client.post(URL, form(code, password="court1A"))
    assert response.status_code == 400
    response = client.post(URL, form(code, password="toutenminusculesvraiment"))
    assert response.status_code == 400
    assert activation.find_usable(code) is not None  # a form error does not burn the code


def test_terms_must_be_accepted(client, guardian_without_account):
    data = form(code_for(guardian_without_account))
    del data["accept_terms"]
    assert client.post(URL, data).status_code == 400


def test_parent_with_children_in_two_schools_ends_with_one_account(client, class_page):
    elsewhere = ClassPageFactory(title="CP A")  # in another school
    first, (child_here,) = family(class_page, external_id="RL-ECOLE-1")
    second, (child_there,) = family(elsewhere, external_id="RL-ECOLE-2")
    client.post(URL, form(code_for(first)))

    page = client.get(URL)
    assert "email" not in page.context["form"].fields  # logged in: the code only
    response = client.post(URL, {"code": code_for(second)})

    assert response.status_code == 302
    assert User.objects.filter(guardian_records__isnull=False).distinct().count() == 1
    second.refresh_from_db()
    user = User.objects.get(username="maman@example.org")
    assert second.user == user
    home = client.get(reverse("ent_pages:my_space")).content.decode()
    assert class_page.title in home and elsewhere.title in home


def _error_of(response):
    return re.search(r'<ul class="errorlist[^>]*>(.*?)</ul>', response.content.decode(), re.S).group(1)


def test_an_email_already_used_cannot_create_a_second_account(client, class_page, mailoutbox):
    client.post(URL, form(code_for(family(class_page)[0])))
    client.logout()
    mailoutbox.clear()
    guardian = family(class_page)[0]
    code = code_for(guardian)
    response = client.post(URL, form(code))
    assert response.status_code == 400 and "Ce code ne fonctionne pas" in response.content.decode()
    assert User.objects.count() == 1 and activation.find_usable(code) is not None
    # The owner of the address, and only them, is told what to do.
    (notice,) = mailoutbox
    assert notice.to == ["maman@example.org"] and "/activation/" in notice.body and code not in notice.body


def test_activation_answers_alike_whether_the_email_has_an_account_or_not(client, class_page, mailoutbox):
    """Checked first, the code decides: an outsider cannot learn which addresses have an account."""
    User.objects.create_user("connu@example.org", email="connu@example.org", password=PASSWORD)
    wrong = "ABCD-EFGH-JKMN-PQRS"
    taken = client.post(URL, form(wrong, email="connu@example.org"))
    free = client.post(URL, form(wrong, email="inconnu@example.org"))
    assert taken.status_code == free.status_code == 400
    assert _error_of(taken) == _error_of(free)
    assert mailoutbox == []  # a wrong code tells nobody anything
    # With a good code, a taken address gets the wrong code's very answer; the code stays usable.
    code = code_for(family(class_page)[0])
    with_code = client.post(URL, form(code, email="CONNU@example.org"))
    assert with_code.status_code == 400 and _error_of(with_code) == _error_of(free)
    assert activation.find_usable(code) is not None


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=10)
def test_trying_emails_with_a_good_code_is_counted_and_throttled(client, class_page):
    for n in range(10):
        User.objects.create_user(f"parent{n}@example.org", email=f"parent{n}@example.org", password=PASSWORD)
    code = code_for(family(class_page)[0])
    statuses = [client.post(URL, form(code, email=f"parent{n}@example.org"), REMOTE_ADDR="203.0.113.50").status_code
                for n in range(10)]
    assert statuses == [400] * 9 + [429]
    # Locked: even a free address and the good code are refused from that client now.
    assert client.post(URL, form(code, email="libre@example.org"), REMOTE_ADDR="203.0.113.50").status_code == 429


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=10)
def test_invalid_activation_forms_count_as_failures(client):
    statuses = [client.post(URL, {"code": "x", "email": "nope"}, REMOTE_ADDR="203.0.113.51").status_code for _ in range(10)]
    assert statuses == [400] * 9 + [429]


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=10)
def test_twenty_wrong_codes_from_one_address_are_throttled(client, guardian_without_account):
    statuses = [
        client.post(URL, form(f"AAAA-BBBB-CCCC-{n:04d}".replace("0", "2").replace("1", "3"), email=f"p{n}@example.org"),
                    REMOTE_ADDR="203.0.113.9").status_code
        for n in range(20)
    ]
    # The tenth failure locks the address (django-axes): every later attempt is refused.
    assert statuses[:9] == [400] * 9
    assert statuses[9:] == [429] * 11
    # Even the right code is refused while the address is throttled...
    good = code_for(guardian_without_account)
    assert client.post(URL, form(good), REMOTE_ADDR="203.0.113.9").status_code == 429
    assert activation.find_usable(good) is not None
    # ...but another address is not affected.
    assert client.post(URL, form(good), REMOTE_ADDR="198.51.100.7").status_code == 302


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=10)
def test_wrong_codes_against_one_account_are_throttled_whatever_the_address(client, class_page):
    client.post(URL, form(code_for(family(class_page)[0])))  # logged in as maman@example.org
    for n in range(10):
        client.post(URL, {"code": "AAAA-BBBB-CCCC-DDDD"}, REMOTE_ADDR=f"203.0.113.{n}")
    assert client.post(URL, {"code": code_for(family(class_page)[0])}, REMOTE_ADDR="198.51.100.7").status_code == 429


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=10)
def test_login_is_locked_after_ten_failures(client):
    User.objects.create_user("papa@example.org", password=PASSWORD)
    url = reverse("ent_pages:login")
    statuses = [client.post(url, {"username": "papa@example.org", "password": "mauvais"}).status_code for _ in range(10)]
    assert statuses == [200] * 9 + [429]
    locked = client.post(url, {"username": "papa@example.org", "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_activation_page_and_request_take_few_queries(client, class_page, django_assert_max_num_queries):
    guardian, _pupils = family(class_page)
    code = code_for(guardian)
    with django_assert_max_num_queries(2):
        assert client.get(URL).status_code == 200
    # 25, plus the entry in the school's log (4), the browser remembered as a known device (1), and the
    # new account's access scope (3, remembered: the family home that follows reads it without a query).
    with django_assert_max_num_queries(32):
        assert client.post(URL, form(code)).status_code == 302


def test_a_code_never_moves_a_guardian_record_that_already_has_an_account(client, class_page):
    owner, pupil = make_parent(class_page)
    guardian = owner.guardian_records.get()
    code = code_for(guardian)
    response = client.post(URL, form(code, email="intrus@example.org"))
    assert response.status_code == 400
    guardian.refresh_from_db()
    assert guardian.user == owner and not User.objects.filter(username="intrus@example.org").exists()
