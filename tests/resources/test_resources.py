"""Resources: who edits them, how they are listed, canteen prices as data."""

import datetime
from decimal import Decimal

import pytest
from wagtail.models import Page, Workflow

from ent_pages import roles
from ent_pages.access import policy
from ent_pages.models import CityHomePage, Role
from resources.editing import SENIOR_EDITORS_GROUP, WORKFLOW_NAME, senior_editors_group
from resources.models import CanteenPriceBand, CanteenPriceTable, ResourceIndexPage, ResourcePage, WorkbookPage
from tests.factories import StaffAssignmentFactory, UserFactory, make_teacher
from tests.factories_resources import ResourceIndexPageFactory, ResourcePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_editor(city):
    user = UserFactory(username="redactrice")
    StaffAssignmentFactory(user=user, school=None, role=Role.CITY_EDITOR)
    return user


@pytest.fixture
def senior_editor(city):
    user = UserFactory(username="chef")
    user.groups.add(senior_editors_group())
    return user


def test_resource_index_lives_under_the_city_home_and_holds_resources_and_workbooks():
    assert ResourceIndexPage in CityHomePage.allowed_subpage_models()
    assert set(ResourceIndexPage.allowed_subpage_models()) == {ResourcePage, WorkbookPage}
    assert ResourceIndexPage.allowed_parent_page_models() == [CityHomePage]


def test_city_editor_drafts_resources_but_cannot_publish_them(city, city_editor):
    index = ResourceIndexPageFactory(parent=city)
    resource = ResourcePageFactory(parent=index)
    permissions = resource.permissions_for_user(city_editor)
    assert permissions.can_edit() and not permissions.can_publish()
    assert index.permissions_for_user(city_editor).can_add_subpage()


def test_senior_editor_approves_and_publishes(city, senior_editor):
    index = ResourceIndexPageFactory(parent=city)
    resource = ResourcePageFactory(parent=index)
    assert resource.permissions_for_user(senior_editor).can_publish()


def test_teacher_cannot_edit_municipal_resources(city, class_page):
    index = ResourceIndexPageFactory(parent=city)
    resource = ResourcePageFactory(parent=index)
    assert not policy.can_edit(make_teacher(class_page), resource)


def test_resources_go_through_the_senior_editors_approval_workflow(city):
    index = ResourceIndexPageFactory(parent=city)
    resource = ResourcePageFactory(parent=index)
    workflow = resource.get_workflow()
    assert isinstance(workflow, Workflow) and workflow.active
    task = workflow.tasks.get().specific
    assert [g.name for g in task.groups.all()] == [SENIOR_EDITORS_GROUP]


def test_editing_setup_is_idempotent(city):
    from resources.editing import ensure_resource_editing

    index = ResourceIndexPageFactory(parent=city)
    ensure_resource_editing(index)
    ensure_resource_editing(index)
    assert Workflow.objects.filter(name=WORKFLOW_NAME).count() == 1
    assert roles.city_editors_group().page_permissions.filter(page=index).count() == 4


def test_submitting_a_draft_starts_moderation(client, city, city_editor, senior_editor):
    index = ResourceIndexPageFactory(parent=city)
    resource = ResourcePageFactory(parent=index, live=False)
    resource.title = "Brouillon à valider"
    resource.save_revision(user=city_editor)
    workflow = resource.get_workflow()
    state = workflow.start(resource, city_editor)
    task_state = state.current_task_state
    assert task_state.task.specific.user_can_access_editor(resource, senior_editor)
    assert not Page.objects.get(pk=resource.pk).live
    task_state.task.specific.on_action(task_state, senior_editor, "approve")
    resource.refresh_from_db()
    assert resource.live


def test_expired_resource_leaves_the_listing_but_keeps_its_address(client, city):
    index = ResourceIndexPageFactory(parent=city)
    ResourcePageFactory(parent=index, title="Ancien calendrier", valid_until=datetime.date(2000, 6, 30), slug="ancien")
    ResourcePageFactory(parent=index, title="Nouveau calendrier", slug="nouveau")
    html = client.get(index.url).content.decode()
    assert "Nouveau calendrier" in html and "Ancien calendrier" not in html
    assert client.get("/ressources/ancien/").status_code == 200


def test_future_resource_is_not_listed_yet(client, city):
    index = ResourceIndexPageFactory(parent=city)
    ResourcePageFactory(parent=index, title="Rentrée prochaine", valid_from=datetime.date(2999, 1, 1))
    assert "Rentrée prochaine" not in client.get(index.url).content.decode()


def test_listing_filters_by_level_and_audience(client, city):
    index = ResourceIndexPageFactory(parent=city)
    ResourcePageFactory(parent=index, title="Pour les CP", levels=["CP"], audience=["families"])
    ResourcePageFactory(parent=index, title="Pour les enseignants", levels=["CM2"], audience=["teachers"])
    html = client.get(index.url, {"niveau": "CP"}).content.decode()
    assert "Pour les CP" in html and "Pour les enseignants" not in html
    html = client.get(index.url, {"public": "teachers"}).content.decode()
    assert "Pour les enseignants" in html and "Pour les CP" not in html


def test_canteen_prices_render_as_an_accessible_table(client, city):
    table = CanteenPriceTable.objects.create(title="Tarifs 2026", valid_from=datetime.date(2026, 9, 1))
    CanteenPriceBand.objects.create(table=table, sort_order=0, quotient_min=0, quotient_max=400, price_per_meal=Decimal("0.50"))
    CanteenPriceBand.objects.create(table=table, sort_order=1, quotient_min=401, price_per_meal=Decimal("3.90"))
    index = ResourceIndexPageFactory(parent=city)
    page = ResourcePageFactory(parent=index, title="Cantine", body=[("canteen_prices", {"table": table})])
    html = client.get(page.url).content.decode()
    assert "<caption>Tarifs 2026" in html
    assert '<th scope="col">' in html and '<th scope="row">' in html
    assert "0,50 €" in html or "0.50 €" in html
    assert "3,90 €" in html or "3.90 €" in html


def test_canteen_band_upper_bound_cannot_be_below_lower_bound():
    from django.core.exceptions import ValidationError

    band = CanteenPriceBand(quotient_min=500, quotient_max=100, price_per_meal=Decimal("1"))
    with pytest.raises(ValidationError):
        band.clean()


def test_canteen_prices_are_searchable_text(city):
    table = CanteenPriceTable.objects.create(title="Tarifs", valid_from=datetime.date(2026, 9, 1))
    CanteenPriceBand.objects.create(table=table, quotient_min=0, quotient_max=400, price_per_meal=Decimal("0.50"))
    index = ResourceIndexPageFactory(parent=city)
    page = ResourcePageFactory(parent=index, body=[("canteen_prices", {"table": table})])
    assert "0.50" in page.structured_data_text()


def test_resource_pages_render(client, resources_index, django_assert_max_num_queries):
    for page in ResourcePage.objects.live():
        with django_assert_max_num_queries(25):
            assert client.get(page.url).status_code == 200
