"""Per-device tokens: obtained by login (staff with their second factor), listed, revocable; a revoked
token answers 401; pupils get none; logins are throttled by django-axes."""

import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import APIToken

from tests.api.conftest import ApiClient, client_for
from tests.factories import make_parent, make_teacher

pytestmark = pytest.mark.django_db

PASSWORD = "Un-mot-de-passe-2026"


def log_in(**data):
    return Client().post("/api/v1/auth/login/", data, content_type="application/json")


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_parent_gets_a_token_by_login_and_reads_their_account_with_it(class_page):
    parent, _child = make_parent(class_page, username="parent.api")
    response = log_in(username="parent.api", password=PASSWORD, device="Téléphone de Léa")
    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith("wagtail_") and body["device"] == "Téléphone de Léa"
    # Only a digest is stored: the token in clear is nowhere in the database.
    assert not APIToken.objects.filter(key_hash=body["token"]).exists()
    assert APIToken.objects.get(pk=body["id"]).key_hash != body["token"]
    me = ApiClient(body["token"]).get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["username"] == "parent.api"


def test_a_wrong_password_gets_no_token_and_a_french_error(class_page):
    make_parent(class_page, username="parent.api")
    response = log_in(username="parent.api", password="mauvais")
    assert response.status_code == 401
    assert response.json() == {"detail": "Identifiant ou mot de passe incorrect.", "code": "bad_credentials"}
    assert not APIToken.objects.exists()


def test_a_revoked_token_answers_401(class_page):
    parent, _child = make_parent(class_page)
    client = client_for(parent)
    assert client.get("/api/v1/me/").status_code == 200
    assert client.post("/api/v1/auth/logout/").status_code == 204
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Ce jeton a été révoqué : reconnectez-vous."
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_parent_lists_their_devices_and_revokes_a_lost_phone(class_page):
    parent, _child = make_parent(class_page)
    tablet, phone = client_for(parent, "Tablette"), client_for(parent, "Téléphone perdu")
    listed = tablet.get("/api/v1/tokens/").json()
    assert listed["count"] == 2
    assert {(t["device"], t["current"]) for t in listed["results"]} == {("Tablette", True), ("Téléphone perdu", False)}
    assert tablet.delete(f"/api/v1/tokens/{phone.token_row.pk}/").status_code == 204
    assert phone.get("/api/v1/me/").status_code == 401
    assert tablet.get("/api/v1/me/").status_code == 200
    assert [t["device"] for t in tablet.get("/api/v1/tokens/").json()["results"]] == ["Tablette"]


def test_a_parent_cannot_revoke_another_account_token(class_page):
    parent, _child = make_parent(class_page)
    other, _their_child = make_parent(class_page)
    theirs = client_for(other)
    assert client_for(parent).delete(f"/api/v1/tokens/{theirs.token_row.pk}/").status_code == 404
    assert theirs.get("/api/v1/me/").status_code == 200


def test_staff_login_needs_the_code_of_their_authenticator(class_page):
    teacher = make_teacher(class_page, username="enseignant.api")
    device = TOTPDevice.objects.create(user=teacher, name="app", confirmed=True)

    without = log_in(username="enseignant.api", password=PASSWORD)
    assert without.status_code == 401 and without.json()["code"] == "second_factor_required"
    assert not APIToken.objects.exists()

    right = log_in(username="enseignant.api", password=PASSWORD, code=current_code(device))
    assert right.status_code == 201
    assert ApiClient(right.json()["token"]).get("/api/v1/me/").status_code == 200

    wrong = log_in(username="enseignant.api", password=PASSWORD, code="12345678")
    assert wrong.status_code == 401 and wrong.json()["detail"] == "Ce code n'est pas valide."
    assert APIToken.objects.count() == 1


def test_staff_without_an_authenticator_must_enrol_on_the_website_first(class_page):
    make_teacher(class_page, username="enseignant.api")
    response = log_in(username="enseignant.api", password=PASSWORD, code="123456")
    assert response.status_code == 403
    assert "application d'authentification" in response.json()["detail"]
    assert not APIToken.objects.exists()


def test_a_pupil_account_gets_no_token_and_a_pupil_token_answers_401(class_page):
    from tests.pupils.conftest import make_pupil

    user = make_pupil(class_page).account.user
    user.set_password(PASSWORD)
    user.save()
    response = log_in(username=user.username, password=PASSWORD)
    assert response.status_code == 403
    assert response.json()["detail"] == "Ce compte ne peut pas utiliser l'application."
    assert not APIToken.objects.exists()
    # A token made some other way (the admin) is refused as well.
    assert client_for(user).get("/api/v1/me/").status_code == 401


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_api_logins_are_throttled_by_django_axes(class_page):
    make_parent(class_page, username="parent.api")
    for _ in range(2):
        assert log_in(username="parent.api", password="mauvais").status_code == 401
    for password in ("mauvais", PASSWORD):  # the third failure locks; then even the right password is refused
        locked = log_in(username="parent.api", password=password)
        assert locked.status_code == 429
        assert locked.json() == {
            "detail": "Trop de tentatives échouées : réessayez dans un quart d'heure.",
            "code": "throttled",
        }
    assert not APIToken.objects.exists()


def test_a_parent_revokes_a_device_from_the_account_page(client, class_page):
    parent, _child = make_parent(class_page)
    other, _their_child = make_parent(class_page)
    phone, theirs = client_for(parent, "Téléphone de Léa"), client_for(other, "Leur tablette")
    client.force_login(parent)
    page = client.get("/mon-compte/appareils/")
    assert page.status_code == 200
    assert "Téléphone de Léa" in page.content.decode() and "Leur tablette" not in page.content.decode()
    client.post("/mon-compte/appareils/", {"token": theirs.token_row.pk})
    assert theirs.get("/api/v1/me/").status_code == 200
    assert client.post("/mon-compte/appareils/", {"token": phone.token_row.pk}).status_code == 302
    assert phone.get("/api/v1/me/").status_code == 401
    after = client.get("/mon-compte/appareils/").content.decode()
    assert f'name="token" value="{phone.token_row.pk}"' not in after
    assert "Aucun appareil n'utilise l'application avec votre compte." in after.replace("&#x27;", "'")
