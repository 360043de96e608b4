"""Every class life screen renders for the people it is meant for."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from class_blog import notes as note_service
from class_blog.models import ClassBlogOptions, Comment
from tests.factories import (
    ClassPartnershipFactory,
    ClassPostPageFactory,
    ClassProjectPageFactory,
    HomeworkEntryFactory,
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


def test_teacher_screens_render(client, school, class_page, other_class):
    teacher = make_teacher(class_page)
    parent, _ = make_parent(class_page)
    ClassPartnershipFactory(inviting_class=other_class, invited_class=class_page, status="pending")
    post = ClassPostPageFactory(parent=ClassProjectPageFactory(parent=class_page), tags=["jardin"])
    ClassBlogOptions.objects.create(class_page=class_page, comments_enabled=True)
    Comment.objects.create(post=post, author=parent, text="Merci !")
    HomeworkEntryFactory(class_page=class_page)
    note = note_service.send_note(teacher, title="Sortie", text="Signez", class_page=class_page)
    client.force_login(teacher)
    for url in [
        class_page.url, post.url, post.get_parent().url, reverse("ent_pages:my_space"),
        reverse("class_blog:homework_quick_entry"), reverse("class_blog:homework_todo"),
        reverse("class_blog:class_homework", args=[class_page.pk]), reverse("class_blog:note_list"),
        reverse("class_blog:note_create"), reverse("class_blog:note_detail", args=[note.pk]),
        reverse("class_blog:class_manage", args=[class_page.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    manage = client.get(reverse("class_blog:class_manage", args=[class_page.pk]))
    assert b"Merci !" in manage.content and b"Accept" in manage.content


def test_parent_screens_render(client, class_page):
    parent, _ = make_parent(class_page)
    teacher = make_teacher(class_page)
    note = note_service.send_note(teacher, title="Sortie", text="Signez", class_page=class_page)
    client.force_login(parent)
    for url in [
        reverse("ent_pages:my_space"), reverse("class_blog:homework_todo"), reverse("class_blog:note_list"),
        reverse("class_blog:note_detail", args=[note.pk]), reverse("class_blog:notification_preferences"),
        reverse("class_blog:class_homework", args=[class_page.pk]),
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("class_blog:note_create")).status_code == 403
    assert client.get(reverse("class_blog:class_manage", args=[class_page.pk])).status_code == 404


def test_director_screens_render(client, school, class_page):
    director = make_director(school)
    make_parent(class_page)
    client.force_login(director)
    for url in [reverse("ent_pages:my_space"), reverse("class_blog:note_create"),
                reverse("class_blog:school_quiet_hours", args=[school.pk]), reverse("class_blog:class_manage", args=[class_page.pk])]:
        assert client.get(url).status_code == 200, url


def test_teacher_finds_homework_and_notes_in_the_admin_menu(client, class_page):
    teacher = make_teacher(class_page)
    client.force_login(teacher)
    content = client.get("/admin/").content.decode()
    assert reverse("class_blog:homework_quick_entry") in content and reverse("class_blog:note_list") in content
