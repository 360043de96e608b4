"""Edit rules: role groups and Wagtail page permissions follow pages and assignments, no admin clicks."""

import pytest
from django.contrib.auth.models import Group

from ent_pages.access import policy
from ent_pages.models import ClassPage, Role, StaffAssignment, TeachingAssignment
from tests.factories import ClassPageFactory, UserFactory, make_director, make_teacher

pytestmark = pytest.mark.django_db


def test_creating_a_class_creates_its_teachers_group(class_page):
    class_page.refresh_from_db()
    assert class_page.teachers_group is not None
    assert class_page.teachers_group.page_permissions.filter(page=class_page).exists()


def test_teacher_may_edit_their_class_and_not_another(class_page, other_class):
    teacher = make_teacher(class_page)
    assert policy.can_edit(teacher, class_page)
    assert not policy.can_edit(teacher, other_class)


def test_teacher_may_not_edit_the_school_page(school, class_page):
    assert not policy.can_edit(make_teacher(class_page), school)


def test_director_may_edit_every_class_of_their_school_only(school, class_page, other_class, other_school):
    director = make_director(school)
    assert policy.can_edit(director, school)
    assert policy.can_edit(director, class_page)
    assert policy.can_edit(director, other_class)
    assert not policy.can_edit(director, other_school)
    assert not policy.can_edit(director, ClassPageFactory(parent=other_school))


def test_parents_and_anonymous_edit_nothing(class_page):
    assert not policy.can_edit(None, class_page)
    assert not policy.can_edit(UserFactory(), class_page)


def test_ending_an_assignment_removes_the_edit_right(class_page):
    teacher = make_teacher(class_page)
    TeachingAssignment.objects.filter(user=teacher).delete()
    teacher = type(teacher).objects.get(pk=teacher.pk)
    assert not policy.can_edit(teacher, class_page)


def test_a_teacher_with_two_classes_is_in_two_groups_only(school, class_page, other_class):
    teacher = make_teacher(class_page)
    TeachingAssignment.objects.create(user=teacher, class_page=other_class)
    assert set(teacher.groups.all()) == {
        ClassPage.objects.get(pk=class_page.pk).teachers_group,
        ClassPage.objects.get(pk=other_class.pk).teachers_group,
    }


def test_city_editor_is_put_in_the_editors_group(db):
    editor = UserFactory()
    StaffAssignment.objects.create(user=editor, role=Role.CITY_EDITOR)
    assert editor.groups.filter(name="Rédacteurs de la ville").exists()


def test_deleting_a_class_deletes_its_group(class_page):
    class_page.refresh_from_db()
    group_id = class_page.teachers_group_id
    class_page.delete()
    assert not Group.objects.filter(pk=group_id).exists()


def test_renaming_a_class_renames_its_group(class_page):
    class_page.title = "CE1 C"
    class_page.save()
    class_page.refresh_from_db()
    assert "CE1 C" in class_page.teachers_group.name


class TestInTheAdmin:
    """The same rules seen from the Wagtail admin."""

    def test_teacher_opens_the_editor_of_their_class(self, client, class_page):
        client.force_login(make_teacher(class_page))
        response = client.get(f"/admin/pages/{class_page.pk}/edit/")
        assert response.status_code == 200

    def test_teacher_is_refused_the_editor_of_another_class(self, client, class_page, other_class):
        client.force_login(make_teacher(class_page))
        response = client.get(f"/admin/pages/{other_class.pk}/edit/")
        assert response.status_code in (302, 403)

    def test_director_opens_the_editor_of_every_class_of_their_school(self, client, school, class_page, other_class):
        client.force_login(make_director(school))
        for page in (school, class_page, other_class):
            assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200

    def test_director_is_refused_another_school(self, client, school, other_school):
        client.force_login(make_director(school))
        assert client.get(f"/admin/pages/{other_school.pk}/edit/").status_code in (302, 403)

    def test_parent_has_no_admin(self, client, class_page):
        client.force_login(UserFactory())
        response = client.get("/admin/")
        assert response.status_code == 302


def test_granting_a_groups_permissions_again_adds_nothing_and_costs_two_statements(class_page, django_assert_max_num_queries):
    """One insert for all of a group's permissions (a select of the permissions, then the insert):
    a new school or class page's grants were four statements per permission before."""
    from wagtail.models import GroupCollectionPermission, GroupPagePermission

    from ent_pages.roles import grant_collection_permissions, grant_page_permissions, page_collection

    class_page.refresh_from_db()
    group, collection = class_page.teachers_group, page_collection(class_page)
    pages_before = GroupPagePermission.objects.filter(group=group).count()
    files_before = GroupCollectionPermission.objects.filter(group=group).count()
    assert pages_before == 5 and files_before == 6
    with django_assert_max_num_queries(2):
        grant_page_permissions(group, class_page)
    with django_assert_max_num_queries(2):
        grant_collection_permissions(group, collection)
    assert GroupPagePermission.objects.filter(group=group).count() == pages_before
    assert GroupCollectionPermission.objects.filter(group=group).count() == files_before
