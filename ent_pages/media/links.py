"""Signed links to private files: minted where a page is allowed, checked without any database.

A page the access policy lets a viewer see is rendered with file URLs signed **for that viewer**::

    /fichiers/images/42/sortie.fill-320x240.jpg?e=1796300000&s=Jb2v…

- ``e`` is the expiry (Unix time, ``PREAU_MEDIA_LINK_SECONDS`` after the page was rendered, 1 h by
  default);
- ``s`` is ``base64url(md5(secret · e · path · media key · secret))``, where *path* is the decoded
  URL path, *media key* the value of the viewer's ``preau_media`` cookie (a random key set at login,
  HttpOnly, SameSite=Lax, Secure in production; empty for anonymous visitors) and *secret* a key
  derived from ``SECRET_KEY`` (``media_secret()``).

Serving a link needs no database, session or cache: a valid signature **is** the decision. In
production nginx checks it (``secure_link``, deploy/nginx.conf.template) and sends the file; in
development and tests ``ent_pages.media.views`` checks the same signature. A link copied to another
browser (another media cookie), expired or altered gets 403.

Revocation bound: when someone loses access (a child changes class, a partnership ends, a page is
unpublished), pages rendered from then on carry no link to the files; links already handed out keep
working until their expiry, at most ``PREAU_MEDIA_LINK_SECONDS`` later, and only in the browser that
received them. Logging out drops the media cookie, so that browser's links stop at once.

Why MD5: it is what nginx's secure_link module computes (in C, built into Debian's nginx, no
scripting module to install). The secret on both sides of the message (envelope MAC) rules out the
length-extension and known-prefix collision attacks that break plain ``md5(secret · message)``, and
a link lives one hour. The media key is validated (``is_valid_key``) before anything is signed with it.

Other channels (conversation attachments, feed thumbnails, the JSON API) ask the access policy
first, then call ``signed_url(obj, viewer_key)``.

HTML shared by an audience (ent_pages.page_cache) never holds a signed link: it is rendered inside
``shared_links()``, where every link becomes a placeholder made of a random marker (new for each
rendering, so no text written by a page's author can forge one) and the link's number; the unsigned
paths are kept beside the HTML. ``sign_shared`` then signs each path for the browser that asks,
with a fresh expiry, as the template would have.
"""

from __future__ import annotations

import base64
import contextvars
import hashlib
import hmac
import posixpath
import re
import secrets
import time
from contextlib import contextmanager
from functools import lru_cache
from urllib.parse import unquote

from django.conf import settings
from django.urls import reverse

#: The cookie that binds links to a browser (nginx reads it as ``$cookie_preau_media``).
COOKIE_NAME = "preau_media"
#: Where Wagtail's upload_to functions put files on the private storage, by link kind.
FOLDERS = {"rendition": "images", "original": "original_images", "document": "documents"}
DEFAULT_LINK_SECONDS = 60 * 60
#: The session remembers the key it handed out, so that a cookie outlives no session.
SESSION_KEY = "preau_media_key"

_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
_viewer = contextvars.ContextVar("preau_media_viewer", default=None)
_shared = contextvars.ContextVar("preau_media_shared", default=None)


#: Where private files are served (ent_pages.urls); nginx answers these paths itself in production.
FILES_PATH_PREFIX = "/fichiers/"


def is_file_request(request) -> bool:
    """A private file's request: its signature is the whole decision, so no middleware reads the session."""
    return request.path_info.startswith(FILES_PATH_PREFIX)


# ------------------------------------------------------------------------------------ secret
def media_secret() -> str:
    """The signing secret: derived from SECRET_KEY (rotating it invalidates every link), hex text
    so that it can be written as is into the nginx configuration (``manage.py media_secret``)."""
    return _derive(settings.SECRET_KEY)


@lru_cache(maxsize=4)
def _derive(secret_key: str) -> str:
    return hmac.new(secret_key.encode(), b"preau.media.links.v1", hashlib.sha256).hexdigest()


def link_seconds() -> int:
    return int(getattr(settings, "PREAU_MEDIA_LINK_SECONDS", DEFAULT_LINK_SECONDS))


# ------------------------------------------------------------------------------- signatures
def signature(path: str, expires: int | str, viewer_key: str) -> str:
    """The link signature nginx's ``secure_link_md5`` recomputes (see the module docstring)."""
    secret = media_secret()
    message = f"{secret}{expires}{path}{viewer_key}{secret}".encode()
    digest = hashlib.md5(message).digest()  # noqa: S324 - nginx secure_link's hash, used as an envelope MAC
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _signed_path(path: str, expires: int, viewer_key: str) -> str:
    """`path` with the query string nginx checks: expiry and signature for `viewer_key`."""
    return f"{path}?e={expires}&s={signature(unquote(path), expires, viewer_key)}"


def is_valid_key(value: str | None) -> bool:
    """A media key as minted by ``new_media_key`` (nothing else is ever signed with)."""
    return bool(value) and bool(_KEY_RE.match(value))


def new_media_key() -> str:
    return secrets.token_urlsafe(32)


def verify(path: str, expires: str, sig: str, viewer_key: str, now: float | None = None) -> bool:
    """Django's side of nginx's check: a well-formed, unexpired link signed for this media key."""
    if not expires.isdigit() or not sig:
        return False
    if int(expires) < (time.time() if now is None else now):
        return False
    return hmac.compare_digest(signature(path, expires, viewer_key), sig)


def verify_request(request) -> bool:
    """Whether the request holds a valid link for the media cookie it carries (no database)."""
    key = request.COOKIES.get(COOKIE_NAME, "")
    return verify(request.path, request.GET.get("e", ""), request.GET.get("s", ""), key)


# ------------------------------------------------------------------------------------ links
def file_path(obj) -> str:
    """The unsigned URL path of a rendition, an original image or a document (percent-encoded)."""
    from .models import PrivateDocument, PrivateImage

    name = posixpath.basename(obj.file.name)
    if isinstance(obj, PrivateDocument):
        return reverse("ent_pages:private_document", args=(obj.pk, name))
    if isinstance(obj, PrivateImage):
        return reverse("ent_pages:private_image_original", args=(obj.pk, name))
    # Renditions made in bulk (get_renditions) have no primary key: by image id and file name.
    return reverse("ent_pages:private_rendition", args=(obj.image_id, name))


def signed_url(obj, viewer_key: str | None = None, *, expires_in: int | None = None, now: float | None = None) -> str:
    """THE entry point: a link to `obj` (PrivateRendition, PrivateImage original, PrivateDocument)
    that works in the browser holding `viewer_key` until it expires.

    Ask the access policy first (``policy.can_view_file`` or a page rule): the link is the
    decision. `viewer_key` defaults to the current request's viewer (``current_viewer_key``); an
    anonymous visitor's key is "" (only files of public pages may be signed for it). Outside any
    request and without a key, the unsigned path is returned: it serves nothing.
    """
    path = file_path(obj)
    shared = _shared.get()
    if shared is not None:  # HTML shared by an audience: signed for each browser at output (sign_shared)
        return shared.placeholder(path)
    if viewer_key is None:
        viewer_key = current_viewer_key()
    if viewer_key is None:
        return path
    ttl = link_seconds() if expires_in is None else expires_in
    expires = int((time.time() if now is None else now) + ttl)
    return _signed_path(path, expires, viewer_key)


# ------------------------------------------------------------------------ shared HTML
class SharedLinks:
    """The links of one rendering of shared HTML: a random marker and the unsigned paths, in order."""

    def __init__(self):
        self.marker = f"preau-link-{secrets.token_hex(12)}"
        self.paths: list[str] = []

    def placeholder(self, path: str) -> str:
        self.paths.append(path)
        return f"{self.marker}-{len(self.paths) - 1}-"


@contextmanager
def shared_links():
    """Render HTML that several browsers will be sent: file links come out as placeholders."""
    shared = SharedLinks()
    token = _shared.set(shared)
    try:
        yield shared
    finally:
        _shared.reset(token)


def sign_shared(html: str, marker: str, paths: list[str], viewer_key: str | None = None, now: float | None = None) -> str:
    """`html` with each placeholder of `marker` replaced by its path signed for `viewer_key`
    (default: the current viewer), HTML-escaped as templates escape a link."""
    if not paths:
        return html
    from django.utils.html import escape

    if viewer_key is None:
        viewer_key = current_viewer_key()
    expires = int((time.time() if now is None else now) + link_seconds())

    def link(match):
        path = paths[int(match.group(1))]
        if viewer_key is None:
            return escape(path)
        return escape(_signed_path(path, expires, viewer_key))

    return re.sub(rf"{re.escape(marker)}-(\d+)-", link, html)


# ------------------------------------------------------------------------- current viewer
class _Viewer:
    """The browser a request renders for: its media key, read or minted lazily (no query for files)."""

    def __init__(self, request):
        self.request = request
        self._key = None
        self.set_cookie = False  # a new key to send
        self.delete_cookie = False  # a stale cookie to drop

    @property
    def key(self) -> str:
        if self._key is None:
            cookie = self.request.COOKIES.get(COOKIE_NAME, "")
            user = getattr(self.request, "user", None)
            authenticated = user is not None and user.is_authenticated
            if authenticated:
                # The key belongs to the session that received it: another account logging in on
                # this browser, a lost cookie or a session from before media keys gets a new one.
                session = getattr(self.request, "session", None)
                if is_valid_key(cookie) and session is not None and session.get(SESSION_KEY) == cookie:
                    self._key = cookie
                else:
                    self.rotate()
            elif is_valid_key(cookie):  # anonymous pages are public: their links may carry any key
                self._key = cookie
            else:
                self._key = ""
                self.delete_cookie = bool(cookie)
        return self._key

    def rotate(self):
        self._key, self.set_cookie, self.delete_cookie = new_media_key(), True, False
        session = getattr(self.request, "session", None)
        if session is not None:
            session[SESSION_KEY] = self._key

    def drop(self):
        self._key, self.set_cookie, self.delete_cookie = "", False, True


def current_viewer_key() -> str | None:
    viewer = _viewer.get()
    return None if viewer is None else viewer.key


@contextmanager
def viewing_as(viewer_key: str):
    """Render for an explicit media key (tests, benchmarks, background rendering for one browser)."""

    class _Fixed:
        key = viewer_key

    token = _viewer.set(_Fixed())
    try:
        yield
    finally:
        _viewer.reset(token)


def rotate_media_key(request):
    """At login: a fresh key (links minted for the previous key die with it)."""
    viewer = getattr(request, "_preau_media_viewer", None)
    if viewer is not None:
        viewer.rotate()


def drop_media_key(request):
    """At logout: the cookie is deleted, so every link issued to this browser stops at once."""
    viewer = getattr(request, "_preau_media_viewer", None)
    if viewer is not None:
        viewer.drop()


class MediaLinkMiddleware:
    """Makes the request's viewer current while the response is built, and keeps its cookie.

    After the authentication middleware. The cookie is HttpOnly, SameSite=Lax, Secure when the
    session cookie is, and lives as long as the session cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        viewer = _Viewer(request)
        request._preau_media_viewer = viewer
        token = _viewer.set(viewer)
        try:
            response = self.get_response(request)
            # Streaming and template responses render lazily: resolve them while the viewer is current.
            if hasattr(response, "render") and callable(response.render) and not getattr(response, "is_rendered", True):
                response.render()
        finally:
            _viewer.reset(token)
        if viewer.set_cookie:
            response.set_cookie(
                COOKIE_NAME, viewer._key, max_age=settings.SESSION_COOKIE_AGE, httponly=True,
                secure=settings.SESSION_COOKIE_SECURE, samesite="Lax",
            )
        elif viewer.delete_cookie:
            response.delete_cookie(COOKIE_NAME, samesite="Lax")
        return response


def connect():
    """Rotate the media key at login, drop it at logout (called from the app's ready())."""
    from django.contrib.auth.signals import user_logged_in, user_logged_out

    user_logged_in.connect(lambda sender, request, **kw: rotate_media_key(request), weak=False,
                           dispatch_uid="preau-media-key-login")
    user_logged_out.connect(lambda sender, request, **kw: drop_media_key(request), weak=False,
                            dispatch_uid="preau-media-key-logout")
