"""/api/v1/home/ is /mon-espace/ as JSON, built by the same functions, in a bounded number of queries."""

import pytest

from class_blog.notes import send_note
from tests.api.conftest import client_for
from tests.factories import (
    ClassPageFactory,
    ClassPostPageFactory,
    EnrolmentFactory,
    GuardianshipFactory,
    HomeworkEntryFactory,
    PupilFactory,
    make_parent,
    make_teacher,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("school_day_morning")]


@pytest.fixture
def parent_of_three(school, class_page):
    """A parent with three children in three classes, each class with posts, homework and a note."""
    parent, first = make_parent(class_page, first_name="Alice")
    guardian = first.guardianships.get().guardian
    classes = [
        class_page,
        ClassPageFactory(parent=school, title="CM1 A"),
        ClassPageFactory(parent=school, title="CP B"),
    ]
    for name, page in (("Bruno", classes[1]), ("Chloé", classes[2])):
        child = PupilFactory(first_name=name)
        EnrolmentFactory(pupil=child, class_page=page)
        GuardianshipFactory(guardian=guardian, pupil=child)
    for page in classes:
        teacher = make_teacher(page)
        for n in range(4):
            ClassPostPageFactory(parent=page, title=f"{page.title} billet {n}")
        HomeworkEntryFactory(class_page=page)
        send_note(teacher, title=f"Mot {page.title}", text="À signer", class_page=page)
    return parent, classes


def test_family_home_for_a_parent_of_three_in_at_most_ten_queries(django_assert_max_num_queries, parent_of_three):
    parent, classes = parent_of_three
    client = client_for(parent)
    client.get("/api/v1/home/")  # the scope is remembered in the cache, as after any first request
    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/home/")
    assert response.status_code == 200
    body = response.json()
    assert [c["first_name"] for c in body["children"]] == ["Alice", "Bruno", "Chloé"]
    assert {c["class_page"]["id"] for c in body["children"]} == {c.pk for c in classes}
    assert len(body["pending_notes"]) == 3 and len(body["homework_soon"]) == 3
    assert len(body["feed"]["results"]) == 10 and body["feed"]["has_next"] is True
    second = client.get("/api/v1/home/?page=2").json()["feed"]
    assert second["page"] == 2 and len(second["results"]) == 2 and second["has_next"] is False


def test_family_home_shows_what_my_space_shows(client, parent_of_three):
    parent, _classes = parent_of_three
    body = client_for(parent).get("/api/v1/home/").json()
    client.force_login(parent)
    html = client.get("/mon-espace/").content.decode()
    for item in body["feed"]["results"]:
        assert item["title"] in html
    for note in body["pending_notes"]:
        assert note["title"] in html
