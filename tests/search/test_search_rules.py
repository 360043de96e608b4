"""Search rules, on every engine: French matching, the access policy, facets, pagination, autocomplete."""

import pytest

from search.params import SearchParams

pytestmark = pytest.mark.django_db


def search(client, engine, q, **params):
    engine()
    response = client.get("/recherche/api/", {"q": q, **params})
    assert response.status_code == 200
    return response.json()


def titles(data):
    return [r["title"] for r in data["results"]]


def facet_total(data, name):
    return sum(v["count"] for v in data["facets"].get(name, []))


def test_anonymous_search_ecrans_finds_screens_resource(client, engine, city_content):
    assert "Bien grandir avec les écrans" in titles(search(client, engine, "ecrans"))


def test_anonymous_search_cantines_finds_canteen_prices(client, engine, city_content):
    assert "Tarifs de la cantine" in titles(search(client, engine, "cantines"))


@pytest.mark.parametrize("q", ["écrans", "ECRANS", "écran", "Ecran"])
def test_accents_case_and_plural_do_not_matter(client, engine, city_content, q):
    assert "Bien grandir avec les écrans" in titles(search(client, engine, q))


def test_three_word_query_needs_every_word(client, engine, city_content):
    assert titles(search(client, engine, "repas quotient familial")) == ["Tarifs de la cantine"]
    assert titles(search(client, engine, "repas quotient girafe")) == []


def test_anonymous_never_gets_class_pages(client, engine, city_content):
    data = search(client, engine, "dinosaures")
    assert data["total"] == 0 and data["results"] == []


def test_parent_finds_a_word_from_their_childs_class(client, engine, parent):
    client.force_login(parent)
    assert titles(search(client, engine, "dinosaure")) == ["CE1 B"]


def test_parent_search_never_returns_another_class_page(client, engine, parent):
    client.force_login(parent)
    data = search(client, engine, "girafes")
    assert data["results"] == [] and data["total"] == 0


def test_facet_counts_do_not_reveal_private_pages(client, engine, parent):
    client.force_login(parent)
    data = search(client, engine, "girafes")
    assert all(facet_total(data, name) == 0 for name in ("type", "audience", "level", "theme"))
    data = search(client, engine, "sortie")  # in both classes' words: only their own class counts
    assert titles(data) == ["CE1 B"]
    assert {v["value"]: v["count"] for v in data["facets"]["type"]} == {"ent_pages.classpage": 1}


def test_teacher_finds_their_class_but_not_the_neighbouring_one(client, engine, teacher_of_other_class):
    client.force_login(teacher_of_other_class)
    assert titles(search(client, engine, "girafes")) == ["CM2 A"]
    assert titles(search(client, engine, "dinosaures")) == []


def test_results_have_highlighted_snippets(client, engine, city_content):
    data = search(client, engine, "ecrans")
    hit = next(r for r in data["results"] if r["title"] == "Bien grandir avec les écrans")
    assert "<mark>" in hit["snippet"] and "écran" in hit["snippet"].lower()


def test_facets_count_types_audiences_levels_and_themes(client, engine, city_content):
    data = search(client, engine, "vacances")
    types = {v["value"]: v["count"] for v in data["facets"]["type"]}
    assert types.get("resources.workbookpage") == 1
    assert {v["value"] for v in data["facets"]["level"]} >= {"CE1", "CE2"}
    assert "pupils" in {v["value"] for v in data["facets"]["audience"]}
    assert "vacances" in {v["value"] for v in data["facets"]["theme"]}


def test_choosing_a_facet_narrows_results(client, engine, city_content):
    everything = search(client, engine, "ecrans")
    only_ce1 = search(client, engine, "ecrans", niveau="CE1")
    assert titles(only_ce1) == ["Bien grandir avec les écrans"]
    assert only_ce1["total"] <= everything["total"]
    assert search(client, engine, "cantine", theme="ecrans")["total"] == 0


def test_expired_resource_leaves_search(client, engine, city_content):
    import datetime

    from resources.models import ResourcePage

    page = ResourcePage.objects.get(slug="dates-inscriptions")
    assert "Dates des inscriptions scolaires" in titles(search(client, engine, "inscriptions"))
    page.valid_until = datetime.date(2000, 1, 1)
    page.save_revision().publish()
    assert "Dates des inscriptions scolaires" not in titles(search(client, engine, "inscriptions"))


def test_results_are_paginated(client, engine, city):
    from resources.models import ResourcePage
    from tests.factories_resources import ResourceIndexPageFactory, ResourcePageFactory

    index = ResourceIndexPageFactory(parent=city)
    for i in range(12):
        ResourcePageFactory(parent=index, title=f"Piscine municipale {i}", summary="Horaires de la piscine.")
    first, second = search(client, engine, "piscine"), search(client, engine, "piscine", page=2)
    assert first["total"] == 12 and first["num_pages"] == 2
    assert len(first["results"]) == 10 and len(second["results"]) == 2
    assert not set(titles(first)) & set(titles(second))
    assert ResourcePage.objects.count() == 12


def test_autocomplete_suggests_titles_without_accents(client, engine, city_content):
    engine()
    data = client.get("/recherche/suggestions/", {"q": "ecra"}).json()
    assert "Bien grandir avec les écrans" in [s["title"] for s in data["suggestions"]]


def test_autocomplete_never_suggests_another_class(client, engine, parent):
    engine()
    client.force_login(parent)
    data = client.get("/recherche/suggestions/", {"q": "CM2"}).json()
    assert data["suggestions"] == []


def test_search_page_shows_results_and_facets(client, engine, city_content, django_assert_max_num_queries):
    engine()
    with django_assert_max_num_queries(30):
        response = client.get("/recherche/", {"q": "cantines"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tarifs de la cantine" in html and "<mark>" in html
    assert "no-store" in response["Cache-Control"]


def test_search_api_query_count_is_bounded(client, engine, parent, django_assert_max_num_queries):
    engine()
    client.force_login(parent)
    with django_assert_max_num_queries(30):
        client.get("/recherche/api/", {"q": "ecrans"})


def test_search_parameters_are_read_from_french_query_string():
    params = SearchParams.from_query_dict({"q": "  cantine   prix ", "niveau": "CE1", "public": "families", "page": "x"})
    assert (params.q, params.level, params.audience, params.page) == ("cantine prix", "CE1", "families", 1)
    assert SearchParams.from_query_dict({"niveau": "CE9"}).level == ""


def test_class_posts_and_news_are_searched_in_french(client, engine, parent, city_content):
    from tests.factories import CityNewsPageFactory, ClassPostPageFactory, SchoolNewsPageFactory

    class_page = city_content["class_page"]
    ClassPostPageFactory(parent=class_page, title="Semaine du goût",
                         body=[("paragraph", "<p>Moins d'écrans, plus de légumes.</p>")])
    ClassPostPageFactory(parent=city_content["other_class"], title="Au zoo",
                         body=[("paragraph", "<p>Les écrans du vivarium.</p>")])
    SchoolNewsPageFactory(parent=class_page.get_parent(), title="Kermesse",
                          body=[("paragraph", "<p>Les stands des cantinières.</p>")])
    CityNewsPageFactory(title="Menus de novembre", body=[("paragraph", "<p>Les menus des cantines.</p>")])
    client.force_login(parent)
    assert "Semaine du goût" in titles(search(client, engine, "ecran"))
    assert "Au zoo" not in titles(search(client, engine, "ecrans"))
    assert "Menus de novembre" in titles(search(client, engine, "cantine"))
    assert "Kermesse" in titles(search(client, engine, "cantinieres"))


# ---------------------------------------------------------------- one French stemmer everywhere
FRENCH_WORDS = {
    # query: titles it must find (accents, plurals, feminine forms, verb forms), on every engine and database
    "élèves": {"Les élèves de CE1"},
    "eleve": {"Les élèves de CE1"},
    "chevaux": {"Le cheval de la ferme"},
    "cheval": {"Le cheval de la ferme"},
    "journaux": {"Le journal de l'école"},
    "inscrites": {"Inscriptions : les familles inscrites"},
    "inscrit": {"Inscriptions : les familles inscrites"},
    "mangeaient": {"Nous mangerons à la cantine"},
    "manger": {"Nous mangerons à la cantine"},
    "activités": {"Activite du mercredi"},
    "activite": {"Activite du mercredi"},
    "grandissent": {"Bien grandir"},
    "familiale": {"Le quotient familial"},
    "légume": {"Légumes de saison"},
}


@pytest.fixture
def french_pages(city):
    from tests.factories_resources import ResourceIndexPageFactory, ResourcePageFactory

    index = ResourceIndexPageFactory(parent=city)
    for title in set().union(*FRENCH_WORDS.values()):
        ResourcePageFactory(parent=index, title=title)


@pytest.mark.parametrize("q", sorted(FRENCH_WORDS))
def test_french_words_find_the_same_pages_on_every_engine_and_database(client, engine, french_pages, q):
    assert set(titles(search(client, engine, q))) == FRENCH_WORDS[q]


def test_the_stemmer_is_postgresqls_french_dictionary():
    """search.french stems as PostgreSQL's `french` configuration does (Snowball French, after folding)."""
    from django.db import connection

    from search.french import fold, term

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's french_stem dictionary is only there on PostgreSQL")
    words = ["écrans", "cantinières", "chevaux", "journaux", "inscrites", "mangeaient", "grandissent", "activités",
             "familiaux", "légumes", "élèves", "périscolaire", "réunions", "goûters", "créées", "dinosaures"]
    with connection.cursor() as cursor:
        for word in words:
            cursor.execute("SELECT ts_lexize('french_stem', %s)", [fold(word)])
            assert cursor.fetchone()[0] == [term(word)], word


def test_a_renamed_theme_is_named_anew_in_the_next_searchs_facets(client, engine, city_content):
    from resources.models import Theme

    def theme_labels(q):
        return {v["value"]: v["label"] for v in search(client, engine, q)["facets"]["theme"]}

    assert theme_labels("vacances")["vacances"] != "Congés scolaires"
    theme = Theme.objects.get(slug="vacances")
    theme.name = "Congés scolaires"
    theme.save()
    assert theme_labels("cahier vacances")["vacances"] == "Congés scolaires"


def test_searches_name_their_themes_without_reading_them_again(client, engine, city_content):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    search(client, engine, "vacances")
    with CaptureQueriesContext(connection) as queries:
        data = search(client, engine, "cahier vacances")  # other words: a new answer, facets labelled again
    assert data["facets"]["theme"]
    # The labels' own query (SQLite's engine still reads each hit's themes, joined to its pages).
    assert not [q["sql"] for q in queries.captured_queries if 'FROM "resources_theme" WHERE' in q["sql"]]
