"""Audiences a resource is written for: a multiple choice stored as a JSON list, like levels."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    FAMILIES = "families", _("Families")
    TEACHERS = "teachers", _("Teachers")
    PUPILS = "pupils", _("Pupils")


class AudiencesField(models.JSONField):
    """A list of audiences stored as JSON (SQLite and PostgreSQL), edited as checkboxes."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=Audience.choices, required=not self.blank, label=self.verbose_name,
            help_text=self.help_text, widget=forms.CheckboxSelectMultiple,
        )

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        unknown = [v for v in value or [] if v not in Audience.values]
        if unknown:
            raise ValidationError(_("Unknown audience: %(values)s"), params={"values": ", ".join(unknown)})

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("default", None)
        return name, path, args, kwargs
