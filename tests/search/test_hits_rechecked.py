"""Every hit is asked of the access policy again before it leaves, from what the database says now.

`search.engine.returnable_pages` reads the hits' current rows and sections in a fixed number of
statements and applies the index's own rule (`AccessPolicy.search_results`), never an entry's stored
tags: an entry left stale (by a failed update, a raw SQL change) shows nothing to the wrong family.
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from wagtail.models import Page

from ent_pages.access import policy
from search.engine import DatabaseSearchEngine, returnable_ids, returnable_pages
from search.params import SearchParams

from . import test_elasticsearch_query_evaluated as evaluated
from .test_elasticsearch_query_evaluated import TODAY, names, policy_answer

city_tree, roles = evaluated.city_tree, evaluated.roles

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to(datetime.datetime.combine(TODAY, datetime.time(12), tzinfo=timezone.get_current_timezone()))


def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the page entries exist on PostgreSQL only")


def hit_titles(user, q) -> list[str]:
    return [hit.title for hit in DatabaseSearchEngine().search(user, SearchParams(q=q, per_page=100)).hits]


def test_a_clae_space_opened_to_pupils_is_a_hit_for_its_schools_pupils_only(city_tree, roles):
    """The re-check reads the sections' marks for pupils with their types: the same answer as the policy."""
    clae = city_tree["clae"].specific
    clae.for_pupils = True
    clae.save()
    everything = [page.pk for page in city_tree.values()]
    for role, user in roles.items():
        assert names(returnable_ids(user, everything), city_tree) == names(policy_answer(user, city_tree), city_tree), role
    assert city_tree["clae"].pk in returnable_ids(roles["pupil"], everything)
    assert city_tree["clae"].pk not in returnable_ids(roles["partner_parent"], everything)


def test_the_recheck_costs_the_same_few_statements_for_ten_hits_as_for_one(city_tree, roles, django_assert_max_num_queries):
    ids = [page.pk for page in city_tree.values()][:10]
    parent = roles["parent"]
    returnable_ids(parent, ids[:1])  # the parent's scope, remembered
    with django_assert_max_num_queries(2):  # the rows, then the sections' types and marks
        assert returnable_ids(parent, ids)


def test_a_hit_the_index_files_under_another_type_than_its_page_is_dropped(city_tree, roles):
    resource = city_tree["resource"]
    assert set(returnable_pages(roles["parent"], [resource.pk], {resource.pk: resource.content_type_id})) == {resource.pk}
    assert returnable_pages(roles["parent"], [resource.pk], {resource.pk: city_tree["post"].content_type_id}) == {}


def stale(model, page, **changes):
    """Change a page's row behind the index's back (no signal: its entry keeps what it said)."""
    model.objects.filter(pk=page.pk).update(**changes)
    cache.clear()  # and forget the remembered answers: the index itself is asked


def test_an_entry_left_in_its_old_class_shows_nothing_to_that_class(city_tree, roles):
    """The post moved to another class behind the index's back: the index still files it under CE1 B."""
    on_postgresql()
    post, other_class = city_tree["post"], city_tree["other_class"]
    assert "Notre volcan" in hit_titles(roles["parent"], "volcan")
    with connection.cursor() as cursor:
        cursor.execute("SELECT tags FROM search_pageentry WHERE page_id = %s", [post.pk])
        (old_tags,) = cursor.fetchone()
    post.move(other_class, pos="last-child")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_pageentry SET tags = %s WHERE page_id = %s", [old_tags, post.pk])
    cache.clear()
    outcome = DatabaseSearchEngine().search(roles["parent"], SearchParams(q="volcan"))
    assert outcome.total >= 1  # the stale entry still counts in the index...
    assert "Notre volcan" not in [hit.title for hit in outcome.hits]  # ...but never leaves as a hit


def test_an_entry_of_a_page_unpublished_behind_its_back_is_no_hit(city_tree, roles):
    on_postgresql()
    assert "Écrans" in hit_titles(roles["parent"], "écrans")
    stale(Page, city_tree["resource"], live=False)
    assert "Écrans" not in hit_titles(roles["parent"], "écrans")


def test_an_entry_of_a_resource_past_its_dates_is_no_hit(city_tree, roles):
    on_postgresql()
    resource = city_tree["current"]
    assert "Inscriptions" in hit_titles(None, "inscriptions")
    stale(type(resource.specific), resource, valid_until=TODAY - datetime.timedelta(days=1))
    assert "Inscriptions" not in hit_titles(None, "inscriptions")


def test_a_members_section_closed_to_pupils_behind_the_index_is_no_hit_for_pupils(city_tree, roles):
    on_postgresql()
    clae = city_tree["clae"].specific
    clae.for_pupils = True
    clae.save_revision().publish()
    assert "CLAE Jules Ferry" in hit_titles(roles["pupil"], "CLAE")
    stale(type(clae), clae, for_pupils=False)
    assert policy.can_view(roles["pupil"], Page.objects.get(pk=clae.pk)) is False
    assert "CLAE Jules Ferry" not in hit_titles(roles["pupil"], "CLAE")
