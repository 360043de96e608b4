"""Teachers stay in control of their class's pupil accounts; families see the last login and can ask."""

import pytest
from django.utils import timezone

from pupils.models import ClassPupilSettings, DisableRequest, PupilAccount
from tests.factories import GuardianFactory, GuardianshipFactory, UserFactory, make_director, make_teacher

from .conftest import log_in_with_card, make_pupil, tap, use_as_tablet

pytestmark = pytest.mark.django_db


def test_teacher_turns_pupil_accounts_off_for_the_class(client, class_page, emma):
    client.force_login(make_teacher(class_page))
    client.post(f"/admin/preau/eleves/{class_page.pk}/", {"show_blog": "on", "show_homework": "on"})
    assert not ClassPupilSettings.objects.get(class_page=class_page).accounts_enabled
    client.logout()
    assert client.post(emma.url).status_code == 404
    use_as_tablet(client, class_page)
    assert client.get(f"/eleve/classe/{class_page.pk}/").status_code == 404


def test_teacher_of_another_class_cannot_manage_these_accounts(client, class_page, other_class, emma):
    client.force_login(make_teacher(other_class))
    assert client.get(f"/admin/preau/eleves/{class_page.pk}/").status_code in (302, 403)
    response = client.post(f"/admin/preau/eleves/{class_page.pk}/compte/{emma.account.pk}/", {"action": "disable"})
    assert response.status_code in (302, 403) and PupilAccount.objects.get(pk=emma.account.pk).is_active


def test_teacher_and_director_see_who_logged_in_this_week(client, school, class_page, emma):
    log_in_with_card(client, emma)
    client.post("/eleve/fini/")
    for staff in (make_teacher(class_page), make_director(school)):
        client.force_login(staff)
        html = client.get(f"/admin/preau/eleves/{class_page.pk}/").content.decode()
        assert "Emma L." in html and "1 élève s&#x27;est connecté" not in html
        assert "Un élève s&#x27;est connecté cette semaine" in html or "Un élève s'est connecté cette semaine" in html


def test_teacher_disables_one_pupil_without_touching_the_class(client, class_page, emma):
    leo = make_pupil(class_page, first_name="Léo", last_name="Martin", sequence=("voiture", "maison", "etoile"))
    staff = client.__class__()
    staff.force_login(make_teacher(class_page))
    staff.post(f"/admin/preau/eleves/{class_page.pk}/compte/{emma.account.pk}/", {"action": "disable"})
    assert client.post(emma.url).status_code == 404
    use_as_tablet(client, class_page)
    assert tap(client, class_page, leo.account, leo.sequence)["Location"] == "/eleve/mon-espace/"


def test_disabled_pupil_is_logged_out_at_once(client, class_page, emma):
    log_in_with_card(client, emma)
    from pupils.accounts import set_account_enabled

    set_account_enabled(PupilAccount.objects.get(pk=emma.account.pk), False)
    assert client.get("/eleve/mon-espace/")["Location"] == "/eleve/"


def test_family_sees_last_login_and_asks_the_teacher_to_disable(client, class_page, emma, django_assert_max_num_queries):
    parent = UserFactory()
    GuardianshipFactory(guardian=GuardianFactory(user=parent), pupil=emma.account.pupil)
    PupilAccount.objects.filter(pk=emma.account.pk)
    emma.account.user.last_login = timezone.now()
    emma.account.user.save(update_fields=["last_login"])
    client.force_login(parent)
    with django_assert_max_num_queries(30):
        html = client.get("/mon-espace/").content.decode()
    assert "Les comptes élèves de mes enfants" in html and "dernière connexion" in html
    client.post(f"/eleve/famille/{emma.account.pupil_id}/desactiver/")
    client.post(f"/eleve/famille/{emma.account.pupil_id}/desactiver/")  # twice: one request
    assert DisableRequest.objects.filter(pupil=emma.account.pupil, requested_by=parent).count() == 1
    teacher = client.__class__()
    teacher.force_login(make_teacher(class_page))
    assert "La famille demande sa désactivation" in teacher.get(f"/admin/preau/eleves/{class_page.pk}/").content.decode()


def test_another_family_cannot_ask_to_disable_someone_elses_child(client, emma):
    client.force_login(UserFactory())
    assert client.post(f"/eleve/famille/{emma.account.pupil_id}/desactiver/").status_code == 404
    assert not DisableRequest.objects.exists()
