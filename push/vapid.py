"""Préau's VAPID key (RFC 8292): push services accept only requests signed with the key a browser
subscribed with.

Production reads ``PREAU_VAPID_PRIVATE_KEY`` (the raw P-256 private key, base64url, from
``manage.py generate_vapid_keys``); without it, push is off. Development and tests keep a key of their
own in ``PREAU_VAPID_KEY_FILE`` (under var/, never committed), created on first use.
"""

from __future__ import annotations

import base64
import os
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from py_vapid import Vapid


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def new_private_key() -> str:
    """A new raw P-256 private key, base64url (what ``PREAU_VAPID_PRIVATE_KEY`` holds)."""
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def _configured_private_key() -> str:
    key = (getattr(settings, "PREAU_VAPID_PRIVATE_KEY", "") or "").strip()
    if key:
        return key
    path = getattr(settings, "PREAU_VAPID_KEY_FILE", None)
    if not path:
        return ""
    path = Path(path)
    if not path.exists():
        # Written whole beside it, then linked in place: two processes starting together agree on one key.
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(new_private_key() + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


@lru_cache(maxsize=4)
def _vapid_for(private_key: str) -> Vapid:
    return Vapid.from_raw(private_key.encode())


def vapid() -> Vapid | None:
    """The signing key, or None when push is not configured."""
    key = _configured_private_key()
    return _vapid_for(key) if key else None


def public_key() -> str:
    """The application server key browsers subscribe with (uncompressed point, base64url), or ""."""
    signer = vapid()
    if signer is None:
        return ""
    return b64url(
        signer.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )


def claims_subject() -> str:
    """Who push services may contact about Préau's pushes (a mailto: or https: URL)."""
    subject = getattr(settings, "PREAU_VAPID_SUBJECT", "")
    if subject:
        return subject
    address = settings.DEFAULT_FROM_EMAIL
    if "<" in address:
        address = address.split("<", 1)[1].rstrip(">")
    return f"mailto:{address.strip()}"
