"""Per-user digest preferences and per-school quiet hours."""

from datetime import time

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..quiet_hours import QuietRules


class DigestFrequency(models.TextChoices):
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Every week")
    NEVER = "never", _("Never")


class DigestPreference(models.Model):
    """How often a guardian wants the email digest (daily by default) and when it was last sent."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference")
    frequency = models.CharField(_("email digest"), max_length=10, choices=DigestFrequency.choices, default=DigestFrequency.DAILY)
    last_sent_at = models.DateTimeField(_("last digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest preference")
        verbose_name_plural = _("digest preferences")

    def __str__(self):
        return f"{self.user} — {self.get_frequency_display()}"


class SchoolQuietHours(models.Model):
    """A school's adaptation of the national quiet hours (set by its director)."""

    school = models.OneToOneField("ent_pages.SchoolPage", on_delete=models.CASCADE, related_name="quiet_hours")
    evening = models.TimeField(_("quiet from"), default=time(20, 0))
    morning = models.TimeField(_("quiet until"), default=time(7, 0))
    weekend = models.BooleanField(_("quiet all weekend"), default=True)

    class Meta:
        verbose_name = _("quiet hours")
        verbose_name_plural = _("quiet hours")

    def __str__(self):
        return f"{self.school}: {self.evening:%H:%M}–{self.morning:%H:%M}"

    @property
    def rules(self):
        return QuietRules(evening=self.evening, morning=self.morning, weekend=self.weekend)
