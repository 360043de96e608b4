"""The demo city's class life (seed_demo): the README's walkthrough works."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from class_blog.models import ClassPostPage, HomeworkEntry, Note
from ent_pages.models import User

pytestmark = pytest.mark.django_db


def test_demo_seed_gives_ce1b_posts_homework_and_a_note_and_is_idempotent(client):
    call_command("seed_demo")
    call_command("seed_demo")
    assert ClassPostPage.objects.live().count() == 5
    assert ClassPostPage.objects.filter(live=False).count() == 1  # a draft with a photo (files follow published content)
    assert HomeworkEntry.objects.count() == 3
    assert Note.objects.count() == 1
    client.force_login(User.objects.get(username="parent.ce1b"))
    context = client.get(reverse("ent_pages:my_space")).context
    assert [n.title for n in context["pending_notes"]] == ["Sortie au jardin botanique"]
    assert context["homework_soon"]
    assert len([p for p in context["feed_page"] if p.feed_kind == "ClassPostPage"]) == 5
    client.force_login(User.objects.get(username="parent.fratrie"))
    context = client.get(reverse("ent_pages:my_space")).context
    assert not context["pending_notes"] and not context["homework_soon"]
    assert not [p for p in context["feed_page"] if p.feed_kind == "ClassPostPage"]
