"""Quiet hours: no notification to families 20:00–07:00 on weekdays nor from Friday 20:00 to Monday 07:00."""

import datetime
from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from class_blog.models import SchoolQuietHours
from class_blog.quiet_hours import DEFAULT_RULES, QuietRules, delivery_time, end_of_quiet, is_quiet, rules_for_school
from tests.factories import make_director, make_teacher

PARIS = timezone.get_fixed_timezone(60)  # November: UTC+1


def at(day, hour, minute=0):
    """A moment in Paris in the week of Monday 23 November 2026 (day 0 = Monday)."""
    return datetime.datetime(2026, 11, 23 + day, hour, minute, tzinfo=PARIS)


@pytest.mark.parametrize(("moment", "quiet"), [
    (at(0, 6, 59), True), (at(0, 7, 0), False), (at(1, 12), False), (at(1, 19, 59), False), (at(1, 20, 0), True),
    (at(2, 23, 30), True), (at(4, 19, 0), False), (at(4, 20, 0), True), (at(5, 12), True), (at(6, 18), True),
])
def test_families_are_not_notified_in_the_evening_at_night_and_at_the_weekend(moment, quiet):
    assert is_quiet(moment) is quiet


@pytest.mark.parametrize(("moment", "expected"), [
    (at(1, 21), at(2, 7)),          # Tuesday evening → Wednesday 07:00
    (at(2, 5), at(2, 7)),           # Wednesday dawn → 07:00 the same day
    (at(4, 20, 30), at(7, 7)),      # Friday evening → Monday 07:00
    (at(5, 10), at(7, 7)),          # Saturday → Monday 07:00
    (at(1, 10), at(1, 10)),         # daytime: at once
])
def test_messages_written_in_quiet_hours_are_held_until_they_end(moment, expected):
    assert end_of_quiet(moment) == expected


def test_a_message_scheduled_later_waits_for_its_time_and_the_end_of_quiet_hours():
    now = at(1, 10)
    assert delivery_time(at(1, 16), now=now) == at(1, 16)
    assert delivery_time(at(1, 22), now=now) == at(2, 7)
    assert delivery_time(at(0, 16), now=now) == now  # a past time means now


def test_a_school_may_adapt_its_quiet_hours():
    rules = QuietRules(evening=time(19, 0), morning=time(7, 30), weekend=True)
    assert is_quiet(at(1, 19, 15), rules) and not is_quiet(at(1, 19, 15), DEFAULT_RULES)
    assert end_of_quiet(at(2, 7, 10), rules) == at(2, 7, 30)


@pytest.mark.django_db
def test_director_sets_the_school_quiet_hours(client, school, class_page):
    director, teacher = make_director(school), make_teacher(class_page)
    url = reverse("class_blog:school_quiet_hours", args=[school.pk])
    client.force_login(teacher)
    assert client.get(url).status_code == 404
    client.force_login(director)
    assert client.post(url, {"evening": "19:00", "morning": "07:30", "weekend": "on"}).status_code == 302
    assert SchoolQuietHours.objects.get(school=school).evening == time(19, 0)
    assert rules_for_school(school.pk).morning == time(7, 30)


CHRISTMAS = QuietRules(holidays=((datetime.date(2026, 12, 19), datetime.date(2027, 1, 3)),))


def test_school_holidays_are_quiet_all_day_and_notifications_wait_for_the_first_school_day():
    tuesday_of_holidays = datetime.datetime(2026, 12, 22, 10, 0, tzinfo=PARIS)
    assert is_quiet(tuesday_of_holidays, CHRISTMAS) and not is_quiet(tuesday_of_holidays)
    back_to_school = datetime.datetime(2027, 1, 4, 7, 0, tzinfo=PARIS)  # Monday after the holidays
    assert end_of_quiet(tuesday_of_holidays, CHRISTMAS) == back_to_school
    # The last Friday evening before the holidays also waits until they are over.
    assert end_of_quiet(datetime.datetime(2026, 12, 18, 20, 30, tzinfo=PARIS), CHRISTMAS) == back_to_school


@pytest.mark.django_db
def test_a_school_quiet_hours_know_the_city_holidays_and_its_own_days_off(school, city, other_school,
                                                                        django_assert_num_queries):
    from school_calendar.models import Event, EventKind

    today = datetime.date(2026, 12, 1)
    Event.objects.create(page=city, kind=EventKind.HOLIDAY, title="Vacances de Noël",
                         starts_on=datetime.date(2026, 12, 19), ends_on=datetime.date(2027, 1, 3))
    Event.objects.create(page=school, kind=EventKind.HOLIDAY, title="Pont", starts_on=datetime.date(2026, 12, 11))
    Event.objects.create(page=school, kind=EventKind.OUTING, title="Sortie", starts_on=datetime.date(2026, 12, 10))
    Event.objects.create(page=city, kind=EventKind.HOLIDAY, title="Toussaint (passée)",
                         starts_on=datetime.date(2026, 10, 17), ends_on=datetime.date(2026, 11, 1))
    rules = rules_for_school(school.pk, today=today)
    assert rules.holidays == ((datetime.date(2026, 12, 11), datetime.date(2026, 12, 11)),
                              (datetime.date(2026, 12, 19), datetime.date(2027, 1, 3)))
    assert rules_for_school(other_school.pk, today=today).holidays == ((datetime.date(2026, 12, 19),
                                                                        datetime.date(2027, 1, 3)),)
    with django_assert_num_queries(0):  # remembered: a send costs no query for them
        assert rules_for_school(school.pk) == rules


@pytest.mark.django_db
def test_a_director_change_of_quiet_hours_applies_to_the_next_send(school):
    assert rules_for_school(school.pk).evening == time(20, 0)
    SchoolQuietHours.objects.create(school=school, evening=time(19, 0))
    assert rules_for_school(school.pk).evening == time(19, 0)
