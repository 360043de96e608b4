"""The PostgreSQL search index: one row per live page (search.models.PageEntry) with its audience.

Each entry carries the page's text as a ``tsvector`` (configuration ``preau_french``: French stemming
after unaccent, the order of search.french and of the Elasticsearch analyzer; title weighted A,
summary B, every searchable text D), its audience tags (`policy.index_tags`, the tags of
`policy.index_audience`, what Elasticsearch documents store) and its facet fields. A query filters
words (``vector @@ tsquery``) and audience (``tags && the user's tags``, `policy.index_tags_for`)
inside the index, both under GIN, and returns in ONE statement the top results and the grouped facet
counts. When nothing matches, titles are searched by trigram word similarity (pg_trgm): typos.

Kept up to date page by page (search.signals: save, publish, unpublish, move, delete) and rebuilt by
``manage.py rebuild_search_index``. The engine still asks the policy again about the hits it returns.

An answer (hits of one result page, counts, total) is remembered in the cache for the words, filters,
day and audience tags that produced it, under the *versions* of those tags: every write of an entry
gives each tag it had or now has a new version (search.pgindex.bump_tags), so a teacher's post only
renews the answers of the searches that could see it (its class's tag), and a rebuild renews them all.
Identical searches by people with the same audience (the families of a class) cost one statement once.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, transaction
from wagtail.models import Page

from ent_pages.access import policy
from resources.models.pages import CuratedPage

from .french import fold
from .indexing import searchable_text
from .params import SearchParams

CONFIG = "preau_french"
TABLE = "search_pageentry"
#: pg_trgm's word similarity above which a title is an approximate match (its default, 0.6, misses
#: one wrong letter in a short word: "dinosorus" / "dinosaures" is 0.5).
TYPO_THRESHOLD = 0.45
#: At most this many approximate matches (they are a suggestion, not a result set to page through).
TYPO_LIMIT = 20
CHUNK = 500
GIN_INDEXES = ("search_pageentry_tags_vector", "search_pageentry_title_trgm")
#: How long an answer is remembered at most (versions renew it at every write of a matching audience;
#: this bounds what a change made outside search.pgindex, such as a raw SQL update, could leave stale).
RESULTS_TTL = 10 * 60
_VERSION_KEY = "search:entries:version:"
#: Versions every answer depends on: EPOCH (renewed by a rebuild) and, for searches that read every entry
#: (superusers), EVERY_TAG, renewed by every write.
EPOCH, EVERY_TAG = "epoch", "*"
#: The pseudo-facet under which a match's content type is counted in the facets' pass.
TYPE_FACET = "content_type"

#: Facet values and types as codes (migration 0005): each ``name:value`` gets a smallint once, never reused.
CODES_TABLE = "search_facetcode"
#: Each distinct array of codes, once (migration 0006): facets are counted per set, then per code.
SETS_TABLE = "search_facetset"
#: The plain text and summary of each entry, for the snippets of its hits (migration 0005).
TEXT_TABLE = "search_pagetext"

_COLUMNS = "page_id, content_type_id, title, title_folded, tags, vector, codes, valid_from, valid_until, facet_set"
_UPSERT = (
    f"INSERT INTO {TABLE} ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, "  # noqa: S608 - constant names
    f"setweight(to_tsvector('{CONFIG}', %s), 'A') || setweight(to_tsvector('{CONFIG}', %s), 'B')"
    f" || to_tsvector('{CONFIG}', %s), %s, %s, %s, %s) "
    "ON CONFLICT (page_id) DO UPDATE SET "
    + ", ".join(f"{column} = EXCLUDED.{column}" for column in _COLUMNS.split(", ")[1:])
)
_UPSERT_TEXT = (
    f"INSERT INTO {TEXT_TABLE} (page_id, body, summary) VALUES (%s, %s, %s) "  # noqa: S608 - constant names
    "ON CONFLICT (page_id) DO UPDATE SET body = EXCLUDED.body, summary = EXCLUDED.summary"
)
# The codes of facet values not coded yet: only the missing ones are inserted (an INSERT ... ON CONFLICT
# would draw a number from the identity for every value it skips, and codes are smallints).
_NEW_CODES = (
    f"INSERT INTO {CODES_TABLE} (facet) SELECT DISTINCT f FROM unnest(%s::text[]) AS f "  # noqa: S608
    f"WHERE NOT EXISTS (SELECT 1 FROM {CODES_TABLE} AS c WHERE c.facet = f) ON CONFLICT (facet) DO NOTHING"
)
# The same for the sets of codes (given as text, '{3,7,12}': arrays of arrays do not unnest into arrays).
_NEW_SETS = (
    f"INSERT INTO {SETS_TABLE} (codes) SELECT DISTINCT s::smallint[] FROM unnest(%s::text[]) AS s "  # noqa: S608
    f"WHERE NOT EXISTS (SELECT 1 FROM {SETS_TABLE} AS f WHERE f.codes = s::smallint[]) ON CONFLICT (codes) DO NOTHING"
)
_SETS = f"SELECT f.codes::text, f.id FROM {SETS_TABLE} AS f JOIN unnest(%s::text[]) AS s ON f.codes = s::smallint[]"  # noqa: S608


def enabled() -> bool:
    """The index exists on PostgreSQL only; SQLite keeps Wagtail's own index."""
    return connection.vendor == "postgresql"


def _row(page) -> tuple:
    """The values of a page's entry (specific page, classification prefetched when curated)."""
    summary = getattr(page, "summary", "") or page.search_description or ""
    facets = []
    valid_from = valid_until = None
    if isinstance(page, CuratedPage):
        facets += [facet_value("audience", value) for value in page.audience or []]
        facets += [facet_value("level", value) for value in page.levels or []]
        facets += [facet_value("theme", theme.slug) for theme in page.themes.all()]
        valid_from, valid_until = page.valid_from, page.valid_until
    facets.append(facet_value(TYPE_FACET, str(page.content_type_id)))  # types are counted in the same pass
    return (
        page.pk,
        page.content_type_id,
        page.title,
        fold(page.title),
        policy.index_tags(page),
        page.title,
        summary,
        searchable_text(page),
        facets,  # replaced by their codes when written (_with_codes)
        valid_from,
        valid_until,
    )


def _with_codes(cursor, rows) -> list[tuple]:
    """`rows` with their facet values replaced by codes, and the id of their set of codes, coding the
    values and sets seen for the first time."""
    values = sorted({value for row in rows for value in row[8]})
    codes = {}
    if values:
        cursor.execute(_NEW_CODES, [values])
        cursor.execute(f"SELECT facet, code FROM {CODES_TABLE} WHERE facet = ANY(%s)", [values])  # noqa: S608
        codes = dict(cursor.fetchall())
    coded = [sorted(codes[value] for value in row[8]) for row in rows]
    texts = ["{" + ",".join(map(str, row_codes)) + "}" for row_codes in coded]
    distinct = sorted(set(texts))
    cursor.execute(_NEW_SETS, [distinct])
    cursor.execute(_SETS, [distinct])
    sets = dict(cursor.fetchall())
    return [(*row[:8], row_codes, *row[9:], sets[text]) for row, row_codes, text in zip(rows, coded, texts, strict=True)]


def facet_value(name: str, value: str) -> str:
    return f"{name}:{value}"


def index_pages(pages) -> int:
    """Write (or drop) the entries of `pages` (specific instances): live pages below the root are indexed."""
    pages = [page if type(page) is (page.specific_class or type(page)) else page.specific for page in pages]
    live = [page for page in pages if page.live and page.depth > 1]
    gone = [page.pk for page in pages if not (page.live and page.depth > 1)]
    policy.prime_sections(live)
    rows = [_row(page) for page in live]
    touched = {tag for row in rows for tag in row[4]}
    with transaction.atomic(), connection.cursor() as cursor:
        # The tags the entries had: a page moved out of a class renews that class's answers too.
        cursor.execute(f"SELECT DISTINCT unnest(tags) FROM {TABLE} WHERE page_id = ANY(%s)",  # noqa: S608
                       [[page.pk for page in pages]])
        touched.update(tag for (tag,) in cursor.fetchall())
        if gone:
            cursor.execute(f"DELETE FROM {TABLE} WHERE page_id = ANY(%s)", [gone])  # noqa: S608
        if rows:
            cursor.executemany(_UPSERT, _with_codes(cursor, rows))
            cursor.executemany(_UPSERT_TEXT, [(row[0], row[7], row[6]) for row in rows])
    bump_tags(touched)
    return len(rows)


def delete_pages(page_ids) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE page_id = ANY(%s) RETURNING tags",  # noqa: S608
                       [list(page_ids)])
        bump_tags({tag for (tags,) in cursor.fetchall() for tag in tags})


def forget_pages(page_ids) -> None:
    """Renew the answers that could contain these pages, about to be deleted (the database trigger of
    migration 0003 removes their entries, out of Python's sight)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT unnest(tags) FROM {TABLE} WHERE page_id = ANY(%s)",  # noqa: S608
                       [list(page_ids)])
        bump_tags({tag for (tag,) in cursor.fetchall()})


# ----------------------------------------------------------------------------- remembered answers
def _version_keys(tags) -> list[str]:
    return [_VERSION_KEY + tag for tag in tags]


def bump_tags(tags, epoch=False) -> None:
    """New versions for `tags` (and for the answers that read every entry): now, so that this
    transaction's own next search sees its writes, and again at commit, so that an answer computed by
    another request before the commit, from the old rows, is not kept under the new versions."""
    names = [*tags, EVERY_TAG] + ([EPOCH] if epoch else [])

    def renew():
        cache.set_many({key: uuid.uuid4().hex for key in _version_keys(names)}, timeout=None)

    renew()
    transaction.on_commit(renew)


def _versions(tags) -> list[str]:
    """The current versions of `tags` (one round trip), a fresh one for a tag never seen or evicted: a
    missing version is never read as an old one."""
    keys = _version_keys(tags)
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            token = uuid.uuid4().hex
            found[key] = token if cache.add(key, token, timeout=None) else cache.get(key, token)
    return [found[key] for key in keys]


def _answer_key(tags, params: SearchParams, q: str, today: date) -> str:
    audience = [EPOCH, *(sorted(tags) if tags is not None else [EVERY_TAG])]
    # params.q too (not only the plain words `q`): the remembered snippets highlight the words as typed.
    described = json.dumps([q, params.q, params.page, params.per_page, params.type, params.audience, params.level,
                            params.theme, today.isoformat(), audience, _versions(audience)])
    return "search:entries:answer:" + hashlib.sha256(described.encode()).hexdigest()


def _load(ids):
    from .engine import load_pages

    return load_pages(ids)


def index_subtree(page) -> int:
    """Re-index a page and its live descendants (their audience follows their path), chunk by chunk;
    descendants no longer live lose their entry."""
    subtree = Page.objects.descendant_of(page, inclusive=True)
    delete_pages(subtree.filter(live=False).values_list("pk", flat=True))
    ids = list(subtree.live().values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), CHUNK):
        done += index_pages(_load(ids[start : start + CHUNK]))
    return done


def rebuild(chunk_size=CHUNK, progress=None) -> int:
    """Empty the index and write every live page's entry; `progress(done, total)` after each chunk."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608 - not TRUNCATE: allowed inside any transaction
    ids = list(Page.objects.live().filter(depth__gt=1).order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), chunk_size):
        done += index_pages(_load(ids[start : start + chunk_size]))
        if progress:
            progress(done, len(ids))
    with connection.cursor() as cursor:
        # Rows written in bulk wait in the GIN indexes' pending lists, which every search then reads in
        # full (3,300 entries after the bench's build) until a VACUUM; VACUUM cannot run in a transaction.
        for index in GIN_INDEXES:
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute(f"ANALYZE {TABLE}")  # noqa: S608
    bump_tags([], epoch=True)
    return done


# ------------------------------------------------------------------------------------- queries
def _filters(tags, params: SearchParams, today: date) -> tuple[list[str], dict] | None:
    """WHERE clauses (and their parameters) every query carries: audience (`tags`, those of
    `policy.index_tags_for`), validity dates, facets. None when a facet names nothing that exists."""
    where = [
        "(e.valid_from IS NULL OR e.valid_from <= %(today)s)",
        "(e.valid_until IS NULL OR e.valid_until >= %(today)s)",
    ]
    values = {"today": today}
    if tags is not None:
        where.append("e.tags && %(tags)s::text[]")
        values["tags"] = tags
    if params.type:
        app_label, _dot, model = params.type.partition(".")
        try:
            values["type"] = ContentType.objects.get_by_natural_key(app_label, model).pk
        except ContentType.DoesNotExist:
            return None
        where.append("e.content_type_id = %(type)s")
    wanted = [
        facet_value(name, getattr(params, name)) for name in ("audience", "level", "theme") if getattr(params, name)
    ]
    if wanted:
        # The codes of the wanted values, NULL (no match) unless every one of them has a code.
        where.append(f"e.codes @> (SELECT CASE WHEN count(*) = %(facet_count)s THEN array_agg(code) END"  # noqa: S608
                     f" FROM {CODES_TABLE} WHERE facet = ANY(%(facets)s::text[]))")
        values.update(facets=wanted, facet_count=len(wanted))
    return where, values


def _matches(match: str, score: str, where: list[str], values: dict, limit: int, offset: int, joined: str = ""):
    """Top ids and grouped counts of the entries matching `match`, in one statement (`joined`: more
    FROM items the score may read).

    Returns (hits as (page id, content type id) best first, {facet: {value: count}}, total, {page id:
    (plain text, summary)} of the hits, read in the same statement for their snippets). Facet values
    and types are counted per facet set first (one integer per match: the parent's 8,532 "cantine"
    matches fall in 1,983 sets), then each set's codes once, weighted by its count (unnesting every
    match's codes took twice as long; grouping by the arrays themselves, no faster), named by a join
    over the few distinct codes counted. The sets' codes are unnested in the select list (a ProjectSet):
    ``FROM ..., unnest(s.codes)`` ran a function scan, and filled a tuplestore, once per set (2.6–2.9 ms
    of a first search's 28–31 ms statement, alternated on the bench corpus).
    """
    sql = f"""
        WITH matched AS MATERIALIZED (
            SELECT e.page_id, e.content_type_id, e.facet_set, {score} AS score
            FROM {TABLE} AS e{joined} WHERE {match} AND {" AND ".join(where)}
        )
        (SELECT 'hit', top.page_id::text, top.content_type_id, top.score, t.body, t.summary FROM (
            SELECT page_id, content_type_id, score FROM matched
            ORDER BY score DESC, page_id DESC LIMIT %(limit)s OFFSET %(offset)s) AS top
            LEFT JOIN {TEXT_TABLE} AS t ON t.page_id = top.page_id)
        UNION ALL (SELECT 'facet', c.facet, f.n, NULL, NULL, NULL FROM (
            SELECT u.code, sum(u.n)::integer AS n FROM (
                SELECT unnest(s.codes) AS code, g.n FROM (
                    SELECT facet_set, count(*) AS n FROM matched GROUP BY facet_set) AS g
                JOIN {SETS_TABLE} AS s ON s.id = g.facet_set) AS u GROUP BY u.code
        ) AS f JOIN {CODES_TABLE} AS c ON c.code = f.code)
    """  # noqa: S608 - fixed SQL; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, {**values, "limit": limit, "offset": offset})
        rows = cursor.fetchall()
    hits, texts, counts = [], {}, {"type": {}, "audience": {}, "level": {}, "theme": {}}
    for kind, value, number, score, body, summary in rows:
        if kind == "hit":
            hits.append((score, int(value), number))
            if body is not None:  # None: an entry written before its text was kept (migration 0005)
                texts[int(value)] = (body, summary)
            continue
        name, _colon, facet = value.partition(":")
        if name == TYPE_FACET:  # types counted in the same pass, as content type ids
            content_type = ContentType.objects.get_for_id(int(facet))
            counts["type"][f"{content_type.app_label}.{content_type.model}"] = number
        else:
            counts[name][facet] = number
    hits.sort(key=lambda hit: (-hit[0], -hit[1]))
    hits = [(pk, content_type_id) for _score, pk, content_type_id in hits]
    return hits, counts, sum(counts["type"].values()), texts


def search(user, params: SearchParams, q: str, today: date, passages=None):
    """(hits, counts, total, approximate, passages) for words `q`: full text first, then titles by
    similarity.

    Remembered per words, filters, day and audience tags under the tags' versions (see the module).
    ``passages(hits)`` (the engine's snippets: {page id: anything}) is computed with a new answer and
    remembered with it: a page's text changes only with its entry, which renews the answer. It is called
    as ``passages(hits, texts)``, ``texts`` the hits' stored (plain text, summary) by page id, when the
    entry has them (a hit without is loaded and its text computed, as before migration 0005)."""
    tags = policy.index_tags_for(user)
    key = _answer_key(tags, params, q, today)
    answer = cache.get(key)
    if answer is None:
        hits, counts, total, approximate, texts = _search(tags, params, q, today)
        answer = (hits, counts, total, approximate, passages(hits, texts) if passages else {})
        cache.set(key, answer, RESULTS_TTL)
    hits, counts, total, approximate, found_passages = answer
    return [tuple(hit) for hit in hits], counts, total, approximate, found_passages


def _search(tags, params: SearchParams, q: str, today: date):
    filters = _filters(tags, params, today)
    if filters is None:
        return [], {}, 0, False, {}
    where, values = filters
    limit, offset = params.per_page, (params.page - 1) * params.per_page
    hits, counts, total, texts = _matches(
        f"e.vector @@ plainto_tsquery('{CONFIG}', %(q)s)",
        # The query parsed once: written inside ts_rank, plainto_tsquery ran again for every match
        # (unaccent and the stemmer over the words, 8,532 times for "cantine" as a parent: half the
        # statement). The WHERE keeps the call itself, folded to a constant the planner can estimate.
        "ts_rank(e.vector, q.query)",
        where,
        {**values, "q": q},
        limit,
        offset,
        joined=f", (SELECT plainto_tsquery('{CONFIG}', %(q)s) AS query OFFSET 0) AS q",
    )
    if total:
        return hits, counts, total, False, texts
    folded = fold(q)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(TYPO_THRESHOLD)])
        near = (
            "(SELECT page_id FROM {table} AS e WHERE %(folded)s <%% e.title_folded AND {where}"
            " ORDER BY word_similarity(%(folded)s, e.title_folded) DESC, page_id DESC LIMIT {typo_limit})"
        )
        near = near.format(table=TABLE, where=" AND ".join(where), typo_limit=TYPO_LIMIT)
        hits, counts, total, texts = _matches(
            f"e.page_id IN {near}",
            "word_similarity(%(folded)s, e.title_folded)",
            where,
            {**values, "folded": folded},
            limit,
            offset,
        )
    return hits, counts, total, bool(total), texts


def suggest(user, q: str, today: date, limit: int) -> list[int]:
    """Ids of titles containing the folded words (titles starting with them first), for the autocomplete."""
    filters = _filters(policy.index_tags_for(user), SearchParams(q=q), today)
    where, values = filters
    folded = fold(q)
    pattern = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    sql = (
        f"SELECT page_id FROM {TABLE} AS e WHERE e.title_folded LIKE %(contains)s AND {' AND '.join(where)}"  # noqa: S608
        " ORDER BY e.title_folded LIKE %(starts)s DESC, length(e.title_folded), page_id LIMIT %(limit)s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {**values, "contains": f"%{pattern}%", "starts": f"{pattern}%", "limit": limit})
        return [row[0] for row in cursor.fetchall()]
