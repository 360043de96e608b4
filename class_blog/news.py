"""School and city news: where they live in the tree and who writes them."""

from django.db import transaction

from ent_pages.tree import ensure_city_home

from .models import CityNewsIndexPage


@transaction.atomic
def ensure_city_news_index(city=None, title="Actualités de la ville", slug="actualites"):
    """The city news index under the city home; its creation grants the city editors' group (signals)."""
    city = city or ensure_city_home()
    index = CityNewsIndexPage.objects.child_of(city).first()
    if index is None:
        index = city.add_child(instance=CityNewsIndexPage(title=title, slug=slug))
        index.save_revision().publish()
    return index
