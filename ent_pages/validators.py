"""Validators for the identifiers that come from the national school registry."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

UAI_RE = re.compile(r"^\d{7}[A-Z]$")


def normalize_uai(value: str) -> str:
    return (value or "").strip().upper()


def validate_uai(value: str) -> None:
    """A UAI (national school id) is 7 digits and a letter, e.g. 0311234A."""
    if not UAI_RE.match(normalize_uai(value)):
        raise ValidationError(
            _("%(value)s is not a valid UAI: 7 digits followed by a letter, e.g. 0311234A."),
            params={"value": value},
            code="invalid_uai",
        )
