"""The homework notebook (cahier de textes)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from class_blog.models import HomeworkEntry, Subject
from class_blog.views import group_by_due_date
from tests.factories import (
    ClassPageFactory,
    ClassPartnershipFactory,
    EnrolmentFactory,
    HomeworkEntryFactory,
    make_director,
    make_parent,
    make_teacher,
)

pytestmark = pytest.mark.django_db

WEDNESDAY = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC)


def test_teacher_with_two_classes_writes_homework_for_both_at_once(client, class_page, other_class):
    teacher = make_teacher(class_page)
    from tests.factories import TeachingAssignmentFactory

    TeachingAssignmentFactory(user=teacher, class_page=other_class)
    client.force_login(teacher)
    due = datetime.date.today() + datetime.timedelta(days=2)
    response = client.post(reverse("class_blog:homework_quick_entry"), {
        "classes": [class_page.pk, other_class.pk], "due_on": due.isoformat(), "subject": Subject.MATHS,
        "text": "Apprendre la table de 3",
    })
    assert response.status_code == 302
    assert set(HomeworkEntry.objects.values_list("class_page_id", flat=True)) == {class_page.pk, other_class.pk}
    assert HomeworkEntry.objects.filter(created_by=teacher, due_on=due).count() == 2


def test_teacher_cannot_write_homework_for_a_class_they_do_not_teach(client, class_page, other_class):
    teacher = make_teacher(class_page)
    client.force_login(teacher)
    response = client.post(reverse("class_blog:homework_quick_entry"), {
        "classes": [other_class.pk], "due_on": (datetime.date.today() + datetime.timedelta(days=1)).isoformat(),
        "subject": Subject.FRENCH, "text": "Lire",
    })
    assert response.status_code == 200  # the form refuses the choice
    assert not HomeworkEntry.objects.exists()


def test_parent_cannot_use_the_quick_entry_form(client, class_page):
    parent, _ = make_parent(class_page)
    client.force_login(parent)
    assert client.get(reverse("class_blog:homework_quick_entry")).status_code == 403


@time_machine.travel(WEDNESDAY, tick=False)
def test_parent_sees_homework_per_child_grouped_by_due_date(client, class_page, other_class):
    parent, emma = make_parent(class_page, first_name="Emma")
    from tests.factories import GuardianshipFactory, PupilFactory

    tom = PupilFactory(first_name="Tom")
    EnrolmentFactory(pupil=tom, class_page=other_class)
    GuardianshipFactory(guardian=parent.guardian_records.get(), pupil=tom)
    today = datetime.date(2026, 11, 25)
    HomeworkEntryFactory(class_page=class_page, due_on=today, text="Poésie")
    HomeworkEntryFactory(class_page=class_page, due_on=today + datetime.timedelta(days=1), text="Table de 3")
    HomeworkEntryFactory(class_page=class_page, due_on=today + datetime.timedelta(days=2), text="Exposé")
    HomeworkEntryFactory(class_page=other_class, due_on=today + datetime.timedelta(days=1), text="Dictée")
    HomeworkEntryFactory(class_page=class_page, due_on=today - datetime.timedelta(days=1), text="Passé")
    client.force_login(parent)
    response = client.get(reverse("class_blog:homework_todo"))
    rows = {row["pupil"].first_name: row for row in response.context["rows"]}
    emma_groups = {g["key"]: [e.text for e in g["entries"]] for g in rows["Emma"]["groups"]}
    assert emma_groups == {"today": ["Poésie"], "tomorrow": ["Table de 3"], "week": ["Exposé"]}
    assert [e.text for g in rows["Tom"]["groups"] for e in g["entries"]] == ["Dictée"]


def test_due_date_groups_stop_at_the_end_of_the_week():
    friday = datetime.date(2026, 11, 27)
    entries = [HomeworkEntry(due_on=friday + datetime.timedelta(days=n)) for n in (0, 1, 2, 3)]
    groups = {g["key"]: len(g["entries"]) for g in group_by_due_date(entries, friday)}
    assert groups == {"today": 1, "tomorrow": 1, "week": 1, "later": 1}


def test_parent_of_another_class_cannot_see_homework(client, class_page, other_class):
    HomeworkEntryFactory(class_page=class_page, due_on=datetime.date.today(), text="Secret de la classe")
    outsider, _ = make_parent(other_class)
    client.force_login(outsider)
    assert client.get(reverse("class_blog:class_homework", args=[class_page.pk])).status_code == 404
    todo = client.get(reverse("class_blog:homework_todo"))
    assert "Secret de la classe" not in todo.content.decode()


def test_partner_class_sees_blog_but_never_homework(client, class_page):
    partner_class = ClassPageFactory()
    ClassPartnershipFactory(inviting_class=class_page, invited_class=partner_class)
    partner_parent, _ = make_parent(partner_class)
    HomeworkEntryFactory(class_page=class_page, due_on=datetime.date.today(), text="Pas pour les correspondants")
    client.force_login(partner_parent)
    assert client.get(class_page.url).status_code == 200
    assert client.get(reverse("class_blog:class_homework", args=[class_page.pk])).status_code == 404
    assert "Pas pour les correspondants" not in client.get(reverse("class_blog:homework_todo")).content.decode()


def test_director_sees_the_notebook_of_every_class_of_the_school(client, school, class_page):
    HomeworkEntryFactory(class_page=class_page, due_on=datetime.date.today(), text="Lire")
    director = make_director(school)
    client.force_login(director)
    response = client.get(reverse("class_blog:class_homework", args=[class_page.pk]))
    assert response.status_code == 200 and "Lire" in response.content.decode()


def test_teacher_deletes_an_entry_of_their_class_but_not_of_another(client, class_page, other_class):
    teacher = make_teacher(class_page)
    mine = HomeworkEntryFactory(class_page=class_page)
    theirs = HomeworkEntryFactory(class_page=other_class)
    client.force_login(teacher)
    assert client.post(reverse("class_blog:homework_delete", args=[mine.pk])).status_code == 302
    assert client.post(reverse("class_blog:homework_delete", args=[theirs.pk])).status_code == 404
    assert list(HomeworkEntry.objects.all()) == [theirs]


def test_homework_todo_query_count_does_not_grow_with_entries(client, class_page, other_class, django_assert_max_num_queries):
    parent, _ = make_parent(class_page)
    from tests.factories import GuardianshipFactory, PupilFactory

    sibling = PupilFactory()
    EnrolmentFactory(pupil=sibling, class_page=other_class)
    GuardianshipFactory(guardian=parent.guardian_records.get(), pupil=sibling)
    for n in range(30):
        HomeworkEntryFactory(class_page=class_page if n % 2 else other_class, due_on=datetime.date.today() + datetime.timedelta(days=n % 10))
    client.force_login(parent)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("class_blog:homework_todo")).status_code == 200
