"""The acceptance walk: an animator's gallery, moderated by the CLAE director, seen by the school's families only."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import TaskState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from ent_pages.access import policy
from periscolaire.models import GalleryPage, ModeratedBy, SchoolModeratorTask
from periscolaire.spaces import setup_clae_space
from tests.media_links import browser

from .conftest import jpeg_bytes


@pytest.fixture
def clae_space(clae):
    clae.save_revision().publish()
    setup_clae_space(clae)
    return clae


def create_gallery_as(client, user, parent, action="action-submit"):
    client.force_login(user)
    data = nested_form_data({
        "title": "Carnaval du CLAE", "slug": "carnaval", "date": "2026-11-20", "activity": "Carnaval",
        "description": rich_text("<p>Les déguisements de l'après-midi.</p>"),
        "photos": inline_formset([]), "works": inline_formset([]), "comments": inline_formset([]),
    })
    if action:
        data[action] = "1"
    url = reverse("wagtailadmin_pages:add", args=("periscolaire", "gallerypage", parent.pk))
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return GalleryPage.objects.child_of(parent).get(title="Carnaval du CLAE")  # slug made from the title


def upload(client, gallery, name, content):
    url = reverse("periscolaire_admin:gallery_upload", args=(gallery.pk,))
    return client.post(url, {"photo": SimpleUploadedFile(name, content, content_type="image/jpeg")})


def gallery_images(gallery):
    """The images of the gallery's latest revision (its draft, or what awaits moderation)."""
    return [p.image for p in GalleryPage.objects.get(pk=gallery.pk).get_latest_revision_as_object().photos.all()]


def test_animator_gallery_is_approved_by_the_clae_director_then_seen_by_the_school_families_only(
    client, clae_space, animator, clae_director, parent_and_child, outsider_parent
):
    parent, pupil = parent_and_child

    # The animator creates the gallery (as a draft), uploads photos, and submits it.
    gallery = create_gallery_as(client, animator, clae_space, action=None)
    assert not gallery.live
    assert not gallery.permissions_for_user(animator).can_publish()
    animator_links = []  # thumbnails signed for the animator's browser: links a family could be sent
    for i in range(3):
        response = upload(client, gallery, f"photo-{i}.jpg", jpeg_bytes())
        assert response.status_code == 201
        animator_links.append(response.json()["thumbnail"])
        assert client.get(animator_links[-1]).status_code == 200
    edit_url = reverse("wagtailadmin_pages:edit", args=(gallery.pk,))
    draft = GalleryPage.objects.get(pk=gallery.pk).get_latest_revision_as_object()
    assert len(draft.photos.all()) == 3
    editor = client.get(edit_url).content.decode()
    assert "Ombeline" in editor  # the animator sees the children without consent
    data = nested_form_data({
        "title": "Carnaval du CLAE", "slug": "carnaval", "date": "2026-11-20", "activity": "Carnaval",
        "description": rich_text("<p>Les déguisements.</p>"),
        "photos": inline_formset([
            {"id": p.pk or "", "image": p.image_id, "caption": f"Photo {n}"} for n, p in enumerate(draft.photos.all())
        ], initial=0),
        "works": inline_formset([]), "comments": inline_formset([]), "action-submit": "1",
    })
    response = client.post(edit_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    gallery.refresh_from_db()
    assert gallery.workflow_in_progress and not gallery.live

    # Before approval, families get neither the gallery nor its files, even with links sent by the animator.
    family = browser(parent)
    assert family.get(gallery.url).status_code == 404
    for image in gallery_images(gallery):
        assert not policy.can_view_file(parent, image)
    for url in animator_links:
        assert family.get(url).status_code == 403, url

    # The CLAE director sees the consent warning (editor and approve dialog) and approves.
    client.force_login(clae_director)
    task_state = gallery.current_workflow_task_state
    assert isinstance(task_state.task.specific, SchoolModeratorTask)
    assert task_state in TaskState.objects.reviewable_by(clae_director)
    assert "Ombeline" in client.get(edit_url).content.decode()
    approve_url = reverse("wagtailadmin_pages:workflow_action", args=(gallery.pk, "approve", task_state.pk))
    modal = client.get(approve_url)
    assert modal.status_code == 200 and "Ombeline" in modal.json()["html"]
    assert client.post(approve_url, {"comment": ""}).status_code in (200, 302)
    gallery.refresh_from_db()
    assert gallery.live and not gallery.workflow_in_progress
    assert [p.caption for p in gallery.photos.all()] == ["Photo 0", "Photo 1", "Photo 2"]

    # A parent of the school sees the photos: the page and every file URL.
    page = family.get(gallery.url)
    assert page.status_code == 200
    shown = [html.unescape(u) for u in re.findall(r'(?:src|href)="(/fichiers/[^"]+)"', page.content.decode())]
    assert len(shown) == 6  # a thumbnail and a large view per photo
    for url in shown:
        assert family.get(url).status_code == 200, url
    for image in gallery_images(gallery):
        assert policy.can_view_file(parent, image)

    # A parent of another school: nothing, not even with the parent's links. An anonymous visitor: no file.
    outsider = browser(outsider_parent)
    assert outsider.get(gallery.url).status_code == 404
    for image in gallery_images(gallery):
        assert not policy.can_view_file(outsider_parent, image)
    for url in shown + animator_links:
        assert outsider.get(url).status_code == 403, url
    anonymous = browser()
    assert anonymous.get(gallery.url).status_code == 302
    for url in shown + animator_links:
        assert anonymous.get(url).status_code == 403, url


def test_the_clae_director_cannot_approve_when_the_school_director_is_the_configured_moderator(
    client, clae_space, animator, clae_director, school_director
):
    clae_space.moderated_by = ModeratedBy.SCHOOL_DIRECTOR
    clae_space.save_revision().publish()
    gallery = create_gallery_as(client, animator, clae_space)
    task_state = GalleryPage.objects.get(pk=gallery.pk).current_workflow_task_state
    assert task_state not in TaskState.objects.reviewable_by(clae_director)
    assert task_state in TaskState.objects.reviewable_by(school_director)
    client.force_login(clae_director)
    url = reverse("wagtailadmin_pages:workflow_action", args=(gallery.pk, "approve", task_state.pk))
    assert client.post(url, {"comment": ""}).status_code in (302, 403)
    assert not GalleryPage.objects.get(pk=gallery.pk).live


def test_without_a_clae_director_the_school_director_moderates(client, clae_space, animator, school_director):
    gallery = create_gallery_as(client, animator, clae_space)
    task_state = GalleryPage.objects.get(pk=gallery.pk).current_workflow_task_state
    assert task_state in TaskState.objects.reviewable_by(school_director)


def test_a_director_of_another_school_does_not_moderate(client, clae_space, animator, clae_director, other_school):
    from tests.factories import make_director

    gallery = create_gallery_as(client, animator, clae_space)
    task_state = GalleryPage.objects.get(pk=gallery.pk).current_workflow_task_state
    assert task_state not in TaskState.objects.reviewable_by(make_director(other_school))


def test_family_gallery_page_query_count(client, clae_space, parent_and_child, django_assert_max_num_queries):
    from django.core.files.base import ContentFile
    from wagtail.images import get_image_model

    from periscolaire.media import gallery_collection
    from periscolaire.models import GalleryPhoto

    gallery = clae_space.add_child(instance=GalleryPage(title="Jardin", slug="jardin"))
    for i in range(12):
        image = get_image_model()(title=f"p{i}", file=ContentFile(jpeg_bytes(), name=f"p{i}.jpg"),
                                  collection=gallery_collection(gallery))
        image.save()
        GalleryPhoto.objects.create(page=gallery, image=image, sort_order=i)
    gallery.save_revision().publish()
    parent, _pupil = parent_and_child
    client.force_login(parent)
    client.get(gallery.url)
    with django_assert_max_num_queries(24):  # constant: no query per photo
        assert client.get(gallery.url).status_code == 200


def test_an_animator_cannot_change_a_gallery_while_it_awaits_moderation(client, clae_space, animator, clae_director):
    gallery = create_gallery_as(client, animator, clae_space)
    answer = upload(client, gallery, "late.jpg", jpeg_bytes())
    assert answer.status_code == 409 and answer.json()["error"]
    gallery = GalleryPage.objects.get(pk=gallery.pk)
    assert gallery.current_workflow_task.specific.locked_for_user(gallery, animator)
    assert not gallery.current_workflow_task.specific.locked_for_user(gallery, clae_director)
