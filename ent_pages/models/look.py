"""The city's look: its name and colour on every front page and in the admin (a Wagtail setting)."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

DEFAULT_COLOUR = "#1f4e8c"
#: WCAG AA for normal text: white text on the city's colour must stay readable.
MIN_CONTRAST = 4.5


def _luminance(hex_colour):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_with_white(hex_colour):
    return 1.05 / (_luminance(hex_colour) + 0.05)


def darker(hex_colour, factor=0.75):
    """The hover shade: the same hue, darker."""
    return "#" + "".join(f"{int(int(hex_colour[i : i + 2], 16) * factor):02x}" for i in (1, 3, 5))


@register_setting(icon="view")
class CityLook(BaseGenericSetting):
    """Edited by the city's administrators (Settings → City look)."""

    city_name = models.CharField(_("city name"), max_length=100, default="Ville")
    brand_colour = models.CharField(
        _("city colour"), max_length=7, default=DEFAULT_COLOUR,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Give a colour as #RRGGBB, for example #1f4e8c."))],
        help_text=_("Used for the header, buttons and links. It must be dark enough for white text."),
    )

    class Meta:
        verbose_name = _("city look")
        #: Held by site administrators only (superusers): see ent_pages.promotion.
        permissions = [("edit_page_promotion", _("Can edit the promotion of pages (URL, search engines, menus)"))]

    def clean(self):
        super().clean()
        colour = (self.brand_colour or "").lower()
        if len(colour) == 7 and colour.startswith("#") and contrast_with_white(colour) < MIN_CONTRAST:
            raise ValidationError({"brand_colour": _(
                "This colour is too light: white text on it would be hard to read (contrast %(ratio).1f:1, at least 4.5:1 needed)."
            ) % {"ratio": contrast_with_white(colour)}})
