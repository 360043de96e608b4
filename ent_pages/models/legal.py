"""Terms of use and the privacy notice: public pages under the city home, written by the city."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class LegalKind(models.TextChoices):
    TERMS = "terms", _("Terms of use")
    PRIVACY = "privacy", _("Privacy notice")


class LegalPage(Page):
    """The terms of use or the privacy notice (one of each), edited by the city's administrators.

    The activation form and every page's footer link to them (``ent_pages.legal``).
    """

    kind = models.CharField(_("kind"), max_length=16, choices=LegalKind.choices, unique=True)
    updated_on = models.DateField(_("last updated"), null=True, blank=True)
    body = RichTextField(_("text"), features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])

    content_panels = Page.content_panels + [FieldPanel("kind"), FieldPanel("updated_on"), FieldPanel("body")]

    parent_page_types = ["ent_pages.CityHomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("legal page")
        verbose_name_plural = _("legal pages")
