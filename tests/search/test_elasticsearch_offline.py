"""Elasticsearch mapping and queries, checked offline (serialised to dicts), and index upkeep signals."""

import pytest
from django.core.management import CommandError, call_command

from ent_pages.access import policy
from search import elastic
from search.management.commands.rebuild_search_index import progress_bar
from tests.factories import (
    ClassPageFactory,
    ClassPartnershipFactory,
    ClassPostPageFactory,
    UserFactory,
    make_director,
    make_parent,
    make_teacher,
)

pytestmark = pytest.mark.django_db


def find(tree, key):
    """Every value stored under `key` anywhere in a nested dict/list."""
    if isinstance(tree, dict):
        for k, v in tree.items():
            if k == key:
                yield v
            yield from find(v, key)
    elif isinstance(tree, list):
        for item in tree:
            yield from find(item, key)


def test_index_analyses_french_like_the_database_folding_then_snowball_french():
    body = elastic.mapping()
    french = body["settings"]["analysis"]["analyzer"]["preau_french"]
    # search.french folds, then stems with Snowball French: the same order here, the same algorithm.
    assert french["filter"] == ["preau_french_elision", "lowercase", "preau_french_stop", "asciifolding", "preau_french_stemmer"]
    filters = body["settings"]["analysis"]["filter"]
    assert filters["preau_french_stemmer"] == {"type": "stemmer", "language": "french"}
    assert "l" in filters["preau_french_elision"]["articles"]
    properties = body["mappings"]["properties"]
    assert properties["content"]["analyzer"] == "preau_french"


def test_facets_use_keyword_fields_and_documents_carry_their_access_scope():
    properties = elastic.mapping()["mappings"]["properties"]
    assert properties["themes"]["fields"]["keyword"]["type"] == "keyword"
    for field in ("page_type", "audience", "levels", "visibility", "school_path", "section_path"):
        assert properties[field]["type"] == "keyword"
    assert properties["title"]["fields"]["prefixes"]["search_analyzer"] == "preau_folded"


def test_class_page_document_is_scoped_to_its_class(class_page):
    doc = elastic.PageDocument.from_page(class_page).to_dict()
    assert doc["visibility"] == "class" and doc["section_path"] == class_page.path
    assert doc["school_path"] == class_page.path[:12]


def test_resource_document_is_public_and_classified(city):
    from resources.demo import seed
    from resources.models import WorkbookPage

    seed(city)
    doc = elastic.PageDocument.from_page(WorkbookPage.objects.get()).to_dict()
    assert doc["visibility"] == "public"
    assert doc["levels"] == ["CE1", "CE2"] and "pupils" in doc["audience"]
    assert "Vacances" in doc["themes"] and "Combien font 7 + 8" in doc["content"]


def test_parent_query_filters_on_their_own_class_inside_elasticsearch(class_page, other_class):
    parent, _pupil = make_parent(class_page)
    body = elastic.PageSearch("girafes", {}, user=parent, index="x")._s.to_dict()
    access = body["query"]["bool"]["filter"][-1]
    section_terms = list(find(access, "section_path"))
    assert section_terms == [[class_page.path]]
    assert other_class.path not in str(access)
    assert "post_filter" not in body  # the access filter is in the query: aggregations never count hidden pages


def test_anonymous_query_only_sees_public_live_documents():
    body = elastic.PageSearch("ecrans", {}, user=None, index="x")._s.to_dict()
    assert body["query"]["bool"]["filter"][0] == {"term": {"live": True}}
    assert body["query"]["bool"]["filter"][-1] == {
        "bool": {"should": [{"terms": {"visibility": ["public"]}}], "minimum_should_match": 1}
    }


def test_superuser_query_has_no_access_filter():
    admin = UserFactory(is_superuser=True)
    body = elastic.PageSearch("ecrans", {}, user=admin, index="x")._s.to_dict()
    assert len(body["query"]["bool"]["filter"]) == 2  # live and validity dates only


def test_query_needs_every_word_tolerates_typos_and_highlights_safely():
    body = elastic.PageSearch("repas quotient", {}, user=None, index="x")._s.to_dict()
    every_word, with_typos = body["query"]["bool"]["must"][0]["bool"]["should"]
    assert every_word["multi_match"]["operator"] == "and" and every_word["multi_match"]["type"] == "cross_fields"
    assert with_typos["match"]["content"]["fuzziness"] == "AUTO"
    assert body["highlight"]["encoder"] == "html" and body["highlight"]["pre_tags"] == ["<mark>"]


def test_chosen_facet_narrows_results_and_other_facets_counts():
    body = elastic.PageSearch("ecrans", {"level": "CE1"}, user=None, index="x")._s.to_dict()
    assert body["post_filter"] == {"terms": {"levels": ["CE1"]}}
    assert body["aggs"]["_filter_type"]["filter"] == {"terms": {"levels": ["CE1"]}}
    assert set(body["aggs"]) == {"_filter_type", "_filter_audience", "_filter_level", "_filter_theme"}


def test_suggestions_match_folded_title_prefixes_within_access(class_page):
    parent, _pupil = make_parent(class_page)
    body = elastic.suggest_search(parent, "ecr", index="x").to_dict()
    assert body["query"]["bool"]["must"][0]["match"]["title.prefixes"]["query"] == "ecr"
    assert [class_page.path] in list(find(body, "section_path"))


def _visible(doc, clauses):
    """How Elasticsearch evaluates the access filter, in Python."""
    if clauses is None:
        return True
    return any(all(doc.get(key) in values for key, values in clause.items()) for clause in clauses)


def test_index_clauses_agree_with_the_access_policy_for_every_role(city, school, other_school, class_page, other_class):
    from wagtail.models import Page

    neighbour = ClassPageFactory(parent=other_school, title="CP Z")
    # A partner class reads CE1 B's posts, not its class page's word to families (policy.searchable).
    ClassPartnershipFactory(inviting_class=class_page, invited_class=neighbour)
    ClassPostPageFactory(parent=class_page, title="Billet partagé")
    users = [None, make_parent(class_page)[0], make_teacher(other_class), make_director(school),
             make_parent(neighbour)[0], UserFactory(is_superuser=True)]
    pages = list(Page.objects.filter(depth__gt=1).specific())
    for user in users:
        viewable = set(policy.searchable(user, Page.objects.all()).values_list("pk", flat=True))
        clauses = policy.index_clauses(user)
        for page in pages:
            assert _visible(policy.index_audience(page), clauses) == (page.pk in viewable), (user, page)


# ----------------------------------------------------------------------------------- upkeep
@pytest.fixture
def index_calls(settings, monkeypatch):
    settings.ELASTICSEARCH_URL = "http://elasticsearch.invalid:9200"
    calls = []
    monkeypatch.setattr(elastic, "index_page", lambda page: calls.append(("index", page.pk)))
    monkeypatch.setattr(elastic, "delete_page", lambda pk: calls.append(("delete", pk)))
    return calls


def test_publishing_unpublishing_moving_and_deleting_update_the_index(index_calls, school, other_school, class_page):
    class_page.save_revision().publish()
    assert ("index", class_page.pk) in index_calls
    class_page.unpublish()
    assert ("delete", class_page.pk) in index_calls
    class_page.save_revision().publish()
    index_calls.clear()
    class_page.move(other_school, pos="last-child")
    assert ("index", class_page.pk) in index_calls
    pk = class_page.pk
    class_page.delete()
    assert ("delete", pk) in index_calls


def test_index_upkeep_is_off_without_elasticsearch(settings, monkeypatch, class_page):
    settings.ELASTICSEARCH_URL = ""
    monkeypatch.setattr(elastic, "index_page", lambda page: pytest.fail("no Elasticsearch configured"))
    class_page.save_revision().publish()


def test_rebuild_command_needs_elasticsearch_or_postgresql(settings):
    """Without a cluster the command rebuilds PostgreSQL's page entries; on SQLite it has nothing to do."""
    from io import StringIO

    from django.db import connection

    settings.ELASTICSEARCH_URL = ""
    if connection.vendor == "postgresql":
        out = StringIO()
        call_command("rebuild_search_index", stdout=out)
        assert "PostgreSQL's page entries" in out.getvalue()
        return
    with pytest.raises(CommandError):
        call_command("rebuild_search_index")


def test_rebuild_command_shows_a_progress_bar():
    assert progress_bar(250, 1000, width=20) == "\r[#####...............]  25% 250/1000"
    assert progress_bar(0, 0, width=4).endswith("100% 0/0")


def test_elasticsearch_answer_becomes_the_same_outcome_as_the_database(city, settings, monkeypatch):
    """The engine turns Elasticsearch's answer (canned here: the cluster is the boundary) into hits and facets."""
    from elasticsearch.dsl import Search
    from elasticsearch.dsl.faceted_search import FacetedResponse

    from resources.demo import seed
    from resources.models import ResourcePage
    from search.params import SearchParams

    seed(city)
    screens = ResourcePage.objects.get(slug="bien-grandir-avec-les-ecrans")
    settings.ELASTICSEARCH_URL = "http://elasticsearch.invalid:9200"
    canned = {
        "hits": {"total": {"value": 1, "relation": "eq"}, "hits": [{
            "_index": "preau-pages", "_id": str(screens.pk), "_score": 3.2,
            "_source": {"title": screens.title, "page_type": "resources.resourcepage"},
            "highlight": {"content": ["Bien grandir avec les <mark>écrans</mark> &lt;3"]},
        }]},
        "aggregations": {
            "_filter_type": {"type": {"buckets": [{"key": "resources.resourcepage", "doc_count": 1}]}},
            "_filter_audience": {"audience": {"buckets": [{"key": "families", "doc_count": 1}]}},
            "_filter_level": {"level": {"buckets": [{"key": "CE1", "doc_count": 1}]}},
            "_filter_theme": {"theme": {"buckets": [{"key": "Écrans", "doc_count": 1}]}},
        },
    }

    def execute(search, ignore_cache=False):
        return FacetedResponse(search, canned)

    monkeypatch.setattr(Search, "execute", execute)
    outcome = elastic.ElasticsearchEngine().search(None, SearchParams(q="ecrans"))
    data = outcome.as_json()
    assert data["engine"] == "elasticsearch" and data["total"] == 1
    assert data["results"][0]["title"] == "Bien grandir avec les écrans"
    assert data["results"][0]["snippet"] == "Bien grandir avec les <mark>écrans</mark> &lt;3"
    assert {v["value"]: v["count"] for v in data["facets"]["theme"]} == {"ecrans": 1}
    assert data["facets"]["type"][0]["value"] == "resources.resourcepage"
