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
