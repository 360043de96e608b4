"""The family calendar: their children's events, homework and reply deadlines; a private ICS feed that can be revoked."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from class_blog import notes as note_service
from class_blog.models import AnswerKind
from periscolaire.spaces import ensure_clae_space
from school_calendar.models import CalendarFeed, Event, EventKind
from tests.factories import ClassPageFactory, HomeworkEntryFactory, make_parent, make_teacher

pytestmark = pytest.mark.django_db

TUESDAY = datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _school_day():
    with time_machine.travel(TUESDAY, tick=True):
        yield


def _day(n):
    return datetime.date(2026, 11, 24) + datetime.timedelta(days=n)


@pytest.fixture
def dated_city(city, school, other_school, class_page, other_class):
    """Events everywhere: the family's class, another class, its school, CLAE, the city, another school."""
    clae = ensure_clae_space(school)
    events = {
        "class": Event.objects.create(page=class_page, kind=EventKind.OUTING, title="Sortie au musée", starts_on=_day(2),
                                      start_time=datetime.time(9, 30), end_time=datetime.time(16, 0), location="Musée"),
        "other_class": Event.objects.create(page=other_class, title="Piscine CM2", starts_on=_day(3)),
        "school": Event.objects.create(page=school, kind=EventKind.MEETING, title="Réunion de rentrée", starts_on=_day(4)),
        "clae": Event.objects.create(page=clae, kind=EventKind.CLAE_CLOSURE, title="CLAE fermé", starts_on=_day(5)),
        "city": Event.objects.create(page=city, kind=EventKind.HOLIDAY, title="Vacances de Noël (zone C)",
                                     starts_on=_day(25), ends_on=_day(39)),
        "other_school": Event.objects.create(page=other_school, title="Kermesse ailleurs", starts_on=_day(6)),
        "other_school_class": Event.objects.create(
            page=ClassPageFactory(parent=other_school, title="CP ailleurs"), title="Sortie ailleurs", starts_on=_day(6)),
    }
    return events


def _ics(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"]
    return Calendar.from_ical(response.content)


def _summaries(calendar):
    return {str(component["SUMMARY"]) for component in calendar.walk("VEVENT")}


def test_a_family_sees_only_its_children_events_with_homework_and_reply_deadlines(client, class_page, dated_city):
    parent, _child = make_parent(class_page)
    teacher = make_teacher(class_page)
    HomeworkEntryFactory(class_page=class_page, due_on=_day(1), text="Apprendre la poésie")
    note_service.send_note(teacher, title="Sortie au musée", text="Autorisation", class_page=class_page,
                           answer_kind=AnswerKind.YES_NO, question="Participe ?", respond_by=_day(1))
    client.force_login(parent)
    client.post(reverse("school_calendar:subscription"), {"action": "make"})
    feed_url = client.get(reverse("school_calendar:subscription")).context  # the page without the URL again
    assert feed_url["feed_url"] is None
    response = client.post(reverse("school_calendar:subscription"), {"action": "make"})
    url = response.context["feed_url"]
    client.logout()  # the phone has no session: the secret URL is the key

    calendar = _ics(client, url)
    summaries = _summaries(calendar)
    assert {"Sortie au musée", "Réunion de rentrée", "CLAE fermé", "Vacances de Noël (zone C)"} <= summaries
    assert not summaries & {"Piscine CM2", "Kermesse ailleurs", "Sortie ailleurs"}
    assert any(s.startswith("Devoirs (") and "Apprendre la poésie" in s for s in summaries)
    assert "Réponse attendue : Sortie au musée".replace(" :", "\u00a0:") in summaries
    outing = next(c for c in calendar.walk("VEVENT") if str(c["SUMMARY"]) == "Sortie au musée")
    assert outing.decoded("DTSTART").hour == 9 and str(outing["LOCATION"]) == "Musée"
    holidays = next(c for c in calendar.walk("VEVENT") if str(c["SUMMARY"]).startswith("Vacances"))
    assert holidays.decoded("DTEND") == _day(40)  # all-day events end the day after (RFC 5545)
    assert len({str(c["UID"]) for c in calendar.walk("VEVENT")}) == len(calendar.walk("VEVENT"))


def test_the_calendar_link_is_refused_once_revoked_or_replaced(client, class_page, dated_city):
    parent, _child = make_parent(class_page)
    client.force_login(parent)
    first = client.post(reverse("school_calendar:subscription"), {"action": "make"}).context["feed_url"]
    second = client.post(reverse("school_calendar:subscription"), {"action": "make"}).context["feed_url"]
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    client.post(reverse("school_calendar:subscription"), {"action": "revoke"})
    assert client.get(second).status_code == 404
    assert client.get(reverse("school_calendar:ics_feed", args=["not-a-token"])).status_code == 404


def test_the_calendar_token_is_stored_only_as_a_hash(client, class_page):
    parent, _child = make_parent(class_page)
    client.force_login(parent)
    url = client.post(reverse("school_calendar:subscription"), {"action": "make"}).context["feed_url"]
    token = url.rstrip("/").rsplit("/", 1)[-1]
    feed = CalendarFeed.objects.get(user=parent)
    assert token not in feed.token_hash and feed.token_hash == CalendarFeed.hash(token)


def test_my_space_and_the_calendar_page_list_the_next_dates_in_few_queries(
    client, class_page, dated_city, django_assert_max_num_queries
):
    parent, _child = make_parent(class_page)
    client.force_login(parent)
    client.get(reverse("school_calendar:my_calendar"))
    with django_assert_max_num_queries(12):
        html = client.get(reverse("school_calendar:my_calendar")).content.decode()
    assert "Sortie au musée" in html and "Piscine CM2" not in html and "Kermesse ailleurs" not in html
    assert "Sortie au musée" in client.get(reverse("ent_pages:my_space")).content.decode()


def test_a_teacher_adds_an_event_to_their_class_but_not_to_another(client, class_page, other_class):
    teacher = make_teacher(class_page)
    client.force_login(teacher)
    form = client.get(reverse("school_calendar:event_create")).context["form"]
    assert class_page.pk in {p.pk for p in form.fields["page"].queryset}
    assert other_class.pk not in {p.pk for p in form.fields["page"].queryset}
    data = {"page": class_page.pk, "kind": "outing", "title": "Cinéma", "starts_on": "2026-12-03"}
    assert client.post(reverse("school_calendar:event_create"), data).status_code == 302
    refused = client.post(reverse("school_calendar:event_create"), {**data, "page": other_class.pk, "title": "Intrus"})
    assert refused.status_code == 400 and not Event.objects.filter(title="Intrus").exists()
    bad_dates = client.post(reverse("school_calendar:event_create"), {**data, "ends_on": "2026-12-01", "title": "À l'envers"})
    assert bad_dates.status_code == 400 and "Le dernier jour ne peut pas précéder le premier." in bad_dates.content.decode()


def test_families_cannot_add_or_remove_events(client, class_page, dated_city):
    parent, _child = make_parent(class_page)
    client.force_login(parent)
    assert client.get(reverse("school_calendar:event_create")).status_code == 404
    event = dated_city["class"]
    assert client.post(reverse("school_calendar:event_delete", args=[event.pk])).status_code == 404
    assert Event.objects.filter(pk=event.pk).exists()
