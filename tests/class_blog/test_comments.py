"""Parents' comments on class posts."""

import pytest
from django.urls import reverse

from class_blog.comments import RATE_LIMIT, sanitise
from class_blog.models import ClassBlogOptions, Comment
from tests.factories import ClassPostPageFactory, make_parent, make_teacher

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(class_page):
    return ClassPostPageFactory(parent=class_page, title="Sortie au musée")


def _comment(client, post, text="Bravo à tous !"):
    return client.post(reverse("class_blog:comment_add", args=[post.pk]), {"text": text})


def test_no_comments_when_the_class_has_them_off(client, class_page, post):
    parent, _ = make_parent(class_page)
    client.force_login(parent)
    assert _comment(client, post).status_code == 403
    assert not Comment.objects.exists()


def test_comment_waits_for_the_teacher_then_shows(client, class_page, post):
    ClassBlogOptions.objects.create(class_page=class_page, comments_enabled=True)
    parent, _ = make_parent(class_page)
    other_parent, _ = make_parent(class_page)
    teacher = make_teacher(class_page)
    client.force_login(parent)
    _comment(client, post)
    comment = Comment.objects.get()
    assert not comment.approved
    assert comment in client.get(post.url).context["comments"]  # the author sees their pending comment
    client.force_login(other_parent)
    assert comment not in client.get(post.url).context["comments"]
    client.force_login(teacher)
    client.post(reverse("class_blog:comment_approve", args=[comment.pk]))
    client.force_login(other_parent)
    assert [c.pk for c in client.get(post.url).context["comments"]] == [comment.pk]


def test_trusted_class_publishes_comments_at_once(client, class_page, post):
    ClassBlogOptions.objects.create(class_page=class_page, comments_enabled=True, trust_comments=True)
    parent, _ = make_parent(class_page)
    client.force_login(parent)
    _comment(client, post)
    assert Comment.objects.get().approved


def test_parent_cannot_approve_comments(client, class_page, post):
    ClassBlogOptions.objects.create(class_page=class_page, comments_enabled=True)
    parent, _ = make_parent(class_page)
    client.force_login(parent)
    _comment(client, post)
    comment = Comment.objects.get()
    assert client.post(reverse("class_blog:comment_approve", args=[comment.pk])).status_code == 404
    comment.refresh_from_db()
    assert not comment.approved


def test_author_and_teacher_delete_a_comment_but_not_another_parent(client, class_page, post):
    ClassBlogOptions.objects.create(class_page=class_page, comments_enabled=True, trust_comments=True)
    author, _ = make_parent(class_page)
    other, _ = make_parent(class_page)
    teacher = make_teacher(class_page)
    first = Comment.objects.create(post=post, author=author, text="Un", approved=True)
    second = Comment.objects.create(post=post, author=author, text="Deux", approved=True)
    client.force_login(other)
    assert client.post(reverse("class_blog:comment_delete", args=[first.pk])).status_code == 404
    client.force_login(author)
    assert client.post(reverse("class_blog:comment_delete", args=[first.pk])).status_code == 302
    client.force_login(teacher)
    assert client.post(reverse("class_blog:comment_delete", args=[second.pk])).status_code == 302
    assert not Comment.objects.exists()


def test_comment_html_is_sanitised():
    cleaned = sanitise('<p onclick="x()">Bravo <script>alert(1)</script><a href="javascript:evil()">lien</a> <b>!</b></p>')
    assert "script" not in cleaned and "onclick" not in cleaned and "javascript" not in cleaned
    assert "<b>!</b>" in cleaned


def test_plain_text_comment_keeps_its_lines_and_escapes_markup():
    assert sanitise("Bravo\nà tous & merci") == "Bravo<br>à tous &amp; merci"


def test_comments_are_rate_limited(client, class_page, post):
    ClassBlogOptions.objects.create(class_page=class_page, comments_enabled=True, trust_comments=True)
    parent, _ = make_parent(class_page)
    client.force_login(parent)
    for n in range(RATE_LIMIT + 2):
        _comment(client, post, f"Message {n}")
    assert Comment.objects.count() == RATE_LIMIT


def test_parent_of_another_class_cannot_comment(client, class_page, other_class, post):
    ClassBlogOptions.objects.create(class_page=class_page, comments_enabled=True, trust_comments=True)
    outsider, _ = make_parent(other_class)
    client.force_login(outsider)
    assert _comment(client, post).status_code == 404
    assert not Comment.objects.exists()


def test_teacher_turns_comments_on_from_the_class_corner(client, class_page):
    teacher = make_teacher(class_page)
    client.force_login(teacher)
    response = client.post(reverse("class_blog:class_manage", args=[class_page.pk]), {"options-comments_enabled": "on"})
    assert response.status_code == 302
    assert ClassBlogOptions.objects.get(class_page=class_page).comments_enabled
