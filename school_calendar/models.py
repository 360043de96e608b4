"""The school calendar: outings, meetings, school holidays, CLAE closures, and the families' private feeds.

An event belongs to a page — the city home (holidays of the académie's zone), a school, its CLAE
space or a class — and is seen by whoever the access policy lets see that page among the places
the user belongs to (``ent_pages.access.policy.calendar_pages``).
"""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    OUTING = "outing", _("Outing")
    MEETING = "meeting", _("Meeting")
    HOLIDAY = "holiday", _("School holidays")
    CLAE_CLOSURE = "clae_closure", _("CLAE closure")
    OTHER = "other", _("Other")


class Event(models.Model):
    """One date (or a span of days) in the life of a class, a school, its CLAE or the city."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="calendar_events",
                             verbose_name=_("for"))
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices, default=EventKind.OTHER)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    location = models.CharField(_("place"), max_length=200, blank=True)
    starts_on = models.DateField(_("from"), db_index=True)
    ends_on = models.DateField(_("until"), null=True, blank=True, help_text=_("Leave empty for a single day."))
    start_time = models.TimeField(_("start time"), null=True, blank=True, help_text=_("Leave empty for all day."))
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_on", "start_time", "pk"]
        indexes = [models.Index(fields=["page", "starts_on"], name="calendar_event_page_day")]

    def __str__(self):
        return f"{self.starts_on:%Y-%m-%d} {self.title}"

    @property
    def last_day(self):
        return self.ends_on or self.starts_on

    def clean(self):
        if self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day cannot be before the first day.")})
        if self.end_time and not self.start_time:
            raise ValidationError({"end_time": _("Give a start time first.")})
        if self.start_time and self.end_time and not self.ends_on and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The event must end after it starts.")})


class CalendarFeedQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class CalendarFeed(models.Model):
    """A private ICS subscription of one family account: a secret URL for a phone's calendar.

    Only a hash of the token is stored (the URL is shown once, when made); revoking it closes the
    feed at once. A user has at most one active feed: making a new one revokes the previous.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds",
                             verbose_name=_("user"))
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"{self.user} ({self.created_at:%Y-%m-%d})"

    @staticmethod
    def hash(token: str) -> str:
        """SHA-256 is enough: the token is 256 random bits, not a password."""
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user):
        """Revoke the user's feeds and make a new one: (feed, token). The token is not kept."""
        now = timezone.now()
        cls.objects.active().filter(user=user).update(revoked_at=now)
        token = secrets.token_urlsafe(32)
        return cls.objects.create(user=user, token_hash=cls.hash(token), created_at=now), token

    @classmethod
    def revoke_all(cls, user):
        return cls.objects.active().filter(user=user).update(revoked_at=timezone.now())

    @classmethod
    def find_active(cls, token: str):
        if not token or len(token) > 100:
            return None
        return cls.objects.active().select_related("user").filter(token_hash=cls.hash(token)).first()


def _event_on_homes(sender, instance, raw=False, **kwargs):
    """An event added, changed or removed: the homes showing its page's calendar list it afresh."""
    from wagtail.models import Page

    from ent_pages.my_space_cache import class_life_changed

    if not raw:
        path = Page.objects.filter(pk=instance.page_id).values_list("path", flat=True).first()
        class_life_changed(path=path)


models.signals.post_save.connect(_event_on_homes, sender=Event, dispatch_uid="school-calendar-event-my-space-save")
models.signals.post_delete.connect(_event_on_homes, sender=Event, dispatch_uid="school-calendar-event-my-space-delete")
