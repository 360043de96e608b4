"""Where Préau's news becomes owed pushes: the same moments that already notify families by email or
digest, with the due times they already decided (quiet hours), never a decision of their own.

- a note (class_blog.notes.send_note): at ``Note.scheduled_for``, which send_note set after quiet hours;
- homework due by the next school day: when written, or at the end of quiet hours;
- the first publication of a class's post (at ``announced_at``, class_blog.signals) or gallery;
- new messages: when conversations finds notifications due (``notifications_due``), to those it found owed.
"""

from datetime import timedelta

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from wagtail.signals import page_published

from class_blog.models import ClassPostPage, HomeworkEntry, Note
from class_blog.quiet_hours import delivery_time, rules_for_school
from conversations.notifications import notifications_due
from periscolaire.models import GalleryPage

from .delivery import enqueue, owe
from .models import PendingPush, PushKind


def _school_id(page_path):
    from ent_pages.access import SCHOOL_PREFIX
    from ent_pages.models import SchoolPage

    return SchoolPage.objects.filter(path=page_path[:SCHOOL_PREFIX]).values_list("pk", flat=True).first()


@receiver(post_save, sender=Note)
def note_sent(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        owe(
            PushKind.NOTE,
            due=instance.scheduled_for,
            school_id=instance.school_id,
            actor_id=instance.sender_id,
            note=instance,
        )


@receiver(post_save, sender=HomeworkEntry)
def homework_written(sender, instance, created, raw=False, **kwargs):
    """Homework due by the next school day (tomorrow, or Monday on a Friday): the family needs it tonight."""
    if not created or raw:
        return
    now = timezone.now()
    school_id = _school_id(instance.class_page.path)
    rules = rules_for_school(school_id)
    today = timezone.localdate(now)
    next_school_day = today + timedelta(days=1)
    while rules.is_day_off(next_school_day):
        next_school_day += timedelta(days=1)
    if today <= instance.due_on <= next_school_day:
        owe(
            PushKind.HOMEWORK,
            due=delivery_time(rules=rules, now=now),
            school_id=school_id,
            actor_id=instance.created_by_id,
            homework=instance,
            now=now,
        )


@receiver(page_published, sender=ClassPostPage)
@receiver(page_published, sender=GalleryPage)
def class_page_published(sender, instance, **kwargs):
    """First publication only (a corrected post is not news). Class sections only: policy.push_audience
    finds nobody for a CLAE gallery, which the digest announces."""
    from wagtail.models import PageLogEntry

    if instance.first_published_at is None or instance.first_published_at != instance.last_published_at:
        return
    if PageLogEntry.objects.filter(page=instance.pk, action="wagtail.publish").exists():  # logged after this signal
        return
    school_id = _school_id(instance.path)
    due = getattr(instance, "announced_at", None) or delivery_time(rules=rules_for_school(school_id))
    owe(PushKind.POST, due=due, school_id=school_id, actor_id=instance.owner_id, page_id=instance.pk)


@receiver(notifications_due)
def messages_due(sender, owed, now, **kwargs):
    """Conversations waited for quiet hours and checked who is owed a notification: push to them now."""
    from conversations.models import Thread

    from .models import PushSubscription

    wanting = set(
        PushSubscription.objects.filter(user_id__in=list(owed), message=True).values_list("user_id", flat=True)
    )
    owed = {user_id: threads for user_id, threads in owed.items() if user_id in wanting}
    if not owed:
        return
    schools = dict(
        Thread.objects.filter(pk__in={t for threads in owed.values() for t in threads}).values_list("pk", "school_id")
    )
    PendingPush.objects.bulk_create(
        [
            PendingPush(
                kind=PushKind.MESSAGE,
                due_at=now,
                school_id=schools.get(thread_id),
                thread_id=thread_id,
                user_id=user_id,
            )
            for user_id, thread_ids in owed.items()
            for thread_id in thread_ids
            if thread_id in schools
        ]
    )
    enqueue(now, now)
