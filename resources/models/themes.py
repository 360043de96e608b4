"""Themes: the managed list resources and workbooks are filed under (a snippet edited by city editors)."""

from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

#: {slug: name} of every theme in the shared cache (search's facet labels); forgotten when a theme changes.
LABELS_KEY = "preau:theme-labels"
LABELS_SECONDS = 600


class Theme(index.Indexed, models.Model):
    """A theme ("Cantine", "Écrans", "Inscriptions"...), chosen from a list rather than typed freely."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.name

    @classmethod
    def labels(cls) -> dict[str, str]:
        """{slug: name} of every theme, remembered: a search's facets name their themes without a query.

        Read with the request's other cache entries when named beforehand (``page_cache.prefetch``:
        the search views do); forgotten on any save or deletion (resources.signals)."""
        from ent_pages.page_cache import read

        labels = read([LABELS_KEY]).get(LABELS_KEY)
        if labels is None:
            labels = dict(cls.objects.values_list("slug", "name"))
            cache.set(LABELS_KEY, labels, LABELS_SECONDS)
        return labels

    @staticmethod
    def forget_labels() -> None:
        cache.delete(LABELS_KEY)
