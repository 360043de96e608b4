"""Notifications of new messages: an email saying who wrote, never what (the body stays in Préau).

The message is stored at once; the notification waits for the end of the school's quiet hours
(class_blog.quiet_hours: evenings, nights, weekends, school holidays). ``Participant.notify_due_at``
holds it, and a ``deliver_notifications`` task is enqueued on the "background" tasks backend with
``run_after`` at that time: the worker (`manage.py db_worker --backend background`, started by
deploy/serve.py and `make run`) sends it, never the request. ``send_message_notifications`` (cron,
every few minutes) catches up with anything a stopped worker missed.

One notification per unread stretch: a participant told of new messages in a thread
(``Participant.notified_at``) is owed nothing more there until they open it again. A family that
writes five replies in a row to a teacher who has not read yet causes one email and one task, not
five (the daily digest still counts every new message). Replies to someone already owed or already
told write only the sender's own row and enqueue nothing.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task, task_backends

from class_blog.quiet_hours import delivery_time, rules_for_school
from ent_pages.access import policy

from .models import Message, Participant, Thread

#: Sent when notifications of new messages are due, with ``owed`` = {user id: [thread id]}: the
#: participants found owed one (grounds held, message unread, not their own). Other channels (push/)
#: reach the same people without deciding again.
notifications_due = Signal()


def notification_due(school_id, visible_at, now):
    """When the participants of a thread of `school_id` may be told of a message visible at `visible_at`."""
    return delivery_time(visible_at, rules=rules_for_school(school_id), now=now)


def schedule_notifications(threads, visible_at, sender, now, *, recipients=None, sender_read=False, created_owing=None):
    """Owe a notification to the other participants of `threads` who are not owed one yet and were not
    told since they last read (one per unread stretch), and enqueue its delivery at the end of quiet hours.

    `recipients`: the user ids of the other participants when the caller knows them and none is owed
    yet (a new thread, a broadcast); else they are read (one query). `sender_read`: the same update
    marks the thread read for the sender (a reply). `created_owing`: the due time the caller already
    wrote in the new participant rows (a broadcast): only the task is left. Two or three queries
    whatever the number of threads; a reply that owes nobody anything new writes only the sender's row.
    """
    from .sending import forget_unread

    schools = {thread.school_id for thread in threads}
    thread_ids = [thread.pk for thread in threads]
    if len(schools) != 1:  # one school per call in practice; stay right if not
        for school_id in schools:
            schedule_notifications([t for t in threads if t.school_id == school_id], visible_at, sender, now)
        return
    school_id = schools.pop()
    quiet = {sender.pk}  # those never owed a notification here
    if any(thread.kind == Thread.Kind.PUPIL for thread in threads):
        # Pupil accounts never get email notifications: they read their messages in their space.
        quiet.update(Participant.objects.filter(thread__in=thread_ids, user__pupil_account__isnull=False)
                     .values_list("user_id", flat=True))
    if created_owing:
        forget_unread(recipients)
        enqueue_delivery(thread_ids, created_owing, now)
        return
    due = None  # the school's quiet hours are read (cache) only when someone becomes owed
    if recipients is None:
        rows = list(Participant.objects.filter(thread__in=thread_ids).values_list(
            "pk", "user_id", "notify_due_at", "notified_at", "last_read_at"))
        recipients = [uid for _pk, uid, *_rest in rows if uid != sender.pk]  # their unread counts change
        owing = [pk for pk, uid, owed, told, read in rows
                 if uid not in quiet and owed is None and not _told_since_read(told, read)]
        senders = [pk for pk, uid, *_rest in rows if uid == sender.pk] if sender_read else []
        # Only the rows that change: a reply to someone already owed or told locks no other row.
        changes = {}
        if senders:
            changes["last_read_at"] = Case(When(pk__in=senders, then=Value(now)), default=F("last_read_at"))
        if owing:
            due = notification_due(school_id, visible_at, now)
            # The conditions are written again: a concurrent reply or delivery may have changed them.
            newly = Q(pk__in=owing, notify_due_at__isnull=True) & (
                Q(notified_at__isnull=True) | Q(last_read_at__gte=F("notified_at")))
            changes["notify_due_at"] = Case(When(newly, then=Value(due)), default=F("notify_due_at"))
        if changes:
            Participant.objects.filter(pk__in=owing + senders).update(**changes)
    else:  # new rows: nobody is owed or was told yet
        owing = bool(recipients)
        if owing:
            due = notification_due(school_id, visible_at, now)
            Participant.objects.filter(thread__in=thread_ids, notify_due_at__isnull=True).exclude(user__in=quiet).update(
                notify_due_at=due)
    forget_unread(recipients)
    if owing:
        enqueue_delivery(thread_ids, due, now)


def _told_since_read(notified_at, last_read_at):
    """Told of new messages and not back in the thread since: owed nothing more there."""
    return notified_at is not None and (last_read_at is None or last_read_at < notified_at)


def enqueue_delivery(thread_ids, due, now):
    """`deliver_notifications` at `due` on the background backend: in the sender's transaction when the
    backend stores tasks (the task exists if and only if the message does), after commit when it runs
    them at once (tests, a machine without worker). An immediate backend cannot wait: a notification due
    later is left to the catch-up command."""
    backend = task_backends[deliver_notifications.backend]
    if backend.supports_defer:
        deliver_notifications.using(run_after=due if due > now else None).enqueue(thread_ids)
    elif due <= now:
        transaction.on_commit(lambda: deliver_notifications.enqueue(thread_ids))


@task(backend="background")
def deliver_notifications(thread_ids):
    """The background worker's side of `schedule_notifications`: the emails due in these threads."""
    from django.core.mail import send_mass_mail

    emails = due_notification_emails(thread_ids=thread_ids)
    return send_mass_mail([(subject, body, None, [to]) for to, subject, body in emails]) if emails else 0


def send_due_notifications(now=None, thread_ids=None):
    """The catch-up: send the notifications that are due (cron); returns the number of emails."""
    emails = due_notification_emails(now, thread_ids)
    if emails:
        send_notification_emails.enqueue(emails)
    return len(emails)


def due_notification_emails(now=None, thread_ids=None):
    """[to, subject, body] of the notifications due now (marked as no longer owed)."""
    now = now or timezone.now()
    due = Participant.objects.filter(notify_due_at__lte=now).select_related("user", "thread")
    if thread_ids is not None:
        due = due.filter(thread__in=thread_ids)
    due = list(due)
    if not due:
        return []
    last = {}
    for message in (
        Message.objects.filter(thread__in={p.thread_id for p in due}, visible_at__lte=now, recalled_at__isnull=True)
        .select_related("sender").order_by("thread_id", "visible_at", "pk")
    ):
        last[message.thread_id] = message
    base_url = settings.WAGTAILADMIN_BASE_URL
    emails = []
    owed = {}
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
            owed.setdefault(user.pk, []).append(participation.thread_id)
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
    told = [p.pk for p in due if p.thread_id in owed.get(p.user_id, ())]
    Participant.objects.filter(pk__in=[p.pk for p in due]).update(
        notify_due_at=None, notified_at=Case(When(pk__in=told, then=Value(now)), default=F("notified_at")))
    if owed:
        notifications_due.send(sender=Participant, owed=owed, now=now)
    return emails


@task(backend="background")
def send_notification_emails(messages):
    """[to, subject, body] triples over one connection (django-tasks, like class_blog's digests)."""
    from django.core.mail import send_mass_mail

    return send_mass_mail([(subject, body, None, [to]) for to, subject, body in messages])
