import shutil

import pytest

from ent_pages.tree import ensure_city_home
from tests.factories import ClassPageFactory, SchoolPageFactory


@pytest.fixture
def city(db):
    return ensure_city_home()


@pytest.fixture
def school(city):
    return SchoolPageFactory(parent=city, title="École Jules Ferry", uai="0311234A")


@pytest.fixture
def other_school(city):
    return SchoolPageFactory(parent=city, title="École Louise Michel", uai="0315678B")


@pytest.fixture
def class_page(school):
    return ClassPageFactory(parent=school, title="CE1 B")


@pytest.fixture
def other_class(school):
    return ClassPageFactory(parent=school, title="CM2 A")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Ids repeat across rolled-back tests: nothing remembered in the cache may outlive a test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _test_media_folders():
    """The files tests store (settings.PREAU_TEST_FILES_DIR, one per process) are removed at the end."""
    from django.conf import settings

    yield
    shutil.rmtree(settings.PREAU_TEST_FILES_DIR, ignore_errors=True)
