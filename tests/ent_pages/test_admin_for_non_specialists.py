"""An admin for non-specialists: Préau's branding, French names, automatic French slugs, no Promote tab."""

import pytest
from django.urls import reverse
from wagtail.models import Task, Workflow

from class_blog.models import ClassPostPage
from ent_pages.promotion import french_slug
from periscolaire.spaces import ensure_clae_space
from tests.factories import ClassPostPageFactory, StaffAssignmentFactory, UserFactory, make_teacher

pytestmark = pytest.mark.django_db

#: Strings of Wagtail that a teacher or an animator must not meet in Préau's admin.
ENGLISH_OR_FOREIGN = ["Moderators approval", "Sign in to Wagtail", "Welcome to the", "gravatar.com",
                      "- Wagtail</title>", "Promouvoir", ">Promote<"]


@pytest.mark.parametrize(("title", "slug"), [
    ("Les pompiers à l'école", "les-pompiers-a-l-ecole"),
    ("L’œuf de Pâques", "l-oeuf-de-paques"),
    ("Sortie au musée — jeudi 3", "sortie-au-musee-jeudi-3"),
])
def test_slugs_are_made_french_safe(title, slug):
    assert french_slug(title) == slug


def _add_post(client, class_page, title):
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    url = reverse("wagtailadmin_pages:add", args=("class_blog", "classpostpage", class_page.pk))
    data = nested_form_data({"title": title, "date": "2026-11-24", "tags": "", "body": streamfield([]),
                             "comments": {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}})
    return client.post(url, data)


def test_a_teacher_writes_a_post_without_a_promote_tab_and_gets_a_french_slug(client, class_page):
    teacher = make_teacher(class_page)
    client.force_login(teacher)
    form_page = client.get(reverse("wagtailadmin_pages:add", args=("class_blog", "classpostpage", class_page.pk)))
    html = form_page.content.decode()
    assert 'name="slug"' not in html and 'name="seo_title"' not in html
    assert _add_post(client, class_page, "Les pompiers à l'école").status_code == 302
    assert _add_post(client, class_page, "Les pompiers à l'école").status_code == 302  # same title: no clash
    slugs = sorted(ClassPostPage.objects.child_of(class_page).values_list("slug", flat=True))
    assert slugs == ["les-pompiers-a-l-ecole", "les-pompiers-a-l-ecole-2"]


def test_an_administrator_still_edits_the_slug(admin_client, class_page):
    html = admin_client.get(reverse("wagtailadmin_pages:add", args=("class_blog", "classpostpage", class_page.pk))).content.decode()
    assert 'name="slug"' in html


def test_the_demo_roles_meet_no_english_wagtail_string_in_the_admin(client, school, class_page):
    from ent_pages.models import Role
    from periscolaire.models import GalleryPage

    teacher = make_teacher(class_page)
    post = ClassPostPageFactory(parent=class_page, title="Nos semis")
    clae = ensure_clae_space(school)
    gallery = clae.add_child(instance=GalleryPage(title="Carnaval", slug="carnaval", live=False))
    animator = UserFactory(username="animatrice")
    StaffAssignmentFactory(user=animator, school=school, role=Role.CLAE_ANIMATOR)
    pages = {
        teacher: ["/admin/", reverse("wagtailadmin_explore", args=[class_page.pk]),
                  reverse("wagtailadmin_pages:add", args=("class_blog", "classpostpage", class_page.pk)),
                  reverse("wagtailadmin_pages:edit", args=[post.pk])],
        animator: ["/admin/", reverse("wagtailadmin_explore", args=[clae.pk]),
                   reverse("wagtailadmin_pages:edit", args=[gallery.pk])],
    }
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            found = [s for s in ENGLISH_OR_FOREIGN if s in html]
            assert found == [], (user.username, url, found)
            assert "Préau" in html
        client.logout()
    assert "Sign in to Wagtail" not in client.get("/admin/login/").content.decode()


def test_wagtail_default_workflow_is_named_in_french():
    assert not Workflow.objects.filter(name="Moderators approval").exists()
    assert not Task.objects.filter(name="Moderators approval").exists()


def test_the_teacher_dashboard_lists_their_unfinished_drafts(client, class_page):
    teacher = make_teacher(class_page)
    client.force_login(teacher)
    _add_post(client, class_page, "Brouillon oublié")
    html = client.get("/admin/").content.decode()
    assert "Vos brouillons inachevés" in html and "Brouillon oublié" in html
