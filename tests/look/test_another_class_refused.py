"""A parent of another class, in a real browser, is refused a class's page, gallery and photos: 403 or 404,
and nothing on the answer names a child of that class (headless Chromium; the rules are ent_pages.access)."""

import pytest
from django.core.files.base import ContentFile

from ent_pages.models import PrivateImage
from ent_pages.roles import page_collection
from tests.browser import browser_marks, import_playwright, log_in, screenshot
from tests.factories import ClassPostPageFactory, make_parent
from tests.media_files import photo_bytes
from tests.media_links import post_body

import_playwright()
pytestmark = browser_marks()


@pytest.fixture
def class_with_photos(class_page):
    from periscolaire.models import GalleryPage, GalleryPhoto

    member, child = make_parent(class_page, first_name="Capucine", last_name="Delmas-Ribeiro")

    def photo(title):
        return PrivateImage.objects.create(title=title, collection=page_collection(class_page),
                                           file=ContentFile(photo_bytes(size=(800, 600)), name="photo.jpg"))

    post = ClassPostPageFactory(parent=class_page, title="Au musée avec Capucine",
                                body=post_body(image=photo("Capucine au musée")))
    gallery = class_page.add_child(instance=GalleryPage(title="Atelier peinture", slug="atelier-peinture",
                                                        photos=[GalleryPhoto(image=photo("Atelier"))]))
    return {"member": member, "child": child, "post": post, "gallery": gallery}


def _photo_links(page):
    return page.eval_on_selector_all("img[src*='/fichiers/']", "images => images.map(i => i.getAttribute('src'))")


def test_parent_of_another_class_is_refused_its_page_gallery_and_photos_in_a_browser(
    browser, live_server, class_page, other_class, class_with_photos
):
    base = live_server.url
    # Every row this test needs exists before the browser's first request: a write from this thread while
    # the live server answers would find SQLite's shared in-memory tables locked.
    outsider, _their_child = make_parent(other_class)
    post, gallery, child = class_with_photos["post"], class_with_photos["gallery"], class_with_photos["child"]

    # A member of the class sees the pages and the photos: the links below are real ones.
    member = browser.new_context()
    log_in(member, base, class_with_photos["member"])
    page = member.new_page()
    photo_links = []
    for url in (class_page.url, post.url, gallery.url):
        assert page.goto(base + url).status == 200, url
        photo_links += _photo_links(page)
    assert len(set(photo_links)) >= 2
    for link in photo_links:
        assert page.goto(base + link).status == 200, link
    member.close()

    context = browser.new_context()
    log_in(context, base, outsider)
    page = context.new_page()
    for url in (class_page.url, post.url, gallery.url, *photo_links, *(link.split("?")[0] for link in photo_links)):
        response = page.goto(base + url)
        assert response.status in (403, 404), (url, response.status)
        text = response.body()
        assert child.first_name.encode() not in text and child.last_name.encode() not in text, url
        assert b"JFIF" not in text and b"Atelier peinture" not in text, url
    # The class page's refusal, as the browser shows it: no child named there either.
    page.goto(base + class_page.url)
    screenshot(page, "another-class-refused")
    assert child.first_name not in page.content() and child.last_name not in page.content()
    context.close()
