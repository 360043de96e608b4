"""Signed file links as a browser meets them: read from rendered pages, fetched with the browser's cookie."""

import html
import json
import re

from ent_pages.media import links

LINK_RE = re.compile(r'(?:src|href)="(/fichiers/[^"]+)"')


def links_on(client, url):
    """Every file link the page at `url` hands to this browser (the page must be allowed)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return {html.unescape(link) for link in LINK_RE.findall(response.content.decode())}


def media_key(client):
    cookie = client.cookies.get(links.COOKIE_NAME)
    return cookie.value if cookie is not None else ""


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def path_of(link):
    return link.split("?", 1)[0]


def prefixes(photo=None, document=None):
    """URL path prefixes naming a file: its renditions and original, or a document."""
    found = []
    if photo is not None:
        found += [f"/fichiers/images/{photo.pk}/", f"/fichiers/originaux/{photo.pk}/"]
    if document is not None:
        found.append(f"/fichiers/documents/{document.pk}/")
    return tuple(found)


def links_to(found, photo=None, document=None):
    return {link for link in found if link.startswith(prefixes(photo, document))}


def every_link(photo, viewer_key, specs):
    """Every link a holder could have for `photo` (original and each rendition), signed for `viewer_key`."""
    urls = [links.signed_url(photo, viewer_key)]
    urls += [links.signed_url(r, viewer_key) for r in photo.get_renditions(*specs).values()]
    return urls


def post_body(*, image=None, document=None, gallery=()):
    """A class post's StreamField JSON with an image block, an attachment and/or a gallery block."""
    blocks = []
    if image is not None:
        blocks.append({"type": "image", "value": {"image": {"image": image.pk, "decorative": False, "alt_text": "photo"},
                                                   "caption": ""}})
    if document is not None:
        blocks.append({"type": "document", "value": {"document": document.pk, "title": ""}})
    if gallery:
        blocks.append({"type": "gallery", "value": {"title": "", "images": [
            {"image": i.pk, "decorative": False, "alt_text": "photo"} for i in gallery]}})
    return json.dumps(blocks)


def browser(user=None):
    """A browser of its own (its own media cookie), logged in as `user` when given."""
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    return client
