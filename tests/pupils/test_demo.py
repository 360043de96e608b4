"""The demo: CE1 B's pupils have cards, and Emma logs in with the pictures the README gives."""

import pytest
from django.core.management import call_command

from ent_pages.models import ClassPage
from pupils.demo import EMMA_PICTURES
from pupils.models import PupilAccount

from .conftest import tap, use_as_tablet

pytestmark = pytest.mark.django_db


def test_emma_logs_in_on_the_ce1_b_tablet_with_sun_tree_fish(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - idempotent
    ce1b = ClassPage.objects.get(slug="ce1-b")
    accounts = PupilAccount.objects.filter(pupil__enrolments__class_page=ce1b)
    assert accounts.count() == 9 and all(a.has_card for a in accounts)
    assert not PupilAccount.objects.filter(pupil__enrolments__class_page__slug__in=["ps-ms", "gs"]).exists()
    emma = accounts.get(pupil__external_id="DEMO-ELV-901")
    assert EMMA_PICTURES == ("soleil", "arbre", "poisson")
    use_as_tablet(client, ce1b)
    assert tap(client, ce1b, emma, EMMA_PICTURES)["Location"] == "/eleve/mon-espace/"
    html = client.get("/eleve/mon-espace/").content.decode()
    assert "Bonjour Emma" in html
