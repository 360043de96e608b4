"""The demo city: idempotent, and what every demo user is served matches the access policy."""

import pytest
from django.core.management import call_command
from django.db import transaction
from wagtail.models import Page

from ent_pages.access import policy
from ent_pages.models import ClassPage, Guardian, Pupil, SchoolPage, User

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed the demo once for this module, inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    """Each test runs in a savepoint inside the seeded transaction."""


def counts():
    return [m.objects.count() for m in (Page, SchoolPage, ClassPage, Pupil, Guardian, User)]


def test_seed_demo_twice_gives_the_same_state(demo):
    before = counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts() == before


def test_demo_has_every_role_and_the_sizes_the_readme_promises(demo):
    assert SchoolPage.objects.count() == 3
    assert set(SchoolPage.objects.values_list("kind", flat=True)) == {"maternelle", "elementaire", "primaire"}
    assert 6 <= ClassPage.objects.count() <= 9
    assert 55 <= Pupil.objects.count() <= 65
    for username in ["admin", "redactrice.ville", "directeur.ferry", "enseignant.ferry.ce1-b", "animatrice.ferry",
                     "parent.ce1b", "parent.fratrie", "maman.separee", "papa.separe"]:
        assert User.objects.filter(username=username).exists(), username


def test_every_demo_user_is_served_exactly_what_the_policy_allows(demo, client):
    pages = list(Page.objects.live().filter(depth__gt=1).specific())
    users = [None, *User.objects.filter(is_superuser=False).order_by("username")]
    for user in users:
        client.logout()
        if user is not None:
            client.force_login(user)
        for page in pages:
            response = client.get(page.url)
            allowed = policy.can_view(user, page)
            expected = 200 if allowed else (302 if user is None else 404)
            assert response.status_code == expected, (user, page.url, response.status_code)


def test_demo_parent_sees_their_childs_class_and_not_another(demo, client):
    client.login(username="parent.ce1b", password="Preau-Demo-2026")
    assert client.get("/jules-ferry/ce1-b/").status_code == 200
    assert client.get("/jules-ferry/cm2-a/").status_code == 404
    assert client.get("/lilas/gs/").status_code == 404


def test_demo_siblings_parent_sees_both_classes(demo, client):
    client.login(username="parent.fratrie", password="Preau-Demo-2026")
    assert client.get("/jules-ferry/cp-a/").status_code == 200
    assert client.get("/jules-ferry/cm2-a/").status_code == 200
    assert client.get("/jules-ferry/ce1-b/").status_code == 404


def test_demo_separated_parents_both_see_their_childs_class(demo, client):
    for username in ("maman.separee", "papa.separe"):
        client.login(username=username, password="Preau-Demo-2026")
        assert client.get("/lilas/gs/").status_code == 200


def test_demo_staff_log_in_with_the_published_demo_authenticator(demo, client):
    from ent_pages.second_factor.demo import current_demo_code

    response = client.post("/connexion/", {"username": "directrice.lilas", "password": "Preau-Demo-2026"})
    assert response.url == "/connexion/code/" and "_auth_user_id" not in client.session
    client.post("/connexion/code/", {"code": current_demo_code()})
    assert client.get("/admin/").status_code == 200
    family = client.__class__()
    family.post("/connexion/", {"username": "parent.ce1b", "password": "Preau-Demo-2026"})
    assert "_auth_user_id" in family.session  # families keep password login
