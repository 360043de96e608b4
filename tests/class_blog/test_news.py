"""School news (members of the school) and city news (everyone), and who writes them."""

import pytest

from class_blog.models import CityNewsPage, SchoolNewsPage
from class_blog.news import ensure_city_news_index
from ent_pages.models import Role
from tests.factories import (
    CityNewsPageFactory,
    SchoolNewsPageFactory,
    StaffAssignmentFactory,
    UserFactory,
    make_director,
    make_parent,
    make_teacher,
)

pytestmark = pytest.mark.django_db


def test_school_news_is_for_the_families_and_staff_of_the_school(client, school, class_page, other_school):
    news = SchoolNewsPageFactory(parent=school, title="Kermesse")
    parent, _ = make_parent(class_page)
    client.force_login(parent)
    assert client.get(news.url).status_code == 200
    from tests.factories import ClassPageFactory

    outsider, _ = make_parent(ClassPageFactory(parent=other_school))
    client.force_login(outsider)
    assert client.get(news.url).status_code == 404


def test_anonymous_visitor_cannot_read_school_news(client, school):
    news = SchoolNewsPageFactory(parent=school)
    assert client.get(news.url).status_code == 302


def test_city_news_is_public(client, city):
    news = CityNewsPageFactory(parent=ensure_city_news_index(city), title="Menus de décembre")
    assert client.get(news.url).status_code == 200


def test_director_writes_school_news_but_a_teacher_does_not(school, class_page):
    director, teacher = make_director(school), make_teacher(class_page)
    assert school.permissions_for_user(director).can_add_subpage()
    assert SchoolNewsPage in school.specific_class.allowed_subpage_models()
    assert not school.permissions_for_user(teacher).can_add_subpage()


def test_city_editors_write_city_news(city):
    index = ensure_city_news_index(city)
    editor = UserFactory()
    StaffAssignmentFactory(user=editor, school=None, role=Role.CITY_EDITOR)
    editor.refresh_from_db()
    assert index.permissions_for_user(editor).can_add_subpage()
    assert CityNewsPage in index.specific_class.allowed_subpage_models()
    assert not city.permissions_for_user(editor).can_add_subpage()


def test_city_news_index_is_created_once(city):
    assert ensure_city_news_index(city) == ensure_city_news_index(city)
