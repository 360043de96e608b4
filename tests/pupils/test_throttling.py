"""Guessing pictures is locked after a few tries, for that pupil only; a class-wide storm locks picture logins
of the class; a teacher unlocks."""

import pytest

from pupils.models import ClassPupilSettings, PupilAccount
from tests.factories import make_teacher

from .conftest import make_pupil, tap, use_as_tablet

pytestmark = pytest.mark.django_db

WRONG = ("coeur", "pomme", "fleur")


def test_five_wrong_tries_lock_the_pupil_but_not_the_class(client, class_page, emma):
    leo = make_pupil(class_page, first_name="Léo", last_name="Martin", sequence=("voiture", "maison", "etoile"))
    use_as_tablet(client, class_page)
    for _ in range(5):
        tap(client, class_page, emma.account, WRONG)
    response = tap(client, class_page, emma.account, emma.sequence)  # even the right pictures now
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert PupilAccount.objects.get(pk=emma.account.pk).locked_at is not None
    assert tap(client, class_page, leo.account, leo.sequence)["Location"] == "/eleve/mon-espace/"


def test_a_right_sequence_resets_the_count(client, class_page, emma):
    use_as_tablet(client, class_page)
    for _ in range(4):
        tap(client, class_page, emma.account, WRONG)
    assert tap(client, class_page, emma.account, emma.sequence).status_code == 302
    assert PupilAccount.objects.get(pk=emma.account.pk).failed_attempts == 0


def test_teacher_unlocks_a_locked_pupil(client, class_page, emma):
    use_as_tablet(client, class_page)
    for _ in range(5):
        tap(client, class_page, emma.account, WRONG)
    staff = client.__class__()
    staff.force_login(make_teacher(class_page))
    staff.post(f"/admin/preau/eleves/{class_page.pk}/compte/{emma.account.pk}/", {"action": "unlock"})
    assert tap(client, class_page, emma.account, emma.sequence)["Location"] == "/eleve/mon-espace/"


def test_guessing_across_the_class_locks_picture_logins_of_the_class_until_a_teacher_unlocks(client, class_page, settings):
    settings.PREAU_CLASS_LOCK_AFTER = 6
    pupils = [make_pupil(class_page, first_name=f"Enfant{n}", last_name="Durand", sequence=("soleil", "arbre", "maison"))
              for n in range(4)]
    use_as_tablet(client, class_page)
    for card in pupils[:3]:
        tap(client, class_page, card.account, WRONG)
        tap(client, class_page, card.account, WRONG)
    assert ClassPupilSettings.objects.get(class_page=class_page).pictures_locked_at is not None
    assert tap(client, class_page, pupils[3].account, pupils[3].sequence).status_code == 429
    assert client.post(pupils[3].url).status_code == 302  # the QR card still works
    client.post("/eleve/fini/")
    staff = client.__class__()
    staff.force_login(make_teacher(class_page))
    staff.post(f"/admin/preau/eleves/{class_page.pk}/deverrouiller/")
    use_as_tablet(client, class_page)
    assert tap(client, class_page, pupils[3].account, pupils[3].sequence)["Location"] == "/eleve/mon-espace/"
