"""Sending notes to acknowledge, acknowledging them, and reminding the families who have not."""

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from ent_pages.access import policy

from .models import Note, NoteRecipient
from .quiet_hours import delivery_time, end_of_quiet, is_quiet, rules_for_school


@transaction.atomic
def send_note(sender, *, title, text, class_page=None, school=None, pupils=None, scheduled_for=None, now=None, **reply_slip):
    """Create the note and its recipients; it reaches families at the requested time, never in quiet hours.

    ``reply_slip``: answer_kind, question, answer_choices, respond_by when the note asks for an answer.
    """
    if school is None:
        school = class_page.get_parent().specific
    now = now or timezone.now()
    note = Note.objects.create(
        sender=sender, class_page=class_page, school=school, chosen_families=pupils is not None,
        title=title, text=text, created_at=now, **reply_slip,
        scheduled_for=delivery_time(scheduled_for, rules=rules_for_school(school.pk), now=now),
    )
    NoteRecipient.objects.bulk_create([
        NoteRecipient(note=note, guardian_id=guardian_id, pupil_id=pupil_id)
        for guardian_id, pupil_id in policy.note_audience(class_page=class_page, school=school, pupils=pupils)
    ])
    return note


def acknowledge(note, user, now=None):
    """Record that the user has read the note, once: rows already acknowledged never change.

    Returns the number of rows acknowledged now (0 when already done or not a recipient).
    """
    from ent_pages.my_space_cache import family_changed, staff_changed

    if not note.is_delivered:
        return 0
    done = NoteRecipient.objects.filter(note=note, guardian__user=user, acknowledged_at__isnull=True).update(
        acknowledged_at=now or timezone.now(), acknowledged_by=user
    )
    if done:  # the family's home and the counts its teachers follow (ent_pages.my_space_cache)
        family_changed([user.pk])
        staff_changed((note.class_page or note.school).path)
    return done


def pending_notes_for(user, now=None):
    """Delivered notes the user (as a guardian) has yet to acknowledge, newest first (the policy decides which)."""
    return policy.pending_notes(user, now or timezone.now()).order_by("-scheduled_for", "-pk")


def with_ack_counts(notes):
    return notes.annotate(
        recipient_count=Count("recipients__guardian", distinct=True),
        acknowledged_count=Count("recipients__guardian", filter=Q(recipients__acknowledged_at__isnull=False), distinct=True),
    )


def acknowledgement_rows(note):
    """Per pupil: each guardian and whether (and when) they acknowledged."""
    rows = {}
    recipients = note.recipients.select_related("pupil", "guardian").order_by("pupil__last_name", "pupil__first_name", "guardian__last_name")
    for recipient in recipients:
        rows.setdefault(recipient.pupil, []).append(recipient)
    return [{"pupil": pupil, "recipients": recipients} for pupil, recipients in rows.items()]


def remind(note, now=None):
    """Email the guardians who have not acknowledged (or, for a reply slip, not answered for a child);
    inside quiet hours the reminder waits for send_digests.

    Returns the number of emails sent (0 when held).
    """
    now = now or timezone.now()
    rules = rules_for_school(note.school_id)
    if is_quiet(now, rules) or not note.is_delivered:
        note.reminder_due_at = end_of_quiet(max(now, note.scheduled_for), rules)
        note.save(update_fields=["reminder_due_at"])
        return 0
    waiting = note.recipients.exclude(guardian__user__isnull=True)
    if note.asks_answer:  # a reply slip: the families of the children without an answer
        waiting = waiting.exclude(pupil_id__in=note.answers.values("pupil_id"))
    else:
        waiting = waiting.filter(acknowledged_at__isnull=True)
    emails = sorted(set(waiting.values_list("guardian__user__email", flat=True)) - {""})
    subject = _("Reminder: %(title)s") % {"title": note.title}
    body = render_to_string("class_blog/emails/note_reminder.txt", {"note": note, "base_url": settings.WAGTAILADMIN_BASE_URL})
    with get_connection() as connection:
        for email in emails:
            send_mail(subject, body, None, [email], connection=connection)
    note.reminded_at, note.reminder_due_at = now, None
    note.save(update_fields=["reminded_at", "reminder_due_at"])
    return len(emails)


def send_due_reminders(now=None):
    """Reminders held by quiet hours whose time has come (called by send_digests)."""
    now = now or timezone.now()
    return sum(remind(note, now) for note in Note.objects.filter(reminder_due_at__lte=now))
