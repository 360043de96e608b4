"""Login, logout, password change and reset, in French with the site's look."""

import re

import pytest
from django.core import mail

from tests.factories import UserFactory, make_parent

pytestmark = pytest.mark.django_db

PASSWORD = "Un-mot-de-passe-2026"


def test_login_page_is_in_french(client):
    body = client.get("/connexion/").content.decode()
    assert "Connexion" in body and 'lang="fr"' in body


def test_parent_logs_in_and_lands_on_their_space(client, class_page):
    parent, pupil = make_parent(class_page)
    response = client.post("/connexion/", {"username": parent.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/mon-espace/"
    body = response.content.decode()
    assert pupil.first_name in body and class_page.title in body


def test_wrong_password_is_refused(client):
    user = UserFactory()
    response = client.post("/connexion/", {"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(client):
    client.force_login(UserFactory())
    client.post("/deconnexion/")
    assert "_auth_user_id" not in client.session


def test_my_space_requires_login(client):
    assert client.get("/mon-espace/").status_code == 302


def test_password_change_enforces_the_cnil_rule(client):
    user = UserFactory()
    client.force_login(user)
    weak = {"old_password": PASSWORD, "new_password1": "abcdefghijkl", "new_password2": "abcdefghijkl"}
    assert client.post("/mot-de-passe/", weak).status_code == 200  # form redisplayed with errors
    strong = {"old_password": PASSWORD, "new_password1": "Cartable-vert-42", "new_password2": "Cartable-vert-42"}
    assert client.post("/mot-de-passe/", strong).status_code == 302


def test_password_reset_sends_a_working_link(client):
    user = UserFactory(email="famille@example.org")
    client.post("/mot-de-passe/oubli/", {"email": "famille@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/mot-de-passe/nouveau/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    response = client.post(response.redirect_chain[-1][0], {"new_password1": "Cartable-vert-42", "new_password2": "Cartable-vert-42"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Cartable-vert-42")
