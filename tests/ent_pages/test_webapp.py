"""The installable app's server side: manifest, worker, offline page, which pages may stay on a phone,
and a logout that makes the browser forget them (the browser itself: tests/look/test_webapp.py)."""

import json

import pytest
from django.urls import reverse

from ent_pages.webapp import OFFLINE_KEY_HEADER, offline_key
from tests.factories import UserFactory, make_director, make_parent, make_teacher

pytestmark = pytest.mark.django_db


def test_the_manifest_names_preau_and_opens_on_my_space(client, city):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Préau" and manifest["short_name"] == "Préau" and manifest["lang"] == "fr"
    assert manifest["start_url"] == "/mon-espace/" and manifest["display"] == "standalone" and manifest["scope"] == "/"
    assert manifest["theme_color"].startswith("#")
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")}


def test_every_page_links_the_manifest_and_the_worker_script(client, city):
    html = client.get("/connexion/").content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in html
    assert 'data-worker="/sw.js"' in html


def test_the_worker_is_served_from_the_root_for_the_whole_site_and_always_revalidated(client, class_page):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    parent, _child = make_parent(class_page)
    client.force_login(parent)  # the same script for a signed-in family (never stored: private, no-store)
    assert client.get("/sw.js").content == response.content
    assert response["Service-Worker-Allowed"] == "/"
    source = response.content.decode()
    assert '"/hors-ligne/"' in source and OFFLINE_KEY_HEADER in source
    assert '"/admin/"' in source and '"/fichiers/"' in source  # never answered by the worker


def test_the_policy_allows_the_worker_and_the_manifest_from_the_site_only(client, city):
    policy = client.get("/connexion/")["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy


def test_the_offline_page_is_the_same_for_everyone_and_names_nobody(client, class_page):
    parent, _child = make_parent(class_page)
    parent.first_name = "Léa"
    parent.save()
    client.force_login(parent)
    response = client.get("/hors-ligne/")
    html = response.content.decode()
    assert response.status_code == 200 and "Vous êtes hors ligne" in html
    assert "Léa" not in html and "preau-offline-key" not in html  # no user: it never wipes, never tells
    assert OFFLINE_KEY_HEADER not in response


@pytest.mark.parametrize("url_name", ["ent_pages:my_space", "class_blog:note_list", "class_blog:homework_todo"])
def test_a_family_page_names_the_familys_opaque_offline_cache(client, class_page, url_name):
    parent, _child = make_parent(class_page)
    client.force_login(parent)
    response = client.get(reverse(url_name))
    key = response[OFFLINE_KEY_HEADER]
    assert key == offline_key(parent) and len(key) == 32 and str(parent.pk) != key
    assert f'<meta name="preau-offline-key" content="{key}">' in response.content.decode()


def test_staff_pages_never_stay_on_a_phone(client, class_page):
    director = make_director(class_page.get_parent().specific)
    for user in (make_teacher(class_page), director, UserFactory(is_staff=True)):
        client.force_login(user)
        assert OFFLINE_KEY_HEADER not in client.get("/mon-espace/")
        assert OFFLINE_KEY_HEADER not in client.get(reverse("class_blog:note_list"))


def test_a_parent_on_the_staff_of_another_school_keeps_nothing_offline(client, class_page):
    from ent_pages.models import Role
    from tests.factories import SchoolPageFactory, StaffAssignmentFactory

    parent, _child = make_parent(class_page)
    other = SchoolPageFactory(parent=class_page.get_parent().get_parent(), title="École des Pins", uai="0319999Z")
    StaffAssignmentFactory(user=parent, school=other, role=Role.CLAE_ANIMATOR)
    client.force_login(parent)
    assert OFFLINE_KEY_HEADER not in client.get("/mon-espace/")


def test_pages_for_visitors_say_nobody_is_signed_in(client, city):
    html = client.get("/connexion/").content.decode()
    assert '<meta name="preau-offline-key" content="">' in html  # the page script wipes every user's pages


def test_a_logout_makes_the_browser_forget_the_sites_caches_storage_and_worker(client, class_page):
    parent, _child = make_parent(class_page)
    client.force_login(parent)
    assert "Clear-Site-Data" not in client.get("/mon-espace/")
    response = client.post(reverse("ent_pages:logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
