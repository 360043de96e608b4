"""School levels, shared by classes, resources and workbooks: one list, one field."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    TPS = "TPS", _("Toute petite section")
    PS = "PS", _("Petite section")
    MS = "MS", _("Moyenne section")
    GS = "GS", _("Grande section")
    CP = "CP", _("CP")
    CE1 = "CE1", _("CE1")
    CE2 = "CE2", _("CE2")
    CM1 = "CM1", _("CM1")
    CM2 = "CM2", _("CM2")


LEVEL_ORDER = [choice.value for choice in Level]


class ChoiceListField(models.JSONField):
    """A list of choices stored as JSON (works on SQLite and PostgreSQL), edited as checkboxes.

    Subclasses name their choices (``choices_class``) and the error for an unknown value; levels
    here, audiences in resources.
    """

    choices_class = None
    unknown_message = _("Unknown value: %(values)s")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=self.choices_class.choices,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        unknown = [v for v in value or [] if v not in self.choices_class.values]
        if unknown:
            from django.core.exceptions import ValidationError

            raise ValidationError(self.unknown_message, params={"values": ", ".join(unknown)})

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("default", None)
        return name, path, args, kwargs


class LevelsField(ChoiceListField):
    choices_class = Level
    unknown_message = _("Unknown level: %(values)s")


def sort_levels(levels):
    return sorted(set(levels), key=LEVEL_ORDER.index)
