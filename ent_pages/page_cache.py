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

Two more things live here, for every page a request renders:

- **the request's cache reads** (``prefetch``, ``read``): what a page will need from the shared cache
  (the access version and the viewer's scope, the page's content versions, the site chrome and its
  version, the unread count...) is named as soon as it is known and fetched in one round trip with
  the first read that follows. A value prefetched is handed out once: a second read of the same key
  goes to the cache again, so that a request sees its own writes.
- **the site chrome** (``chrome_fragment``, ``{% site_chrome %}``): the head links, header and footer
  of ``base.html`` remembered as HTML per language and signed-in state, under the chrome version that
  any change of what they show bumps (``chrome_changed``: the city home and the pages right below it,
  the legal pages and the resource index among them; Sites). What differs per viewer (the CSRF token,
  the unread count, the offline key) is marked out with ``{% per_viewer %}`` and rendered for each
  request into the remembered HTML.
"""

from __future__ import annotations

import hashlib
import secrets
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import get_language

from .access import SCHOOL_PREFIX, SECTION_PREFIX, policy
from .media import links

_REQUEST_ATTR = "_preau_page_cache"
#: The hidden field of Django's forms: a fragment holding one is rendered for its viewer alone.
_CSRF_FIELD = 'name="csrfmiddlewaretoken"'


#: The request's cache reads: None outside a request (AccessVersionMiddleware sets it for each one).
_READS: ContextVar[_Reads | None] = ContextVar("preau_request_reads", default=None)
_ABSENT = object()
CHROME_VERSION_KEY = "preau:chrome-version"
#: Hooks returning the cache keys a page served to `request` will read (``fn(request) -> list``).
PREFETCH_HOOK = "preau_page_prefetch"


class _Reads:
    def __init__(self):
        self.pending: set[str] = set()
        self.found: dict = {}
        self.chrome_version = None
        self.chrome_named = False
        self.chrome_entry = None
        self.epoch = None


def begin_request():
    """Start a request's cache reads (returns the token `end_request` takes)."""
    return _READS.set(_Reads())


def end_request(token) -> None:
    _READS.reset(token)


def prefetch(keys) -> None:
    """`keys` will be read in this request: fetch them with the next read (outside a request: nothing)."""
    reads = _READS.get()
    if reads is not None:
        reads.pending.update(key for key in keys if key not in reads.found)


def read(keys) -> dict:
    """The entries `keys` (as ``cache.get_many``), fetched in one round trip with what was prefetched;
    a key prefetched earlier is taken from that fetch, once."""
    reads = _READS.get()
    if reads is None:
        return cache.get_many(keys) if keys else {}
    missing = [key for key in keys if key not in reads.found]
    if missing:
        fetch = sorted(reads.pending.union(missing))
        reads.pending.clear()
        got = cache.get_many(fetch) if fetch else {}
        for key in fetch:
            reads.found[key] = got.get(key, _ABSENT)
    result = {}
    for key in keys:
        value = reads.found.pop(key, _ABSENT)
        if value is not _ABSENT:
            result[key] = value
    return result


#: The epoch of the shared cache: a random token set when absent (a new or flushed Redis), read with
#: the page's other values. Versions start again from 0 after a flush: the epoch tells them apart.
EPOCH_KEY = "preau:cache-epoch"
#: Page HTML kept in this process too (``_local_get``): at most this many entries.
LOCAL_ENTRIES = 512
LOCAL_SECONDS = 60
_LOCAL: dict = {}


def cache_epoch() -> str:
    """The shared cache's epoch (read once per request, with what the page named; set when absent)."""
    reads = _READS.get()
    if reads is not None and reads.epoch is not None:
        return reads.epoch
    epoch = read([EPOCH_KEY]).get(EPOCH_KEY)
    if epoch is None:
        cache.add(EPOCH_KEY, secrets.token_hex(8), None)
        epoch = cache.get(EPOCH_KEY) or ""
    if reads is not None:
        reads.epoch = epoch
    return epoch


def _local_get(key, epoch, versions):
    """A page's remembered HTML kept in this process, if it was stored under the same epoch and versions
    (the ones just read from the shared cache) less than a minute ago: as valid as the shared entry it
    copies (a publish or a revocation changes the versions), without its round trip."""
    import time

    found = _LOCAL.get(key)
    if found is None or found[0] != epoch or found[1] < time.monotonic() or found[2][0] != versions:
        return None
    return found[2]


def _local_put(key, epoch, stored) -> None:
    import time

    if len(_LOCAL) >= LOCAL_ENTRIES:
        _LOCAL.clear()  # bounded; entries are cheap to read back from the shared cache
    # A minute at most: what no version covers (a document renamed...) shows a minute after the shared entry.
    _LOCAL[key] = (epoch, time.monotonic() + min(_seconds(), LOCAL_SECONDS), stored)


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
            return read(keys)
        version_keys = _content_version_keys(self.page)
        access_version, found = policy.access_version_and([*version_keys, *keys])
        content_version = "-".join(str(found.pop(key, 0)) for key in version_keys)
        self._key = f"preau:page-content:{access_version}:{content_version}:{self.page.pk}:{self.audience}"
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
            self._parts = (read([self.key]).get(self.key) if self.shared else None) or {}
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
        self._versions_and([])  # prefetched with the scope: no round trip
        epoch = cache_epoch()
        stored = _local_get(key, epoch, self._key)
        if stored is None:
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
        _local_put(key, epoch, stored)
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


def _content_version_keys(page) -> list[str]:
    paths = {page.path[:SCHOOL_PREFIX], page.path[:SECTION_PREFIX]} if page.depth > 3 else {page.path}
    return sorted(_version_key(path) for path in paths)


def prefetch_page(page, request) -> None:
    """Name what serving `page` to `request` will read from the cache, before the access policy's first
    read (the viewer's scope), so that all of it comes in that one round trip: the page's content
    versions, what the policy remembers for this viewer and page, the site chrome and its version, and
    what apps add (``preau_page_prefetch`` hooks).

    A plain Wagtail ``Page`` is rendered by Wagtail's own template, without the chrome: nothing to name.
    """
    from wagtail.models import Page

    if _READS.get() is None or type(page) is Page:
        return
    prefetch([EPOCH_KEY, *_content_version_keys(page)])
    prefetch(policy.cache_keys_for_page(getattr(request, "user", None), page))
    prefetch_chrome(request)


def page_content(page, request) -> PageContent:
    """The request's PageContent for `page` (one per page and request)."""
    memo = request.__dict__.setdefault(_REQUEST_ATTR, {})
    if page.pk not in memo:
        memo[page.pk] = PageContent(page, request)
    return memo[page.pk]


def bump_key(key: str) -> None:
    """Add one to the version stored under `key` (created at 1, never expiring): what was remembered
    under the old value is not read again."""
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)


def bump(path: str) -> None:
    bump_key(_version_key(path))


def content_changed(page) -> None:
    """A page was published, unpublished, moved or deleted: its school's and section's pages show it afresh."""
    path = getattr(page, "path", "") or ""
    for prefix in {path[:SCHOOL_PREFIX], path[:SECTION_PREFIX]}:
        if len(prefix) >= SCHOOL_PREFIX:
            bump(prefix)


# ---------------------------------------------------------------------------------------- site chrome


def _chrome_key(request) -> str:
    user = getattr(request, "user", None)
    state = "in" if user is not None and user.is_authenticated else "out"
    return f"preau:chrome:{get_language()}:{state}"


def prefetch_chrome(request) -> None:
    """Name the chrome's entry, its version and what apps add (``preau_page_prefetch`` hooks: the unread
    count...) for the request's next cache read."""
    from wagtail import hooks

    reads = _READS.get()
    if reads is None or reads.chrome_named:
        return
    reads.chrome_named = True
    keys = [CHROME_VERSION_KEY, _chrome_key(request)]
    for hook in hooks.get_hooks(PREFETCH_HOOK):
        keys.extend(hook(request))
    prefetch(keys)


def chrome_version() -> int:
    """The chrome version, read once per request (with the chrome, when it is named before)."""
    reads = _READS.get()
    if reads is not None and reads.chrome_version is not None:
        return reads.chrome_version
    version = read([CHROME_VERSION_KEY]).get(CHROME_VERSION_KEY) or 0
    if reads is not None:
        reads.chrome_version = version
    return version


def chrome_changed() -> None:
    """What the site chrome shows changed (a legal page, the resource index, a Site...): every page
    renders it afresh at the next request."""
    bump_key(CHROME_VERSION_KEY)
    reads = _READS.get()
    if reads is not None:
        reads.chrome_version = reads.chrome_entry = None


def chrome_fragment(request, piece: str, render) -> str | None:
    """The remembered parts of the chrome piece `piece` for this request's language and signed-in state,
    or those `render()` returns (a tuple: text, hole index, text...), remembered now. None when nothing
    is remembered (the page cache is off, or no request is being served)."""
    reads = _READS.get()
    if reads is None or not _seconds():
        return None
    key = _chrome_key(request)
    entry = reads.chrome_entry
    if entry is None:
        prefetch_chrome(request)
        version = chrome_version()
        stored = read([key]).get(key)
        pieces = stored[1] if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == version else {}
        entry = reads.chrome_entry = (version, pieces)
    version, pieces = entry
    parts = pieces.get(piece)
    if parts is None:
        parts = render()
        if parts is None:
            return None
        pieces[piece] = parts
        cache.set(key, (version, pieces), _seconds())
    return parts


def chrome_marker() -> str:
    """A fresh marker for the per-viewer holes of one chrome piece being rendered (never in content)."""
    return f"\x00{secrets.token_hex(8)}\x00"
