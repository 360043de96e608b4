"""Partners see the blog only, in search too: never the class page's word to families."""

import pytest

from ent_pages.access import policy
from tests.factories import ClassPageFactory, ClassPartnershipFactory, ClassPostPageFactory, make_parent

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_parent(city_content, other_school):
    """A family of a class in another school, invited to read CE1 B's blog (whose welcome speaks of dinosaurs)."""
    class_page = city_content["class_page"]
    post = ClassPostPageFactory(parent=class_page, title="Notre volcan en argile")
    post.save_revision().publish()
    partner_class = ClassPageFactory(parent=other_school, title="CE2-CM1")
    ClassPartnershipFactory(inviting_class=class_page, invited_class=partner_class)
    user, _pupil = make_parent(partner_class)
    return user


def _search(client, engine, q):
    engine()
    response = client.get("/recherche/api/", {"q": q})
    assert response.status_code == 200
    return response.json()


def test_partner_family_does_not_find_the_class_welcome_text(client, engine, partner_parent, city_content):
    client.force_login(partner_parent)
    data = _search(client, engine, "dinosaures")
    assert data["total"] == 0 and data["results"] == []


def test_partner_family_still_finds_the_class_blog(client, engine, partner_parent):
    client.force_login(partner_parent)
    data = _search(client, engine, "volcan")
    assert [r["title"] for r in data["results"]] == ["Notre volcan en argile"]


def test_class_family_finds_its_welcome_text_with_its_snippet(client, engine, parent):
    client.force_login(parent)
    (hit,) = _search(client, engine, "dinosaures")["results"]
    assert hit["title"] == "CE1 B" and "dinosaures" in hit["snippet"]


def test_policy_says_what_a_partner_may_not_read_of_a_class_page(partner_parent, parent, city_content):
    class_page = city_content["class_page"]
    assert policy.can_view(partner_parent, class_page) and policy.sees_as_partner(partner_parent, class_page)
    assert policy.partner_hidden_fields(partner_parent, class_page) == ("welcome",)
    assert policy.partner_hidden_fields(parent, class_page) == ()
