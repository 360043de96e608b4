"""Private conversations (messagerie): threads, their participants, messages, attachments, reports
and the restrictions that stop an account from sending.

Who may start, read or post is decided by ent_pages.access (section "conversations"); each
participant row keeps the *grounds* it was added on (guardian of a pupil, teacher of a class, staff
role in a school) so that the policy can check them again on every request.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ent_pages.school_year import current_school_year


class Broadcast(models.Model):
    """A message from staff to every family of a class: one thread per family, replies reach the sender only."""

    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("sender"))
    class_page = models.ForeignKey("ent_pages.ClassPage", on_delete=models.CASCADE, related_name="+", verbose_name=_("class"))
    subject = models.CharField(_("subject"), max_length=200)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("broadcast")
        verbose_name_plural = _("broadcasts")

    def __str__(self):
        return self.subject


class Thread(models.Model):
    """A conversation between a few people (a family and staff, colleagues, partner-class teachers, a pupil
    and their class's teachers)."""

    class Kind(models.TextChoices):
        FAMILY = "family", _("family")
        STAFF = "staff", _("staff")
        PARTNER = "partner", _("partner class")
        PUPIL = "pupil", _("pupil")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    #: The school whose directors receive reports and may close the thread.
    school = models.ForeignKey("ent_pages.SchoolPage", on_delete=models.CASCADE, related_name="+", verbose_name=_("school"))
    #: Family threads: the pupil the family writes about.
    pupil = models.ForeignKey("ent_pages.Pupil", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("pupil"))
    class_page = models.ForeignKey("ent_pages.ClassPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("class"))
    #: Partner-class threads: the other class (the thread lasts as long as the partnership).
    partner_class = models.ForeignKey("ent_pages.ClassPage", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("partner class"))
    broadcast = models.ForeignKey(Broadcast, null=True, blank=True, on_delete=models.CASCADE, related_name="threads",
                                  verbose_name=_("broadcast"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    school_year = models.CharField(_("school year"), max_length=9, default=current_school_year, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("closed by"))
    #: Set at the end of the school year (read-only from then), deleted later (conversations.retention).
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")

    def __str__(self):
        return self.subject

    @property
    def is_open(self):
        return not (self.closed_at or self.archived_at)


class Participant(models.Model):
    """A person in a thread, the grounds they were added on, and how far they have read.

    Exactly one kind of grounds is set: ``pupil`` (a guardian of that pupil), ``class_page`` (a
    teacher of that class) or ``school`` + ``staff_role`` (that role in that school). In a pupil
    thread the pupil's own row has ``pupil`` and ``class_page`` (that pupil's account, in that class).
    """

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="participants", verbose_name=_("thread"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_participations",
                             verbose_name=_("user"))
    is_family = models.BooleanField(_("family member"), default=False)
    pupil = models.ForeignKey("ent_pages.Pupil", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    class_page = models.ForeignKey("ent_pages.ClassPage", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("ent_pages.SchoolPage", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    staff_role = models.CharField(max_length=16, blank=True)
    last_read_at = models.DateTimeField(_("last read at"), null=True, blank=True)
    #: A notification is owed for messages up to now; sent at this time (after quiet hours).
    notify_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    #: When they were last told of new messages here (email, push). Until they open the thread again
    #: (``last_read_at``), later messages owe them nothing more: one notification per unread stretch.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="one_participant_per_thread_and_user")]
        indexes = [models.Index(fields=["user", "thread"], name="participant_user_thread")]

    def __str__(self):
        return f"{self.user} → {self.thread}"


class MessageQuerySet(models.QuerySet):
    def visible_to(self, user, now=None):
        """Messages a participant sees: delivered and not recalled, or their own."""
        now = now or timezone.now()
        return self.filter(Q(sender=user) | Q(visible_at__lte=now, recalled_at__isnull=True))


class Message(models.Model):
    """A message: sanitised HTML, stored at once, shown from ``visible_at`` (a scheduled send)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages", verbose_name=_("thread"))
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("sender"))
    body = models.TextField(_("message"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    #: When recipients see it: ``scheduled_for`` or ``sent_at``.
    visible_at = models.DateTimeField(_("visible from"), default=timezone.now)
    recalled_at = models.DateTimeField(_("recalled at"), null=True, blank=True)
    broadcast = models.ForeignKey(Broadcast, null=True, blank=True, on_delete=models.CASCADE, related_name="messages")

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["visible_at", "pk"]
        indexes = [
            models.Index(fields=["thread", "visible_at"], name="message_thread_visible"),
            models.Index(fields=["sender", "sent_at"], name="message_sender_sent"),
        ]

    def __str__(self):
        return f"{self.sender} @ {self.sent_at:%Y-%m-%d %H:%M}"


class Attachment(models.Model):
    """A photo or a document of a message, in the conversations' own collection (linked to no page)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("message"))
    image = models.ForeignKey("ent_pages.PrivateImage", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey("ent_pages.PrivateDocument", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.filename

    @property
    def file(self):
        return (self.image or self.document).file

    @property
    def filename(self):
        return self.file.name.rsplit("/", 1)[-1]

    @property
    def is_image(self):
        return self.image_id is not None


class Report(models.Model):
    """A participant's report ("Signaler"): the thread goes to its school's directors with the reporter's words."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reports", verbose_name=_("thread"))
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("reported by"))
    context = models.TextField(_("what happened"))
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("handled by"))

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.thread} ({self.created_at:%Y-%m-%d})"


class RestrictionQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(cleared_at__isnull=True)


class MessagingRestriction(models.Model):
    """An account that may not send: suspended by a director, locked after a burst of sends, or
    paused after a sign-in from a new device (one row per school of the account, made together).

    Lifted only by a director of ``school`` (AccessPolicy.can_clear_messaging_restriction).
    """

    class Kind(models.TextChoices):
        SUSPENDED = "suspended", _("suspended by the director")
        BURST = "burst", _("locked after a burst of messages")
        NEW_DEVICE = "new_device", _("paused after a sign-in from a new device")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messaging_restrictions",
                             verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    school = models.ForeignKey("ent_pages.SchoolPage", null=True, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("school"))
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("since"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("set by"))
    cleared_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    cleared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("lifted by"))

    objects = RestrictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("messaging restriction")
        verbose_name_plural = _("messaging restrictions")
        indexes = [models.Index(fields=["user", "cleared_at"], name="restriction_user_in_force")]

    def __str__(self):
        return f"{self.user} — {self.get_kind_display()}"
