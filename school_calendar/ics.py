"""The private ICS feed of a family's calendar (RFC 5545, written with the icalendar library)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as IcsEvent

from .entries import entries_for

#: How far back and ahead the feed reaches: enough for a phone's calendar, small enough to stay quick.
PAST_DAYS, FUTURE_DAYS = 30, 365


def calendar_for(user, now=None):
    """The user's calendar as an icalendar.Calendar."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    calendar = Calendar()
    calendar.add("prodid", "-//Préau//Agenda des familles//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Préau")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")  # PREAU_BASE_URL
    host = base_url.split("//")[-1].split("/")[0]
    tz = timezone.get_current_timezone()
    for entry in entries_for(user, today - timedelta(days=PAST_DAYS), today + timedelta(days=FUTURE_DAYS)):
        event = IcsEvent()
        event.add("uid", f"{entry.uid}@{host}")
        event.add("dtstamp", now)
        event.add("summary", entry.title)
        if entry.all_day:
            event.add("dtstart", entry.day)
            event.add("dtend", entry.last_day + timedelta(days=1))  # DTEND of a date is exclusive
        else:
            starts = datetime.combine(entry.day, entry.start_time, tzinfo=tz)
            ends = datetime.combine(entry.last_day, entry.end_time, tzinfo=tz) if entry.end_time else starts + timedelta(hours=1)
            event.add("dtstart", starts)
            event.add("dtend", max(ends, starts))
        description = " — ".join(part for part in (entry.place_label, entry.description) if part)
        if description:
            event.add("description", description)
        if entry.location:
            event.add("location", entry.location)
        if entry.url:
            event.add("url", base_url + entry.url)
        event.add("categories", [entry.kind_label])
        calendar.add_component(event)
    return calendar
