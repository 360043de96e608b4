"""Class tablet mode: 20 minutes idle, "J'ai fini", and nothing kept by the browser."""

import pytest
import time_machine
from django.utils import timezone

from tests.factories import ClassPostPageFactory

pytestmark = pytest.mark.django_db


def test_pupil_answers_are_never_stored_by_the_browser(pupil_client, class_page):
    post = ClassPostPageFactory(parent=class_page)
    for url in ("/eleve/mon-espace/", post.url):
        assert "no-store" in pupil_client.get(url)["Cache-Control"]


def test_session_ends_after_twenty_minutes_idle(pupil_client):
    assert pupil_client.session.get_expiry_age() == 20 * 60
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=21), tick=False):
        assert pupil_client.get("/eleve/mon-espace/")["Location"] == "/eleve/"


def test_activity_keeps_the_session_alive(pupil_client):
    start = timezone.now()
    for minutes in (15, 30):
        with time_machine.travel(start + timezone.timedelta(minutes=minutes), tick=False):
            assert pupil_client.get("/eleve/mon-espace/").status_code == 200


def test_i_am_done_logs_out_and_clears_the_browser(pupil_client):
    response = pupil_client.post("/eleve/fini/")
    assert response["Location"] == "/eleve/"
    assert "cache" in response["Clear-Site-Data"] and "storage" in response["Clear-Site-Data"]
    assert "_auth_user_id" not in pupil_client.session
    assert pupil_client.get("/eleve/mon-espace/")["Location"] == "/eleve/"


def test_space_shows_homework_posts_and_workbooks(pupil_client, city, class_page, django_assert_max_num_queries):
    from resources.demo import seed as seed_resources
    from tests.factories import HomeworkEntryFactory

    seed_resources(city)
    ClassPostPageFactory(parent=class_page, title="Nos semis")
    HomeworkEntryFactory(class_page=class_page, text="Lire la page 12", due_on=timezone.localdate() + timezone.timedelta(days=1))
    # Cold: the pupil's scope is computed (4 queries) then remembered for PREAU_SCOPE_CACHE_SECONDS.
    with django_assert_max_num_queries(17):
        html = pupil_client.get("/eleve/mon-espace/").content.decode()
    assert "Nos semis" in html and "Lire la page 12" in html and "Cahier de vacances" in html
    assert "Emma" in html and "Lefort" not in html
