"""Class life rules of the access policy (ent_pages.access), including bulk scopes for digests."""

import pytest
from guardian.shortcuts import assign_perm

from ent_pages.access import policy
from ent_pages.models import User
from tests.factories import (
    ClassPageFactory,
    ClassPartnershipFactory,
    UserFactory,
    make_director,
    make_parent,
    make_teacher,
)

pytestmark = pytest.mark.django_db


def _fresh(user):
    return User.objects.get(pk=user.pk)


def test_explicit_guardian_grant_opens_the_class_private_life(class_page):
    substitute = UserFactory()
    assert not policy.can_view_class_private(_fresh(substitute), class_page)
    assign_perm("ent_pages.view_class_content", substitute, class_page)
    assert policy.can_view_class_private(_fresh(substitute), class_page)


def test_group_grant_counts_too(class_page):
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Remplaçants")
    substitute = UserFactory()
    substitute.groups.add(group)
    assign_perm("ent_pages.view_class_content", group, class_page)
    assert class_page.path in policy.scope(_fresh(substitute)).class_paths


def test_bulk_scopes_equal_one_by_one_scopes(school, class_page, other_class, django_assert_max_num_queries):
    partner = ClassPageFactory()
    ClassPartnershipFactory(inviting_class=partner, invited_class=class_page)
    users = [make_parent(class_page)[0], make_parent(other_class)[0], make_teacher(class_page), make_director(school),
             UserFactory(), UserFactory(is_superuser=True)]
    expected = {u.pk: policy.scope(_fresh(u)) for u in users}
    fresh = [_fresh(u) for u in users]
    with django_assert_max_num_queries(5):
        policy.prime_scopes(fresh)
    assert {u.pk: policy.scope(u) for u in fresh} == expected
    assert expected[users[0].pk].partner_class_paths == {partner.path}


def test_teacher_manages_their_class_and_director_every_class_of_the_school(school, class_page, other_class):
    teacher, director = make_teacher(class_page), make_director(school)
    parent, _ = make_parent(class_page)
    assert policy.can_manage_class(teacher, class_page) and not policy.can_manage_class(teacher, other_class)
    assert policy.can_manage_class(director, other_class)
    assert not policy.can_manage_class(parent, class_page) and policy.can_view_class_private(parent, class_page)
    assert set(policy.managed_classes(director)) == {class_page, other_class}
