"""The site chrome (head links, header, footer of base.html) is remembered as HTML, never across viewers.

ent_pages.page_cache keeps the chrome per language and signed-in state under a chrome version that a
change of what it links bumps; what differs per viewer (the CSRF token, the unread count, the offline
key) is filled in for each request. These tests look from the outside, as browsers: a visitor never
gets a signed-in header, one user's count or token never reaches another, and a legal page or the
resource index changed shows at the next request. A page's cache values come in one round trip.
"""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from conversations.models import Message
from ent_pages.legal import ensure_legal_pages
from ent_pages.models import LegalKind, LegalPage
from ent_pages.webapp import offline_key
from tests.clients import browser, page_text
from tests.conversations.helpers import thread_between
from tests.factories import make_parent, make_teacher
from tests.factories_resources import ResourceIndexPageFactory

pytestmark = pytest.mark.django_db



@pytest.fixture(autouse=True)
def _production_lifetimes(settings):
    """Chrome, scopes and page content remembered as in production: a missing invalidation fails a test."""
    settings.PREAU_SCOPE_CACHE_SECONDS = 60
    settings.PREAU_PAGE_CACHE_SECONDS = 600


def _csrf(html):
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


def test_a_visitor_signed_out_is_never_sent_the_signed_in_header(city, class_page):
    parent = browser(make_parent(class_page)[0])
    logout = reverse("ent_pages:logout")
    for _ in range(2):  # the second time from the remembered chrome
        signed_in, visitor = page_text(parent, "/"), page_text(browser(), "/")
        assert f'action="{logout}"' in signed_in and reverse("ent_pages:my_space") in signed_in
        assert f'action="{logout}"' not in visitor and reverse("ent_pages:my_space") not in visitor
        assert reverse("ent_pages:login") in visitor and not _csrf(visitor)


def test_each_viewer_is_sent_their_own_csrf_token_and_offline_key(city, class_page):
    first_user, second_user = make_parent(class_page)[0], make_teacher(class_page)
    first, second = browser(first_user), browser(second_user)
    for _ in range(2):
        for user, client in ((first_user, first), (second_user, second)):
            html = page_text(client, class_page.url)
            assert f'<meta name="preau-offline-key" content="{offline_key(user)}">' in html
            (token,) = _csrf(html)
            assert client.post(reverse("ent_pages:logout"), {"csrfmiddlewaretoken": token}).status_code == 302
            client.force_login(user)
    assert '<meta name="preau-offline-key" content="">' in page_text(browser(), "/")


def test_one_user_s_unread_count_never_reaches_another(city, class_page):
    parent, _pupil = make_parent(class_page)
    other_parent, _ = make_parent(class_page, username="autre.parent")
    teacher = make_teacher(class_page)
    thread = thread_between(teacher, parent, subject="Cahier")
    for n in range(2):
        Message.objects.create(thread=thread, sender=teacher, body=f"Suite {n}")
    reader, other = browser(parent), browser(other_parent)
    for _ in range(2):
        assert '<span class="badge"' in page_text(reader, class_page.url)
        assert '<span class="badge"' not in page_text(other, class_page.url)
    assert '<span class="badge"' not in page_text(browser(teacher), class_page.url)


def test_a_message_read_leaves_the_header_count_at_the_next_request(city, class_page):
    parent = make_parent(class_page)[0]
    thread = thread_between(make_teacher(class_page), parent, subject="Cahier")
    reader = browser(parent)
    assert '<span class="badge"' in page_text(reader, class_page.url)
    reader.get(reverse("conversations:thread", args=[thread.pk]))
    assert '<span class="badge"' not in page_text(reader, class_page.url)


def test_a_legal_page_unpublished_leaves_the_footer_at_the_next_request(city, class_page):
    ensure_legal_pages(city)
    parent, visitor = browser(make_parent(class_page)[0]), browser()
    terms = LegalPage.objects.get(kind=LegalKind.TERMS)
    assert f'href="{terms.url}"' in page_text(parent, class_page.url) and f'href="{terms.url}"' in page_text(visitor, "/")
    terms.unpublish()
    assert f'href="{terms.url}"' not in page_text(parent, class_page.url)
    assert f'href="{terms.url}"' not in page_text(visitor, "/")


def test_a_legal_page_moved_to_a_new_address_shows_in_the_footer_at_the_next_request(city, class_page):
    ensure_legal_pages(city)
    parent = browser(make_parent(class_page)[0])
    privacy = LegalPage.objects.get(kind=LegalKind.PRIVACY)
    assert 'href="/confidentialite/"' in page_text(parent, class_page.url)
    privacy.slug = "vos-donnees"
    privacy.save_revision().publish()
    html = page_text(parent, class_page.url)
    assert 'href="/vos-donnees/"' in html and 'href="/confidentialite/"' not in html


def test_the_resource_index_published_shows_in_the_menu_at_the_next_request(city, class_page):
    parent = browser(make_parent(class_page)[0])
    assert "/ressources/" not in page_text(parent, class_page.url)
    index = ResourceIndexPageFactory(parent=city, title="Ressources", slug="ressources", live=False)
    assert "/ressources/" not in page_text(parent, class_page.url)
    index.save_revision().publish()
    assert 'href="/ressources/"' in page_text(parent, class_page.url)
    index.refresh_from_db()
    index.unpublish()
    assert 'href="/ressources/"' not in page_text(parent, class_page.url)


def _same_but_tokens(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", html)


@pytest.mark.parametrize("signed_in", [True, False])
def test_the_remembered_chrome_is_the_page_the_viewer_would_be_sent_afresh(settings, city, class_page, signed_in):
    ensure_legal_pages(city)
    ResourceIndexPageFactory(parent=city, title="Ressources", slug="ressources")
    client = browser(make_parent(class_page)[0] if signed_in else None)
    url = class_page.url if signed_in else "/"
    settings.PREAU_PAGE_CACHE_SECONDS = 0
    afresh = _same_but_tokens(page_text(client, url))
    settings.PREAU_PAGE_CACHE_SECONDS = 600
    page_text(client, url)
    remembered = _same_but_tokens(page_text(client, url))
    assert remembered == afresh
    assert "\x00" not in remembered


class _CountingCache:
    """Counts the shared cache's reads (each one round trip to Redis in production)."""

    def __init__(self, monkeypatch):
        self.reads, self._inside = [], False
        for name in ("get", "get_many"):
            original = getattr(cache, name)

            def counted(*args, _original=original, _name=name, **kwargs):
                if self._inside:  # the local-memory cache's get_many calls its get: one read
                    return _original(*args, **kwargs)
                self.reads.append((_name, args[0] if args else None))
                self._inside = True
                try:
                    return _original(*args, **kwargs)
                finally:
                    self._inside = False

            monkeypatch.setattr(cache, name, counted)


def test_a_class_page_reads_its_scope_content_chrome_and_unread_count_in_one_round_trip(
    monkeypatch, city, class_page
):
    ensure_legal_pages(city)
    parent = make_parent(class_page)[0]
    thread_between(make_teacher(class_page), parent)
    client = browser(parent)
    page_text(client, class_page.url)
    page_text(client, class_page.url)
    counting = _CountingCache(monkeypatch)
    html = page_text(client, class_page.url)
    assert '<span class="badge"' in html and "/confidentialite/" in html
    # Sessions live in the database in tests; the Site is remembered: one read of its own.
    reads = [keys for name, keys in counting.reads if not str(keys).startswith("preau:sites")]
    # Scope, versions, chrome, unread count; the body's HTML, unchanged since, is this process's copy.
    assert len(reads) == 1, counting.reads
