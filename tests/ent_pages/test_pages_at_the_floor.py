"""Family pages at the floor (issue 12): no more queries than a bare Wagtail page, and never stale on access.

The reference is a plain ``wagtail.models.Page`` under the city home, rendered by Wagtail's own
template, served to the same session through the same routing and hooks (ent_pages.serving). What
class and school pages remember (ent_pages.page_cache) is keyed by the policy's audience, the access
version and the content version: a publish shows at once, a revocation refuses at once, and another
audience (a partner class) never receives what one audience was shown.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page

from class_blog.models import ClassPostPage
from ent_pages.models import Enrolment, PrivateDocument
from ent_pages.roles import page_collection
from tests.factories import (
    ClassPageFactory,
    ClassPartnershipFactory,
    ClassPostPageFactory,
    HomeworkEntryFactory,
    make_parent,
    make_teacher,
)
from tests.media_files import pdf_bytes
from tests.media_links import post_body

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production_lifetimes(settings):
    """Scopes and page content remembered as in production: a missing invalidation makes a test fail."""
    settings.PREAU_SCOPE_CACHE_SECONDS = 60
    settings.PREAU_PAGE_CACHE_SECONDS = 600


@pytest.fixture
def bare(city):
    return city.add_child(instance=Page(title="Page nue", slug="page-nue"))


@pytest.fixture
def class_life(class_page):
    """A class with a few posts (one showing a document), a project-less blog and homework."""
    from django.core.files.base import ContentFile

    document = PrivateDocument.objects.create(
        title="Liste des fournitures",
        collection=page_collection(class_page),
        file=ContentFile(pdf_bytes(), name="fournitures.pdf"),
    )
    ClassPostPageFactory(parent=class_page, title="La sortie au musée", body=post_body(document=document))
    for n in range(5):
        ClassPostPageFactory(parent=class_page, title=f"Billet {n}", tags=["classe"])
    HomeworkEntryFactory(class_page=class_page)
    return class_page


def _warm_count(client, url):
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("viewer", ["parent", "teacher"])
def test_class_and_school_pages_cost_no_more_queries_than_a_bare_wagtail_page(
    client, school, class_life, bare, viewer, django_assert_max_num_queries
):
    ClassPageFactory(parent=school, title="CM2 A")  # another class the viewer must not see listed
    user = make_parent(class_life)[0] if viewer == "parent" else make_teacher(class_life)
    client.force_login(user)
    floor = _warm_count(client, bare.url)
    for url in (class_life.url, school.url):
        client.get(url)
        with django_assert_max_num_queries(floor):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("viewer", ["parent", "teacher"])
def test_the_family_home_costs_no_more_queries_than_a_bare_wagtail_page(client, class_life, bare, viewer):
    user = make_parent(class_life)[0] if viewer == "parent" else make_teacher(class_life)
    client.force_login(user)
    assert _warm_count(client, "/mon-espace/") <= _warm_count(client, bare.url)


def test_the_family_home_keeps_its_query_budget(client, class_life, django_assert_max_num_queries):
    # Its sections are remembered (ent_pages.my_space_cache): the session and the user, nothing more.
    client.force_login(make_parent(class_life)[0])
    client.get("/mon-espace/")
    with django_assert_max_num_queries(2):
        assert client.get("/mon-espace/").status_code == 200


def test_a_teachers_home_keeps_its_query_budget(client, class_life, django_assert_max_num_queries):
    client.force_login(make_teacher(class_life))
    client.get("/mon-espace/")
    with django_assert_max_num_queries(2):
        assert client.get("/mon-espace/").status_code == 200


def test_a_post_published_shows_on_the_class_page_at_the_next_request(client, class_life):
    parent, _ = make_parent(class_life)
    client.force_login(parent)
    assert "Le spectacle de Noël" not in client.get(class_life.url).content.decode()  # remembered now

    post = class_life.add_child(instance=ClassPostPage(title="Le spectacle de Noël", slug="noel", live=False))
    assert "Le spectacle de Noël" not in client.get(class_life.url).content.decode()  # a draft is not shown
    post.save_revision().publish()
    assert "Le spectacle de Noël" in client.get(class_life.url).content.decode()

    ClassPostPage.objects.get(pk=post.pk).unpublish()
    assert "Le spectacle de Noël" not in client.get(class_life.url).content.decode()


def test_a_class_published_shows_on_the_school_page_at_the_next_request(client, school, class_life):
    teacher = make_teacher(class_life)
    client.force_login(teacher)
    assert client.get(school.url).status_code == 200  # remembered now
    from ent_pages.models import Role, StaffAssignment

    StaffAssignment.objects.create(user=teacher, school=school, role=Role.DIRECTOR)  # sees every class
    new_class = ClassPageFactory(parent=school, title="CP Tournesols")
    assert "CP Tournesols" in client.get(school.url).content.decode()
    new_class.unpublish()
    assert "CP Tournesols" not in client.get(school.url).content.decode()


def test_a_revoked_parent_is_refused_the_remembered_class_page_at_the_next_request(client, class_life):
    parent, pupil = make_parent(class_life)
    client.force_login(parent)
    assert "Liste des fournitures" in client.get(class_life.url).content.decode()  # page content remembered

    Enrolment.objects.filter(pupil=pupil).delete()

    assert client.get(class_life.url).status_code == 404
    assert "Liste des fournitures" not in client.get(class_life.url).content.decode()


def test_a_partner_class_is_never_served_what_the_class_s_families_were_shown(client, school, class_life):
    family, _ = make_parent(class_life)
    client.force_login(family)
    notebook = reverse("class_blog:class_homework", args=[class_life.pk])
    body = client.get(class_life.url).content.decode()
    assert "Liste des fournitures" in body and notebook in body  # remembered for the class's own families

    partner_class = ClassPageFactory(parent=school, title="CE2 partenaire")
    ClassPartnershipFactory(inviting_class=class_life, invited_class=partner_class)
    partner_parent, _ = make_parent(partner_class)
    client.force_login(partner_parent)
    response = client.get(class_life.url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "La sortie au musée" in body  # the blog, which partners read
    assert "Liste des fournitures" not in body  # the class's own documents are not theirs
    assert notebook not in body


def test_a_school_page_lists_each_viewer_their_own_classes(client, school, class_life):
    other = ClassPageFactory(parent=school, title="CM2 A")
    mine, _ = make_parent(class_life)
    theirs, _ = make_parent(other)
    for user, shown, hidden in ((mine, class_life.title, other.title), (theirs, other.title, class_life.title)):
        client.force_login(user)
        body = client.get(school.url).content.decode()
        assert shown in body and hidden not in body


def test_pages_found_at_the_floor_are_those_wagtail_finds(client, school, class_life, bare):
    parent, _ = make_parent(class_life)
    client.force_login(parent)
    assert client.get(bare.url).status_code == 200
    assert client.get("/").status_code == 200
    assert client.get(f"{class_life.url}nothing-here/").status_code == 404
    draft = class_life.add_child(instance=ClassPostPage(title="Brouillon", slug="brouillon", live=False))
    assert draft.pk and client.get(f"{class_life.url}brouillon/").status_code == 404
    # The same URL after a page moved away and another took its slug: the answer follows the tree.
    post = ClassPostPage.objects.live().child_of(class_life).first()
    url = post.url
    assert client.get(url).status_code == 200
    post.move(ClassPageFactory(parent=school, title="Ailleurs"), pos="last-child")
    old_url = client.get(url)
    assert old_url.status_code == 301  # Wagtail's redirect from the old URL, not the page itself
    assert client.get(old_url["Location"]).status_code == 404  # now under a class the parent may not see


def test_a_remembered_class_page_signs_each_file_link_for_its_own_viewer(class_life):
    from django.test import Client

    from tests.media_links import links_on

    first, second = Client(), Client()
    first.force_login(make_parent(class_life)[0])
    second.force_login(make_parent(class_life)[0])
    first_links = {link for link in links_on(first, class_life.url) if "/documents/" in link}
    second_links = {link for link in links_on(second, class_life.url) if "/documents/" in link}  # remembered content
    assert first_links and second_links and first_links.isdisjoint(second_links)
    for link in second_links:
        assert second.get(link).status_code == 200
    for link in first_links:
        assert second.get(link).status_code == 403  # signed for the other browser


def test_a_parent_made_city_editor_is_offered_the_resources_at_their_next_request(client, city, class_life):
    """A family's home asks for no page permission (no group of theirs holds one); a group given later counts at once."""
    from django.urls import reverse as url_for

    from ent_pages.models import Role
    from tests.factories import StaffAssignmentFactory
    from tests.factories_resources import ResourceIndexPageFactory

    index = ResourceIndexPageFactory(parent=city, title="Ressources")
    new_resource = url_for("wagtailadmin_pages:add", args=("resources", "resourcepage", index.pk))
    parent, _ = make_parent(class_life)
    client.force_login(parent)
    assert new_resource not in client.get("/mon-espace/").content.decode()

    StaffAssignmentFactory(user=parent, school=None, role=Role.CITY_EDITOR)

    assert new_resource in client.get("/mon-espace/").content.decode()
