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
    # Cold: the pupil's scope is computed (4 queries) then remembered for PREAU_SCOPE_CACHE_SECONDS, and
    # the class's part of the space is built once (pupils.space).
    with django_assert_max_num_queries(19):
        html = pupil_client.get("/eleve/mon-espace/").content.decode()
    assert "Nos semis" in html and "Lire la page 12" in html and "Cahier de vacances" in html
    assert "Emma" in html and "Lefort" not in html
    # Warm: session, user and the pupil's own workbook progress; fewer than a bare Wagtail page.
    with django_assert_max_num_queries(3):
        warm = pupil_client.get("/eleve/mon-espace/").content.decode()
    assert "Nos semis" in warm and "Lire la page 12" in warm and "Cahier de vacances" in warm


def _draft_post(class_page, title):
    from class_blog.models import ClassPostPage

    return class_page.add_child(instance=ClassPostPage(title=title, slug=title.lower().replace(" ", "-"), live=False))


def test_space_shows_a_post_once_published_and_drops_it_once_unpublished(pupil_client, class_page):
    assert "Nos semis" not in pupil_client.get("/eleve/mon-espace/").content.decode()  # the class's part is cached
    post = _draft_post(class_page, "Nos semis")
    assert "Nos semis" not in pupil_client.get("/eleve/mon-espace/").content.decode()  # a draft is no news
    post.save_revision().publish()
    assert "Nos semis" in pupil_client.get("/eleve/mon-espace/").content.decode()
    post.refresh_from_db()  # publishing a revision saved another instance
    post.unpublish()
    assert "Nos semis" not in pupil_client.get("/eleve/mon-espace/").content.decode()


def test_space_shows_new_homework_at_once(pupil_client, class_page):
    from tests.factories import HomeworkEntryFactory

    pupil_client.get("/eleve/mon-espace/")
    entry = HomeworkEntryFactory(class_page=class_page, text="Apprendre la poésie",
                                 due_on=timezone.localdate() + timezone.timedelta(days=1))
    assert "Apprendre la poésie" in pupil_client.get("/eleve/mon-espace/").content.decode()
    entry.delete()
    assert "Apprendre la poésie" not in pupil_client.get("/eleve/mon-espace/").content.decode()


def test_another_class_news_never_reaches_the_space_through_the_cache(client, class_page, other_class):
    from .conftest import log_in_with_card, make_pupil

    ClassPostPageFactory(parent=other_class, title="Sortie des CM2")
    ClassPostPageFactory(parent=class_page, title="Nos semis")
    log_in_with_card(client, make_pupil(other_class, first_name="Léo", last_name="Martin"))
    assert "Sortie des CM2" in client.get("/eleve/mon-espace/").content.decode()
    jade = client.__class__()
    log_in_with_card(jade, make_pupil(class_page, first_name="Jade", last_name="Roux",
                                      sequence=("voiture", "maison", "etoile")))
    html = jade.get("/eleve/mon-espace/").content.decode()
    assert "Nos semis" in html and "Sortie des CM2" not in html


def test_revoked_pupil_is_out_of_the_cached_space_at_the_next_request(pupil_client, class_page, emma):
    from pupils.accounts import set_account_enabled

    assert pupil_client.get("/eleve/mon-espace/").status_code == 200
    set_account_enabled(emma.account, False)
    response = pupil_client.get("/eleve/mon-espace/")
    assert response.status_code == 302 and response["Location"] == "/eleve/"


def test_blog_hidden_by_the_teacher_leaves_the_cached_space_at_once(pupil_client, class_page):
    from ent_pages.access import policy
    from pupils.models import ClassPupilSettings

    ClassPostPageFactory(parent=class_page, title="Nos semis")
    assert "Nos semis" in pupil_client.get("/eleve/mon-espace/").content.decode()
    ClassPupilSettings.objects.update_or_create(class_page=class_page, defaults={"show_blog": False})
    policy.bump_access_version()  # as the teacher's admin page does
    assert "Nos semis" not in pupil_client.get("/eleve/mon-espace/").content.decode()
