"""`make serve`'s stack: nginx checks the signed links itself and sends the files (no Python involved).

Started with deploy/serve.py on free loopback ports, against this test run's private storage and
secret. A real link, read from a page rendered for a parent, works in that parent's browser only,
until it expires, and not once altered. nginx must be installed (.ci/run installs it): the test
fails rather than skip without it.
"""

import signal
import urllib.error
import urllib.request

import pytest
from django.core.files.base import ContentFile

from ent_pages.media import links
from ent_pages.models import PrivateDocument, PrivateImage
from ent_pages.roles import page_collection
from tests.factories import ClassPostPageFactory, make_parent
from tests.media_files import pdf_bytes, photo_bytes
from tests.media_links import browser, links_on, media_key, path_of, post_body
from tests.serve_stack import running_stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with running_stack(tmp_path_factory.mktemp("serve")) as ports:
        yield ports
    assert ports["stopped_by"] == signal.SIGTERM  # what `make serve` gets from Ctrl-C or a supervisor


def fetch(stack, link, media_cookie=""):
    request = urllib.request.Request(f"http://127.0.0.1:{stack['port']}{link}")
    if media_cookie:
        request.add_header("Cookie", f"{links.COOKIE_NAME}={media_cookie}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback test server
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.mark.django_db
def test_nginx_serves_a_real_link_to_its_browser_only_until_it_expires(stack, class_page):
    photo = PrivateImage.objects.create(title="Musée", collection=page_collection(class_page),
                                        file=ContentFile(photo_bytes(), name="musee.jpg"))
    document = PrivateDocument.objects.create(title="Sortie", collection=page_collection(class_page),
                                              file=ContentFile(pdf_bytes(), name="sortie.pdf"))
    post = ClassPostPageFactory(parent=class_page, body=post_body(image=photo, document=document))
    parent, _pupil = make_parent(class_page)
    family = browser(parent)
    found = links_on(family, post.url)
    key = media_key(family)
    image_link = next(link for link in found if link.startswith(f"/fichiers/images/{photo.pk}/"))
    document_link = next(link for link in found if link.startswith(f"/fichiers/documents/{document.pk}/"))

    status, headers, data = fetch(stack, image_link, key)
    assert status == 200 and data[:2] == b"\xff\xd8"
    assert "no-store" in headers["Cache-Control"] and "private" in headers["Cache-Control"]
    rendition = photo.renditions.get(filter_spec="width-960")
    with rendition.file.open("rb") as f:
        assert data == f.read()
    status, headers, data = fetch(stack, document_link, key)
    assert status == 200 and data.startswith(b"%PDF") and headers["Content-Disposition"] == "attachment"

    refused = {
        "other browser": fetch(stack, image_link, links.new_media_key()),
        "no cookie": fetch(stack, image_link),
        "unsigned": fetch(stack, path_of(image_link), key),
        "tampered signature": fetch(stack, image_link[:-3] + ("AAA" if not image_link.endswith("AAA") else "BBB"), key),
        "later expiry": fetch(stack, image_link.replace("?e=", "?e=1"), key),
        "other file": fetch(stack, image_link.replace("width-960", "fill-320x240"), key),
        "expired": fetch(stack, links.signed_url(rendition, key, expires_in=-1), key),
    }
    for case, (status, _headers, data) in refused.items():
        assert status == 403, case
        assert b"\xff\xd8" not in data[:2]

    # The same signature Django checks in development and tests.
    assert family.get(image_link).status_code == 200
    assert browser().get(image_link).status_code == 403


def test_nginx_serves_static_files_and_proxies_the_rest_to_gunicorn(stack):
    status, _headers, data = fetch(stack, "/static/hello.txt")
    assert status == 200 and data == b"static"
    status, _headers, _data = fetch(stack, "/fichiers/autre/1/x.jpg")
    assert status == 404
    # The application answers (this stack's database is an empty file: what matters is that nginx
    # reached gunicorn, which a 502 Bad Gateway would deny).
    status, _headers, _data = fetch(stack, "/connexion/")
    assert status not in (502, 503, 504)


@pytest.mark.django_db
def test_nginx_serves_a_message_attachment_to_the_participants_browser_only(stack, class_page):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from conversations.models import Attachment
    from tests.conversations.helpers import thread_between
    from tests.factories import make_teacher

    teacher = make_teacher(class_page)
    parent, _pupil = make_parent(class_page)
    outsider, _other_pupil = make_parent(class_page)
    thread = thread_between(teacher, parent, subject="Sortie",
                            attachment=SimpleUploadedFile("sortie.jpg", photo_bytes(), content_type="image/jpeg"))
    image = Attachment.objects.get().image
    family = browser(parent)
    (link,) = links_on(family, reverse("conversations:thread", args=[thread.pk]))
    assert link.startswith(f"/fichiers/originaux/{image.pk}/")

    status, headers, data = fetch(stack, link, media_key(family))
    assert status == 200 and data[:2] == b"\xff\xd8" and "no-store" in headers["Cache-Control"]
    # Another family's browser (its own media key), no cookie, or no signature: refused by nginx.
    other = browser(outsider)
    assert other.get(reverse("conversations:thread", args=[thread.pk])).status_code == 404
    for case, (status, _headers, _data) in {
        "another family's browser": fetch(stack, link, links.new_media_key()),
        "no cookie": fetch(stack, link),
        "unsigned": fetch(stack, path_of(link), media_key(family)),
    }.items():
        assert status == 403, case
