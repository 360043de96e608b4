"""Starting threads, posting, broadcasting, recalling, reading — with the sender's limits.

Views call these functions after the access policy said yes; each function checks the limits that
belong to sending itself (rate limits, burst lock) and writes everything in one transaction.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from class_blog.comments import sanitise
from ent_pages.access import policy
from ent_pages.models import ClassPage, Guardianship, SchoolPage
from ent_pages.school_year import current_school_year

from . import settings as conf
from .models import Broadcast, Message, MessagingRestriction, Participant, Thread
from .notifications import notification_due, schedule_notifications


class SendRefused(Exception):
    """Sending refused (rate limit, lock, closed thread): the message is for the user, in French."""


def clean_body(text):
    text = (text or "").strip()
    if not text:
        raise SendRefused(_("Write a message."))
    if len(text) > conf.get("PREAU_CONVERSATIONS_MAX_LENGTH"):
        raise SendRefused(_("This message is too long (at most %(max)s characters).")
                          % {"max": conf.get("PREAU_CONVERSATIONS_MAX_LENGTH")})
    return sanitise(text)


def _check_thread_rate(sender, is_family, now):
    """A few new threads per day for a family, more for staff (settings)."""
    limit = conf.get("PREAU_CONVERSATIONS_FAMILY_THREADS_PER_DAY" if is_family else "PREAU_CONVERSATIONS_STAFF_THREADS_PER_DAY")
    # A broadcast's threads count as one. One query.
    counts = Thread.objects.filter(created_by=sender, created_at__gt=now - timedelta(days=1)).aggregate(
        single=Count("pk", filter=Q(broadcast__isnull=True)), broadcasts=Count("broadcast", distinct=True))
    started = counts["single"] + counts["broadcasts"]
    if started >= limit:
        raise SendRefused(_("You have started %(count)s conversations in the last 24 hours: that is the limit. "
                            "Please write in an existing conversation or try again tomorrow.") % {"count": started})


def _check_burst(sender, school_id, now, count=1):
    """A sudden burst of sends locks the account's sending until a director clears it (hijacked accounts)."""
    window = timedelta(seconds=conf.get("PREAU_CONVERSATIONS_BURST_SECONDS"))
    # A broadcast's copies count as one message: they are one send.
    recent = Message.objects.filter(sender=sender, sent_at__gt=now - window, broadcast__isnull=True).count()
    if recent + count > conf.get("PREAU_CONVERSATIONS_BURST_MESSAGES"):
        MessagingRestriction.objects.create(
            user=sender, kind=MessagingRestriction.Kind.BURST, school_id=school_id, created_at=now,
            reason=_("%(count)s messages in %(seconds)s seconds.") % {"count": recent + count,
                                                                     "seconds": window.seconds},
        )
        raise SendRefused(_("Too many messages in a short time: your sending is locked until the school's director "
                            "unlocks it."))


def refusal_for(restriction):
    """What the person who may not send reads, in French, for a restriction in force."""
    if restriction.kind == MessagingRestriction.Kind.NEW_DEVICE:
        return _("Your account was just signed in to from a new device. For your safety, sending messages is "
                 "paused until the school confirms it was you. What you write stays in the form: you can send it "
                 "as soon as the school has confirmed.")
    if restriction.kind == MessagingRestriction.Kind.BURST:
        return _("Too many messages in a short time: your sending is locked until the school's director "
                 "unlocks it.")
    return _("Your messaging is suspended. Please contact the school's director.")


def sending_pause(user):
    """Why `user` may not send now, in French, or "" when they may (policy.may_send_messages). One query."""
    if policy.may_send_messages(user):
        return ""
    # A suspension says most; then a burst lock; a new-device pause last.
    order = {MessagingRestriction.Kind.SUSPENDED: 0, MessagingRestriction.Kind.BURST: 1}
    restrictions = MessagingRestriction.objects.in_force().filter(user=user) if user.is_authenticated else []
    restriction = min(restrictions, key=lambda r: order.get(r.kind, 2), default=None)
    return refusal_for(restriction) if restriction else _("Your messaging is suspended. Please contact the school's director.")


def _check_may_send(sender):
    if pause := sending_pause(sender):
        raise SendRefused(pause)


def pause_after_new_device(user, now=None):
    """A sign-in from a new device: pause the account's sending in each school it belongs to, until a
    director of one of them confirms (``lift``). Nothing for an account without a school; an unlifted
    pause is not repeated."""
    now = now or timezone.now()
    kind = MessagingRestriction.Kind.NEW_DEVICE
    already = set(MessagingRestriction.objects.in_force().filter(user=user, kind=kind).values_list("school_id", flat=True))
    schools = [pk for pk in policy.messaging_lock_schools(user).values_list("pk", flat=True) if pk not in already]
    reason = _("Signed in from a new device on %(when)s.") % {"when": timezone.localtime(now).strftime("%d/%m/%Y %H:%M")}
    MessagingRestriction.objects.bulk_create([
        MessagingRestriction(user=user, kind=kind, school_id=pk, created_at=now, reason=reason) for pk in schools
    ])
    return len(schools)


def lift(restriction, by, now=None):
    """Allow sending again. A new-device pause is one event set in each school of the account: the
    first director who confirms lifts it everywhere."""
    now = now or timezone.now()
    lifted = MessagingRestriction.objects.in_force().filter(pk=restriction.pk)
    if restriction.kind == MessagingRestriction.Kind.NEW_DEVICE:
        lifted = MessagingRestriction.objects.in_force().filter(
            user=restriction.user_id, kind=restriction.kind, created_at=restriction.created_at,
        )
    return lifted.update(cleared_at=now, cleared_by=by)


def _visible_at(scheduled_for, now):
    return scheduled_for if scheduled_for and scheduled_for > now else now


def _participant(thread, user_id, grounds, is_family, **extra):
    return Participant(thread=thread, user_id=user_id, is_family=is_family, **grounds, **extra)


def _school_of_class(class_page_id=None, class_page=None):
    class_page = class_page or ClassPage.objects.only("path").get(pk=class_page_id)
    return SchoolPage.objects.filter(path=class_page.path[: 3 * class_page.steplen]).values_list("pk", flat=True).first()


def start_thread(sender, contact, *, subject, text, scheduled_for=None, attachment=None, now=None):
    """A new thread with the people of an allowed `contact` (AccessPolicy.conversation_contact)."""
    now = now or timezone.now()
    body = clean_body(text)
    subject = (subject or "").strip()[:200]
    if not subject:
        raise SendRefused(_("Give the conversation a subject."))
    # A pupil writes on the grounds of being that pupil; a teacher writing to a pupil, on the class taught.
    is_pupil = contact.kind == Thread.Kind.PUPIL and "pupil_id" in contact.sender_grounds
    is_family = "pupil_id" in contact.sender_grounds and contact.kind != Thread.Kind.PUPIL
    if is_family or is_pupil:
        scheduled_for = None  # scheduled sending is for staff
    _check_may_send(sender)
    _check_thread_rate(sender, is_family or is_pupil, now)
    school_id = contact.school_id or _school_of_class(contact.class_page_id)
    _check_burst(sender, school_id, now)
    with transaction.atomic():
        thread = Thread.objects.create(
            kind=contact.kind, subject=subject, school_id=school_id, pupil_id=contact.pupil_id,
            class_page_id=contact.class_page_id, partner_class_id=contact.partner_class_id,
            created_by=sender, created_at=now, school_year=current_school_year(),
        )
        Participant.objects.bulk_create(
            [_participant(thread, sender.pk, contact.sender_grounds, is_family, last_read_at=now)]
            + [_participant(thread, uid, grounds, fam) for uid, grounds, fam in contact.recipients]
        )
        message = _create_message(thread, sender, body, scheduled_for, now, attachment,
                                  recipients=[uid for uid, _grounds, _fam in contact.recipients])
    return thread, message


def _create_message(thread, sender, body, scheduled_for, now, attachment=None, *, recipients=None, sender_read=False):
    message = Message.objects.create(
        thread=thread, sender=sender, body=body, sent_at=now, scheduled_for=scheduled_for,
        visible_at=_visible_at(scheduled_for, now),
    )
    if attachment is not None:
        from django.core.exceptions import ValidationError

        from .attachments import attach

        try:
            attach(message, attachment, sender)
        except ValidationError as error:  # the caller's transaction rolls the message back
            raise SendRefused(" ".join(error.messages)) from error
    schedule_notifications([thread], message.visible_at, sender, now, recipients=recipients, sender_read=sender_read)
    return message


def post_message(sender, thread, participation, *, text, scheduled_for=None, attachment=None, now=None):
    """A reply in a thread the policy lets `sender` post in.

    With `participation` from AccessPolicy.thread_participation_by_id: the burst count, the message,
    the participants read and updated (owed notifications, read by the sender), the delivery task.
    """
    now = now or timezone.now()
    body = clean_body(text)
    if participation.is_family:
        scheduled_for = None
    if not policy.can_post_in_thread(sender, thread, participation):
        # An open thread refuses only an account that may not send now: say why (the text stays in the form).
        raise SendRefused(sending_pause(sender) if thread.is_open else _("This conversation is closed."))
    _check_burst(sender, thread.school_id, now)
    with transaction.atomic():
        message = _create_message(thread, sender, body, scheduled_for, now, attachment, sender_read=True)
    participation.last_read_at = now
    return message


def send_broadcast(sender, class_page, *, subject, text, scheduled_for=None, now=None):
    """One thread per family of the class (this year's pupils; guardians of the same children share it).

    Families never see each other: each thread has the sender and one family. Bulk inserts and no
    loop over families in SQL: a dozen queries whatever the size of the class; notifications go to the
    background worker.
    """
    now = now or timezone.now()
    body = clean_body(text)
    subject = (subject or "").strip()[:200]
    if not subject:
        raise SendRefused(_("Give the conversation a subject."))
    _check_may_send(sender)
    _check_thread_rate(sender, False, now)
    school_id = _school_of_class(class_page=class_page)
    families = {}
    for pupil_id, user_id in (
        Guardianship.objects.filter(
            pupil__enrolments__class_page=class_page, pupil__enrolments__school_year=current_school_year(),
            guardian__user__is_active=True,
        ).exclude(guardian__user=sender).values_list("pupil_id", "guardian__user_id").order_by("pupil_id")
    ):
        families.setdefault(pupil_id, set()).add(user_id)
    by_family = {}
    for pupil_id, users in families.items():
        by_family.setdefault(frozenset(users), pupil_id)  # siblings with the same guardians: one thread
    if not by_family:
        raise SendRefused(_("No family of this class has an account yet."))
    sender_grounds = policy.broadcast_grounds(sender, class_page)
    visible_at = _visible_at(scheduled_for, now)
    due = notification_due(school_id, visible_at, now)  # families are owed a notification from the start
    with transaction.atomic():
        broadcast = Broadcast.objects.create(sender=sender, class_page=class_page, subject=subject, created_at=now)
        threads = Thread.objects.bulk_create([
            Thread(kind=Thread.Kind.FAMILY, subject=subject, school_id=school_id, pupil_id=pupil_id,
                   class_page=class_page, broadcast=broadcast, created_by=sender, created_at=now,
                   school_year=current_school_year())
            for pupil_id in by_family.values()
        ])
        if threads[0].pk is None:  # backends that do not return ids from bulk inserts
            threads = list(Thread.objects.filter(broadcast=broadcast).order_by("pk"))
        participants, messages = [], []
        for thread, (users, pupil_id) in zip(threads, by_family.items(), strict=True):
            participants.append(Participant(thread=thread, user=sender, last_read_at=now, **sender_grounds))
            participants += [Participant(thread=thread, user_id=uid, is_family=True, pupil_id=pupil_id, notify_due_at=due)
                             for uid in users]
            messages.append(Message(thread=thread, sender=sender, body=body, sent_at=now, scheduled_for=scheduled_for,
                                    visible_at=visible_at, broadcast=broadcast))
        Participant.objects.bulk_create(participants)
        Message.objects.bulk_create(messages)
        schedule_notifications(threads, visible_at, sender, now, created_owing=due,
                               recipients=[uid for users in by_family for uid in users])
    return broadcast


def can_recall(user, message, now=None):
    """The sender, within the recall delay, while no recipient has read it."""
    now = now or timezone.now()
    if message.sender_id != user.pk or message.recalled_at:
        return False
    if now - message.sent_at > timedelta(minutes=conf.get("PREAU_CONVERSATIONS_RECALL_MINUTES")):
        return False
    threads = Q(thread__broadcast=message.broadcast_id) if message.broadcast_id else Q(thread=message.thread_id)
    return not Participant.objects.filter(threads, last_read_at__gte=message.visible_at).exclude(user=user).exists()


def recall(user, message, now=None):
    """Withdraw a message (every copy of a broadcast): recipients no longer see it. False if too late."""
    now = now or timezone.now()
    if not can_recall(user, message, now):
        return False
    copies = Message.objects.filter(broadcast=message.broadcast_id) if message.broadcast_id else Message.objects.filter(pk=message.pk)
    copies.update(recalled_at=now)
    forget_unread(Participant.objects.filter(thread__messages__in=copies).values_list("user_id", flat=True))
    return True


def mark_read(participation, now=None):
    now = now or timezone.now()
    Participant.objects.filter(pk=participation.pk).update(last_read_at=now, notify_due_at=None)
    participation.last_read_at = now
    forget_unread([participation.user_id])


# ------------------------------------------------------------------------------ unread counts
UNREAD_TTL = 60


def unread_key(user_id):
    """Stored as (access version, count): read with the page's other cache values in one round trip
    (ent_pages.page_cache.prefetch), and not used under a newer access version (a thread left)."""
    return f"conversations:unread2:{user_id}"


def forget_unread(user_ids):
    cache.delete_many([unread_key(uid) for uid in set(user_ids)])


def unread_count_for(request):
    """`unread_count` of the request's user, read once per request (the header and "my space" show it)."""
    memo = request.__dict__.get("_preau_unread_count")
    if memo is None:
        memo = request._preau_unread_count = unread_count(request.user)
    return memo


def unread_count(user):
    """Unread messages in the user's threads (remembered a minute; dropped on new messages and reads)."""
    from ent_pages.page_cache import read

    if not user.is_authenticated:
        return 0
    key = unread_key(user.pk)
    stored = read([key]).get(key)
    version = policy.access_version()
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == version:
        return stored[1]
    from .inbox import total_unread

    count = total_unread(user)
    cache.set(key, (version, count), UNREAD_TTL)
    return count
