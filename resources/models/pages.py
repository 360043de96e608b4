"""Municipal resources: the resource index under the city home and the resources city editors publish."""

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from ent_pages.levels import Level, LevelsField, sort_levels
from search.indexing import FrenchSearchable, french_search_fields

from ..blocks import ResourceStreamBlock
from ..fields import Audience, AudiencesField

__all__ = ["Audience", "CuratedPage", "ResourceIndexPage", "ResourcePage", "ResourcePageTag"]


class CuratedPage(FrenchSearchable, Page):
    """What resources and workbooks share: a summary, audiences, levels, themes and validity dates."""

    summary = models.TextField(_("summary"), max_length=400, help_text=_("One or two sentences shown in listings and search."))
    audience = AudiencesField(_("audience"))
    levels = LevelsField(_("levels"))
    themes = ParentalManyToManyField("resources.Theme", blank=True, related_name="%(class)s_pages", verbose_name=_("themes"))
    valid_from = models.DateField(_("listed from"), null=True, blank=True)
    valid_until = models.DateField(
        _("listed until"), null=True, blank=True,
        help_text=_("After this date the resource leaves listings and search (its address keeps working)."),
    )

    curated_panels = [
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("audience"), FieldPanel("levels"), FieldPanel("themes"), FieldPanel("tags")],
                        heading=_("Classification")),
        MultiFieldPanel([FieldPanel("valid_from"), FieldPanel("valid_until")], heading=_("Validity")),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("summary", boost=1.5),
        index.RelatedFields("themes", [index.SearchField("name")]),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("valid_from"),
        index.FilterField("valid_until"),
        *french_search_fields(),
    ]

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        self.levels = sort_levels(self.levels or [])
        self.audience = [a for a in Audience.values if a in (self.audience or [])]

    @staticmethod
    def current_q(today=None):
        """Q for pages inside their validity dates (the ones listings and search show)."""
        today = today or timezone.localdate()
        return (Q(valid_from__isnull=True) | Q(valid_from__lte=today)) & (
            Q(valid_until__isnull=True) | Q(valid_until__gte=today)
        )

    def is_current(self, today=None):
        today = today or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= today) and (self.valid_until is None or self.valid_until >= today)

    @property
    def audience_labels(self):
        return [Audience(a).label for a in self.audience]

    @property
    def levels_display(self):
        return " / ".join(self.levels)


class ResourceIndexPage(FrenchSearchable, Page):
    """The city's resources for families and teachers (public). Edited by city editors, approved by senior editors."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro"), *french_search_fields()]

    parent_page_types = ["ent_pages.CityHomePage"]
    subpage_types = ["resources.ResourcePage", "resources.WorkbookPage"]
    max_count = 1

    class Meta:
        verbose_name = _("resource index")
        verbose_name_plural = _("resource indexes")

    def listing(self, request):
        """Current resources and workbooks below this index, filtered by the listing's parameters."""
        from .themes import Theme
        from .workbooks import WorkbookPage

        items = []
        for model in (ResourcePage, WorkbookPage):
            qs = model.objects.child_of(self).live().filter(CuratedPage.current_q()).prefetch_related("themes")
            level, audience, theme = request.GET.get("niveau"), request.GET.get("public"), request.GET.get("theme")
            if level in Level.values:
                qs = qs.filter(levels__icontains=f'"{level}"')
            if audience in Audience.values:
                qs = qs.filter(audience__icontains=f'"{audience}"')
            if theme:
                qs = qs.filter(themes__slug=theme)
            items.extend(qs)
        items.sort(key=lambda page: page.title.lower())
        return items, Theme.objects.all()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items, themes = self.listing(request)
        context["resources"] = Paginator(items, 20).get_page(request.GET.get("page"))
        context["themes"] = themes
        context["levels"] = Level.choices
        context["audiences"] = Audience.choices
        context["filter_qs"] = urlencode(
            {key: request.GET[key] for key in ("niveau", "public", "theme") if request.GET.get(key)}
        )
        return context


class ResourcePageTag(TaggedItemBase):
    content_object = ParentalKey("resources.ResourcePage", on_delete=models.CASCADE, related_name="tagged_items")


class ResourcePage(CuratedPage):
    """A municipal resource ("Bien grandir avec les écrans", canteen prices, enrolment dates...) for families,
    teachers or pupils. Public. Drafted by city editors, published after a senior editor's approval."""

    body = StreamField(ResourceStreamBlock(), blank=True, verbose_name=_("body"))
    tags = ClusterTaggableManager(through=ResourcePageTag, blank=True, verbose_name=_("tags"))

    content_panels = Page.content_panels + CuratedPage.curated_panels + [FieldPanel("body")]

    search_fields = CuratedPage.search_fields + [
        index.SearchField("body"),
        index.SearchField("structured_data_text"),
    ]

    parent_page_types = ["resources.ResourceIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def structured_data_text(self):
        """Text of the data tables the body shows (canteen prices), so that they are searchable too."""
        return " ".join(
            block.value["table"].searchable_text()
            for block in self.body
            if block.block_type == "canteen_prices" and block.value["table"] is not None
        )
