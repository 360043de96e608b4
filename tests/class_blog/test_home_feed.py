"""The family home: notes pending, homework due soon, what's new — each item through the access policy."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from class_blog import notes as note_service
from class_blog.news import ensure_city_news_index
from tests.factories import (
    CityNewsPageFactory,
    ClassPageFactory,
    ClassPostPageFactory,
    EnrolmentFactory,
    GuardianshipFactory,
    HomeworkEntryFactory,
    PupilFactory,
    SchoolNewsPageFactory,
    make_director,
    make_parent,
    make_teacher,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _school_day():
    """A Tuesday morning: nothing is held by quiet hours unless a test says so."""
    with time_machine.travel(datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC), tick=True):
        yield


def _published(page, when):
    type(page).objects.filter(pk=page.pk).update(first_published_at=when, last_published_at=when)
    return page


def _family_with_children_in(classes):
    """One account, one child in each class."""
    parent, _ = make_parent(classes[0])
    guardian = parent.guardian_records.get()
    for class_page in classes[1:]:
        pupil = PupilFactory()
        EnrolmentFactory(pupil=pupil, class_page=class_page)
        GuardianshipFactory(guardian=guardian, pupil=pupil)
    return parent


def _fill(class_page, sender, n_posts=5, n_homework=5, n_notes=2):
    now = timezone.now()
    for i in range(n_posts):
        _published(ClassPostPageFactory(parent=class_page, title=f"{class_page.title} billet {i}"), now - datetime.timedelta(hours=i))
    for i in range(n_homework):
        HomeworkEntryFactory(class_page=class_page, due_on=timezone.localdate() + datetime.timedelta(days=i % 7))
    for i in range(n_notes):
        note_service.send_note(sender, title=f"Mot {i}", text="Merci", class_page=class_page, scheduled_for=now - datetime.timedelta(days=1), now=now - datetime.timedelta(days=1))


def test_parent_home_gathers_notes_homework_posts_school_and_city_news(client, city, school, class_page, other_class):
    parent, _ = make_parent(class_page)
    teacher = make_teacher(class_page)
    _fill(class_page, teacher, n_posts=1, n_homework=1, n_notes=1)
    SchoolNewsPageFactory(parent=school, title="Kermesse")
    CityNewsPageFactory(parent=ensure_city_news_index(city), title="Menus")
    ClassPostPageFactory(parent=other_class, title="Pas pour moi")
    HomeworkEntryFactory(class_page=other_class, due_on=timezone.localdate(), text="Devoir d'une autre classe")
    client.force_login(parent)
    context = client.get(reverse("ent_pages:my_space")).context
    assert [n.title for n in context["pending_notes"]] == ["Mot 0"]
    assert [e.class_page for e in context["homework_soon"]] == [class_page]
    titles = {item.title for item in context["feed_page"]}
    assert titles == {"CE1 B billet 0", "Kermesse", "Menus"}


def test_feed_is_newest_first_and_paginated(client, class_page):
    parent, _ = make_parent(class_page)
    now = timezone.now()
    for i in range(20):
        _published(ClassPostPageFactory(parent=class_page, title=f"Billet {i:02d}"), now - datetime.timedelta(hours=i))
    client.force_login(parent)
    first = client.get(reverse("ent_pages:my_space")).context["feed_page"]
    assert [p.title for p in first][:2] == ["Billet 00", "Billet 01"] and first.has_next
    second = client.get(reverse("ent_pages:my_space"), {"page": 2}).context["feed_page"]
    assert [p.title for p in second] == [f"Billet {i}" for i in range(10, 20)]


def test_parent_home_query_count_does_not_grow_with_children_posts_or_notes(
    client, city, school, other_school, django_assert_max_num_queries, settings
):
    settings.PREAU_PAGE_CACHE_SECONDS = 0  # built afresh (not remembered): the build's own queries are bounded
    classes = [ClassPageFactory(parent=school), ClassPageFactory(parent=school), ClassPageFactory(parent=other_school)]
    parent = _family_with_children_in(classes)
    for class_page in classes:
        _fill(class_page, make_teacher(class_page), n_posts=8, n_homework=10, n_notes=4)
    SchoolNewsPageFactory(parent=school)
    CityNewsPageFactory(parent=ensure_city_news_index(city))
    client.force_login(parent)
    client.get(reverse("ent_pages:my_space"))
    with django_assert_max_num_queries(20):
        response = client.get(reverse("ent_pages:my_space"))
    assert len(response.context["children"]) == 3
    assert len(response.context["pending_notes"]) == 10


def test_teacher_home_shows_their_class_and_sent_notes(
    client, class_page, other_class, django_assert_max_num_queries, settings
):
    settings.PREAU_PAGE_CACHE_SECONDS = 0  # built afresh (not remembered): the build's own queries are bounded
    teacher = make_teacher(class_page)
    make_parent(class_page)
    _fill(class_page, teacher, n_posts=3, n_homework=3, n_notes=2)
    ClassPostPageFactory(parent=other_class, title="Autre classe")
    client.force_login(teacher)
    client.get(reverse("ent_pages:my_space"))
    with django_assert_max_num_queries(20):
        context = client.get(reverse("ent_pages:my_space")).context
    assert {n.title for n in context["sent_notes"]} == {"Mot 0", "Mot 1"}
    assert "Autre classe" not in {p.title for p in context["feed_page"]}
    assert context["my_classes"] == [class_page]


def test_director_home_covers_the_whole_school(
    client, school, class_page, other_class, django_assert_max_num_queries, settings
):
    settings.PREAU_PAGE_CACHE_SECONDS = 0  # built afresh (not remembered): the build's own queries are bounded
    director = make_director(school)
    ClassPostPageFactory(parent=class_page, title="A")
    ClassPostPageFactory(parent=other_class, title="B")
    client.force_login(director)
    client.get(reverse("ent_pages:my_space"))
    with django_assert_max_num_queries(21):
        context = client.get(reverse("ent_pages:my_space")).context
    assert {p.title for p in context["feed_page"]} == {"A", "B"}
    assert set(context["my_classes"]) == {class_page, other_class}


def test_post_published_at_night_is_in_the_feed_at_once_and_only_its_notification_waits(client, class_page):
    from class_blog.digests import digest_for

    parent, _ = make_parent(class_page)
    teacher = make_teacher(class_page)
    late = datetime.datetime(2026, 11, 24, 21, 0, tzinfo=datetime.UTC)  # 22:00 in Paris, a Tuesday
    with time_machine.travel(late, tick=False):
        post = ClassPostPageFactory(parent=class_page, title="Écrit le soir", live=False)
        post.save_revision(user=teacher).publish()
        post.refresh_from_db()
        assert timezone.localtime(post.announced_at).hour == 7
        client.force_login(parent)
        assert "Écrit le soir" in {p.title for p in client.get(reverse("ent_pages:my_space")).context["feed_page"]}
        # A digest sent at night does not carry it...
        assert post not in digest_for(parent, late - datetime.timedelta(hours=1), timezone.now()).pages
    # ...the first one after quiet hours does.
    morning = post.announced_at + datetime.timedelta(minutes=5)
    with time_machine.travel(morning, tick=False):
        assert [p.pk for p in digest_for(parent, late - datetime.timedelta(hours=1), morning).pages] == [post.pk]

