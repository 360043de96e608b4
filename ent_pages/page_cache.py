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

What differs per viewer is never remembered: file links are signed for the viewer's browser while
the template renders (ent_pages.media.links), and the actions offered (write a post, homework...) are
asked of the policy on each request. Entries live ``PREAU_PAGE_CACHE_SECONDS`` (10 minutes) at most.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from .access import SCHOOL_PREFIX, SECTION_PREFIX, policy

_REQUEST_ATTR = "_preau_page_cache"


def _seconds() -> int:
    return getattr(settings, "PREAU_PAGE_CACHE_SECONDS", 600)


def _version_key(path: str) -> str:
    return f"preau:content-version:{path}"


class PageContent:
    """The remembered parts of one page for one request: ``get(name, compute)``, then ``save()``."""

    def __init__(self, page, request):
        self.key = None
        self.parts: dict = {}
        self.dirty = False
        audience = policy.page_audience(request.user, page) if _seconds() else None
        if audience is None:
            return
        paths = {page.path[:SCHOOL_PREFIX], page.path[:SECTION_PREFIX]} if page.depth > 3 else {page.path}
        keys = sorted(_version_key(path) for path in paths)
        versions = cache.get_many(keys)
        content_version = "-".join(str(versions.get(key, 0)) for key in keys)
        self.key = f"preau:page-content:{policy.access_version()}:{content_version}:{page.pk}:{audience}"
        self.parts = cache.get(self.key) or {}

    def get(self, name, compute):
        """The part `name`, remembered for this audience, or computed now (and remembered at `save`)."""
        if name in self.parts:
            return self.parts[name]
        value = compute()
        if self.key is not None:
            self.parts[name] = value
            self.dirty = True
        return value

    def save(self) -> None:
        if self.dirty and self.key is not None:
            cache.set(self.key, self.parts, _seconds())
            self.dirty = False


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
