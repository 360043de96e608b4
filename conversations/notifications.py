"""Notifications of new messages: an email saying who wrote, never what (the body stays in Préau).

The message is stored at once; the notification waits for the end of the school's quiet hours
(class_blog.quiet_hours: evenings, nights, weekends). ``Participant.notify_due_at`` holds it; the
due ones are sent right after the send when allowed, the others by ``send_message_notifications``
(cron, every few minutes).
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from class_blog.quiet_hours import delivery_time, rules_for_school
from ent_pages.access import policy

from .models import Message, Participant


def schedule_notifications(threads, visible_at, sender, now):
    """Owe a notification to every other participant of `threads` (kept if one is already owed)."""
    from .sending import forget_unread

    by_school = {}
    for thread in threads:
        by_school.setdefault(thread.school_id, []).append(thread.pk)
    due_now = []
    for school_id, thread_ids in by_school.items():
        due = delivery_time(visible_at, rules=rules_for_school(school_id), now=now)
        # Pupil accounts (pupils app) never get email notifications: they read their messages in their space.
        Participant.objects.filter(thread__in=thread_ids, notify_due_at__isnull=True).exclude(user=sender).exclude(
            user__pupil_account__isnull=False).update(notify_due_at=due)
        if due <= now:
            due_now += thread_ids
    forget_unread(Participant.objects.filter(thread__in=[t.pk for t in threads]).values_list("user_id", flat=True))
    if due_now:
        transaction.on_commit(lambda: send_due_notifications(now, thread_ids=due_now))


def send_due_notifications(now=None, thread_ids=None):
    """Send the notifications that are due; returns the number of emails sent."""
    now = now or timezone.now()
    due = Participant.objects.filter(notify_due_at__lte=now).select_related("user", "thread")
    if thread_ids is not None:
        due = due.filter(thread__in=thread_ids)
    due = list(due)
    if not due:
        return 0
    last = {}
    for message in (
        Message.objects.filter(thread__in={p.thread_id for p in due}, visible_at__lte=now, recalled_at__isnull=True)
        .select_related("sender").order_by("thread_id", "visible_at", "pk")
    ):
        last[message.thread_id] = message
    base_url = settings.WAGTAILADMIN_BASE_URL
    emails = []
    by_user = {}
    for participation in due:
        by_user.setdefault(participation.user_id, []).append(participation)
    for rows in by_user.values():
        user = rows[0].user
        # The grounds are checked again: a revoked guardianship gets no more notifications.
        allowed = set(policy.conversation_participations(user).filter(pk__in=[p.pk for p in rows]).values_list("pk", flat=True))
        lines = []
        for participation in rows:
            message = last.get(participation.thread_id)
            if participation.pk not in allowed or message is None or message.sender_id == user.pk:
                continue
            if participation.last_read_at and participation.last_read_at >= message.visible_at:
                continue
            name = message.sender.get_full_name() or message.sender.username if message.sender else _("Préau")
            lines.append((name, base_url + reverse("conversations:thread", args=[participation.thread_id])))
        if lines and user.email and user.is_active:
            subject = _("New message from %(name)s") % {"name": lines[0][0]}
            body = "\n".join(
                [_("Hello,"), ""]
                + [_("New message from %(name)s: %(url)s") % {"name": name, "url": url} for name, url in lines]
                + ["", _("Read and answer it on Préau.")]
            )
            emails.append([user.email, subject, body])
    Participant.objects.filter(pk__in=[p.pk for p in due]).update(notify_due_at=None)
    if emails:
        send_notification_emails.enqueue(emails)
    return len(emails)


@task()
def send_notification_emails(messages):
    """[to, subject, body] triples over one connection (django-tasks, like class_blog's digests)."""
    from django.core.mail import send_mass_mail

    return send_mass_mail([(subject, body, None, [to]) for to, subject, body in messages])
