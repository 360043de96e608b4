"""/recherche/: the search page, its JSON twin and the title autocomplete. All answers depend on the user."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from ent_pages.page_cache import prefetch
from resources.models.themes import LABELS_KEY

from .engine import get_engine
from .params import FACET_PARAMS, SearchParams


def _private(response):
    """Results depend on who asks: never stored by a shared cache."""
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def _prefetch_labels():
    """The facets' theme names come with the viewer's scope, in the same round trip to the cache."""
    prefetch([LABELS_KEY])


@require_GET
def search_page(request):
    params = SearchParams.from_query_dict(request.GET)
    outcome = None
    if params.q:
        _prefetch_labels()
        outcome = get_engine().search(request.user, params, request=request)
    facet_links = {}
    if outcome:
        for name, values in outcome.facets.items():
            facet_links[name] = [
                (value, params.querystring(**{name: "" if value.selected else value.value})) for value in values
            ]
    context = {
        "params": params,
        "outcome": outcome,
        "facet_links": facet_links,
        "facet_params": FACET_PARAMS,
        "first_rank": (params.page - 1) * params.per_page + 1,
        "previous_qs": params.querystring(page=params.page - 1) if params.page > 1 else "",
        "next_qs": params.querystring(page=params.page + 1) if outcome and outcome.has_next else "",
    }
    return _private(render(request, "search/search.html", context))


@require_GET
def search_api(request):
    params = SearchParams.from_query_dict(request.GET)
    if not params.q:
        return _private(JsonResponse({"query": "", "total": 0, "results": [], "facets": {}}))
    _prefetch_labels()
    outcome = get_engine().search(request.user, params, request=request)
    return _private(JsonResponse(outcome.as_json()))


@require_GET
def suggestions(request):
    q = (request.GET.get("q") or "").strip()[:100]
    titles = get_engine().suggest(request.user, q, request=request) if len(q) >= 2 else []
    return _private(JsonResponse({"query": q, "suggestions": titles}))
