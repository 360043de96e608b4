"""Activation codes: printed on a letter, typed once on /activation/, never stored in clear.

A code is 16 characters from a 31-symbol alphabet without look-alikes (no 0, O, 1, I, L), shown in
groups of four: XXXX-XXXX-XXXX-XXXX, 79 bits from ``secrets``. At that entropy a keyed hash
(HMAC-SHA256 with the secret key) is as good as a slow password hash against guessing, and lets
60,000 codes be issued in seconds; online guessing is throttled (see ``throttle``).

Issuing a code for someone deletes their previous unused code: only the latest letter works.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUPS, GROUP_SIZE = 4, 4
CODE_LENGTH = GROUPS * GROUP_SIZE
_HMAC_SALT = "preau.activation-code"


_SPACE = len(ALPHABET) ** CODE_LENGTH  # 31**16 ≈ 2**79.3
_BITS = _SPACE.bit_length()


def new_code() -> str:
    """A uniformly random code (rejection sampling on ``secrets.randbits``: one call instead of 16)."""
    number = secrets.randbits(_BITS)
    while number >= _SPACE:
        number = secrets.randbits(_BITS)
    chars = []
    for _ in range(CODE_LENGTH):
        number, digit = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[digit])
    raw = "".join(chars)
    return "-".join(raw[i:i + GROUP_SIZE] for i in range(0, CODE_LENGTH, GROUP_SIZE))


def normalize(code: str) -> str:
    """What the parent typed, without spaces, dashes or case."""
    return re.sub(r"[^0-9A-Z]", "", (code or "").upper())


def digest(code: str) -> str:
    """HMAC-SHA256 of the normalised code; the same as Django's ``salted_hmac`` with the secret key."""
    return hmac.new(_hmac_key(settings.SECRET_KEY), normalize(code).encode(), hashlib.sha256).hexdigest()


@functools.lru_cache(maxsize=4)
def _hmac_key(secret):
    return hashlib.sha256((_HMAC_SALT + secret).encode()).digest()


def expiry():
    return timezone.now() + timedelta(days=settings.PREAU_ACTIVATION_CODE_DAYS)


@transaction.atomic
def issue_codes(*, guardian_ids=(), user_ids=()) -> dict:
    """New codes for guardian records and/or staff accounts; returns {("guardian"|"user", pk): code}.

    The previous unused codes of the same people stop working.
    """
    from .models import ActivationCode

    guardian_ids, user_ids = list(guardian_ids), list(user_ids)
    for start in range(0, len(guardian_ids), 2000):
        ActivationCode.objects.filter(guardian_id__in=guardian_ids[start:start + 2000], used_at__isnull=True).delete()
    for start in range(0, len(user_ids), 2000):
        ActivationCode.objects.filter(user_id__in=user_ids[start:start + 2000], used_at__isnull=True).delete()
    expires_at, now = expiry(), timezone.now()
    codes, rows = {}, []
    for kind, ids in (("guardian", guardian_ids), ("user", user_ids)):
        for pk in ids:
            code = new_code()
            codes[(kind, pk)] = code
            rows.append(ActivationCode(
                digest=digest(code), created_at=now, expires_at=expires_at,
                guardian_id=pk if kind == "guardian" else None, user_id=pk if kind == "user" else None,
            ))
    ActivationCode.objects.bulk_create(rows, batch_size=5000)
    return codes


def find_usable(code: str):
    """The unused, unexpired code matching what was typed, or None (whatever the reason)."""
    from .models import ActivationCode

    if len(normalize(code)) != CODE_LENGTH:
        return None
    return ActivationCode.objects.usable().select_related("guardian", "user").filter(digest=digest(code)).first()


class ActivationRefused(Exception):
    """The code cannot be used; the message never says why (wrong, expired or already used)."""


@transaction.atomic
def redeem(code_row, *, user=None, email=None, password=None):
    """Use a code: link its guardian record to `user` (or to a new account), or set up a staff account.

    Returns the account. The code row is locked so a code works exactly once.
    """
    from .models import ActivationCode, User

    locked = ActivationCode.objects.select_for_update().filter(pk=code_row.pk, used_at__isnull=True).first()
    if locked is None:
        raise ActivationRefused
    guardian = code_row.guardian
    if guardian is not None and guardian.user_id and (user is None or guardian.user_id != user.pk):
        raise ActivationRefused  # the record already belongs to an account: a code never moves it
    if code_row.user_id:  # a member of staff choosing their login and password
        account = code_row.user
        if user is not None and user.pk != account.pk:
            raise ActivationRefused
        if user is None:
            account.username = account.email = email
            account.set_password(password)
            account.is_active, account.deactivated_at = True, None
            account.save()
    elif user is not None:  # a second letter for a parent who already has an account
        account = user
    else:
        account = User(username=email, email=email, first_name=guardian.first_name, last_name=guardian.last_name)
        account.set_password(password)
        account.save()
    if guardian is not None:
        guardian.user = account
        guardian.save(update_fields=["user"])
        if not account.is_active or account.deactivated_at:
            account.is_active, account.deactivated_at = True, None
            account.save(update_fields=["is_active", "deactivated_at"])
    locked.used_at = timezone.now()
    locked.save(update_fields=["used_at"])
    return account


def email_taken(email: str, code_row) -> bool:
    """Whether another account already uses `email` as its login (or a family account as its address).

    Asked only once the code was found good, and never answered on screen (see ``notify_email_taken``).
    """
    from .models import User

    others = User.objects.exclude(pk=code_row.user_id) if code_row.user_id else User.objects.all()
    return others.filter(Q(username__iexact=email) | Q(email__iexact=email, guardian_records__isnull=False)).exists()


def notify_email_taken(email: str):
    """Tell the owner of an address, by email only, that a letter was typed with it.

    The activation page answers as for a wrong code, so that nobody can learn from it which addresses
    have an account; the real owner learns from this message what to do.
    """
    from django.core.mail import send_mail
    from django.urls import reverse
    from django.utils.translation import gettext as _

    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    send_mail(
        _("Préau: an activation was tried with your address"),
        _("Someone typed the code of an activation letter on Préau with this email address, which already has an "
          "account.\n\nIf it was you: log in with this address (%(login)s), then type the code of your letter again "
          "on %(activation)s: the child will be added to your account.\n\nIf it was not you, you can ignore this "
          "message; nothing was changed.") % {
            "login": base + reverse("ent_pages:login"), "activation": base + reverse("ent_pages:activation")},
        None, [email],
    )


# ------------------------------------------------------------------------------------ throttle
def throttle_credentials(request, email=""):
    """What django-axes counts activation failures against: the client address (always) and the
    account — the logged-in user, or the email being registered."""
    if request.user.is_authenticated:
        return {"username": request.user.get_username()}
    return {"username": (email or "").strip().lower() or None}


def is_throttled(request, email="") -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    return not AxesProxyHandler.is_allowed(request, throttle_credentials(request, email))


def record_failure(request, email=""):
    """A wrong code counts as a failed login for django-axes: same limits, same cool-off, same reset."""
    from django.contrib.auth.signals import user_login_failed

    user_login_failed.send(sender=__name__, credentials=throttle_credentials(request, email), request=request)
