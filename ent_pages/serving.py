"""Page serving at the floor: the Site from the shared cache, the page and its ancestors' types in one query.

Wagtail's ``serve`` view looks the Site up in the database on every request, then walks the tree one
query per URL segment (plus one for the root and one for the page's specific row), and the access
policy then asks again for the types of the page's school and section. ``serve`` here does the same
work, then hands the result to Wagtail's own view through the two caches Wagtail documents on the
request (``request._wagtail_site``, ``request._wagtail_route_for_request``), so that everything after
routing — ``before_serve_page``/``on_serve_page`` hooks (the access policy first), view restrictions,
``page.serve`` — is Wagtail's, unchanged:

- the Site: remembered in the shared cache per host and port, forgotten when a Site or a site's root
  page is saved or deleted (``forget_sites``);
- the page: one query on its ``url_path`` (unique: Wagtail derives it from the sibling-unique slugs;
  indexed by ent_pages' migration 0010, as Wagtail declares no index on it),
  its SQL compiled by the ORM once per model and depth in each process (``_route_sql``), on the
  model it had last time in this process (a hint, checked by the answer itself; a miss falls
  back to the generic row and its specific one), annotated with the content types of its ancestors;
  those tell the access policy the page's school and section without another query
  (``AccessPolicy.note_ancestor_types``);
- anything unusual goes the way Wagtail goes: no page at that URL path (a routable page's sub-route,
  or a 404), an ancestor with its own ``route()``, translations (``WAGTAIL_I18N_ENABLED``), no Site.

Every page, Préau's or a plain Wagtail ``Page``, is served this way: the reference page of
``bench/pages.py`` included.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Substr
from django.http import Http404
from django.http.request import split_domain_port
from wagtail import views as wagtail_views
from wagtail.models import Page, Site
from wagtail.models.sites import get_site_for_hostname

from .access import policy

SITES_KEY = "preau:sites:1"
SITES_SECONDS = 600
#: url_path → content type id, per process: the model to ask first (bounded; a stale hint costs one query).
_HINTS: dict[str, int] = {}
_HINTS_MAX = 50_000


def serve(request, path):
    """Wagtail's serve view, with the Site and the route found at the floor's cost (see the module docstring)."""
    site = request._wagtail_site if hasattr(request, "_wagtail_site") else cached_site(request)
    if site is not None and not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        request._wagtail_site = site
        found = find_route(request, site, path)
        if found is not _WAGTAIL:
            request._wagtail_route_for_request = found
    return wagtail_views.serve(request, path)


class CachedSiteMiddleware:
    """Views other than pages (the family home...) find the Site in the shared cache too.

    Wagtail's ``Site.find_for_request`` keeps its answer on ``request._wagtail_site``: set it first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only a Site already remembered: a view that never needs one (files, messages) makes no query
        # for it on a cold cache; page serving (serve_page) fills the cache.
        if not hasattr(request, "_wagtail_site"):
            site = cached_site(request, remembered_only=True)
            if site is not _UNKNOWN:
                request._wagtail_site = site
        return self.get_response(request)


_UNKNOWN = object()


def cached_site(request, remembered_only=False):
    """The Site for this request's host and port (Wagtail's rules), from the shared cache.

    ``remembered_only``: the cache's answer or ``_UNKNOWN``, never a query."""
    hostname = split_domain_port(request._get_raw_host())[0]
    port = request.get_port()
    sites = cache.get(SITES_KEY) or {}
    key = f"{hostname}:{port}"
    if key not in sites and remembered_only:
        return _UNKNOWN
    if key not in sites:
        try:
            sites[key] = get_site_for_hostname(hostname, port)  # Wagtail's own rules
        except Site.DoesNotExist:
            sites[key] = None
        cache.set(SITES_KEY, sites, SITES_SECONDS)
    return sites[key]


def forget_sites(sender, instance=None, **kwargs) -> None:
    """A Site, or a page at the top of the tree (a site's root), changed: every worker looks the Sites up again."""
    if sender is Site or (isinstance(instance, Page) and instance.depth is not None and instance.depth <= 2):
        cache.delete(SITES_KEY)


_WAGTAIL = object()  # "route as Wagtail does"


def find_route(request, site, path):
    """A RouteResult, None (the page is not live: 404) or _WAGTAIL when Wagtail's own routing must decide."""
    root = site.root_page
    components = [part for part in path.split("/") if part]
    url_path = root.url_path + "".join(f"{part}/" for part in components)
    depth = root.depth + len(components)
    hinted = _model_for(_HINTS.get(url_path))
    page = _one(hinted or Page, url_path, depth, root.depth)
    if page is None and hinted not in (None, Page):
        page = _one(Page, url_path, depth, root.depth)
    if page is None:  # no page at this URL path: an ancestor may route the rest itself (a routable page)
        return _WAGTAIL
    if page is _WAGTAIL:
        return _WAGTAIL
    ancestor_types = {d: getattr(page, f"_preau_ct_{d}") for d in range(root.depth, depth)}
    if any(_model_for(ct) is None or _model_for(ct).route is not Page.route for ct in ancestor_types.values()):
        return _WAGTAIL  # a routable ancestor may answer this path itself
    if _model_for(page.content_type_id) is not type(page):
        annotations = {f"_preau_ct_{d}": ct for d, ct in ancestor_types.items()}
        page = page.specific
        page.__dict__.update(annotations)
    if len(_HINTS) >= _HINTS_MAX:
        _HINTS.clear()
    _HINTS[url_path] = page.content_type_id
    policy.note_ancestor_types(page, {**ancestor_types, depth: page.content_type_id})
    try:
        return page.route(request, [])
    except Http404:
        return None


def _one(model, url_path, depth, root_depth):
    sql, params, at = _route_sql(model, depth, root_depth)
    params = list(params)
    params[at] = url_path
    rows = list(model.objects.raw(sql, params))
    if len(rows) > 1:
        return _WAGTAIL  # two pages on one URL path (should not happen): Wagtail's tree walk decides
    return rows[0] if rows else None


#: (model, depth, root depth, database) → (SQL, parameters, index of the URL path among them).
_ROUTE_SQL: dict = {}
_URL_PATH_SLOT = "\x00preau-url-path\x00"


def _route_sql(model, depth, root_depth):
    """The route query for `model` at `depth`, compiled by the ORM once per process: only the URL path
    changes from one request to the next, so each request runs the same SQL with its own path."""
    from django.db import connection

    key = (model, depth, root_depth, connection.alias, connection.vendor)
    compiled = _ROUTE_SQL.get(key)
    if compiled is None:
        steplen = Page.steplen
        ancestors = {
            f"_preau_ct_{d}": Subquery(
                Page.objects.filter(path=Substr(OuterRef("path"), 1, d * steplen)).values("content_type_id")[:1]
            )
            for d in range(root_depth, depth)
        }
        # No ORDER BY (Page.Meta.ordering): two rows only tell a duplicate apart, and an ordered scan of the
        # tree would stand in for the URL path's index (migration 0010).
        query = model.objects.filter(url_path=_URL_PATH_SLOT, depth=depth).annotate(**ancestors).order_by()[:2].query
        sql, params = query.sql_with_params()
        compiled = _ROUTE_SQL[key] = (sql, tuple(params), params.index(_URL_PATH_SLOT))
    return compiled


def _model_for(content_type_id):
    if content_type_id is None:
        return None
    return ContentType.objects.get_for_id(content_type_id).model_class()
