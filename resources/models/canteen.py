"""Canteen prices as data: a table of family-quotient bands, each with its price per meal."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable


class CanteenPriceTable(ClusterableModel):
    """The canteen prices valid from a date (a snippet; a resource page shows it as a table)."""

    title = models.CharField(_("title"), max_length=120)
    valid_from = models.DateField(_("valid from"))
    notes = models.TextField(_("notes"), blank=True, help_text=_("Shown under the table (who to ask, how to pay)."))

    panels = [FieldPanel("title"), FieldPanel("valid_from"), InlinePanel("bands", label=_("Bands"), min_num=1), FieldPanel("notes")]

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("canteen price table")
        verbose_name_plural = _("canteen price tables")

    def __str__(self):
        return self.title

    def searchable_text(self):
        bands = " ".join(f"{band.label} {band.price_per_meal} €" for band in self.bands.all())
        return f"{self.title} {bands} {self.notes}"


class CanteenPriceBand(Orderable):
    """One family-quotient band: families whose quotient lies in [min, max] pay this price per meal."""

    table = ParentalKey(CanteenPriceTable, on_delete=models.CASCADE, related_name="bands")
    quotient_min = models.PositiveIntegerField(_("family quotient from"), default=0)
    quotient_max = models.PositiveIntegerField(_("family quotient up to"), null=True, blank=True,
                                               help_text=_("Leave empty for the last band."))
    price_per_meal = models.DecimalField(_("price per meal (€)"), max_digits=6, decimal_places=2)

    panels = [FieldPanel("quotient_min"), FieldPanel("quotient_max"), FieldPanel("price_per_meal")]

    class Meta(Orderable.Meta):
        verbose_name = _("price band")
        verbose_name_plural = _("price bands")

    def clean(self):
        if self.quotient_max is not None and self.quotient_max < self.quotient_min:
            raise ValidationError({"quotient_max": _("The upper bound must not be below the lower bound.")})

    @property
    def label(self):
        if self.quotient_max is None:
            return _("%(min)s € and above") % {"min": self.quotient_min}
        return _("%(min)s € to %(max)s €") % {"min": self.quotient_min, "max": self.quotient_max}
