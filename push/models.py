"""Web Push subscriptions (one per device) and the pushes owed, held until quiet hours end."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PushKind(models.TextChoices):
    """What a family may choose to be told about on a device."""

    NOTE = "note", _("A new note to acknowledge")
    HOMEWORK = "homework", _("Homework for tomorrow")
    POST = "post", _("A new post or gallery in my child's class")
    MESSAGE = "message", _("A new message")


class PushSubscription(models.Model):
    """One device (a browser's push subscription) of one user, and the kinds it wants.

    The endpoint and keys come from the browser's Push API; Préau encrypts each payload for them
    (RFC 8291) and signs its requests with its VAPID key. Deleted when the user revokes it in
    their notification settings, or when the push service answers 404/410 (the browser dropped it).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(_("push service address"), max_length=1024, unique=True)
    p256dh = models.CharField(max_length=128)
    auth = models.CharField(max_length=64)
    device = models.CharField(_("device"), max_length=120, blank=True)
    note = models.BooleanField(PushKind.NOTE.label, default=True)
    homework = models.BooleanField(PushKind.HOMEWORK.label, default=True)
    post = models.BooleanField(PushKind.POST.label, default=True)
    message = models.BooleanField(PushKind.MESSAGE.label, default=True)
    created_at = models.DateTimeField(_("added on"), default=timezone.now)
    last_sent_at = models.DateTimeField(_("last notification"), null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.user} — {self.device or self.pk}"

    def wants(self, kind) -> bool:
        return bool(getattr(self, kind, False))

    @property
    def kinds(self):
        return [kind for kind in PushKind.values if self.wants(kind)]

    def as_subscription_info(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class PendingPush(models.Model):
    """A push owed about one piece of content, held until ``due_at`` (the end of the school's quiet hours).

    Who receives it is decided at delivery by the access policy (``policy.push_audience``), so that a
    revocation in between holds. Exactly one content field is set; for a message, ``user`` is the
    one participant conversations said is owed a notification. Deleted once delivered.
    """

    kind = models.CharField(max_length=10, choices=PushKind.choices)
    due_at = models.DateTimeField(db_index=True)
    school = models.ForeignKey(
        "ent_pages.SchoolPage", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    note = models.ForeignKey("class_blog.Note", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    homework = models.ForeignKey(
        "class_blog.HomeworkEntry", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    page = models.ForeignKey("wagtailcore.Page", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(
        "conversations.Thread", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    #: Who caused it (the teacher who wrote the note): never told about their own content.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pending push")
        verbose_name_plural = _("pending pushes")

    def __str__(self):
        return f"{self.get_kind_display()} — {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def content(self):
        return self.note or self.homework or self.page or self.thread
