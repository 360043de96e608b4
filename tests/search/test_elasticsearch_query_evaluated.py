"""The query Elasticsearch is actually sent selects exactly what the access policy allows, for every role.

No cluster here: the body search.elastic builds is evaluated in memory (tests/search/es_dsl.py) against the
documents the indexer makes for a small city (two schools, classes, a partnership, a members-only section,
a CLAE space, public resources with and without validity dates, a page never published). The expected
answer is the policy's own (`policy.searchable`), over live pages inside their validity dates.
"""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Page

from ent_pages.access import policy
from ent_pages.models import Role
from periscolaire.models import ClaePage
from search import elastic
from search.engine import returnable_ids
from tests.factories import (
    ClassPageFactory,
    ClassPartnershipFactory,
    ClassPostPageFactory,
    SchoolNewsPageFactory,
    StaffAssignmentFactory,
    UserFactory,
    make_director,
    make_parent,
    make_teacher,
)
from tests.factories_resources import ResourceIndexPageFactory, ResourcePageFactory

from .es_dsl import visible

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 2)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def city_tree(city, school, other_school, class_page, other_class):
    """Every kind of page the access rules tell apart, by name."""
    partner = ClassPageFactory(parent=other_school, title="CE2-CM1 Pasteur")
    ClassPartnershipFactory(inviting_class=class_page, invited_class=partner)
    resources = ResourceIndexPageFactory(parent=city)
    pages = {
        "class": class_page, "other_class": other_class, "partner_class": partner,
        "post": ClassPostPageFactory(parent=class_page, title="Notre volcan"),
        "other_post": ClassPostPageFactory(parent=other_class, title="Au zoo"),
        "partner_post": ClassPostPageFactory(parent=partner, title="Nos correspondants"),
        "school_news": SchoolNewsPageFactory(parent=school, title="Kermesse de Jules Ferry"),
        "other_school_news": SchoolNewsPageFactory(parent=other_school, title="Kermesse de Pasteur"),
        "clae": school.add_child(instance=ClaePage(title="CLAE Jules Ferry", slug="clae")),
        "resources": resources,
        "resource": ResourcePageFactory(parent=resources, title="Écrans"),
        "current": ResourcePageFactory(parent=resources, title="Inscriptions", valid_from=TODAY - 30 * DAY,
                                       valid_until=TODAY + 30 * DAY),
        "last_day": ResourcePageFactory(parent=resources, title="Dernier jour", valid_until=TODAY),
        "expired": ResourcePageFactory(parent=resources, title="Ancien menu", valid_until=TODAY - DAY),
        "future": ResourcePageFactory(parent=resources, title="Menu de janvier", valid_from=TODAY + DAY),
        "draft": ResourcePageFactory(parent=resources, title="Brouillon", live=False),
        "draft_in_class": ClassPostPageFactory(parent=class_page, title="Billet en cours", live=False),
        "school": school, "other_school": other_school, "city": city,
    }
    return pages


@pytest.fixture
def roles(city_tree, school):
    """The demo roles, by name."""
    from tests.pupils.conftest import make_pupil

    clae_animator = UserFactory(username="animatrice")
    StaffAssignmentFactory(user=clae_animator, school=school, role=Role.CLAE_ANIMATOR)
    return {
        "anonymous": None,
        "parent": make_parent(city_tree["class"])[0],
        "teacher_other_class": make_teacher(city_tree["other_class"]),
        "director": make_director(school),
        "partner_parent": make_parent(city_tree["partner_class"])[0],
        "partner_teacher": make_teacher(city_tree["partner_class"]),
        "clae_animator": clae_animator,
        "pupil": make_pupil(city_tree["class"]).account.user,
        "superuser": UserFactory(is_superuser=True),
    }


def documents(pages) -> dict[int, dict]:
    """The document `PageDocument.from_page` makes for every page, published or not: what a stale index could hold."""
    return {page.pk: elastic.PageDocument.from_page(page).to_dict() for page in Page.objects.filter(depth__gt=1).specific()}


def policy_answer(user, pages) -> set[int]:
    """Live pages the policy lets `user` find, minus the resources outside their validity dates on TODAY."""
    out_of_dates = {pages["expired"].pk, pages["future"].pk}
    found = set(policy.searchable(user, Page.objects.live().filter(depth__gt=1)).values_list("pk", flat=True))
    return found - out_of_dates


def search_body(user):
    return elastic.PageSearch("", {}, user=user, index="x", today=TODAY)._s.to_dict()


def names(ids, pages):
    by_pk = {page.pk: name for name, page in pages.items()}
    return {by_pk.get(pk, pk) for pk in ids}


@pytest.mark.parametrize("role", ["anonymous", "parent", "teacher_other_class", "director", "partner_parent",
                                  "partner_teacher", "clae_animator", "pupil", "superuser"])
def test_query_sent_to_elasticsearch_selects_what_the_policy_allows(city_tree, roles, role):
    user = roles[role]
    docs = documents(city_tree)
    selected = visible(search_body(user)["query"], docs)
    assert names(selected, city_tree) == names(policy_answer(user, city_tree), city_tree)


def test_suggestions_query_selects_what_the_policy_allows(city_tree, roles):
    docs = documents(city_tree)
    for role, user in roles.items():
        body = elastic.suggest_search(user, "ecr", index="x", today=TODAY).to_dict()
        filters = {"bool": {"filter": body["query"]["bool"]["filter"]}}  # the title match is Elasticsearch's job
        assert names(visible(filters, docs), city_tree) == names(policy_answer(user, city_tree), city_tree), role


def test_the_tree_tells_each_rule_apart(city_tree, roles):
    """The answers above differ where the rules do: a rule dropped from the query cannot go unnoticed."""
    sees = {role: names(policy_answer(user, city_tree), city_tree) for role, user in roles.items()}
    assert "class" in sees["parent"] and "other_class" not in sees["parent"]  # sections: AND, not OR
    assert "school_news" in sees["parent"] and "other_school_news" not in sees["parent"]
    assert "clae" in sees["clae_animator"] and "class" not in sees["clae_animator"]
    assert "post" in sees["partner_parent"] and "class" not in sees["partner_parent"]  # partners read the blog only
    assert "other_post" not in sees["partner_parent"]
    assert {"current", "last_day", "resource"} <= sees["anonymous"]  # inside their dates
    assert not {"expired", "future", "draft", "draft_in_class"} & set().union(*sees.values())
    assert "post" in sees["pupil"] and "class" not in sees["pupil"]
    assert {"other_class", "school_news", "clae"} <= sees["director"] and "partner_class" not in sees["director"]


def test_a_published_page_is_indexed_live_and_a_draft_is_not_indexed(city_tree):
    """The rebuild indexes live pages only; a document says whether its page is live."""
    indexed = {int(action["_id"]): action for actions, _total in elastic.index_actions("x") for action in actions}
    live = set(Page.objects.live().filter(depth__gt=1).values_list("pk", flat=True))
    assert set(indexed) == live
    assert city_tree["draft"].pk not in indexed and city_tree["draft_in_class"].pk not in indexed
    assert all(action["_source"]["live"] is True for action in indexed.values())


def test_indexing_an_unpublished_page_drops_its_document(city_tree, monkeypatch):
    calls = []
    monkeypatch.setattr(elastic, "connection", lambda: None)
    monkeypatch.setattr(elastic, "delete_page", lambda pk: calls.append(("delete", pk)))
    monkeypatch.setattr(elastic.PageDocument, "save", lambda self, **kwargs: calls.append(("save", self.meta.id)))
    elastic.index_page(city_tree["draft"])
    elastic.index_page(city_tree["resource"])
    assert calls == [("delete", city_tree["draft"].pk), ("save", city_tree["resource"].pk)]


# ------------------------------------------------------------ hits asked of the policy again
def test_hits_are_asked_of_the_policy_again_whatever_the_index_says(city_tree, roles, time_machine):
    time_machine.move_to(datetime.datetime.combine(TODAY, datetime.time(12), tzinfo=timezone.get_current_timezone()))
    everything = [page.pk for page in city_tree.values()]
    for role, user in roles.items():
        assert names(returnable_ids(user, everything), city_tree) == names(policy_answer(user, city_tree), city_tree), role
