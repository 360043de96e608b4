"""A user's calendar: events of the places they belong to, homework due dates, reply deadlines of notes.

Everything goes through the access policy (``calendar_pages``, ``viewable_class_ids``, note
recipients); the same entries feed the /agenda/ page, "my space" and the private ICS feed.
"""

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from ent_pages.access import policy

from .models import Event

#: The window of a calendar without an end: the weeks ahead ("my space", /agenda/).
DAYS_AHEAD = 60


@dataclass
class CalendarEntry:
    uid: str
    title: str
    day: date
    last_day: date
    kind: str
    kind_label: str
    place_label: str = ""
    description: str = ""
    location: str = ""
    start_time: time | None = None
    end_time: time | None = None
    url: str = ""
    event: Event | None = None

    @property
    def all_day(self):
        return self.start_time is None


def events_for(user, start, end):
    """Events overlapping [start, end] on the pages of the user's calendar (one query)."""
    return (
        Event.objects.filter(page__in=policy.calendar_pages(user).values("pk"))
        .filter(starts_on__lte=end).exclude(ends_on__lt=start).exclude(ends_on__isnull=True, starts_on__lt=start)
        .select_related("page").order_by("starts_on", "start_time", "pk")
    )


def entries_for(user, start=None, end=None, homework_ahead=None):
    """Every calendar entry of `user` between `start` and `end` (inclusive), in date order. Three queries.

    ``homework_ahead``: (start, end, homework entries) the caller read already for the same user
    (the home's feed, class_blog.feed): used instead of asking again when the window is the same.
    """
    from class_blog.models import HomeworkEntry, NoteRecipient, Subject

    start = start or timezone.localdate()
    end = end or start + timedelta(days=DAYS_AHEAD)
    entries = []
    for event in events_for(user, start, end):
        entries.append(CalendarEntry(
            uid=f"event-{event.pk}", title=event.title, day=event.starts_on, last_day=event.last_day,
            kind=event.kind, kind_label=event.get_kind_display(), place_label=event.page.title,
            description=event.description, location=event.location, start_time=event.start_time,
            end_time=event.end_time, event=event,
        ))
    subjects = dict(Subject.choices)
    if homework_ahead is not None and homework_ahead[:2] == (start, end):
        homework = sorted(homework_ahead[2], key=lambda entry: (entry.due_on, entry.pk))
    else:
        homework = (
            HomeworkEntry.objects.filter(class_page__in=policy.viewable_class_ids(user), due_on__range=(start, end))
            .select_related("class_page").order_by("due_on", "pk")
        )
    for entry in homework:
        subject = subjects.get(entry.subject, entry.subject)
        entries.append(CalendarEntry(
            uid=f"homework-{entry.pk}", title=_("Homework (%(subject)s): %(text)s") % {
                "subject": subject, "text": Truncator(entry.text).chars(80)},
            day=entry.due_on, last_day=entry.due_on, kind="homework", kind_label=_("Homework"),
            place_label=entry.class_page.title, description=entry.text,
            url=reverse("class_blog:class_homework", args=[entry.class_page_id]),
        ))
    now = timezone.now()
    seen = set()
    notes = (
        NoteRecipient.objects.filter(guardian__user=user, note__respond_by__range=(start, end), note__scheduled_for__lte=now)
        .select_related("note").order_by("note__respond_by", "note_id")
    )
    for row in notes:
        if row.note_id in seen:
            continue
        seen.add(row.note_id)
        entries.append(CalendarEntry(
            uid=f"note-{row.note_id}", title=_("Answer due: %(title)s") % {"title": row.note.title},
            day=row.note.respond_by, last_day=row.note.respond_by, kind="note", kind_label=_("Note to answer"),
            description=row.note.question or row.note.text,
            url=reverse("class_blog:note_detail", args=[row.note_id]),
        ))
    entries.sort(key=lambda e: (e.day, e.start_time or time.min, e.uid))
    return entries
