"""Password rule of the CNIL for accounts without extra factor: length plus a mix of character kinds."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class CharacterClassesValidator:
    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def _classes(self, password):
        kinds = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or c.isspace() or not c.isalnum() for c in password),
        ]
        return sum(kinds)

    def validate(self, password, user=None):
        if self._classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return ngettext(
            "Your password must mix at least %(n)d kind of character (lowercase, uppercase, digits, symbols).",
            "Your password must mix at least %(n)d kinds of character (lowercase, uppercase, digits, symbols).",
            self.min_classes,
        ) % {"n": self.min_classes}


