"""Activation codes: how a family (or a member of staff) turns a printed letter into an account.

A code is shown once (on the letter) and stored only as a keyed hash; see ent_pages.activation.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ActivationCodeQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(used_at__isnull=True, expires_at__gt=timezone.now())


class ActivationCode(models.Model):
    """A one-time code for a guardian record (family) or a staff account without a password."""

    guardian = models.ForeignKey(
        "ent_pages.Guardian", null=True, blank=True, on_delete=models.CASCADE,
        related_name="activation_codes", verbose_name=_("guardian"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="activation_codes", verbose_name=_("staff account"),
    )
    #: HMAC-SHA256 of the normalised code, keyed with SECRET_KEY (ent_pages.activation.digest).
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    objects = ActivationCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("activation code")
        verbose_name_plural = _("activation codes")
        constraints = [
            models.CheckConstraint(
                condition=Q(guardian__isnull=False, user__isnull=True) | Q(guardian__isnull=True, user__isnull=False),
                name="activation_code_for_guardian_xor_user",
            ),
        ]

    def __str__(self):
        return f"{self.guardian or self.user} ({self.expires_at:%Y-%m-%d})"


class KnownDevice(models.Model):
    """A browser a user has logged in from: a login from any other sends the account an email.

    The browser keeps a random token in a signed cookie; only its keyed hash is stored here
    (ent_pages.second_factor). Nothing about the browser itself (address, user agent) is kept.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="known_devices",
                             verbose_name=_("user"))
    digest = models.CharField(_("digest"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen at"), default=timezone.now)

    class Meta:
        verbose_name = _("known device")
        verbose_name_plural = _("known devices")
        constraints = [models.UniqueConstraint(fields=["user", "digest"], name="known_device_once_per_user")]

    def __str__(self):
        return f"{self.user} ({self.created_at:%Y-%m-%d})"
