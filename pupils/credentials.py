"""A pupil's card: a QR token and a picture password, shown once (printed) and stored only as keyed hashes.

The token is 192 random bits (``secrets.token_urlsafe(24)``): an HMAC-SHA256 keyed with the secret key
is as good as a slow hash at that entropy, as for activation codes (ent_pages.activation). The picture
password (3 of 9 pictures in order, 504 sequences) is weak by nature: it is hashed with a per-card salt
and the secret key, and guessing is stopped by pupils.throttle. Printing a new card replaces both,
so the old card stops working at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import pictures

_SALT = "preau.pupil-card"


def _key():
    return hashlib.sha256((_SALT + settings.SECRET_KEY).encode()).digest()


def token_digest(token: str) -> str:
    return hmac.new(_key(), f"token:{token}".encode(), hashlib.sha256).hexdigest()


def pictures_digest(salt: str, sequence) -> str:
    return hmac.new(_key(), f"pictures:{salt}:{'-'.join(sequence)}".encode(), hashlib.sha256).hexdigest()


def new_sequence() -> tuple[str, ...]:
    return tuple(secrets.SystemRandom().sample(pictures.KEYS, pictures.SEQUENCE_LENGTH))


@transaction.atomic
def issue_card(account, sequence=None) -> tuple[str, tuple[str, ...]]:
    """A new QR token and picture password for `account` (the previous card stops working); returns both."""
    token = secrets.token_urlsafe(24)
    sequence = tuple(sequence or new_sequence())
    salt = secrets.token_hex(16)
    account.token_digest = token_digest(token)
    account.pictures_salt = salt
    account.pictures_digest = pictures_digest(salt, sequence)
    account.card_printed_at = timezone.now()
    account.failed_attempts, account.locked_at = 0, None
    account.save(update_fields=["token_digest", "pictures_salt", "pictures_digest", "card_printed_at",
                                "failed_attempts", "locked_at"])
    return token, sequence


def account_for_token(token: str):
    """The active pupil account whose current card carries `token`, or None."""
    from .models import PupilAccount

    if not token or len(token) > 64:
        return None
    return (PupilAccount.objects.select_related("user", "pupil")
            .filter(token_digest=token_digest(token), is_active=True, user__is_active=True).first())


def pictures_match(account, sequence) -> bool:
    if not account.pictures_digest or len(sequence) != pictures.SEQUENCE_LENGTH:
        return False
    return hmac.compare_digest(account.pictures_digest, pictures_digest(account.pictures_salt, sequence))
