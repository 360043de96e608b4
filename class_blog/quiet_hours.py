"""Quiet hours (droit à la déconnexion): when families must not be notified.

Since September 2025 schools do not notify families from 20:00 to 07:00 on weekdays nor from
Friday 20:00 to Monday 07:00, nor during school holidays (school_calendar ``holiday`` events on the
city home or on the school); a director may adapt the hours for their school (SchoolQuietHours).
Pure functions of a datetime and the rules: no database, easy to test. ``rules_for_school`` reads
the rules and holidays of a school and remembers them five minutes in the shared cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

FRIDAY, SATURDAY, SUNDAY = 4, 5, 6


@dataclass(frozen=True)
class QuietRules:
    #: Quiet from this time in the evening...
    evening: time = time(20, 0)
    #: ...until this time the next morning.
    morning: time = time(7, 0)
    #: Quiet all weekend (Friday evening to Monday morning).
    weekend: bool = True
    #: School holidays: (first day, last day) pairs, quiet all day long.
    holidays: tuple[tuple[date, date], ...] = ()

    def is_holiday(self, day: date) -> bool:
        return any(first <= day <= last for first, last in self.holidays)

    def is_day_off(self, day: date) -> bool:
        return (self.weekend and day.weekday() in (SATURDAY, SUNDAY)) or self.is_holiday(day)


DEFAULT_RULES = QuietRules()


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def is_quiet(moment: datetime, rules: QuietRules = DEFAULT_RULES) -> bool:
    """Whether `moment` (aware, or naive local time) falls in the quiet hours."""
    local = _local(moment)
    weekday, clock = local.weekday(), local.time()
    if rules.is_holiday(local.date()):
        return True
    if rules.weekend and (weekday in (SATURDAY, SUNDAY) or (weekday == FRIDAY and clock >= rules.evening)):
        return True
    return clock >= rules.evening or clock < rules.morning


def end_of_quiet(moment: datetime, rules: QuietRules = DEFAULT_RULES) -> datetime:
    """The first moment at or after `moment` when families may be notified."""
    local = _local(moment)
    if not is_quiet(local, rules):
        return moment
    day = local.date()
    if local.time() >= rules.evening or rules.is_day_off(day):
        day += timedelta(days=1)
    while rules.is_day_off(day):
        day += timedelta(days=1)
    candidate = datetime.combine(day, rules.morning)
    if timezone.is_aware(moment):
        candidate = timezone.make_aware(candidate, timezone.get_current_timezone())
    return candidate


def delivery_time(requested: datetime | None = None, rules: QuietRules = DEFAULT_RULES, now: datetime | None = None) -> datetime:
    """When a message written `now` (or scheduled for `requested`) reaches families."""
    now = now or timezone.now()
    wanted = max(requested, now) if requested else now
    return end_of_quiet(wanted, rules)


#: How long a school's rules and holidays are remembered in the shared cache (seconds).
RULES_CACHE_SECONDS = 300


def _rules_key(school_id) -> str:
    return f"preau:quiet-rules:{school_id}"


def rules_for_school(school_id, today: date | None = None) -> QuietRules:
    """The school's adapted rules (or the national ones) with its coming school holidays.

    Holidays are the school_calendar ``holiday`` events of the city home (the académie's zone) and of
    the school itself. Remembered RULES_CACHE_SECONDS: a send costs no query for them.
    """
    from django.core.cache import cache

    if not school_id:
        return DEFAULT_RULES
    key = _rules_key(school_id)
    rules = cache.get(key)
    if rules is None:
        rules = _read_rules(school_id, today or timezone.localdate())
        cache.set(key, rules, RULES_CACHE_SECONDS)
    return rules


def _read_rules(school_id, today: date) -> QuietRules:
    from django.db.models import Q
    from wagtail.models import Page

    from school_calendar.models import Event, EventKind

    from .models import SchoolQuietHours

    custom = SchoolQuietHours.objects.filter(school_id=school_id).first()
    base = custom.rules if custom else DEFAULT_RULES
    school_path = Page.objects.filter(pk=school_id).values_list("path", flat=True).first() or ""
    city_home_path = school_path[: 2 * Page.steplen]
    holidays = tuple(
        (first, last or first)
        for first, last in Event.objects.filter(kind=EventKind.HOLIDAY)
        .filter(Q(page_id=school_id) | Q(page__path=city_home_path))
        .filter(Q(ends_on__gte=today) | Q(ends_on__isnull=True, starts_on__gte=today))
        .order_by("starts_on").values_list("starts_on", "ends_on")
    )
    return QuietRules(evening=base.evening, morning=base.morning, weekend=base.weekend, holidays=holidays)


def forget_rules(school_id) -> None:
    """Drop a school's remembered rules (its director changed its quiet hours)."""
    from django.core.cache import cache

    cache.delete(_rules_key(school_id))
