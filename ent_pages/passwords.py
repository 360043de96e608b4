"""Password rule of the CNIL for accounts without extra factor: length plus a mix of character kinds."""

import string

from django.contrib.auth.hashers import Argon2PasswordHasher
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




class PreauArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): ~30 ms on this hardware.

    Django's default PBKDF2 (or its Argon2 at 100 MiB and 8 lanes) takes 150–700 ms per hash on two
    cores, which an activation or a login pays every time; these parameters keep brute force
    memory-hard while answering well under 100 ms. Older hashes are upgraded at the next login.
    """

    algorithm = "argon2"
    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
