"""One search contract, two engines: Wagtail's database backend (always) and Elasticsearch (when configured).

`get_engine().search(user, params)` returns an `Outcome` (hits with highlighted snippets, facets with
counts, pagination); `suggest(user, q)` returns titles for the autocomplete. Both engines restrict
what they search to what the access policy lets the user see *before* ranking and counting: results
and facet counts never include a page the user may not open.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from modelsearch.utils import get_descendants_content_types_pks
from wagtail.models import Page, get_page_models
from wagtail.search.backends import get_search_backend
from wagtail.search.query import Or, PlainText

from ent_pages.access import policy
from ent_pages.levels import Level
from resources.fields import Audience
from resources.models import Theme
from resources.models.pages import CuratedPage

from . import pgindex
from .french import fold, normalise_query, plain_query
from .highlight import highlight
from .indexing import searchable_text
from .params import SearchParams

SUGGESTIONS = 8
CHUNK = 2000  # ids per IN (...) list (SQLite allows 32,766 parameters)


@dataclass
class Hit:
    page: Page
    title: str
    url: str
    type_label: str
    snippet: str
    summary: str = ""


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Outcome:
    params: SearchParams
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    engine: str = "database"
    #: No page matched the words: these are titles close to them (typo tolerance).
    approximate: bool = False

    @property
    def num_pages(self):
        return max(1, math.ceil(self.total / self.params.per_page))

    @property
    def has_next(self):
        return self.params.page < self.num_pages

    def as_json(self):
        return {
            "query": self.params.q,
            "engine": self.engine,
            "approximate": self.approximate,
            "total": self.total,
            "page": self.params.page,
            "num_pages": self.num_pages,
            "results": [
                {"title": h.title, "url": h.url, "type": h.type_label, "summary": h.summary, "snippet": str(h.snippet)}
                for h in self.hits
            ],
            "facets": {
                name: [{"value": v.value, "label": str(v.label), "count": v.count, "selected": v.selected} for v in values]
                for name, values in self.facets.items()
            },
        }


def type_key(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def curated_models():
    return [model for model in get_page_models() if issubclass(model, CuratedPage)]


def load_pages(ids, content_types=None):
    """Specific pages for ids, in that order, with the relations their search text reads prefetched.

    ``content_types`` ({id: content type id}, what the PostgreSQL entries return with each hit) saves
    the query that finds each page's type: one query per model (and its prefetches) instead of the base
    rows, then each type's rows, then the curated ones again with their relations.
    """
    ids = list(ids)
    if content_types is None:
        content_types = dict(Page.objects.filter(pk__in=ids).values_list("pk", "content_type_id"))
    by_type: dict[int, list[int]] = {}
    for pk in ids:
        if pk in content_types:
            by_type.setdefault(content_types[pk], []).append(pk)
    pages = {}
    for content_type_id, type_ids in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None or not issubclass(model, Page):
            continue
        queryset = model.objects.filter(pk__in=type_ids)
        if issubclass(model, CuratedPage):
            queryset = queryset.prefetch_related("themes", "tags")
        pages.update(queryset.in_bulk())
    return [pages[pk] for pk in ids if pk in pages]


def current_pages():
    """Live pages below the root, resources and workbooks inside their validity dates: what search may
    return (the candidates; the hits are checked again by `current_rows`, the same rule for a few ids)."""
    pages = Page.objects.live().filter(depth__gt=1)
    for model in curated_models():
        pages = pages.exclude(pk__in=model.objects.exclude(CuratedPage.current_q()).values("pk"))
    return pages


def current_rows(ids, content_types=None) -> list[Page]:
    """The rows (base pages) of the pages among `ids` that search may return, in one statement: live,
    below the root, resources and workbooks inside their validity dates (`current_pages`, without
    compiling its queryset for ten ids). ``content_types`` ({id: content type id}, what the index said):
    a row of another type than its entry is no result."""
    ids = list(ids)
    if not ids:
        return []
    curated, current = [], []
    for model in curated_models():
        table = model._meta.get_field("valid_from").model._meta
        alias = f"c{len(curated)}"
        curated.append(f" LEFT JOIN {table.db_table} AS {alias} ON {alias}.{table.pk.column} = p.id")
        current.append(f" AND ({alias}.{table.pk.column} IS NULL OR (({alias}.valid_from IS NULL OR"
                       f" {alias}.valid_from <= %s) AND ({alias}.valid_until IS NULL OR {alias}.valid_until >= %s)))")
    today = timezone.localdate()
    sql = (f"SELECT p.* FROM wagtailcore_page AS p{''.join(curated)} WHERE p.id IN ({', '.join(['%s'] * len(ids))})"  # noqa: S608
           f" AND p.live AND p.depth > 1{''.join(current)}")
    rows = list(Page.objects.raw(sql, [*ids, *[today] * (2 * len(current))]))
    if content_types is not None:
        rows = [page for page in rows if content_types.get(page.pk) == page.content_type_id]
    return rows


def returnable_pages(user, ids, content_types=None) -> dict[int, Page]:
    """The pages among an engine's answer that may leave, with their rows (base pages: enough for their
    title and URL): current (`current_rows`) and asked of the access policy again
    (`AccessPolicy.search_results`), whatever the index said: a document left stale by a failed update
    must not leak."""
    return {page.pk: page for page in policy.search_results(user, current_rows(ids, content_types))}


def returnable_ids(user, ids) -> set[int]:
    """The ids among an engine's answer that may leave (`returnable_pages`)."""
    return set(returnable_pages(user, ids))


def build_hit(page, params, request=None) -> Hit:
    """A result line for a page the engine returned (specific instance)."""
    snippet, summary = passage(page, params)
    return Hit(
        page=page,
        title=page.title,
        url=page.get_url(request) or "",
        type_label=capfirst(page._meta.verbose_name),
        snippet=snippet,
        summary=summary,
    )


def passage(page, params) -> tuple[str, str]:
    """(highlighted snippet, summary) of a specific page for the words of `params`."""
    summary = getattr(page, "summary", "") or page.search_description or ""
    return highlight(searchable_text(page), params.q), summary


def label_facets(counts: dict[str, Counter], params: SearchParams) -> dict[str, list[FacetValue]]:
    """Turn raw counts into labelled, sorted facet values (only values with at least one result)."""
    labels = {
        "audience": dict(Audience.choices),
        "level": dict(Level.choices),
        "theme": Theme.labels() if counts.get("theme") else {},
        "type": {},
    }
    for key in counts.get("type", {}):
        app_label, _dot, model_name = key.partition(".")
        try:
            model = ContentType.objects.get_by_natural_key(app_label, model_name).model_class()
            labels["type"][key] = capfirst(model._meta.verbose_name_plural)
        except ContentType.DoesNotExist:
            labels["type"][key] = key
    facets = {}
    level_order = {value: i for i, value in enumerate(Level.values)}
    for name in ("type", "audience", "level", "theme"):
        values = [
            FacetValue(value=value, label=labels[name].get(value, value), count=count,
                       selected=getattr(params, name) == value)
            for value, count in counts.get(name, {}).items() if count
        ]
        if name == "level":
            values.sort(key=lambda v: level_order.get(v.value, 99))
        else:
            values.sort(key=lambda v: (-v.count, str(v.label)))
        facets[name] = values
    return facets


class DatabaseSearchEngine:
    """The database engine: search.pgindex on PostgreSQL, Wagtail's database backend elsewhere (SQLite FTS5).

    PostgreSQL: entries carry their audience tags, so one statement filters words and audience inside
    the index (GIN) and returns the top results with the facet counts. SQLite: the page queryset given
    to Wagtail's backend is already filtered by `policy.searchable` (through a primary-key subquery, the
    only form of it the backend accepts). Either way ranking, counting and facets only ever see
    viewable pages, and the hits are asked of the policy again before they leave.
    """

    name = "database"

    def __init__(self, backend_name=None):
        if backend_name is None:
            backend_name = "database" if "database" in settings.WAGTAILSEARCH_BACKENDS else "default"
        self.backend = get_search_backend(backend_name)

    # ---------------------------------------------------------------------------- candidates
    def candidates(self, user, params: SearchParams):
        """Live pages the user may view, inside their validity dates, narrowed by the selected facets."""
        pages = policy.searchable(user, current_pages())
        if params.type:
            app_label, _dot, model_name = params.type.partition(".")
            pages = pages.filter(content_type__app_label=app_label, content_type__model=model_name)
        curated_filters = {}
        if params.audience:
            curated_filters["audience__icontains"] = f'"{params.audience}"'
        if params.level:
            curated_filters["levels__icontains"] = f'"{params.level}"'
        if params.theme:
            curated_filters["themes__slug"] = params.theme
        if curated_filters:
            matching = Q(pk__in=[])
            for model in curated_models():
                matching |= Q(pk__in=model.objects.filter(**curated_filters).values("pk"))
            pages = pages.filter(matching)
        return pages

    def query(self, q):
        """The user's words OR their French normal form: raw words still match pages that do not opt into
        FrenchSearchable; the normal form brings accent folding and plurals on both databases."""
        plain, normalised = plain_query(q), normalise_query(q)
        if not plain:
            return None
        if not normalised or normalised == plain:
            return PlainText(plain, operator="and")
        return Or([PlainText(plain, operator="and"), PlainText(normalised, operator="and")])

    def _results(self, user, params):
        query = self.query(params.q)
        if query is None:
            return None
        pages = Page.objects.filter(pk__in=self.candidates(user, params).values("pk"))
        return self.backend.search(query, pages)

    # -------------------------------------------------------------------------------- search
    def search(self, user, params: SearchParams, request=None) -> Outcome:
        outcome = Outcome(params=params, engine=self.name)
        if pgindex.enabled():
            return self.postgres_search(user, params, outcome, request)
        results = self._results(user, params)
        if results is None:
            return outcome
        start, stop = (params.page - 1) * params.per_page, params.page * params.per_page
        if connection.vendor == "sqlite":
            matched = self.sqlite_ranked_matches(results)
            page_ids = [pk for pk, _content_type in matched[start:stop]]
        else:
            matched = list(results.get_queryset().order_by().values_list("pk", "content_type_id"))
            page_ids = [page.pk for page in results[start:stop]] if matched else []
        outcome.facets, outcome.total = self.facets(matched, params)
        allowed = returnable_ids(user, page_ids)  # the candidates were filtered already: asked again, cheaply
        outcome.hits = [build_hit(page, params, request) for page in load_pages([pk for pk in page_ids if pk in allowed])]
        return outcome

    def postgres_search(self, user, params: SearchParams, outcome: Outcome, request=None) -> Outcome:
        """One statement over search.pgindex's entries (words and audience filtered inside the index,
        top results and grouped facet counts), then titles by similarity when nothing matches."""
        plain = plain_query(params.q)
        if not plain:
            return outcome
        def passages(hits, texts):  # computed with a new answer, remembered with it
            # The entries' stored text (read with the hits): no page loaded, no body rendered again.
            lines = {pk: (highlight(body, params.q), summary) for pk, (body, summary) in texts.items()}
            missing = [(pk, content_type) for pk, content_type in hits if pk not in texts]
            if missing:  # entries written before their text was kept (search migration 0005)
                pages = load_pages([pk for pk, _content_type in missing], content_types=dict(missing))
                lines.update((page.pk, passage(page, params)) for page in pages)
            return lines

        hits, counts, outcome.total, outcome.approximate, lines = pgindex.search(
            user, params, plain, timezone.localdate(), passages=passages
        )
        # Defence in depth: the policy itself, over ten ids, whatever the index (or the cache) said; the
        # same query brings the rows that give each hit its current title and URL.
        allowed = returnable_pages(user, [pk for pk, _content_type in hits], content_types=dict(hits))
        for pk, content_type_id in hits:
            if pk not in allowed or pk not in lines:
                continue
            page, (snippet, summary) = allowed[pk], lines[pk]
            model = ContentType.objects.get_for_id(content_type_id).model_class() or type(page)
            outcome.hits.append(Hit(page=page, title=page.title, url=page.get_url(request) or "",
                                    type_label=capfirst(model._meta.verbose_name), snippet=snippet, summary=summary))
        outcome.facets = label_facets(counts, params)
        return outcome

    def sqlite_ranked_matches(self, results) -> list[tuple[int, int]]:
        """(page id, content type id) of every match, best first, from ONE full-text pass.

        Wagtail's SQLite backend ranks with one correlated FTS5 subquery per matching row (measured: 3 s
        for a common word at 2,500 pages) and the match is evaluated again for counts and facets; here
        the match and its bm25 rank (the backend's own rank expression) run once, over the same candidates.
        PostgreSQL ranks in one pass already and keeps the backend's own path.
        """
        from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
        from modelsearch.conf import get_app_config

        compiler = results.query_compiler
        fts_entries = get_app_config().get_model("SQLiteFTSIndexEntry")
        search_query = compiler.build_search_query(normalize(compiler.query))
        rank = compiler._build_rank_expression(compiler.get_search_vectors(), None)
        rows = (
            fts_entries.objects.filter(MatchExpression(compiler.FTS_TABLE_FIELDS, search_query))
            .filter(index_entry__object_id__in=compiler.queryset.values("pk"),
                    index_entry__content_type__in=get_descendants_content_types_pks(Page))
            .annotate(score=rank)
            .values_list("index_entry__object_id", "index_entry__content_type_id", "score")
        )
        best = {}
        for object_id, content_type_id, score in rows:
            pk = int(object_id)
            if pk not in best or score < best[pk][1]:
                best[pk] = (content_type_id, score)
        ranked = sorted(best.items(), key=lambda item: (item[1][1], -item[0]))
        return [(pk, content_type_id) for pk, (content_type_id, _score) in ranked]

    def facets(self, matched, params) -> tuple[dict[str, list[FacetValue]], int]:
        """Counts over the matched (page id, content type id) pairs, already restricted to viewable pages,
        and their total; classification is read for the matching resources and workbooks by id."""
        counts = {"type": Counter(), "audience": Counter(), "level": Counter(), "theme": Counter()}
        by_type: dict[int, list[int]] = {}
        for pk, content_type_id in matched:
            by_type.setdefault(content_type_id, []).append(pk)
        for content_type_id, ids in by_type.items():
            content_type = ContentType.objects.get_for_id(content_type_id)
            counts["type"][f"{content_type.app_label}.{content_type.model}"] = len(ids)
        for model in curated_models():
            ids = by_type.get(ContentType.objects.get_for_model(model).pk, [])
            if not ids:
                continue
            through = model.themes.through
            owner = f"{model._meta.model_name}_id"
            if len(ids) <= CHUNK:
                rows = model.objects.filter(pk__in=ids).order_by().values_list("pk", "audience", "levels")
                themes = through.objects.filter(**{f"{owner}__in": ids}).values_list(owner, "theme__slug")
            else:  # many matches: one scan of the (small) classification tables beats long IN lists
                wanted = set(ids)
                rows = (row for row in model.objects.order_by().values_list("pk", "audience", "levels") if row[0] in wanted)
                themes = (row for row in through.objects.values_list(owner, "theme__slug") if row[0] in wanted)
            for _pk, audience, levels in rows:
                counts["audience"].update(audience or [])
                counts["level"].update(levels or [])
            counts["theme"].update(slug for _pk, slug in themes)
        return label_facets(counts, params), len(matched)

    # ---------------------------------------------------------------------------- autocomplete
    def suggest(self, user, q, request=None) -> list[dict]:
        plain = plain_query(q)
        if not plain:
            return []
        if pgindex.enabled():
            ids = pgindex.suggest(user, plain, timezone.localdate(), SUGGESTIONS)
            allowed = returnable_ids(user, ids)  # the policy again
            pages = Page.objects.filter(pk__in=[pk for pk in ids if pk in allowed]).in_bulk()
            return [{"title": pages[pk].title, "url": pages[pk].get_url(request) or ""} for pk in ids if pk in pages]
        folded = fold(plain)
        query = PlainText(plain, operator="and")
        if folded != plain:
            query = Or([query, PlainText(folded, operator="and")])
        pages = Page.objects.filter(pk__in=self.candidates(user, SearchParams(q=q)).values("pk"))
        found = list(self.backend.autocomplete(query, pages)[:SUGGESTIONS])
        allowed = returnable_ids(user, [page.pk for page in found])
        return [{"title": page.title, "url": page.get_url(request) or ""} for page in found if page.pk in allowed]


def get_engine():
    """Elasticsearch when ELASTICSEARCH_URL is set, the database backend otherwise."""
    if getattr(settings, "ELASTICSEARCH_URL", ""):
        from .elastic import ElasticsearchEngine

        return ElasticsearchEngine()
    return DatabaseSearchEngine()
