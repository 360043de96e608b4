"""Elasticsearch engine (used when ELASTICSEARCH_URL is set), built with elasticsearch.dsl.

- One index of page documents (`PageDocument`) analysed in French: elision, lower case, French stop
  words, ASCII folding, then Snowball's French stemmer (Elasticsearch's `french` stemmer: the algorithm
  search.french and PostgreSQL's `french` configuration use, applied after folding as search.french
  does); keyword sub-fields for facets; an edge-n-gram sub-field of the title for suggestions.
- Each document stores its access scope (`policy.index_audience`: visibility, school and section
  paths, partner flag) and whether the page is live; every query carries the user's clauses
  (`policy.index_clauses`), `live` and the validity dates as filters, so filtering happens inside
  Elasticsearch, before scoring, paging and aggregations.
- Every hit and suggestion is asked of the policy again before it leaves (`engine.returnable_ids`):
  a document left stale by a failed update never reaches the wrong family; failed updates are recorded
  (search.models.PendingReindex) and repaired (`search_repair`, or the next successful update).
- `PageSearch` is a FacetedSearch (type, audience, level, theme) with highlighting.
- Wagtail's own Elasticsearch 8 backend keeps serving the admin search (settings.WAGTAILSEARCH_BACKENDS).
"""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.utils import timezone
from elasticsearch.dsl import (
    Boolean,
    Date,
    Document,
    FacetedSearch,
    Keyword,
    Q,
    TermsFacet,
    Text,
    analyzer,
    connections,
    token_filter,
)
from wagtail.models import Page

from ent_pages.access import policy
from resources.models import Theme
from resources.models.pages import CuratedPage

from .engine import SUGGESTIONS, Hit, Outcome, build_hit, label_facets, load_pages, returnable_ids, type_key
from .indexing import searchable_text
from .params import SearchParams

logger = logging.getLogger(__name__)

CONNECTION = "preau"
DEFAULT_INDEX = "preau-pages"

french_elision = token_filter(
    "preau_french_elision", type="elision", articles_case=True,
    articles=["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"],
)
french_stop = token_filter("preau_french_stop", type="stop", stopwords="_french_")
# Snowball French (Lucene's FrenchStemmer from Snowball), the stemmer of search.french and PostgreSQL's french_stem.
french_stemmer = token_filter("preau_french_stemmer", type="stemmer", language="french")
title_edge_ngrams = token_filter("preau_edge_ngrams", type="edge_ngram", min_gram=2, max_gram=15)

french = analyzer(
    "preau_french", tokenizer="standard",
    filter=[french_elision, "lowercase", french_stop, "asciifolding", french_stemmer],
)
folded = analyzer("preau_folded", tokenizer="standard", filter=["lowercase", "asciifolding"])
title_prefixes = analyzer("preau_title_prefixes", tokenizer="standard", filter=["lowercase", "asciifolding", title_edge_ngrams])


def index_name():
    return getattr(settings, "PREAU_SEARCH_INDEX", DEFAULT_INDEX)


def connection():
    """The client for ELASTICSEARCH_URL (created once per process)."""
    try:
        return connections.get_connection(CONNECTION)
    except KeyError:
        return connections.create_connection(alias=CONNECTION, hosts=[settings.ELASTICSEARCH_URL], request_timeout=10)


class PageDocument(Document):
    """A live page as the search sees it: its text, classification and access scope."""

    title = Text(analyzer=french, fields={"raw": Keyword(), "prefixes": Text(analyzer=title_prefixes, search_analyzer=folded)})
    summary = Text(analyzer=french)
    content = Text(analyzer=french)  # every searchable text of the page (title, summary, body, themes, tags)
    page_type = Keyword()
    audience = Keyword(multi=True)
    levels = Keyword(multi=True)
    themes = Text(analyzer=french, multi=True, fields={"keyword": Keyword()})
    tags = Text(analyzer=french, multi=True, fields={"keyword": Keyword()})
    valid_from = Date()
    valid_until = Date()
    live = Boolean()
    # Access scope (ent_pages.access.index_audience), matched by ent_pages.access.index_clauses.
    visibility = Keyword()
    school_path = Keyword()
    section_path = Keyword()
    partners = Boolean()
    pupils = Boolean()  # a members-only section marked for pupils (added with issue 15: rebuild the index)

    class Index:
        name = DEFAULT_INDEX
        settings = {"number_of_shards": 1, "number_of_replicas": 0}

    @classmethod
    def from_page(cls, page) -> PageDocument:
        page = page.specific
        doc = cls(meta={"id": page.pk}, title=page.title, content=searchable_text(page), page_type=type_key(type(page)),
                  summary=getattr(page, "summary", "") or page.search_description or "", live=page.live,
                  **policy.index_audience(page))
        if isinstance(page, CuratedPage):
            doc.audience = list(page.audience or [])
            doc.levels = list(page.levels or [])
            doc.themes = [theme.name for theme in page.themes.all()]
            doc.tags = [tag.name for tag in page.tags.all()]
            doc.valid_from, doc.valid_until = page.valid_from, page.valid_until
        return doc


def mapping() -> dict:
    """The index body (settings with analyzers, mappings), as sent to Elasticsearch."""
    return PageDocument._index.clone(name=index_name()).to_dict()


# ------------------------------------------------------------------------------------ queries
def access_filter(user) -> Q | None:
    """The user's access clauses as an Elasticsearch filter (None: sees everything)."""
    clauses = policy.index_clauses(user)
    if clauses is None:
        return None
    should = []
    for clause in clauses:
        must = [Q("terms", **{key: values}) for key, values in clause.items()]
        should.append(must[0] if len(must) == 1 else Q("bool", filter=must))
    return Q("bool", should=should, minimum_should_match=1)


def validity_filter(today: date) -> Q:
    return Q("bool", must_not=[Q("range", valid_from={"gt": today}), Q("range", valid_until={"lt": today})])


def visibility_filters(user, today: date) -> list[Q]:
    """Every filter a query carries: live pages, inside their validity dates, that the user may see."""
    filters = [Q("term", live=True), validity_filter(today)]
    access = access_filter(user)
    if access is not None:
        filters.append(access)
    return filters


class PageSearch(FacetedSearch):
    """Full-text search with facets; the access filter and validity dates apply before everything else."""

    doc_types = [PageDocument]
    fields = ["title^3", "summary^2", "content", "themes", "tags"]
    facets = {
        "type": TermsFacet(field="page_type", size=20),
        "audience": TermsFacet(field="audience", size=5),
        "level": TermsFacet(field="levels", size=10),
        "theme": TermsFacet(field="themes.keyword", size=30),
    }
    using = CONNECTION

    def __init__(self, query, filters, *, user, index=None, today=None):
        self.index = index or index_name()
        self._visibility = visibility_filters(user, today or timezone.localdate())
        super().__init__(query, filters)

    def search(self):
        s = super().search()
        for visibility in self._visibility:
            s = s.filter(visibility)
        return s.source(["title", "summary", "page_type"])

    def query(self, search, query):
        """Every word must appear (in any field), typos tolerated; title and summary weigh more."""
        if not query:
            return search
        every_word = Q("multi_match", query=query, fields=["content", "title", "summary", "themes", "tags"],
                       type="cross_fields", operator="and")
        with_typos = Q("match", content={"query": query, "fuzziness": "AUTO", "operator": "and"})
        return search.query(Q(
            "bool",
            must=[Q("bool", should=[every_word, with_typos], minimum_should_match=1)],
            should=[Q("match", title={"query": query, "boost": 3})],
        ))

    def highlight(self, search):
        search = search.highlight_options(encoder="html", pre_tags=["<mark>"], post_tags=["</mark>"])
        return search.highlight("content", fragment_size=200, number_of_fragments=1, no_match_size=200)


def suggest_search(user, q, index=None, today=None):
    s = PageDocument.search(using=CONNECTION, index=index or index_name())
    s = s.query("match", **{"title.prefixes": {"query": q, "operator": "and"}})
    for visibility in visibility_filters(user, today or timezone.localdate()):
        s = s.filter(visibility)
    return s.source(["title"])[:SUGGESTIONS]


class ElasticsearchEngine:
    name = "elasticsearch"

    def _filters(self, params: SearchParams) -> dict:
        filters = {name: value for name, value in params.filters.items() if name != "theme"}
        if params.theme:
            name = Theme.objects.filter(slug=params.theme).values_list("name", flat=True).first()
            filters["theme"] = name or params.theme
        return filters

    def search(self, user, params: SearchParams, request=None) -> Outcome:
        from django.utils.safestring import mark_safe

        connection()
        outcome = Outcome(params=params, engine=self.name)
        if not params.q:
            return outcome
        start = (params.page - 1) * params.per_page
        response = PageSearch(params.q, self._filters(params), user=user)[start:start + params.per_page].execute()
        ids = [int(hit.meta.id) for hit in response]
        allowed = returnable_ids(user, ids)  # the policy again: a stale document never leaves
        pages = {page.pk: page for page in load_pages([pk for pk in ids if pk in allowed])}
        for hit in response:
            page = pages.get(int(hit.meta.id))
            if page is None:  # deleted, unpublished, expired or out of reach since indexed: left out
                continue
            result: Hit = build_hit(page, params, request)
            fragments = getattr(getattr(hit.meta, "highlight", None), "content", None)
            if fragments:
                result.snippet = mark_safe(fragments[0])  # noqa: S308 - encoder="html" escapes the text
            outcome.hits.append(result)
        outcome.total = max(0, response.hits.total.value - (len(ids) - len(pages)))
        theme_slugs = dict(Theme.objects.values_list("name", "slug"))
        counts = {}
        for name in PageSearch.facets:
            values = {}
            for value, count, _selected in getattr(response.facets, name):
                key = theme_slugs.get(value, value) if name == "theme" else value
                values[key] = count
            counts[name] = values
        outcome.facets = label_facets(counts, params)
        return outcome

    def suggest(self, user, q, request=None) -> list[dict]:
        connection()
        ids = [int(hit.meta.id) for hit in suggest_search(user, q).execute()]
        allowed = returnable_ids(user, ids)  # the policy again: a stale document never leaves
        pages = Page.objects.filter(pk__in=[pk for pk in ids if pk in allowed]).in_bulk()
        return [{"title": pages[i].title, "url": pages[i].get_url(request) or ""} for i in ids if i in pages]


# ----------------------------------------------------------------------------------- indexing
def indexable_pages():
    return Page.objects.live().filter(depth__gt=1)


def index_page(page):
    """Index (or drop) one page and, when its path changed, nothing else is needed: callers pass subtrees."""
    connection()
    if not page.live:
        delete_page(page.pk)
        return
    PageDocument.from_page(page).save(using=CONNECTION, index=index_name())


def delete_page(page_id):
    connection()
    PageDocument(meta={"id": page_id}).delete(using=CONNECTION, index=index_name(), ignore=404)


def index_actions(name, chunk_size=500):
    """(bulk actions, total) chunk by chunk: one document per live page (what the index holds after a rebuild)."""
    ids = list(indexable_pages().order_by("pk").values_list("pk", flat=True))
    for offset in range(0, len(ids), chunk_size):
        chunk = Page.objects.filter(pk__in=ids[offset:offset + chunk_size]).specific()
        yield [{**PageDocument.from_page(page).to_dict(include_meta=True), "_index": name} for page in chunk], len(ids)


def rebuild_index(chunk_size=500, progress=None, refresh=False):
    """Recreate the index from the database; `progress(done, total)` is called after each chunk."""
    from elasticsearch.helpers import bulk

    client = connection()
    name = index_name()
    index = PageDocument._index.clone(name=name)
    index.delete(using=CONNECTION, ignore=404)
    index.create(using=CONNECTION)
    done = 0
    for actions, total in index_actions(name, chunk_size):
        bulk(client, actions)
        done += len(actions)
        if progress:
            progress(done, total)
    if refresh:
        index.refresh(using=CONNECTION)
    return done
