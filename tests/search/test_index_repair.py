"""A failed Elasticsearch update is recorded and repaired; meanwhile the stale document leaks nothing.

The cluster is the boundary: its client calls are replaced by a stand-in that records them or fails.
"""

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page

from search import elastic
from search.models import PendingReindex
from tests.factories import ClassPostPageFactory, make_parent

pytestmark = pytest.mark.django_db


class Cluster:
    """Stands in for Elasticsearch: documents by page id, or down."""

    def __init__(self):
        self.documents, self.down = {}, False

    def index(self, page):
        if self.down:
            raise ConnectionError("Elasticsearch unreachable")
        if not page.live:
            return self.delete(page.pk)
        self.documents[page.pk] = elastic.PageDocument.from_page(page).to_dict()

    def delete(self, pk):
        if self.down:
            raise ConnectionError("Elasticsearch unreachable")
        self.documents.pop(pk, None)


@pytest.fixture
def cluster(settings, monkeypatch):
    settings.ELASTICSEARCH_URL = "http://elasticsearch.invalid:9200"
    cluster = Cluster()
    monkeypatch.setattr(elastic, "index_page", cluster.index)
    monkeypatch.setattr(elastic, "delete_page", cluster.delete)
    return cluster


def test_a_move_that_fails_to_reach_the_index_is_recorded_then_repaired(cluster, class_page, other_class):
    post = ClassPostPageFactory(parent=class_page, title="Notre volcan")
    post.save_revision().publish()
    assert cluster.documents[post.pk]["section_path"] == class_page.path
    cluster.down = True
    post.move(other_class, pos="last-child")
    assert PendingReindex.objects.filter(page_id=post.pk).exists()
    assert cluster.documents[post.pk]["section_path"] == class_page.path  # stale
    cluster.down = False
    call_command("search_repair")
    assert cluster.documents[post.pk]["section_path"] == other_class.path
    assert not PendingReindex.objects.exists()


def test_the_next_successful_update_retries_recorded_failures(cluster, class_page, other_class):
    post = ClassPostPageFactory(parent=class_page, title="Notre volcan")
    post.save_revision().publish()
    cluster.down = True
    post.unpublish()
    assert PendingReindex.objects.get(page_id=post.pk).attempts == 1
    other_class.save_revision().publish()  # fails too: one more failure recorded, the post's kept
    assert PendingReindex.objects.count() == 2
    cluster.down = False
    other_class.save_revision().publish()
    assert post.pk not in cluster.documents and other_class.pk in cluster.documents
    assert not PendingReindex.objects.exists()


def test_repair_drops_the_document_of_a_page_deleted_while_the_cluster_was_down(cluster, class_page):
    post = ClassPostPageFactory(parent=class_page, title="Notre volcan")
    post.save_revision().publish()
    pk = post.pk
    cluster.down = True
    post.delete()
    assert PendingReindex.objects.filter(page_id=pk).exists()
    cluster.down = False
    call_command("search_repair")
    assert pk not in cluster.documents and not Page.objects.filter(pk=pk).exists()


def test_repair_command_says_when_the_cluster_still_fails(cluster, class_page):
    cluster.down = True
    class_page.save_revision().publish()
    with pytest.raises(CommandError):
        call_command("search_repair")
    assert PendingReindex.objects.get(page_id=class_page.pk).attempts == 2


def test_a_stale_document_never_shows_its_page_to_the_wrong_family(settings, monkeypatch, class_page, other_class):
    """The index still files the post under CE1 B after it moved to CM2 A: CE1 B's family does not get it."""
    from elasticsearch.dsl import Search
    from elasticsearch.dsl.faceted_search import FacetedResponse
    from elasticsearch.dsl.response import Response

    from search.params import SearchParams

    settings.ELASTICSEARCH_URL = "http://elasticsearch.invalid:9200"
    monkeypatch.setattr(elastic, "index_page", lambda page: None)
    post = ClassPostPageFactory(parent=class_page, title="Volcan de CM2")
    post.save_revision().publish()
    post.move(other_class, pos="last-child")
    parent, _pupil = make_parent(class_page)
    stale = {"hits": {"total": {"value": 2, "relation": "eq"}, "hits": [
        {"_index": "preau-pages", "_id": str(pk), "_score": 1.0, "_source": {"title": title}}
        for pk, title in ((post.pk, post.title), (class_page.pk, class_page.title))
    ]}, "aggregations": {}}

    def execute(search, ignore_cache=False):
        if hasattr(search, "facets"):
            return FacetedResponse(search, stale)
        return Response(search, stale)

    monkeypatch.setattr(Search, "execute", execute)
    monkeypatch.setattr(elastic, "connection", lambda: None)
    monkeypatch.setattr(elastic.PageSearch, "facets", {})
    outcome = elastic.ElasticsearchEngine().search(parent, SearchParams(q="volcan"))
    assert [hit.title for hit in outcome.hits] == ["CE1 B"] and outcome.total == 1
    assert [s["title"] for s in elastic.ElasticsearchEngine().suggest(parent, "volc")] == ["CE1 B"]
