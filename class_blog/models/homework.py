"""The homework notebook (cahier de textes): what a class has to do, for which day."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.fields import StreamField

from ..blocks import HomeworkAttachmentsBlock


class Subject(models.TextChoices):
    FRENCH = "francais", _("French")
    MATHS = "maths", _("Mathematics")
    SCIENCE = "sciences", _("Science")
    HISTORY_GEOGRAPHY = "histoire-geo", _("History and geography")
    ENGLISH = "anglais", _("Modern language")
    ARTS = "arts", _("Arts and music")
    SPORT = "eps", _("Physical education")
    CIVICS = "emc", _("Civics")
    OTHER = "autre", _("Other")


def next_school_day(day=None):
    """The next day with school (Monday to Friday) after `day` (today by default)."""
    day = (day or timezone.localdate()) + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


class HomeworkEntryQuerySet(models.QuerySet):
    def upcoming(self, today=None):
        return self.filter(due_on__gte=today or timezone.localdate())


class HomeworkEntry(models.Model):
    """One entry of a class's cahier de textes, written by its teacher.

    Seen by the class's families and staff (ent_pages.access.policy.viewable_classes), never by
    partner classes.
    """

    class_page = models.ForeignKey(
        "ent_pages.ClassPage", on_delete=models.CASCADE, related_name="homework_entries", verbose_name=_("class")
    )
    given_on = models.DateField(_("given on"), default=timezone.localdate)
    due_on = models.DateField(_("due on"), default=next_school_day, db_index=True)
    subject = models.CharField(_("subject"), max_length=20, choices=Subject.choices, default=Subject.FRENCH)
    text = models.TextField(_("to do"))
    attachments = StreamField(HomeworkAttachmentsBlock(), blank=True, verbose_name=_("attachments"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    objects = HomeworkEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("homework entry")
        verbose_name_plural = _("homework entries")
        ordering = ["due_on", "subject", "pk"]
        indexes = [models.Index(fields=["class_page", "due_on"], name="homework_class_due")]

    def __str__(self):
        return f"{self.get_subject_display()} — {self.due_on:%d/%m/%Y}"
