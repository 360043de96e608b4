"""Pupil accounts with printed cards, logged in from the outside (the card's QR link or the pictures)."""

import pytest
from django.core.signing import get_cookie_signer

from pupils.accounts import sync_pupil_accounts
from pupils.credentials import issue_card
from pupils.models import PupilAccount
from pupils.session import TABLET_COOKIE, TABLET_SALT
from tests.factories import EnrolmentFactory, PupilFactory

PICTURES = ("soleil", "arbre", "poisson")


class Card:
    def __init__(self, account, token, sequence):
        self.account, self.token, self.sequence = account, token, sequence

    @property
    def url(self):
        return f"/eleve/carte/{self.token}/"


def make_pupil(class_page, first_name="Emma", last_name="Lefort", sequence=PICTURES):
    """A pupil enrolled in `class_page` this year, their account (by the sync) and a printed card."""
    pupil = PupilFactory(first_name=first_name, last_name=last_name)
    EnrolmentFactory(pupil=pupil, class_page=class_page)
    sync_pupil_accounts()
    account = PupilAccount.objects.select_related("user").get(pupil=pupil)
    token, sequence = issue_card(account, sequence)
    return Card(account, token, sequence)


def log_in_with_card(client, card):
    response = client.post(card.url)
    assert response.status_code == 302 and response["Location"] == "/eleve/mon-espace/", response
    return response


def use_as_tablet(client, class_page):
    client.cookies[TABLET_COOKIE] = get_cookie_signer(salt=TABLET_COOKIE + TABLET_SALT).sign(str(class_page.pk))


def tap(client, class_page, account, sequence):
    """Tap pictures one by one as a child would; returns the last response."""
    url = f"/eleve/classe/{class_page.pk}/{account.pk}/"
    taps, response = [], None
    for key in sequence:
        response = client.post(url, {"taps": ",".join(taps), "picture": key})
        taps.append(key)
    return response


@pytest.fixture
def class_page(school):
    from tests.factories import ClassPageFactory

    return ClassPageFactory(parent=school, title="CE1 B", levels=["CE1"])


@pytest.fixture
def other_class(school):
    from tests.factories import ClassPageFactory

    return ClassPageFactory(parent=school, title="CM2 A", levels=["CM2"])


@pytest.fixture
def emma(class_page):
    return make_pupil(class_page)


@pytest.fixture
def pupil_client(client, emma):
    log_in_with_card(client, emma)
    return client
