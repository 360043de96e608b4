"""Issuing, finding and revoking the app's per-device tokens: Wagtail's own ``APIToken`` (wagtail.models).

Wagtail 8 keeps API tokens as an HMAC-SHA-256 digest (keyed by SECRET_KEY, with SECRET_KEY_FALLBACKS
honoured), a display prefix, ``last_used_at`` and ``revoked_at``: the token in clear is shown once, at
login. Staff also see and revoke tokens in Wagtail's admin (Users → API tokens, by model permission).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from django.conf import settings
from django.utils import timezone
from wagtail.models import APIToken

#: last_used_at is written at most this often: a request costs no write in the common case.
TOUCH_SECONDS = 300


def issue(user, name: str) -> tuple[APIToken, str]:
    """A new token for one device of `user`: (the row, the token in clear, to show once)."""
    return APIToken.create_token(user=user, name=name[:255])


def find(token: str) -> APIToken | None:
    """The token row (revoked or not) with its user, or None. One query (none for a malformed token)."""
    if not APIToken.validate_token_format(token):
        return None
    return APIToken.objects.select_related("user").filter(key_hash__in=APIToken.candidate_key_hashes(token)).first()


def touch(row: APIToken, now=None) -> None:
    now = now or timezone.now()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() >= TOUCH_SECONDS:
        APIToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now


def active_tokens(user):
    return APIToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created", "-pk")


def revoke(row: APIToken) -> None:
    if row.revoked_at is None:
        row.revoke()


def media_key(row: APIToken) -> str:
    """The device's media key (ent_pages.media.links): the file links the API hands out work with the
    ``preau_media`` cookie set to it. Derived from the token's digest, so nothing more is stored, and
    unknown to anyone without the token's row and SECRET_KEY."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"preau.api.media:{row.key_hash}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
