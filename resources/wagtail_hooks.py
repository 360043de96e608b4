"""Wagtail seams of resources: themes and canteen prices edited as snippets by city editors, their landing section."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Page
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


@hooks.register("my_space_sections")
def editorial_section(request, context):
    """City editors land on their resources: what is in draft or waits for approval, and what to write next."""
    from ent_pages.access import policy
    from ent_pages.my_space_cache import UNREMEMBERED

    from .models import ResourceIndexPage

    if not policy.edits_any_page(request.user):  # a family: no query
        return None
    indexes = [index for index in ResourceIndexPage.objects.all() if policy.can_edit(request.user, index)]
    if not indexes:
        return None
    for index in indexes:
        children = Page.objects.child_of(index)
        index.drafts = list(
            children.filter(Q(live=False) | Q(has_unpublished_changes=True)).order_by("-latest_revision_created_at")[:10]
        )
        index.recent = list(children.live().order_by("-last_published_at")[:5])
    context["resource_indexes"] = indexes
    # Drafts change with no version bumped: this home is built afresh (ent_pages.my_space_cache).
    context[UNREMEMBERED] = True
    return "resources/includes/my_resources.html"
