"""Family-facing class life screens: a bounded number of queries, whatever the amount of content."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from class_blog import notes as note_service
from class_blog.models import ClassBlogOptions, Comment
from tests.factories import (
    ClassPostPageFactory,
    ClassProjectPageFactory,
    HomeworkEntryFactory,
    make_parent,
    make_teacher,
)

pytestmark = pytest.mark.django_db

TUESDAY = datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC)


def _get_within(client, url, bound, django_assert_max_num_queries):
    client.get(url)
    with django_assert_max_num_queries(bound):
        response = client.get(url)
    assert response.status_code == 200
    return response


def test_post_page_with_many_comments_stays_within_bound(client, class_page, django_assert_max_num_queries):
    parent, _ = make_parent(class_page)
    ClassBlogOptions.objects.create(class_page=class_page, comments_enabled=True)
    post = ClassPostPageFactory(parent=class_page, tags=["sortie", "musée"])
    for i in range(30):
        Comment.objects.create(post=post, author=make_parent(class_page)[0], text=f"Bravo {i}", approved=True)
    client.force_login(parent)
    _get_within(client, post.url, 20, django_assert_max_num_queries)


def test_project_page_with_many_posts_stays_within_bound(client, class_page, django_assert_max_num_queries):
    parent, _ = make_parent(class_page)
    project = ClassProjectPageFactory(parent=class_page)
    for _i in range(20):
        ClassPostPageFactory(parent=project)
    client.force_login(parent)
    _get_within(client, project.url, 20, django_assert_max_num_queries)


def test_class_notebook_and_notes_stay_within_bound(client, class_page, django_assert_max_num_queries):
    parent, _ = make_parent(class_page)
    teacher = make_teacher(class_page)
    for i in range(30):
        HomeworkEntryFactory(class_page=class_page, due_on=datetime.date.today() + datetime.timedelta(days=i % 10))
    with time_machine.travel(TUESDAY, tick=False):
        notes = [note_service.send_note(teacher, title=f"Mot {i}", text="Merci", class_page=class_page) for i in range(15)]
        client.force_login(parent)
        _get_within(client, reverse("class_blog:class_homework", args=[class_page.pk]), 12, django_assert_max_num_queries)
        _get_within(client, reverse("class_blog:note_list"), 12, django_assert_max_num_queries)
        _get_within(client, reverse("class_blog:note_detail", args=[notes[0].pk]), 12, django_assert_max_num_queries)
        client.force_login(teacher)
        _get_within(client, reverse("class_blog:note_detail", args=[notes[0].pk]), 14, django_assert_max_num_queries)
