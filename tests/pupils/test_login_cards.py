"""Logging in like a child: the card's QR link, the picture password, and reprinting a card."""

import re

import pytest
from django.test import Client

from pupils import cards
from pupils.models import PupilAccount
from pupils.session import TABLET_COOKIE
from tests.factories import make_parent, make_teacher

from .conftest import log_in_with_card, make_pupil, tap, use_as_tablet

pytestmark = pytest.mark.django_db


def test_scanning_the_card_asks_first_and_logs_in_on_the_tap(client, emma):
    response = client.get(emma.url)
    assert response.status_code == 200 and "Emma" in response.content.decode()
    assert "_auth_user_id" not in client.session  # a GET alone never logs anyone in
    log_in_with_card(client, emma)
    assert client.get("/eleve/mon-espace/").status_code == 200


def test_picture_password_logs_in_on_the_class_tablet(client, class_page, emma):
    use_as_tablet(client, class_page)
    names = client.get(f"/eleve/classe/{class_page.pk}/").content.decode()
    assert "Emma" in names and "Lefort" not in names
    response = tap(client, class_page, emma.account, emma.sequence)
    assert response.status_code == 302 and response["Location"] == "/eleve/mon-espace/"


def test_wrong_pictures_do_not_log_in(client, class_page, emma):
    use_as_tablet(client, class_page)
    response = tap(client, class_page, emma.account, ("coeur", "pomme", "fleur"))
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert "Ce ne sont pas tes images" in response.content.decode()


def test_first_names_are_not_listed_outside_the_class_tablet(client, class_page, emma):
    response = client.get(f"/eleve/classe/{class_page.pk}/")
    assert response.status_code == 403 and "Emma" not in response.content.decode()
    assert tap(client, class_page, emma.account, emma.sequence).status_code == 403


def test_another_class_parent_cannot_list_the_first_names(client, class_page, other_class, emma):
    parent, _pupil = make_parent(other_class)
    client.force_login(parent)
    assert client.get(f"/eleve/classe/{class_page.pk}/").status_code == 403


def test_the_class_teacher_sets_up_the_tablet_from_the_admin(client, class_page, emma):
    teacher = make_teacher(class_page)
    client.force_login(teacher)
    response = client.post(f"/admin/preau/eleves/{class_page.pk}/tablette/")
    tablet = Client()  # the teacher logged out; the device keeps its class
    tablet.cookies[TABLET_COOKIE] = response.cookies[TABLET_COOKIE].value
    assert tablet.get("/eleve/")["Location"] == f"/eleve/classe/{class_page.pk}/"
    assert "Emma" in tablet.get(f"/eleve/classe/{class_page.pk}/").content.decode()


def test_reprinting_a_card_revokes_the_old_qr_code_and_pictures(client, class_page, emma, monkeypatch):
    from pupils import credentials

    # Randomness is the one boundary replaced: the new card's pictures differ from the old ones.
    monkeypatch.setattr(credentials, "new_sequence", lambda: ("voiture", "maison", "etoile"))
    client.force_login(make_teacher(class_page))
    response = client.post(f"/admin/preau/cartes/{class_page.pk}/", {"account": emma.account.pk})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.logout()
    assert client.get(emma.url).status_code == 404
    assert client.post(emma.url).status_code == 404
    use_as_tablet(client, class_page)
    tap(client, class_page, emma.account, emma.sequence)
    assert "_auth_user_id" not in client.session
    response = tap(client, class_page, emma.account, ("voiture", "maison", "etoile"))
    assert response["Location"] == "/eleve/mon-espace/"


def test_cards_pdf_has_one_card_per_pupil_eight_per_sheet(class_page):
    for n in range(10):
        make_pupil(class_page, first_name=f"Enfant{n}", last_name="Durand")
    accounts = list(PupilAccount.objects.select_related("user"))
    pdf = cards.issue_cards(accounts)
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type /Page[^s]", pdf)) == 2


def test_only_the_class_staff_print_cards(client, class_page, other_class, emma):
    client.force_login(make_teacher(other_class))
    assert client.post(f"/admin/preau/cartes/{class_page.pk}/").status_code in (302, 403)
    assert client.get(emma.url).status_code == 200  # the card still works


def test_card_login_costs_a_bounded_number_of_queries(client, emma, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        log_in_with_card(client, emma)
