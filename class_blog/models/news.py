"""School news (vie de l'école) and city news (menus, enrolment dates)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from ent_pages.blocks import BaseStreamBlock
from ent_pages.sections import ForPupilsPageForm, for_pupils_field
from search.indexing import FrenchSearchable, french_search_fields


class SchoolNewsPage(FrenchSearchable, Page):
    """A piece of school life for the school's families and staff (a members-only section of the school).

    Lives directly under its SchoolPage; edited by the school's directors, who may open it to the
    school's pupils (``for_pupils``, ent_pages.sections).
    """

    date = models.DateField(_("date"), default=timezone.localdate)
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))
    #: When families hear of it (feed, digests): first publication, held to the end of quiet hours.
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True, editable=False, db_index=True)
    for_pupils = for_pupils_field()

    content_panels = Page.content_panels + [FieldPanel("date"), FieldPanel("body"), FieldPanel("for_pupils")]
    search_fields = Page.search_fields + [index.SearchField("body"), *french_search_fields()]

    parent_page_types = ["ent_pages.SchoolPage"]
    subpage_types = []

    base_form_class = ForPupilsPageForm

    #: Shown in the family home feed and digests (class_blog.feed).
    in_family_feed = True

    class Meta:
        verbose_name = _("school news")
        verbose_name_plural = _("school news")


class CityNewsIndexPage(Page):
    """The city's news for all families (canteen menus, enrolment dates). Public; edited by city editors."""

    intro = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("introduction"))

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["ent_pages.CityHomePage"]
    subpage_types = ["class_blog.CityNewsPage"]
    max_count = 1

    class Meta:
        verbose_name = _("city news index")

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context(request, *args, **kwargs)
        news = CityNewsPage.objects.child_of(self).live().order_by("-date", "-pk")
        context["news_page"] = Paginator(news, 10).get_page(request.GET.get("page"))
        return context


class CityNewsPage(FrenchSearchable, Page):
    """A piece of city news. Public."""

    date = models.DateField(_("date"), default=timezone.localdate)
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("date"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body"), *french_search_fields()]

    parent_page_types = ["class_blog.CityNewsIndexPage"]
    subpage_types = []

    in_family_feed = True

    class Meta:
        verbose_name = _("city news")
        verbose_name_plural = _("city news")
