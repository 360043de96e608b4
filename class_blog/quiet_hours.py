"""Quiet hours (droit à la déconnexion): when families must not be notified.

Since September 2025 schools do not notify families from 20:00 to 07:00 on weekdays nor from
Friday 20:00 to Monday 07:00; a director may adapt the hours for their school (SchoolQuietHours).
Pure functions of a datetime and the rules: no database, easy to test.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

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


DEFAULT_RULES = QuietRules()


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def is_quiet(moment: datetime, rules: QuietRules = DEFAULT_RULES) -> bool:
    """Whether `moment` (aware, or naive local time) falls in the quiet hours."""
    local = _local(moment)
    weekday, clock = local.weekday(), local.time()
    if rules.weekend and (weekday in (SATURDAY, SUNDAY) or (weekday == FRIDAY and clock >= rules.evening)):
        return True
    return clock >= rules.evening or clock < rules.morning


def end_of_quiet(moment: datetime, rules: QuietRules = DEFAULT_RULES) -> datetime:
    """The first moment at or after `moment` when families may be notified."""
    local = _local(moment)
    if not is_quiet(local, rules):
        return moment
    day = local.date()
    if local.time() >= rules.evening:
        day += timedelta(days=1)
    candidate = datetime.combine(day, rules.morning)
    while rules.weekend and candidate.weekday() in (SATURDAY, SUNDAY):
        candidate += timedelta(days=1)
    if timezone.is_aware(moment):
        candidate = timezone.make_aware(candidate, timezone.get_current_timezone())
    return candidate


def delivery_time(requested: datetime | None = None, rules: QuietRules = DEFAULT_RULES, now: datetime | None = None) -> datetime:
    """When a message written `now` (or scheduled for `requested`) reaches families."""
    now = now or timezone.now()
    wanted = max(requested, now) if requested else now
    return end_of_quiet(wanted, rules)


def rules_for_school(school_id) -> QuietRules:
    """The school's adapted rules, or the national ones."""
    from .models import SchoolQuietHours

    custom = SchoolQuietHours.objects.filter(school_id=school_id).first() if school_id else None
    return custom.rules if custom else DEFAULT_RULES
