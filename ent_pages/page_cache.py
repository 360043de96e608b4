"""What class and school pages show, remembered per page and per audience, never per user.

A class page lists its teachers, latest photos and documents, galleries and blog; a school page its
sections. Building that costs a query each. It is remembered in the shared cache under a key made of:

- the **audience** the access policy gives the viewer for that page (`AccessPolicy.page_audience`):
  every viewer of one audience is shown the same content, so a remembered answer cannot reach a
  viewer the policy would show something else; viewers with no audience (partner classes, pupils)
  are served fresh;
- the **access version** (ent_pages.access): any change that can grant or revoke access (enrolments,
  assignments, grants, unpublishing, moves, deletions) makes every remembered answer stale, so
  revocation takes effect at the next request as it does for scopes;
- the **content version** of the page's school and section, bumped when a page below them is
  published, unpublished, moved or deleted (`content_changed`).

Two kinds of entries live under that key:

- **parts**: the data a template shows (teachers, photos, the blog's first page...), computed on
  first use only (``lazy``), so a request whose HTML is remembered never reads nor builds them;
- **fragments**: the rendered HTML of a page's body (``{% shared_fragment %}``,
  ent_pages.templatetags.page_fragments), also keyed by the language and by the per-viewer values
  the template names (``vary_on``: the actions a teacher is offered, whether they run the class...).

What differs per viewer is never in a shared fragment: file links are written as placeholders while
it renders and signed for the viewer's browser when it is sent (``links.shared_links``,
``links.sign_shared``), and the actions offered are asked of the policy on each request and either
kept outside the fragment or named in its ``vary_on``. Entries live ``PREAU_PAGE_CACHE_SECONDS``
(10 minutes) at most.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import get_language

from .access import SCHOOL_PREFIX, SECTION_PREFIX, policy
from .media import links

_REQUEST_ATTR = "_preau_page_cache"
#: The hidden field of Django's forms: a fragment holding one is rendered for its viewer alone.
_CSRF_FIELD = 'name="csrfmiddlewaretoken"'


def _seconds() -> int:
    return getattr(settings, "PREAU_PAGE_CACHE_SECONDS", 600)


def _version_key(path: str) -> str:
    return f"preau:content-version:{path}"


class PageContent:
    """The remembered parts and fragments of one page for one request (see the module docstring)."""

    def __init__(self, page, request):
        self.page = page
        self.audience = policy.page_audience(request.user, page) if _seconds() else None
        self._key = None
        self._parts: dict | None = None
        self.dirty = False

    @property
    def shared(self) -> bool:
        """Whether the viewer has an audience on this page (else nothing is remembered for them)."""
        return self.audience is not None

    def _versions_and(self, keys) -> dict:
        """The entries `keys`; the first call also reads the versions (one round trip) and sets `key`."""
        if self._key is not None:
            return cache.get_many(keys) if keys else {}
        page = self.page
        paths = {page.path[:SCHOOL_PREFIX], page.path[:SECTION_PREFIX]} if page.depth > 3 else {page.path}
        version_keys = sorted(_version_key(path) for path in paths)
        access_version, found = policy.access_version_and([*version_keys, *keys])
        content_version = "-".join(str(found.pop(key, 0)) for key in version_keys)
        self._key = f"preau:page-content:{access_version}:{content_version}:{page.pk}:{self.audience}"
        return found

    @property
    def key(self) -> str | None:
        """The key of the parts, made of the versions: None when nothing is remembered for this viewer."""
        if not self.shared:
            return None
        if self._key is None:
            self._versions_and([])
        return self._key

    @property
    def parts(self) -> dict:
        if self._parts is None:
            self._parts = (cache.get(self.key) if self.shared else None) or {}
        return self._parts

    def get(self, name, compute):
        """The part `name`, remembered for this audience, or computed now (and remembered at `save`)."""
        if not self.shared:
            return compute()
        if name in self.parts:
            return self.parts[name]
        value = compute()
        self.parts[name] = value
        self.dirty = True
        return value

    def lazy(self, name, compute):
        """The part `name`, read or computed only if the template uses it (not when its HTML is remembered)."""
        return SharedPart(lambda: self.get(name, compute))

    def save(self) -> None:
        if self.dirty and self.shared:
            cache.set(self.key, self._parts, _seconds())
            self.dirty = False

    def fragment(self, name, vary_on, render, shared=True) -> str:
        """The HTML `render()` returns, remembered for this audience, language and `vary_on` values,
        with its file links signed for this viewer.

        Stored with the versions it was rendered under (the parts' key) and used only under the same
        ones, so that the versions and the HTML are read in one round trip. Not remembered (rendered
        for this viewer alone) when the viewer has no audience or `shared` is false.
        """
        if not self.shared or not shared:
            html = render()
            self.save()
            return html
        key = f"preau:page-html:{self.page.pk}:{self.audience}:{get_language()}:{name}:{_variant(vary_on)}"
        stored = self._versions_and([key]).get(key)
        if not (isinstance(stored, tuple) and len(stored) == 4 and stored[0] == self._key):
            with links.shared_links() as rendering:
                html = str(render())
            if _CSRF_FIELD in html:
                # A form carries the viewer's CSRF token, which is theirs alone: sent to them, never remembered.
                self.save()
                return links.sign_shared(html, rendering.marker, rendering.paths)
            stored = (self._key, html, rendering.marker, rendering.paths)
            cache.set(key, stored, _seconds())
            self.save()
        return links.sign_shared(*stored[1:])


class SharedPart(SimpleLazyObject):
    """A value shown alike to a page's whole audience (a remembered part, or taken from one): it never
    varies a fragment, and is not read to work out a fragment's key."""


def added_values(context, before: set) -> list:
    """(name, value) of what was put into `context` since the names `before` were there, sorted: what
    hooks add to a page (actions, links...) may be worked out per viewer, so a fragment varies on it
    (values taken from the context as it was are named, not read: they are the page's own)."""
    shared = {id(context[name]): name for name in before if name in context}
    added = []
    for name in sorted(set(context) - before):
        value = context[name]
        added.append((name, _Named(shared[id(value)]) if id(value) in shared else value))
    return added


class _Named(str):
    pass


def _variant(values) -> str:
    """A stable digest of per-viewer values: shared parts and page values by name, pages and users by
    their id, translated labels as text, lists, tuples and dicts walked."""
    from django.db.models import Model

    def text(value):
        if type(value) is SharedPart:
            return "shared"
        if isinstance(value, _Named):
            return f"={value}"
        if isinstance(value, (list, tuple)):
            return "[" + ",".join(text(v) for v in value) + "]"
        if isinstance(value, dict):
            return "{" + ",".join(f"{k}:{text(v)}" for k, v in sorted(value.items())) + "}"
        if isinstance(value, Model):
            return f"{value._meta.label}:{value.pk}"
        if isinstance(value, Promise):
            return str(value)
        return f"{type(value).__name__}:{value}"

    return hashlib.sha256(text(list(values)).encode()).hexdigest()[:16]


def page_content(page, request) -> PageContent:
    """The request's PageContent for `page` (one per page and request)."""
    memo = request.__dict__.setdefault(_REQUEST_ATTR, {})
    if page.pk not in memo:
        memo[page.pk] = PageContent(page, request)
    return memo[page.pk]


def bump(path: str) -> None:
    key = _version_key(path)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)


def content_changed(page) -> None:
    """A page was published, unpublished, moved or deleted: its school's and section's pages show it afresh."""
    path = getattr(page, "path", "") or ""
    for prefix in {path[:SCHOOL_PREFIX], path[:SECTION_PREFIX]}:
        if len(prefix) >= SCHOOL_PREFIX:
            bump(prefix)
