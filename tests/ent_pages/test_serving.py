"""Serving pages goes through the access policy, from the outside."""

import pytest

from tests.factories import ClassPageFactory, UserFactory, make_director, make_parent, make_teacher

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_login_from_a_class_page(client, class_page):
    response = client.get(class_page.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


def test_parent_opens_their_childs_class_page(client, class_page):
    parent, _pupil = make_parent(class_page)
    client.force_login(parent)
    response = client.get(class_page.url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_parent_gets_404_for_another_class_page(client, class_page, other_class):
    parent, _pupil = make_parent(class_page)
    client.force_login(parent)
    assert client.get(other_class.url).status_code == 404


def test_parent_gets_404_for_a_class_of_another_school(client, class_page, other_school):
    parent, _pupil = make_parent(class_page)
    client.force_login(parent)
    assert client.get(ClassPageFactory(parent=other_school).url).status_code == 404


def test_logged_in_outsider_gets_the_same_404_as_a_missing_page(client, class_page):
    client.force_login(UserFactory())
    hidden = client.get(class_page.url)
    missing = client.get(class_page.url + "nexiste-pas/")
    assert hidden.status_code == missing.status_code == 404


def test_school_presentation_is_public_and_cacheable(client, school):
    response = client.get(school.url)
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_city_home_answers_in_french(client, city):
    response = client.get("/")
    assert response.status_code == 200
    assert b'lang="fr"' in response.content
    assert "Connexion" in response.content.decode()


def test_school_page_lists_only_the_classes_the_visitor_may_see(client, school, class_page, other_class):
    parent, _pupil = make_parent(class_page)
    client.force_login(parent)
    body = client.get(school.url).content.decode()
    assert class_page.title in body and other_class.title not in body


def test_teacher_and_director_open_class_pages(client, school, class_page, other_class):
    client.force_login(make_teacher(class_page))
    assert client.get(class_page.url).status_code == 200
    assert client.get(other_class.url).status_code == 404
    client.force_login(make_director(school))
    assert client.get(other_class.url).status_code == 200


def test_sitemap_lists_no_private_page(client, school, class_page):
    body = client.get("/sitemap.xml").content.decode()
    assert school.url in body
    assert class_page.url not in body


def test_class_page_query_count_is_bounded(client, class_page, django_assert_max_num_queries):
    parent, _pupil = make_parent(class_page)
    client.force_login(parent)
    client.get(class_page.url)
    with django_assert_max_num_queries(20):
        assert client.get(class_page.url).status_code == 200


def test_a_page_found_by_the_compiled_route_query_is_the_page_the_orm_loads(rf, school, class_page):
    """The route's SQL is compiled once per model and depth (ent_pages.serving): each request gets its own
    page, with every field as the ORM reads it (dates, JSON, rich text) and its ancestors' types."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from wagtail.models import Page, Site

    from ent_pages.models import ClassPage, SchoolPage
    from ent_pages.serving import find_route

    class_page.welcome = "<p>Bienvenue</p>"
    class_page.archived_at = timezone.now()
    class_page.save()
    other = ClassPageFactory(parent=school, title="CM2 Hirondelles")
    site = Site.objects.get(is_default_site=True)
    for page in (class_page, other, school, class_page):  # the second class page from the compiled query
        found, _args, _kwargs = find_route(rf.get(page.url), site, page.url)
        expected = type(page).objects.get(pk=page.pk)
        assert type(found) is type(expected) and found.pk == page.pk
        for field in type(expected)._meta.concrete_fields:
            assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
        if found.depth > school.depth:  # a class knows its school's type without another query
            assert getattr(found, f"_preau_ct_{school.depth}") == ContentType.objects.get_for_model(SchoolPage).pk
    assert isinstance(found, ClassPage) and isinstance(found, Page)


def test_a_page_is_found_through_an_index_on_its_url_path_not_by_scanning_every_page(class_page):
    """Wagtail declares no index on url_path: without ent_pages' own (migration 0010), each page view
    read the whole page table (30–39 ms at 110,523 pages)."""
    from django.db import connection, transaction

    from ent_pages.models import ClassPage
    from ent_pages.serving import _route_sql

    sql, params, at = _route_sql(ClassPage, class_page.depth, 2)
    params = list(params)
    params[at] = class_page.url_path
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is small: ask whether it could
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(column) for row in cursor.fetchall() for column in row)
    assert "preau_page_url_path" in plan, plan
