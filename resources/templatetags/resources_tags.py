"""Links to the city's resources from every page (header menu, city home)."""

from django import template
from django.core.cache import cache

register = template.Library()

#: The index rarely moves: remembering its URL spares every page a query.
URL_CACHE_SECONDS = 300
_URL_KEY = "preau:resources-index-url"


@register.simple_tag
def resources_index_url():
    """The URL of the live resource index ("/ressources/"), or "" when there is none."""
    url = cache.get(_URL_KEY)
    if url is None:
        from ..models import ResourceIndexPage

        index = ResourceIndexPage.objects.live().first()
        url = (index.get_url() or "") if index else ""
        cache.set(_URL_KEY, url, URL_CACHE_SECONDS)
    return url
