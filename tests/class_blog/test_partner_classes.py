"""Partner classes (correspondance scolaire)."""

import pytest
from django.test import Client
from django.urls import reverse

from class_blog.models import ClassBlogOptions, ClassPartnership, Comment, PartnershipStatus
from ent_pages.access import policy
from tests.factories import (
    ClassPageFactory,
    ClassPostPageFactory,
    SchoolPageFactory,
    make_parent,
    make_teacher,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def far_class(other_school):
    """A class of another school, invited to read the blog of `class_page`."""
    return ClassPageFactory(parent=other_school, title="CM1 Louise Michel")


def _invite_and_accept(client, class_page, far_class):
    inviter, invitee = make_teacher(class_page), make_teacher(far_class)
    client.force_login(inviter)
    client.post(reverse("class_blog:partnership_invite", args=[class_page.pk]), {"invite-invited_class": far_class.pk})
    partnership = ClassPartnership.objects.get()
    assert partnership.status == PartnershipStatus.PENDING
    client.force_login(invitee)
    client.post(reverse("class_blog:partnership_answer", args=[partnership.pk, "accepter"]))
    partnership.refresh_from_db()
    return partnership, inviter, invitee


def test_pending_invitation_gives_no_access(client, class_page, far_class):
    post = ClassPostPageFactory(parent=class_page)
    make_teacher(class_page)
    ClassPartnership.objects.create(inviting_class=class_page, invited_class=far_class)
    parent, _ = make_parent(far_class)
    client.force_login(parent)
    assert client.get(post.url).status_code == 404


def test_accepted_invitation_opens_the_blog_to_the_partner_families_and_teachers(client, class_page, far_class):
    post = ClassPostPageFactory(parent=class_page, title="Notre potager")
    partnership, _, invitee = _invite_and_accept(client, class_page, far_class)
    assert partnership.status == PartnershipStatus.ACCEPTED
    parent, _ = make_parent(far_class)
    for user in (parent, invitee):
        client.force_login(user)
        assert client.get(post.url).status_code == 200
        listing = client.get(class_page.url)
        assert listing.status_code == 200 and listing.context["partner_view"]
        assert [p.title for p in listing.context["posts_page"]] == ["Notre potager"]


def test_partner_class_sees_blog_but_never_homework_or_notes(client, class_page, far_class):
    _invite_and_accept(client, class_page, far_class)
    parent, _ = make_parent(far_class)
    assert not policy.can_view_class_private(parent, class_page)
    assert class_page.pk not in set(policy.viewable_class_ids(parent).values_list("pk", flat=True))
    client.force_login(parent)
    assert client.get(reverse("class_blog:class_homework", args=[class_page.pk])).status_code == 404
    assert b"Homework notebook" not in client.get(class_page.url).content


def test_partner_family_can_comment(client, class_page, far_class):
    post = ClassPostPageFactory(parent=class_page)
    ClassBlogOptions.objects.create(class_page=class_page, comments_enabled=True)
    _invite_and_accept(client, class_page, far_class)
    parent, _ = make_parent(far_class)
    client.force_login(parent)
    client.post(reverse("class_blog:comment_add", args=[post.pk]), {"text": "Bonjour de Louise Michel !"})
    assert Comment.objects.filter(author=parent).exists()


def test_partner_loses_access_when_revoked(client, class_page, far_class, settings):
    settings.PREAU_SCOPE_CACHE_SECONDS = 60  # remembered scopes, as in production
    post = ClassPostPageFactory(parent=class_page)
    partnership, inviter, _ = _invite_and_accept(client, class_page, far_class)
    parent, _ = make_parent(far_class)
    family = Client()
    family.force_login(parent)  # logged in BEFORE the revocation: the session must not keep the blog
    assert family.get(post.url).status_code == 200
    client.force_login(inviter)
    client.post(reverse("class_blog:partnership_answer", args=[partnership.pk, "retirer"]))
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.REVOKED
    assert family.get(post.url).status_code == 404
    assert family.get(class_page.url).status_code == 404


def test_only_the_invited_class_teacher_accepts(client, class_page, far_class):
    make_teacher(class_page)
    partnership = ClassPartnership.objects.create(inviting_class=class_page, invited_class=far_class)
    stranger = make_teacher(ClassPageFactory(parent=SchoolPageFactory()))
    parent, _ = make_parent(far_class)
    for user in (stranger, parent):
        client.force_login(user)
        assert client.post(reverse("class_blog:partnership_answer", args=[partnership.pk, "accepter"])).status_code == 404
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.PENDING


def test_the_inviting_teacher_cannot_accept_their_own_invitation(client, class_page, far_class):
    inviter = make_teacher(class_page)
    partnership = ClassPartnership.objects.create(inviting_class=class_page, invited_class=far_class)
    client.force_login(inviter)
    assert client.post(reverse("class_blog:partnership_answer", args=[partnership.pk, "accepter"])).status_code == 403


def test_partner_access_is_one_way(client, class_page, far_class):
    _invite_and_accept(client, class_page, far_class)
    far_post = ClassPostPageFactory(parent=far_class)
    parent, _ = make_parent(class_page)
    client.force_login(parent)
    assert client.get(far_post.url).status_code == 404
