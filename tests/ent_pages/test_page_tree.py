"""The tree can only be built city home → school → class."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from ent_pages.models import CityHomePage, ClassPage, SchoolPage
from ent_pages.school_year import school_year_for, validate_school_year
from ent_pages.validators import validate_uai

pytestmark = pytest.mark.django_db


class TestTreeRules(WagtailPageTestCase):
    def test_schools_go_under_the_city_home_only(self):
        self.assertAllowedParentPageTypes(SchoolPage, {CityHomePage})

    def test_classes_go_under_schools_only(self):
        self.assertAllowedParentPageTypes(ClassPage, {SchoolPage})

    def test_the_city_home_sits_at_the_tree_root(self):
        self.assertAllowedParentPageTypes(CityHomePage, {Page})


@pytest.mark.parametrize("value", ["0311234A", "0310001z"])
def test_valid_uai(value):
    validate_uai(value)


@pytest.mark.parametrize("value", ["031123A", "03112345", "ABCDEFGH", ""])
def test_invalid_uai_is_refused(value):
    with pytest.raises(ValidationError):
        validate_uai(value)


def test_school_year_starts_in_september():
    import datetime

    assert school_year_for(datetime.date(2026, 9, 1)) == "2026-2027"
    assert school_year_for(datetime.date(2027, 8, 31)) == "2026-2027"


@pytest.mark.parametrize("value", ["2026-2028", "2026", "26-27"])
def test_invalid_school_year_is_refused(value):
    with pytest.raises(ValidationError):
        validate_school_year(value)


def test_school_and_class_pages_render(client, school, class_page):
    from tests.factories import make_teacher

    assert client.get(school.url).status_code == 200
    client.force_login(make_teacher(class_page))
    assert client.get(class_page.url).status_code == 200


def test_migrate_leaves_the_city_home_as_the_default_sites_root():
    """The test database was made by `migrate`: the city home is there before any test builds it."""
    from wagtail.models import Site

    from ent_pages.roles import page_collection

    home = CityHomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert page_collection(home) is not None
    assert not Page.objects.filter(depth=2).exclude(pk=home.pk).exists()  # Wagtail's welcome page is gone


def test_a_partial_migrate_leaves_the_tree_alone(monkeypatch):
    """While migrations remain, models may not match the tables: the city home waits for the last one."""
    from django.db.migrations.executor import MigrationExecutor

    from ent_pages.tree import city_home_after_migrate

    CityHomePage.objects.get().delete()
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("pending", False)])
    city_home_after_migrate(sender=None)
    assert not CityHomePage.objects.exists()
    monkeypatch.undo()
    city_home_after_migrate(sender=None)
    assert CityHomePage.objects.count() == 1
