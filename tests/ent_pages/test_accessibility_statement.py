"""The RGAA asks a city's online service for a dated accessibility statement in French, linked from every page."""

import json
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.html import escape

from ent_pages.accessibility import AUDITED_PAGES, AXE_CORE_VERSION
from tests.factories import make_parent
from tests.pupils.conftest import make_pupil, use_as_tablet

pytestmark = pytest.mark.django_db
STATEMENT = "/accessibilite/"
LOCK = Path(__file__).resolve().parent.parent.parent / "package-lock.json"


def test_the_statement_is_public_in_french_and_says_honestly_that_the_service_is_not_compliant(client, city):
    response = client.get(STATEMENT)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Déclaration d'accessibilité" in html and "loi n° 2005-102" in html
    assert "<strong>non conforme</strong>" in html and "RGAA" in html
    assert "aucun audit" in html  # no compliance audit yet: only an automated check


def test_the_statement_names_the_method_the_audited_pages_the_contact_and_the_recourse(client, city, settings):
    settings.PREAU_ACCESSIBILITY_CONTACT_EMAIL = "accessibilite@ville.example"
    html = client.get(STATEMENT).content.decode()
    assert f"axe-core {AXE_CORE_VERSION}" in html and "WCAG" in html
    for pages in AUDITED_PAGES.values():
        for _key, label in pages:
            assert escape(str(label)) in html
    assert 'href="mailto:accessibilite@ville.example"' in html
    assert "Défenseur des droits" in html and "Libre réponse 71120" in html


def test_the_version_named_is_the_axe_core_the_tests_install():
    lock = json.loads(LOCK.read_text())
    assert lock["packages"]["node_modules/axe-core"]["version"] == AXE_CORE_VERSION


def test_public_family_and_pupil_pages_link_to_the_statement(client, class_page):
    link = f'href="{reverse("ent_pages:accessibility")}">Accessibilité : non conforme</a>'
    assert link in client.get("/").content.decode()
    assert link in client.get(reverse("ent_pages:login")).content.decode()
    parent, _child = make_parent(class_page)
    client.force_login(parent)
    assert link in client.get(reverse("ent_pages:my_space")).content.decode()
    assert link in client.get(class_page.url).content.decode()
    client.logout()
    emma = make_pupil(class_page)
    use_as_tablet(client, class_page)
    assert link in client.get(f"/eleve/classe/{class_page.pk}/").content.decode()
    assert link in client.get(emma.url).content.decode()
