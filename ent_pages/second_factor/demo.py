"""The demo's staff share one published authenticator secret, so that a reviewer can log in as any of them.

Add ``DEMO_TOTP_SECRET`` to an authenticator app (README), or print the current code with
``python manage.py demo_totp_code``. Demo only: real accounts enrol their own secret at their first login.
"""

import base64

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..access import policy
from ..models import User

#: Base32, as authenticator apps take it (20 bytes, the RFC 6238 default length).
DEMO_TOTP_SECRET = "PREAUDEMOPREAUDEMOPREAUDEMOPREAU"  # noqa: S105 - documented demo secret
DEMO_TOTP_KEY = base64.b32decode(DEMO_TOTP_SECRET).hex()


def enrol_demo_staff(stdout=None) -> int:
    """Give every demo account that needs a second factor the demo authenticator (idempotent)."""
    count = 0
    for user in User.objects.filter(is_active=True).order_by("pk"):
        if not policy.needs_second_factor(user):
            continue
        TOTPDevice.objects.update_or_create(user=user, name="Démo", defaults={"key": DEMO_TOTP_KEY, "confirmed": True})
        count += 1
    if stdout:
        stdout.write(f"Second factor: {count} demo staff accounts use the demo authenticator secret {DEMO_TOTP_SECRET}.")
    return count


def current_demo_code() -> str:
    return str(TOTP(base64.b32decode(DEMO_TOTP_SECRET)).token()).zfill(6)
