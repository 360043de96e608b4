"""Members-only sections of a school reach its pupils only when its directors mark them for pupils."""

import pytest
from wagtail.models import Page

from ent_pages.access import policy
from ent_pages.models import Role
from periscolaire.models import ClaePage
from search import elastic
from tests.factories import (
    ClassPageFactory,
    SchoolNewsPageFactory,
    StaffAssignmentFactory,
    UserFactory,
    make_director,
    make_parent,
    make_teacher,
)

from .conftest import log_in_with_card, make_pupil

pytestmark = pytest.mark.django_db


def clae_space(school, for_pupils=False):
    return school.add_child(instance=ClaePage(title=f"CLAE {school.title}", slug="clae", for_pupils=for_pupils))


def search_titles(client, q):
    return [r["title"] for r in client.get("/recherche/api/", {"q": q}).json()["results"]]


def test_pupil_reads_school_news_marked_for_pupils(pupil_client, school):
    news = SchoolNewsPageFactory(parent=school, title="Le spectacle de fin d'année", for_pupils=True)
    assert pupil_client.get(news.url).status_code == 200


def test_pupil_never_reads_unmarked_school_news(pupil_client, school):
    news = SchoolNewsPageFactory(parent=school, title="Conseil d'école", for_pupils=False)
    assert pupil_client.get(news.url).status_code == 404


def test_pupil_reads_the_clae_space_only_once_marked(pupil_client, school):
    clae = clae_space(school)
    assert pupil_client.get(clae.url).status_code == 404
    clae.for_pupils = True
    clae.save_revision().publish()
    assert pupil_client.get(clae.url).status_code == 200


def test_pupil_never_reads_another_schools_section_even_marked(pupil_client, other_school):
    news = SchoolNewsPageFactory(parent=other_school, title="Carnaval de Louise Michel", for_pupils=True)
    clae = clae_space(other_school, for_pupils=True)
    assert pupil_client.get(news.url).status_code == 404
    assert pupil_client.get(clae.url).status_code == 404


def test_marked_section_does_not_open_to_pupils_whose_accounts_are_off(client, school, class_page, emma):
    from pupils.models import ClassPupilSettings

    news = SchoolNewsPageFactory(parent=school, title="Le spectacle de fin d'année", for_pupils=True)
    log_in_with_card(client, emma)
    ClassPupilSettings.objects.update_or_create(class_page=class_page, defaults={"accounts_enabled": False})
    policy.bump_access_version()
    assert client.get(news.url).status_code != 200


def test_database_search_follows_the_mark(pupil_client, school, other_school):
    SchoolNewsPageFactory(parent=school, title="Kermesse des girafes", for_pupils=True)
    SchoolNewsPageFactory(parent=school, title="Réunion girafes des parents", for_pupils=False)
    SchoolNewsPageFactory(parent=other_school, title="Girafes de Louise Michel", for_pupils=True)
    assert search_titles(pupil_client, "girafes") == ["Kermesse des girafes"]


def test_elasticsearch_documents_and_queries_follow_the_mark(school, other_school, class_page, emma):
    """The offline check: documents carry ``pupils``; the pupil's access filter agrees with page serving."""
    marked = SchoolNewsPageFactory(parent=school, title="Kermesse", for_pupils=True)
    unmarked = SchoolNewsPageFactory(parent=school, title="Réunion", for_pupils=False)
    clae_space(school, for_pupils=True)
    clae_space(other_school, for_pupils=True)
    SchoolNewsPageFactory(parent=other_school, title="Carnaval", for_pupils=True)
    assert elastic.PageDocument.from_page(marked).pupils is True
    assert elastic.PageDocument.from_page(unmarked).pupils is False
    pupil = emma.account.user
    users = [pupil, make_parent(class_page)[0], make_teacher(class_page), make_director(school), None]
    pages = [p for p in Page.objects.filter(depth__gt=1).specific() if not isinstance(p, type(class_page))
             and not p.path.startswith(class_page.path)]
    for user in users:
        viewable = set(policy.searchable(user, Page.objects.all()).values_list("pk", flat=True))
        clauses = policy.index_clauses(user)
        for page in pages:
            doc = policy.index_audience(page)
            visible = clauses is None or any(all(doc.get(k) in v for k, v in c.items()) for c in clauses)
            assert visible == (page.pk in viewable), (user, page)
    sent = elastic.access_filter(pupil).to_dict()
    assert {"terms": {"pupils": [True]}} in [f for s in sent["bool"]["should"] for f in s.get("bool", {}).get("filter", [])]


def test_only_directors_see_and_set_the_mark(client, school):
    clae = clae_space(school)
    news = SchoolNewsPageFactory(parent=school, title="Kermesse")
    director = make_director(school)
    client.force_login(director)
    for page in (clae, news):
        assert 'name="for_pupils"' in client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    clae_director = UserFactory()
    StaffAssignmentFactory(user=clae_director, school=school, role=Role.CLAE_DIRECTOR)
    client.force_login(clae_director)
    response = client.get(f"/admin/pages/{clae.pk}/edit/")
    assert response.status_code == 200 and 'name="for_pupils"' not in response.content.decode()
    form_class = ClaePage.get_edit_handler().get_form_class()
    form = form_class(instance=clae, for_user=clae_director, parent_page=school)
    assert "for_pupils" not in form.fields
    assert "for_pupils" in form_class(instance=clae, for_user=director, parent_page=school).fields


def test_teacher_of_the_school_cannot_mark_a_section(client, school):
    teacher = make_teacher(ClassPageFactory(parent=school, title="CP A"))
    news = SchoolNewsPageFactory(parent=school, title="Kermesse")
    form_class = type(news).get_edit_handler().get_form_class()
    assert "for_pupils" not in form_class(instance=news, for_user=teacher, parent_page=school).fields


def test_new_pupil_sees_marked_news_after_logging_in(client, school, class_page):
    news = SchoolNewsPageFactory(parent=school, title="Sortie au musée", for_pupils=True)
    log_in_with_card(client, make_pupil(class_page, first_name="Inès", last_name="Roux"))
    assert client.get(news.url).status_code == 200
