"""The steps of a login with a second factor, kept out of the views so that activation shares them."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.contrib.auth import login
from django.core.mail import send_mail
from django.core.signing import BadSignature
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..access import policy
from ..events import new_device_signed_in
from ..models import KnownDevice, User

PENDING_KEY = "preau_second_factor_pending"
#: A password checked, waiting for the code: this long, then the password must be typed again.
PENDING_SECONDS = 300
RECOVERY_CODES = 10
DEVICE_COOKIE = "preau_appareil"
_DEVICE_SALT = "preau.known-device"
BACKEND = "django.contrib.auth.backends.ModelBackend"


# ---------------------------------------------------------------------------------- devices
def authenticator(user):
    """The user's confirmed TOTP device, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_authenticator(user):
    """The unconfirmed TOTP device being enrolled (created on first call: a new secret each enrolment)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


@transaction.atomic
def confirm_authenticator(user, device, token) -> list[str] | None:
    """Confirm an enrolment with a first code; returns the new recovery codes (shown once), or None."""
    if device.user_id != user.pk or not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(user)


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Ten single-use recovery codes (django-otp's static device); the previous ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def remove_second_factor(user) -> None:
    """Forget the authenticator and recovery codes (a reset by a director, or a family opting out)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def verify(user, token):
    """The device (authenticator or recovery code) that accepts `token`, or None. Throttled by django-otp."""
    token = (token or "").strip().replace(" ", "").lower()
    if not token:
        return None
    with transaction.atomic():
        for model in (TOTPDevice, StaticDevice):
            for device in model.objects.select_for_update().filter(user=user, confirmed=True):
                if device.verify_token(token):
                    return device
    return None


# ---------------------------------------------------------------------------------- logins
def needs_code(user) -> bool:
    """After the password: must this account give a code (or enrol an authenticator) before the session opens?"""
    return policy.needs_second_factor(user) or has_second_factor(user)


def start_pending(request, user, next_url="") -> None:
    """The password was right: remember who is logging in, not logged in yet."""
    request.session[PENDING_KEY] = {"user": user.pk, "at": int(time.time()), "next": next_url or ""}


def pending_user(request):
    """The account whose password was just checked, if that was recent enough; else None."""
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=pending["user"], is_active=True).first()


def pending_next(request) -> str:
    return (request.session.get(PENDING_KEY) or {}).get("next", "")


def complete_login(request, user, device=None, *, notify_new_device=True):
    """Open the session (after the second factor when one is needed) and mark it verified.

    Returns a callable that finishes the response (the known-device cookie).
    """
    request.session.pop(PENDING_KEY, None)
    login(request, user, backend=BACKEND)
    if device is not None:
        otp_login(request, device)
    return _remember_device(request, user, notify=notify_new_device)


# ------------------------------------------------------------------------------ new devices
def _digest(token: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{_DEVICE_SALT}:{token}".encode(), hashlib.sha256).hexdigest()


def _remember_device(request, user, *, notify):
    """Known browser: note it was seen. New one: email the account (no content) and give it a cookie.

    A new browser of an account that already had one also sends ``events.new_device_signed_in``
    (conversations pause the account's sending until the school confirms). Not for the very first
    browser, nor when `notify` is false (the activation with a code the school handed out).
    """
    try:
        token = request.get_signed_cookie(DEVICE_COOKIE, salt=_DEVICE_SALT)
    except (KeyError, BadSignature):
        token = None
    if token and KnownDevice.objects.filter(user=user, digest=_digest(token)).update(last_seen_at=timezone.now()):
        return lambda response: response
    token = token or secrets.token_urlsafe(24)
    had_device = notify and KnownDevice.objects.filter(user=user).exists()
    KnownDevice.objects.create(user=user, digest=_digest(token))  # unknown for this user: checked just above
    if notify and user.email:
        send_new_device_email(user)
    if had_device:
        new_device_signed_in.send(sender=KnownDevice, user=user, request=request)

    def set_cookie(response):
        response.set_signed_cookie(
            DEVICE_COOKIE, token, salt=_DEVICE_SALT, max_age=400 * 24 * 3600, httponly=True, samesite="Lax",
            secure=getattr(settings, "SESSION_COOKIE_SECURE", False),
        )
        return response

    return set_cookie


def send_new_device_email(user):
    when = timezone.localtime().strftime("%d/%m/%Y %H:%M")
    send_mail(
        _("Préau: new login to your account"),
        _("Your Préau account was logged in to from a new device or browser on %(when)s.\n\n"
          "If it was you, there is nothing to do. If not, change your password at once and tell your school.")
        % {"when": when},
        None, [user.email],
    )


def send_second_factor_changed_email(user, *, reset_by=None):
    """Enrolment, reset or removal of a second factor: the account is told (no code, no secret)."""
    if not user.email:
        return
    if reset_by is not None:
        body = _("The second factor of your Préau account was reset by %(name)s. At your next login, "
                 "you will enrol your authenticator app again.") % {"name": reset_by.get_full_name() or reset_by.get_username()}
    else:
        body = _("The second factor of your Préau account was changed. If it was not you, tell your school at once.")
    send_mail(_("Préau: second factor changed"), body, None, [user.email])
