"""Each role lands where its work is: entry points on the class page, landing sections of "my space"."""

import pytest
from django.urls import reverse

from ent_pages.models import Role
from periscolaire.models import GalleryPage
from tests.factories import StaffAssignmentFactory, UserFactory, make_director, make_parent, make_teacher
from tests.factories_resources import ResourceIndexPageFactory, ResourcePageFactory

pytestmark = pytest.mark.django_db


def _add_url(app, model, parent):
    return reverse("wagtailadmin_pages:add", args=(app, model, parent.pk))


def test_teacher_viewing_their_class_page_gets_the_forms_with_the_class_chosen(client, class_page):
    teacher = make_teacher(class_page)
    client.force_login(teacher)
    html = client.get(class_page.url).content.decode()
    for label in ("Écrire un article", "Ajouter des photos", "Devoirs", "Mot aux familles"):
        assert label in html
    assert _add_url("class_blog", "classpostpage", class_page) in html
    assert _add_url("periscolaire", "gallerypage", class_page) in html
    assert f"{reverse('class_blog:note_create')}?classe={class_page.pk}" in html
    # The links open the right forms.
    assert client.get(_add_url("class_blog", "classpostpage", class_page)).status_code == 200
    assert client.get(_add_url("periscolaire", "gallerypage", class_page)).status_code == 200


def test_families_and_teachers_of_another_class_get_no_staff_entry_points(client, class_page, other_class):
    parent, _pupil = make_parent(class_page)
    other_teacher = make_teacher(other_class)
    for user in (parent, other_teacher):
        client.force_login(user)
        response = client.get(class_page.url)
        html = response.content.decode()
        assert "Écrire un article" not in html and "/admin/pages/add/" not in html
        client.logout()


def test_the_note_form_preselects_the_class_of_a_one_class_teacher(client, class_page, other_class):
    teacher = make_teacher(class_page)
    client.force_login(teacher)
    form = client.get(reverse("class_blog:note_create")).context["form"]
    assert form["class_page"].value() == class_page.pk
    two_classes = make_teacher(other_class)
    from tests.factories import TeachingAssignmentFactory

    TeachingAssignmentFactory(user=two_classes, class_page=class_page)
    client.force_login(two_classes)
    assert client.get(reverse("class_blog:note_create")).context["form"]["class_page"].value() is None


@pytest.fixture
def clae(school):
    from periscolaire.spaces import ensure_clae_space

    return ensure_clae_space(school)


def test_an_animator_lands_on_their_clae_space_and_its_galleries_drafts_included(client, school, clae):
    animator = UserFactory(username="animatrice")
    StaffAssignmentFactory(user=animator, school=school, role=Role.CLAE_ANIMATOR)
    clae.add_child(instance=GalleryPage(title="Carnaval en préparation", slug="carnaval", live=False))
    client.force_login(animator)
    html = client.get(reverse("ent_pages:my_space")).content.decode()
    assert "Mon espace CLAE" in html and clae.title in html
    assert "Carnaval en préparation" in html and "brouillon" in html
    assert _add_url("periscolaire", "gallerypage", clae) in html
    assert "Aucune classe à afficher" not in html


def test_a_parent_does_not_get_the_clae_editing_section(client, school, clae, class_page):
    parent, _pupil = make_parent(class_page)
    client.force_login(parent)
    html = client.get(reverse("ent_pages:my_space")).content.decode()
    assert "Mon espace CLAE" not in html and _add_url("periscolaire", "gallerypage", clae) not in html


def test_a_city_editor_lands_on_their_resources_and_drafts(client, city):
    index = ResourceIndexPageFactory(parent=city, title="Ressources", slug="ressources")
    ResourcePageFactory(parent=index, title="Tarifs en brouillon", live=False)
    editor = UserFactory(username="redactrice")
    StaffAssignmentFactory(user=editor, school=None, role=Role.CITY_EDITOR)
    client.force_login(editor)
    html = client.get(reverse("ent_pages:my_space")).content.decode()
    assert "Mes ressources" in html and "Tarifs en brouillon" in html
    assert _add_url("resources", "resourcepage", index) in html


def test_a_director_lands_on_their_school_with_pending_approvals_and_activation_figures(client, school, clae, class_page):
    director = make_director(school)
    make_parent(class_page)  # an activated family
    animator = UserFactory(username="animateur")
    StaffAssignmentFactory(user=animator, school=school, role=Role.CLAE_ANIMATOR)
    gallery = clae.add_child(instance=GalleryPage(title="Kermesse à valider", slug="kermesse", live=False))
    clae.moderated_by = "school_director"
    clae.save_revision().publish()
    gallery.save_revision(user=animator)
    gallery.get_workflow().start(gallery, animator)
    client.force_login(director)
    response = client.get(reverse("ent_pages:my_space"))
    html = response.content.decode()
    assert "Kermesse à valider" in html
    (figures,) = response.context["directed_schools"]
    assert (figures.families_activated, figures.families_total) == (1, 1)


def test_the_login_page_invites_families_to_activate_their_account(client):
    html = client.get(reverse("ent_pages:login")).content.decode()
    assert "Activer mon compte" in html and reverse("ent_pages:activation") in html


def test_the_resources_are_in_the_header_menu_and_on_the_home_page(client, city):
    ResourceIndexPageFactory(parent=city, title="Ressources", slug="ressources")
    html = client.get(city.url).content.decode()
    assert html.count('href="/ressources/"') >= 2
