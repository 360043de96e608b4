"""The access policy, rule by rule (ent_pages.access)."""

import pytest
from guardian.shortcuts import assign_perm, remove_perm
from wagtail.models import Page

from ent_pages.access import policy
from ent_pages.models import ClassPage, Enrolment, Role
from tests.factories import (
    ClassPageFactory,
    EnrolmentFactory,
    PupilFactory,
    StaffAssignmentFactory,
    UserFactory,
    make_director,
    make_parent,
    make_teacher,
)

pytestmark = pytest.mark.django_db


def fresh(user):
    policy.forget(user)
    return user


class TestPublicPages:
    def test_anyone_may_view_the_city_home(self, city):
        assert policy.can_view(None, city)

    def test_anyone_may_view_a_school_presentation(self, school):
        assert policy.can_view(None, school)
        assert policy.can_view(UserFactory(), school)

    def test_a_class_page_is_private(self, class_page):
        assert policy.is_private(class_page)
        assert not policy.can_view(None, class_page)


class TestClassVisibility:
    def test_guardian_of_an_enrolled_pupil_may_view_the_class(self, class_page):
        parent, _pupil = make_parent(class_page)
        assert policy.can_view(parent, class_page)

    def test_guardian_may_not_view_another_class_of_the_same_school(self, class_page, other_class):
        parent, _pupil = make_parent(class_page)
        assert not policy.can_view(parent, other_class)

    def test_guardian_may_not_view_a_class_of_another_school(self, class_page, other_school):
        parent, _pupil = make_parent(class_page)
        assert not policy.can_view(parent, ClassPageFactory(parent=other_school))

    def test_enrolment_of_a_past_year_does_not_count(self, class_page):
        parent, pupil = make_parent(class_page)
        Enrolment.objects.filter(pupil=pupil).update(school_year="2019-2020")
        assert not policy.can_view(fresh(parent), class_page)

    def test_a_guardian_follows_each_of_their_children(self, school, class_page, other_class):
        parent, _first = make_parent(class_page)
        second = PupilFactory()
        EnrolmentFactory(pupil=second, class_page=other_class)
        parent.guardian_records.get().guardianships.create(pupil=second)
        assert policy.can_view(fresh(parent), class_page)
        assert policy.can_view(parent, other_class)

    def test_both_separated_parents_follow_their_child(self, class_page):
        mother, pupil = make_parent(class_page)
        father = UserFactory()
        from tests.factories import GuardianFactory, GuardianshipFactory

        GuardianshipFactory(guardian=GuardianFactory(user=father), pupil=pupil)
        assert policy.can_view(mother, class_page)
        assert policy.can_view(father, class_page)

    def test_a_teacher_may_view_their_class_only(self, class_page, other_class):
        teacher = make_teacher(class_page)
        assert policy.can_view(teacher, class_page)
        assert not policy.can_view(teacher, other_class)

    def test_a_director_may_view_every_class_of_their_school_only(self, school, class_page, other_class, other_school):
        director = make_director(school)
        assert policy.can_view(director, class_page)
        assert policy.can_view(director, other_class)
        assert not policy.can_view(director, ClassPageFactory(parent=other_school))

    def test_a_clae_animator_may_not_view_class_pages(self, school, class_page):
        animator = UserFactory()
        StaffAssignmentFactory(user=animator, school=school, role=Role.CLAE_ANIMATOR)
        assert not policy.can_view(animator, class_page)

    def test_an_explicit_grant_opens_a_class_and_its_removal_closes_it(self, class_page):
        substitute = UserFactory()
        assert not policy.can_view(substitute, class_page)
        assign_perm("ent_pages.view_class_content", substitute, class_page)
        assert policy.can_view(fresh(substitute), class_page)
        remove_perm("ent_pages.view_class_content", substitute, class_page)
        assert not policy.can_view(fresh(substitute), class_page)

    def test_a_grant_to_a_group_opens_the_class_to_its_members(self, class_page):
        from django.contrib.auth.models import Group

        group = Group.objects.create(name="Remplaçants")
        member = UserFactory()
        member.groups.add(group)
        assign_perm("ent_pages.view_class_content", group, class_page)
        assert policy.can_view(member, class_page)

    def test_an_inactive_account_sees_nothing_private(self, class_page):
        parent, _pupil = make_parent(class_page)
        parent.is_active = False
        parent.save()
        assert not policy.can_view(fresh(parent), class_page)

    def test_a_superuser_may_view_everything(self, class_page):
        assert policy.can_view(UserFactory(is_superuser=True), class_page)


class TestSchoolMembersSections:
    """Sections below a school that are not classes (CLAE, school news) are for the school's members."""

    @pytest.fixture
    def members_section(self, school):
        # Any non-class child of a school is a members-only section; a plain Page stands in for one here.
        return school.add_child(instance=Page(title="Vie de l'école", slug="vie-ecole"))

    def test_families_of_the_school_may_view_its_members_sections(self, class_page, members_section):
        parent, _pupil = make_parent(class_page)
        assert policy.can_view(parent, members_section)

    def test_staff_of_the_school_may_view_its_members_sections(self, school, members_section):
        animator = UserFactory()
        StaffAssignmentFactory(user=animator, school=school, role=Role.CLAE_ANIMATOR)
        assert policy.can_view(animator, members_section)

    def test_families_of_another_school_may_not(self, other_school, members_section):
        parent, _pupil = make_parent(ClassPageFactory(parent=other_school))
        assert not policy.can_view(parent, members_section)
        assert not policy.can_view(None, members_section)


class TestQuerysetFilter:
    def test_viewable_matches_can_view_for_every_page(self, school, other_school, class_page, other_class):
        far_class = ClassPageFactory(parent=other_school)
        school.add_child(instance=Page(title="Vie de l'école", slug="vie"))
        parent, _pupil = make_parent(class_page)
        users = [None, parent, make_teacher(other_class), make_director(other_school), UserFactory()]
        pages = list(Page.objects.all().specific())
        for user in users:
            expected = {p.pk for p in pages if policy.can_view(user, p)}
            got = set(policy.viewable(user, Page.objects.all()).values_list("pk", flat=True))
            assert got == expected, user
        assert far_class.pk not in set(policy.viewable(parent, Page.objects.all()).values_list("pk", flat=True))

    def test_public_listing_never_includes_class_pages(self, class_page):
        assert not policy.public(ClassPage.objects.all()).exists()

    def test_viewable_works_on_specific_querysets(self, class_page, other_class):
        parent, _pupil = make_parent(class_page)
        assert list(policy.viewable(parent, ClassPage.objects.all())) == [class_page]

    def test_scope_costs_a_bounded_number_of_queries(self, class_page, django_assert_max_num_queries):
        parent, _pupil = make_parent(class_page)
        policy.forget(parent)
        with django_assert_max_num_queries(6):
            policy.scope(parent)
