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
    from ent_pages.page_cache import chrome_version

    key = f"{_URL_KEY}:{chrome_version()}"  # publishing, moving or deleting the index bumps it
    url = cache.get(key)
    if url is None:
        from ..models import ResourceIndexPage

        index = ResourceIndexPage.objects.live().first()
        url = (index.get_url() or "") if index else ""
        cache.set(key, url, URL_CACHE_SECONDS)
    return url
