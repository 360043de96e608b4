"""The search suite runs on the database backend always, and on Elasticsearch when ELASTICSEARCH_URL answers."""

import os

import pytest

from resources.demo import seed
from tests.factories import ClassPageFactory, make_parent, make_teacher

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")


def _elasticsearch_answers():
    if not ELASTICSEARCH_URL:
        return "ELASTICSEARCH_URL is not set"
    try:
        from elasticsearch import Elasticsearch

        if not Elasticsearch(ELASTICSEARCH_URL, request_timeout=2).ping():
            return f"Elasticsearch at {ELASTICSEARCH_URL} does not answer"
    except Exception as error:  # noqa: BLE001 - any connection problem means "skip"
        return f"Elasticsearch at {ELASTICSEARCH_URL} does not answer: {error}"
    return None


@pytest.fixture(params=["database", "elasticsearch"])
def engine(request, settings):
    """Which engine the views use; Elasticsearch tests rebuild a test index from the database first."""
    if request.param == "elasticsearch":
        reason = _elasticsearch_answers()
        if reason:
            pytest.skip(reason)
        settings.ELASTICSEARCH_URL = ELASTICSEARCH_URL
        settings.PREAU_SEARCH_INDEX = "preau-test-pages"
        request.getfixturevalue("db")

        def rebuild():
            from search.elastic import rebuild_index

            rebuild_index(refresh=True)

        return rebuild
    settings.ELASTICSEARCH_URL = ""
    return lambda: None


@pytest.fixture
def city_content(city, school, class_page, other_class):
    """Demo resources, plus one private word in each of two classes of the same school."""
    seed(city)
    class_page.welcome = "<p>Cette semaine nous étudions les dinosaures du crétacé, avant la sortie au musée.</p>"
    class_page.save_revision().publish()
    other_class.welcome = "<p>Sortie au zoo : les girafes et les zèbres nous attendent.</p>"
    other_class.save_revision().publish()
    far = ClassPageFactory(parent=school, title="CM1 C")
    far.welcome = "<p>Les girafes du CM1 C.</p>"
    far.save_revision().publish()
    return {"class_page": class_page, "other_class": other_class}


@pytest.fixture
def parent(city_content):
    user, _pupil = make_parent(city_content["class_page"], username="parent.ce1b")
    return user


@pytest.fixture
def teacher_of_other_class(city_content):
    return make_teacher(city_content["other_class"], username="enseignant.cm2a")
