"""Notes to acknowledge (mot à signer, the cahier de liaison): a message each guardian confirms reading."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NoteQuerySet(models.QuerySet):
    def delivered(self, now=None):
        return self.filter(scheduled_for__lte=now or timezone.now())


class AnswerKind(models.TextChoices):
    """What a reply slip (coupon-réponse) asks the families: nothing, yes or no, one of a few choices, a short text."""

    NONE = "none", _("No answer needed")
    YES_NO = "yes_no", _("Yes or no")
    CHOICE = "choice", _("One choice among several")
    TEXT = "text", _("A short text")


class Note(models.Model):
    """A note from a teacher or a director to the families of a class, of a school, or chosen families.

    Recipients (one row per guardian and pupil concerned) are fixed when the note is sent. The note
    reaches families at `scheduled_for`: when asked, never inside quiet hours (class_blog.quiet_hours).
    """

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="sent_notes", verbose_name=_("sender")
    )
    class_page = models.ForeignKey(
        "ent_pages.ClassPage", null=True, blank=True, on_delete=models.CASCADE, related_name="notes", verbose_name=_("class")
    )
    school = models.ForeignKey(
        "ent_pages.SchoolPage", on_delete=models.CASCADE, related_name="notes", verbose_name=_("school")
    )
    chosen_families = models.BooleanField(_("chosen families only"), default=False)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    scheduled_for = models.DateTimeField(_("delivered at"), default=timezone.now, db_index=True)
    #: A reminder asked for inside quiet hours waits until then (sent by send_digests).
    reminder_due_at = models.DateTimeField(_("reminder due at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    #: Reply slip (coupon-réponse): one answer per child, by either guardian (class_blog.reply_slips).
    answer_kind = models.CharField(_("answer asked"), max_length=8, choices=AnswerKind.choices, default=AnswerKind.NONE)
    question = models.CharField(_("question"), max_length=200, blank=True)
    answer_choices = models.TextField(_("choices"), blank=True, help_text=_("One choice per line."))
    respond_by = models.DateField(_("answer by"), null=True, blank=True, db_index=True)

    objects = NoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("note to acknowledge")
        verbose_name_plural = _("notes to acknowledge")
        ordering = ["-scheduled_for", "-pk"]

    def __str__(self):
        return self.title

    @property
    def asks_answer(self):
        return self.answer_kind != AnswerKind.NONE

    @property
    def choice_list(self):
        return [line.strip() for line in self.answer_choices.splitlines() if line.strip()]

    @property
    def is_delivered(self):
        return self.scheduled_for <= timezone.now()

    @property
    def audience_label(self):
        if self.chosen_families:
            return _("chosen families")
        return self.class_page.title if self.class_page_id else self.school.title


class NoteRecipient(models.Model):
    """A guardian who must acknowledge a note, for one pupil.

    The acknowledgement (`acknowledged_at`) is set once, for all the guardian's rows of the note,
    and never changed afterwards.
    """

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("note"))
    guardian = models.ForeignKey("ent_pages.Guardian", on_delete=models.CASCADE, related_name="+", verbose_name=_("guardian"))
    pupil = models.ForeignKey("ent_pages.Pupil", on_delete=models.CASCADE, related_name="+", verbose_name=_("pupil"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("acknowledged by")
    )

    class Meta:
        verbose_name = _("note recipient")
        verbose_name_plural = _("note recipients")
        constraints = [models.UniqueConstraint(fields=["note", "guardian", "pupil"], name="one_recipient_row_per_pupil")]
        indexes = [models.Index(fields=["guardian", "acknowledged_at"], name="note_recipient_pending")]

    def __str__(self):
        return f"{self.note} → {self.guardian}"


class NoteAnswer(models.Model):
    """The answer to a reply slip for one child, given by one of its guardians (the latest answer counts)."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="answers", verbose_name=_("note"))
    pupil = models.ForeignKey("ent_pages.Pupil", on_delete=models.CASCADE, related_name="+", verbose_name=_("pupil"))
    value = models.CharField(_("answer"), max_length=500)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("answered by")
    )
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("reply slip answer")
        verbose_name_plural = _("reply slip answers")
        constraints = [models.UniqueConstraint(fields=["note", "pupil"], name="one_answer_per_note_and_pupil")]

    def __str__(self):
        return f"{self.note} / {self.pupil}: {self.value}"
