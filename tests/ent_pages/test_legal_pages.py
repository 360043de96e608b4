"""Small truths: the terms checkbox links to real terms of use and a privacy notice written for the city."""

import pytest
from django.urls import reverse

from ent_pages.legal import ensure_legal_pages
from ent_pages.models import LegalKind, LegalPage

pytestmark = pytest.mark.django_db


def test_the_activation_form_links_to_the_terms_and_the_privacy_notice(client, city):
    ensure_legal_pages(city)
    ensure_legal_pages(city)  # idempotent
    assert LegalPage.objects.count() == 2
    html = client.get(reverse("ent_pages:activation")).content.decode()
    terms, privacy = (LegalPage.objects.get(kind=kind) for kind in (LegalKind.TERMS, LegalKind.PRIVACY))
    assert f'href="{terms.url}"' in html and f'href="{privacy.url}"' in html
    assert terms.url == "/conditions-d-utilisation/"


def test_the_privacy_notice_says_who_processes_what_how_long_and_the_rights(client, city):
    ensure_legal_pages(city)
    html = client.get(LegalPage.objects.get(kind=LegalKind.PRIVACY).url).content.decode()
    for words in ("responsable du traitement", "Combien de temps", "Vos droits", "CNIL", "droit à l'image"):
        assert words in html
    assert "Protection des données personnelles" in client.get("/").content.decode()  # footer link
