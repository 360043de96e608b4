"""Audiences a resource is written for: a multiple choice stored as a JSON list, like levels."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ent_pages.levels import ChoiceListField


class Audience(models.TextChoices):
    FAMILIES = "families", _("Families")
    TEACHERS = "teachers", _("Teachers")
    PUPILS = "pupils", _("Pupils")


class AudiencesField(ChoiceListField):
    choices_class = Audience
    unknown_message = _("Unknown audience: %(values)s")
