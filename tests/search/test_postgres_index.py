"""PostgreSQL's page entries (search.pgindex): the same results as Wagtail's index filtered by the policy,
for every demo role; access changes seen at the next request; facet counts; typos. PostgreSQL only
(the entries' table, tsvector and trigram indexes exist there; SQLite keeps Wagtail's index).
"""

import datetime

import pytest
from django.db import connection
from django.utils import timezone
from wagtail.models import Page

from ent_pages.access import policy
from ent_pages.models import Enrolment, Role
from resources.models import Theme
from search import pgindex
from search.engine import DatabaseSearchEngine
from search.params import SearchParams
from tests.factories import StaffAssignmentFactory, UserFactory

from . import test_elasticsearch_query_evaluated as evaluated
from .test_elasticsearch_query_evaluated import TODAY, names

# The small city with every kind of page the access rules tell apart, and its demo roles.
city_tree, roles = evaluated.city_tree, evaluated.roles

pytestmark = pytest.mark.django_db

#: Words of the tree's titles, between them every page: each query is compared role by role.
QUERIES = [
    "volcan",
    "zoo",
    "correspondants",
    "kermesse",
    "CLAE",
    "écrans",
    "inscriptions",
    "menu",
    "jour",
    "brouillon",
    "billet",
    "Jules Ferry",
    "Pasteur",
    "ressources",
]


@pytest.fixture(autouse=True)
def on_postgresql(time_machine):
    if connection.vendor != "postgresql":
        pytest.skip("the page entries exist on PostgreSQL only")
    time_machine.move_to(datetime.datetime.combine(TODAY, datetime.time(12), tzinfo=timezone.get_current_timezone()))


@pytest.fixture
def every_role(roles, city_tree):
    editor = UserFactory(username="redacteur.ville")
    StaffAssignmentFactory(user=editor, school=None, role=Role.CITY_EDITOR)
    return {**roles, "editor": editor}


def found_ids(user, q, **filters) -> set[int]:
    outcome = DatabaseSearchEngine().search(user, SearchParams(q=q, per_page=1000, **filters))
    assert outcome.total == len(outcome.hits)
    return {hit.page.pk for hit in outcome.hits}


def todays_answer(user, q) -> set[int]:
    """Wagtail's own index over the pages the policy lets `user` search (the engine before the entries)."""
    engine = DatabaseSearchEngine()
    return {page.pk for page in engine._results(user, SearchParams(q=q))}


@pytest.mark.parametrize(
    "role",
    [
        "anonymous",
        "parent",
        "teacher_other_class",
        "director",
        "clae_animator",
        "editor",
        "pupil",
        "partner_parent",
        "partner_teacher",
        "superuser",
    ],
)
def test_the_index_finds_what_wagtails_index_finds_within_the_policy(every_role, city_tree, role):
    user = every_role[role]
    allowed = names(policy.searchable(user, Page.objects.live()).values_list("pk", flat=True), city_tree)
    everything = set()
    for q in QUERIES:
        found = found_ids(user, q)
        assert names(found, city_tree) == names(todays_answer(user, q), city_tree), q
        everything |= names(found, city_tree)
    assert everything <= allowed
    assert everything  # every role finds something: the comparison above is not between two empty sets


def test_every_live_page_has_one_entry_with_the_policys_tags(city_tree):
    live = Page.objects.live().filter(depth__gt=1).specific()
    with connection.cursor() as cursor:
        cursor.execute("SELECT page_id, tags FROM search_pageentry")
        entries = dict(cursor.fetchall())
    assert set(entries) == {page.pk for page in live}
    for page in live:
        assert sorted(entries[page.pk]) == sorted(policy.index_tags(page)), page.title


def test_an_enrolment_removed_takes_the_class_away_at_the_next_request(client, every_role, city_tree):
    parent = every_role["parent"]
    client.force_login(parent)
    assert [r["title"] for r in client.get("/recherche/api/", {"q": "volcan"}).json()["results"]] == ["Notre volcan"]
    Enrolment.objects.filter(pupil__guardianships__guardian__user=parent).delete()
    assert client.get("/recherche/api/", {"q": "volcan"}).json()["total"] == 0


def test_a_post_moved_to_another_class_follows_its_new_class(client, every_role, city_tree):
    parent, neighbour = every_role["parent"], every_role["teacher_other_class"]
    city_tree["post"].move(city_tree["other_class"], pos="last-child")
    client.force_login(parent)
    assert client.get("/recherche/api/", {"q": "volcan"}).json()["total"] == 0
    client.force_login(neighbour)
    assert [r["title"] for r in client.get("/recherche/api/", {"q": "volcan"}).json()["results"]] == ["Notre volcan"]


def test_an_unpublished_page_leaves_the_results_at_once(client, every_role, city_tree):
    client.force_login(every_role["parent"])
    city_tree["post"].unpublish()
    assert client.get("/recherche/api/", {"q": "volcan"}).json()["total"] == 0
    assert found_ids(every_role["superuser"], "volcan") == set()


def test_a_deleted_page_loses_its_entry(city_tree):
    pk = city_tree["post"].pk
    city_tree["post"].delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_pageentry WHERE page_id = %s", [pk])
        assert cursor.fetchone()[0] == 0


def test_facet_counts_are_those_of_the_matching_pages(city_tree):
    theme = Theme.objects.create(name="Numérique", slug="numerique")
    resource = city_tree["resource"]
    resource.audience, resource.levels = ["families", "teachers"], ["CP", "CE1"]
    resource.themes.add(theme)
    resource.save_revision().publish()
    outcome = DatabaseSearchEngine().search(None, SearchParams(q="écrans"))
    counts = {name: {v.value: v.count for v in values} for name, values in outcome.facets.items()}
    assert counts == {
        "type": {"resources.resourcepage": 1},
        "audience": {"families": 1, "teachers": 1},
        "level": {"CP": 1, "CE1": 1},
        "theme": {"numerique": 1},
    }
    assert found_ids(None, "écrans", theme="numerique", level="CP") == {resource.pk}
    assert found_ids(None, "écrans", level="CM2") == set()


def test_a_typo_still_finds_the_title_but_never_a_hidden_page(every_role, city_tree):
    outcome = DatabaseSearchEngine().search(every_role["parent"], SearchParams(q="volcna"))
    assert outcome.approximate and [hit.title for hit in outcome.hits] == ["Notre volcan"]
    anonymous = DatabaseSearchEngine().search(None, SearchParams(q="volcna"))
    assert anonymous.hits == [] and anonymous.total == 0
    assert DatabaseSearchEngine().search(None, SearchParams(q="écrams")).hits[0].title == "Écrans"


def test_suggestions_come_from_the_entries_within_the_policy(client, every_role, city_tree):
    assert client.get("/recherche/suggestions/", {"q": "volc"}).json()["suggestions"] == []
    client.force_login(every_role["parent"])
    assert [s["title"] for s in client.get("/recherche/suggestions/", {"q": "volc"}).json()["suggestions"]] == [
        "Notre volcan"
    ]


def test_a_parents_search_costs_a_few_queries(client, every_role, city_tree, django_assert_max_num_queries):
    client.force_login(every_role["parent"])
    client.get("/recherche/api/", {"q": "kermesse"})
    with django_assert_max_num_queries(12):
        assert client.get("/recherche/api/", {"q": "kermesse"}).json()["total"] == 1


def test_the_rebuild_writes_the_same_entries(city_tree):
    with connection.cursor() as cursor:
        cursor.execute("SELECT page_id, tags, vector::text FROM search_pageentry ORDER BY page_id")
        before = cursor.fetchall()
        assert pgindex.rebuild() == len(before)
        cursor.execute("SELECT page_id, tags, vector::text FROM search_pageentry ORDER BY page_id")
        assert cursor.fetchall() == before


def test_the_search_page_says_when_results_are_approximate(client, city_tree):
    response = client.get("/recherche/", {"q": "écrams"})
    assert response.status_code == 200
    assert "ces titres s’en approchent" in response.content.decode() and "Écrans" in response.content.decode()


# ------------------------------------------------------------ remembered answers (search.pgindex)
def index_statements(queries) -> list[str]:
    return [query["sql"] for query in queries if "search_pageentry" in query["sql"]]


def test_families_of_one_class_share_one_answer_of_the_index(every_role, city_tree):
    """The second family of the class asks the index nothing: the answer is remembered for the class's
    audience tags; its hits are still asked of the policy, for this family."""
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_parent

    other_family, _pupil = make_parent(city_tree["class"], username="autre.famille")
    assert found_ids(every_role["parent"], "volcan") == {city_tree["post"].pk}
    with CaptureQueriesContext(connection) as queries:
        assert found_ids(other_family, "volcan") == {city_tree["post"].pk}
    assert index_statements(queries) == []
    assert any("wagtailcore_page" in query["sql"] for query in queries)  # the policy's re-check of the hits


def test_a_remembered_answer_is_never_given_to_another_audience(every_role, city_tree):
    assert found_ids(every_role["parent"], "volcan") == {city_tree["post"].pk}
    assert found_ids(every_role["teacher_other_class"], "volcan") == set()
    assert found_ids(None, "volcan") == set()


def test_a_new_post_enters_the_remembered_answers_of_its_class(every_role, city_tree):
    from tests.factories import ClassPostPageFactory

    parent = every_role["parent"]
    assert found_ids(parent, "volcan") == {city_tree["post"].pk}
    newer = ClassPostPageFactory(parent=city_tree["class"], title="Le volcan, suite")
    assert found_ids(parent, "volcan") == {city_tree["post"].pk, newer.pk}


def test_a_post_moved_away_leaves_the_remembered_answers_of_its_old_class(every_role, city_tree):
    parent, neighbour = every_role["parent"], every_role["teacher_other_class"]
    assert found_ids(parent, "volcan") == {city_tree["post"].pk}
    assert found_ids(neighbour, "volcan") == set()
    city_tree["post"].move(city_tree["other_class"], pos="last-child")
    assert found_ids(parent, "volcan") == set()
    assert found_ids(neighbour, "volcan") == {city_tree["post"].pk}


def test_a_deleted_page_leaves_the_remembered_counts(every_role, city_tree):
    """The trigger removes the entry; the answers that counted it are renewed (the re-check alone would
    drop the hit but leave the count and facets)."""
    superuser = every_role["superuser"]
    outcome = DatabaseSearchEngine().search(superuser, SearchParams(q="écrans"))
    assert outcome.total == 1
    city_tree["resource"].delete()
    assert DatabaseSearchEngine().search(superuser, SearchParams(q="écrans")).total == 0
    assert DatabaseSearchEngine().search(None, SearchParams(q="écrans")).total == 0


def test_an_evicted_version_never_brings_back_an_old_answer(every_role, city_tree):
    """A version the cache lost is replaced by a new one, never read as "no version": else an answer
    computed while it was missing would come back the next time it goes missing."""
    from django.core.cache import cache

    parent = every_role["parent"]
    versions = pgindex._version_keys(policy.index_tags_for(parent))
    cache.delete_many(versions)
    assert found_ids(parent, "volcan") == {city_tree["post"].pk}
    city_tree["post"].unpublish()
    cache.delete_many(versions)
    assert found_ids(parent, "volcan") == set()


def test_a_remembered_snippet_follows_an_edit_of_the_page(every_role, city_tree):
    superuser = every_role["superuser"]
    resource = city_tree["resource"]
    assert DatabaseSearchEngine().search(superuser, SearchParams(q="écrans")).hits[0].title == "Écrans"
    resource.title, resource.summary = "Écrans et sommeil", "Les écrans avant le coucher."
    resource.save_revision().publish()
    hit = DatabaseSearchEngine().search(superuser, SearchParams(q="écrans")).hits[0]
    assert hit.title == "Écrans et sommeil" and "coucher" in hit.snippet and hit.summary == "Les écrans avant le coucher."


def test_a_remembered_hit_links_to_where_the_page_is_now(client, every_role, city_tree):
    """Renaming a section rewrites its pages' URL paths in one UPDATE, saving none of them (Wagtail's
    set_url_path): the link comes from the page's row, read by the policy's re-check, not from the
    remembered answer."""
    client.force_login(every_role["parent"])
    post = city_tree["post"]
    assert client.get("/recherche/api/", {"q": "volcan"}).json()["results"][0]["url"] == post.url
    moved_path = post.url_path.replace(f"/{city_tree['class'].slug}/", "/ce1-les-volcans/")
    Page.objects.filter(pk=post.pk).update(url_path=moved_path)
    url = client.get("/recherche/api/", {"q": "volcan"}).json()["results"][0]["url"]
    assert "/ce1-les-volcans/" in url and url == Page.objects.get(pk=post.pk).url


# ------------------------------------------------- codes and stored text (search migration 0005)
def test_a_first_search_writes_its_snippets_from_the_entries_without_loading_a_page(every_role, city_tree):
    """The hits' plain text comes with them from the index: no page is loaded (nor its body rendered)
    to write the snippets of a first search."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        hit = DatabaseSearchEngine().search(every_role["superuser"], SearchParams(q="écrans")).hits[0]
    assert "<mark>" in hit.snippet and hit.title == "Écrans"
    loaded = [query["sql"] for query in queries  # the resource's own row (its body) or its tags
              if '"resources_resourcepage"."body"' in query["sql"] or "resources_resourcepagetag" in query["sql"]]
    assert loaded == [], loaded


def test_an_entry_written_before_its_text_was_kept_still_gets_its_snippet(every_role, city_tree):
    """Entries migrated without a re-index have no stored text: their hits are loaded, as before."""
    superuser = every_role["superuser"]
    expected = DatabaseSearchEngine().search(superuser, SearchParams(q="écrans")).hits[0]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_pagetext")
    pgindex.bump_tags([], epoch=True)
    hit = DatabaseSearchEngine().search(superuser, SearchParams(q="écrans")).hits[0]
    assert (hit.snippet, hit.summary) == (expected.snippet, expected.summary) and "<mark>" in hit.snippet


def test_a_page_leaves_its_text_with_its_entry(city_tree):
    pk = city_tree["post"].pk
    city_tree["post"].delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_pagetext WHERE page_id = %s", [pk])
        assert cursor.fetchone()[0] == 0


def test_facet_values_keep_their_codes_through_a_rebuild(city_tree):
    """A value is coded once: writing entries again draws no new code (codes are smallints)."""
    def codes_and_last_drawn():
        with connection.cursor() as cursor:
            cursor.execute("SELECT facet, code FROM search_facetcode")
            codes = dict(cursor.fetchall())
            cursor.execute("SELECT last_value FROM search_facetcode_code_seq")
            return codes, cursor.fetchone()[0]

    before = codes_and_last_drawn()
    assert any(facet.startswith("content_type:") for facet in before[0])
    pgindex.rebuild()
    pgindex.index_pages([city_tree["resource"]])
    assert codes_and_last_drawn() == before


def test_a_facet_value_nobody_has_finds_nothing(city_tree):
    assert found_ids(None, "écrans") == {city_tree["resource"].pk}
    assert found_ids(None, "écrans", theme="aucun-theme") == set()
    assert found_ids(None, "écrans", audience="families", theme="aucun-theme") == set()


# ------------------------------------------------------------------ facet sets (migration 0006)
def entry_sets() -> dict[int, tuple[int, list[int]]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT e.page_id, e.facet_set, s.codes FROM search_pageentry AS e"
                       " JOIN search_facetset AS s ON s.id = e.facet_set")
        return {page_id: (facet_set, codes) for page_id, facet_set, codes in cursor.fetchall()}


def test_every_entry_names_the_set_of_its_own_codes_and_equal_codes_share_one_set(city_tree):
    pgindex.rebuild()  # entries written many at a time
    with connection.cursor() as cursor:
        cursor.execute("SELECT page_id, codes FROM search_pageentry")
        codes = dict(cursor.fetchall())
    sets = entry_sets()
    assert set(sets) == set(codes)
    assert all(sets[pk][1] == codes[pk] for pk in codes)
    by_codes = {}
    for facet_set, set_codes in sets.values():
        by_codes.setdefault(tuple(set_codes), set()).add(facet_set)
    assert all(len(ids) == 1 for ids in by_codes.values())
    assert len(by_codes) < len(codes)  # posts share their set: the counts run over fewer groups than entries


def test_facet_counts_follow_an_entry_into_another_set(city_tree):
    """Two resources with the same values share a set; when one changes, each count follows its page."""
    resources = city_tree["resources"]
    from tests.factories_resources import ResourcePageFactory

    first = ResourcePageFactory(parent=resources, title="Cantine du lundi", audience=["families"], levels=["CP"])
    second = ResourcePageFactory(parent=resources, title="Cantine du mardi", audience=["families"], levels=["CP"])
    for page in (first, second):
        page.save_revision().publish()
    assert entry_sets()[first.pk][0] == entry_sets()[second.pk][0]

    def counts():
        outcome = DatabaseSearchEngine().search(None, SearchParams(q="cantine"))
        return outcome.total, {name: {v.value: v.count for v in values} for name, values in outcome.facets.items()}

    assert counts() == (2, {"type": {"resources.resourcepage": 2}, "audience": {"families": 2}, "level": {"CP": 2},
                            "theme": {}})
    second.levels = ["CE1"]
    second.save_revision().publish()
    assert entry_sets()[first.pk][0] != entry_sets()[second.pk][0]
    assert counts() == (2, {"type": {"resources.resourcepage": 2}, "audience": {"families": 2},
                            "level": {"CP": 1, "CE1": 1}, "theme": {}})


def test_a_first_search_counts_facets_without_a_function_scan_per_set(city_tree):
    """The sets' codes are unnested in the select list: ``FROM ..., unnest(s.codes)`` ran a function
    scan (and filled a tuplestore) once per set of the matches, 2.6–2.9 ms of a first search on the
    bench corpus."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert pgindex._search(None, SearchParams(q="écrans"), "écrans", TODAY)[2]  # a match: one statement
    (sql,) = [query["sql"] for query in captured.captured_queries if "WITH matched" in query["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "ProjectSet" in plan and "Function Scan" not in plan, plan
