"""Building the page tree from code (demo, imports): the city home and the default site."""

from django.db import transaction
from wagtail.models import Page, Site

from .models import CityHomePage


@transaction.atomic
def ensure_city_home(title="Ville de Préau", slug="accueil"):
    """Return the city home, creating it under the tree root and making it the default site's root."""
    home = CityHomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(instance=CityHomePage(title=title, slug=slug))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Préau")
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.site_name = site.site_name or "Préau"
        site.save()
        # Wagtail's placeholder "Welcome" page has no use once the city home is the root.
        if type(old_root.specific) is Page and old_root.depth == 2 and not old_root.get_children().exists():
            old_root.delete()
    return home
