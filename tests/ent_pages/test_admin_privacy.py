"""The Wagtail admin does not reveal other classes' pages to staff either."""

import pytest

from tests.factories import make_teacher

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_class(other_class):
    other_class.title = "Classe Zébulon"
    other_class.save_revision().publish()
    return other_class


def test_teacher_page_chooser_does_not_list_another_class(client, class_page, secret_class):
    client.force_login(make_teacher(class_page))
    body = client.get(f"/admin/choose-page/{secret_class.get_parent().pk}/").content.decode()
    assert class_page.title in body
    assert "Classe Zébulon" not in body


def test_teacher_page_chooser_search_does_not_find_another_class(client, class_page, secret_class):
    client.force_login(make_teacher(class_page))
    body = client.get("/admin/choose-page/search/", {"q": "Zébulon"}).content.decode()
    assert f'data-id="{secret_class.pk}"' not in body and "Classe Zébulon</a>" not in body


def test_teacher_admin_search_does_not_find_another_class(client, class_page, secret_class):
    client.force_login(make_teacher(class_page))
    body = client.get("/admin/pages/search/", {"q": "Zébulon"}).content.decode()
    assert f"/admin/pages/{secret_class.pk}/" not in body


def test_people_admin_is_for_administrators_only(client, class_page, admin_user):
    client.force_login(make_teacher(class_page))
    assert client.get("/admin/snippets/ent_pages/pupil/").status_code in (302, 403)
    client.force_login(admin_user)
    assert client.get("/admin/snippets/ent_pages/pupil/").status_code == 200


# ------------------------------------------------------ listings that name pages (issue 11, item 7)
BULK_ACTIONS = ["publish", "unpublish", "delete", "move"]


@pytest.fixture
def clae_and_animator(school):
    from ent_pages.models import Role
    from periscolaire.models import ClaePage
    from tests.factories import StaffAssignmentFactory, UserFactory

    clae = school.add_child(instance=ClaePage(title="CLAE Jules Ferry", slug="clae"))
    animator = UserFactory(username="animatrice")
    StaffAssignmentFactory(user=animator, school=school, role=Role.CLAE_ANIMATOR)
    return clae, animator


@pytest.fixture
def draft_class(school):
    from tests.factories import ClassPageFactory

    draft = ClassPageFactory(parent=school, title="Classe Zébulon brouillon", live=False)
    draft.save_revision()
    return draft


@pytest.mark.parametrize("action", BULK_ACTIONS)
def test_animator_gets_nothing_from_bulk_actions_on_pages_they_may_not_edit(client, clae_and_animator, draft_class,
                                                                             secret_class, action):
    clae, animator = clae_and_animator
    client.force_login(animator)
    url = f"/admin/bulk/wagtailcore/page/{action}/"
    only_theirs_not = client.get(url, {"id": [draft_class.pk, secret_class.pk]})
    assert only_theirs_not.status_code == 404
    assert "Zébulon" not in only_theirs_not.content.decode()
    mixed = client.get(url, {"id": [clae.pk, draft_class.pk, secret_class.pk]})
    body = mixed.content.decode()
    assert "Zébulon" not in body and "Classe Zébulon brouillon" not in body


def test_animator_bulk_publish_lists_and_publishes_their_own_page(client, clae_and_animator, draft_class):
    clae, animator = clae_and_animator
    client.force_login(animator)
    response = client.get("/admin/bulk/wagtailcore/page/publish/", {"id": [clae.pk, draft_class.pk]})
    assert response.status_code == 200 and "CLAE Jules Ferry" in response.content.decode()
    client.post(f"/admin/bulk/wagtailcore/page/publish/?id={clae.pk}&id={draft_class.pk}", {})
    draft_class.refresh_from_db()
    assert not draft_class.live


def test_page_types_report_names_and_counts_only_pages_the_user_may_edit(client, clae_and_animator, draft_class,
                                                                         secret_class):
    from ent_pages.models import ClassPage

    _clae, animator = clae_and_animator
    client.force_login(animator)
    response = client.get("/admin/reports/page-types-usage/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Zébulon" not in body
    class_row = next(row for row in response.context["object_list"] if row.model_class() is ClassPage)
    assert class_row.count == 0 and class_row.last_edited_page is None


def test_director_sees_the_classes_of_their_school_in_the_report(client, school, draft_class):
    from ent_pages.models import ClassPage
    from tests.factories import make_director

    client.force_login(make_director(school))
    response = client.get("/admin/reports/page-types-usage/")
    class_row = next(row for row in response.context["object_list"] if row.model_class() is ClassPage)
    assert class_row.count == 1 and class_row.last_edited_page.pk == draft_class.pk


def test_pages_of_a_type_list_no_class_of_another_teacher(client, class_page, secret_class, draft_class):
    client.force_login(make_teacher(class_page))
    body = client.get("/admin/pages/usage/ent_pages/classpage/").content.decode()
    assert "Zébulon" not in body
