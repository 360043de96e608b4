"""Wagtail seams of resources: themes and canteen prices edited as snippets by city editors."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import CanteenPriceTable, Theme


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = _("Themes")
    list_display = ["name", "slug"]
    search_fields = ["name"]


class CanteenPriceTableViewSet(SnippetViewSet):
    model = CanteenPriceTable
    icon = "table"
    menu_label = _("Canteen prices")
    list_display = ["title", "valid_from"]


class ResourcesViewSetGroup(SnippetViewSetGroup):
    items = (ThemeViewSet, CanteenPriceTableViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("Resources")
    menu_name = "resources"


register_snippet(ResourcesViewSetGroup)
