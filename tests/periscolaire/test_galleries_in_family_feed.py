"""The family feed tells the whole story: class and CLAE galleries appear in "What's new", with a thumbnail."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.images import get_image_model

from periscolaire.media import gallery_collection
from periscolaire.models import GalleryPage, GalleryPhoto
from tests.factories import ClassPostPageFactory

from .conftest import jpeg_bytes

pytestmark = pytest.mark.django_db


def _gallery_with_photo(parent_page, title, slug, **kwargs):
    gallery = parent_page.add_child(instance=GalleryPage(title=title, slug=slug, activity="Sortie", **kwargs))
    image = get_image_model()(title="p", file=ContentFile(jpeg_bytes(), name="p.jpg"), collection=gallery_collection(gallery))
    image.save()
    GalleryPhoto.objects.create(page=gallery, image=image)
    return gallery, image


def _feed(client, user):
    client.force_login(user)
    return client.get(reverse("ent_pages:my_space"))


def test_a_new_class_gallery_is_in_the_class_families_feed_with_its_first_photo(client, class_page, parent_and_child):
    parent, _pupil = parent_and_child
    gallery, image = _gallery_with_photo(class_page, "Piscine", "piscine")
    response = _feed(client, parent)
    items = {item.title: item for item in response.context["feed_page"]}
    assert "Piscine" in items
    assert items["Piscine"].feed_image == image
    assert items["Piscine"].feed_excerpt == "Sortie"
    html = response.content.decode()
    assert f'/fichiers/images/{image.pk}/' in html  # the thumbnail goes through the private file view


def test_a_clae_gallery_is_in_the_school_families_feed_but_not_another_school(
    client, clae, parent_and_child, outsider_parent
):
    parent, _pupil = parent_and_child
    _gallery_with_photo(clae, "Carnaval du CLAE", "carnaval")
    assert "Carnaval du CLAE" in {item.title for item in _feed(client, parent).context["feed_page"]}
    client.logout()
    assert "Carnaval du CLAE" not in {item.title for item in _feed(client, outsider_parent).context["feed_page"]}


def test_a_gallery_awaiting_moderation_is_not_in_the_feed(client, clae, parent_and_child):
    parent, _pupil = parent_and_child
    _gallery_with_photo(clae, "Pas encore validée", "attente", live=False)
    assert "Pas encore validée" not in {item.title for item in _feed(client, parent).context["feed_page"]}


def test_a_post_shows_its_first_paragraph_as_excerpt_and_not_its_unpublished_draft(client, class_page, parent_and_child):
    parent, _pupil = parent_and_child
    post = ClassPostPageFactory(
        parent=class_page, title="Nos semis",
        body=[("paragraph", "<p>Les <b>radis</b> ont levé en trois jours.</p>")],
    )
    post.body = [("paragraph", "<p>Brouillon à ne pas montrer.</p>")]
    post.save_revision()  # a draft of a live post stays in its revision
    items = {item.title: item for item in _feed(client, parent).context["feed_page"]}
    assert items["Nos semis"].feed_excerpt == "Les radis ont levé en trois jours."


def test_feed_with_galleries_and_posts_keeps_a_bounded_number_of_queries(
    client, class_page, clae, parent_and_child, django_assert_max_num_queries, settings
):
    settings.PREAU_PAGE_CACHE_SECONDS = 0  # built afresh (not remembered): the build's own queries are bounded
    parent, _pupil = parent_and_child
    for i in range(4):
        _gallery_with_photo(class_page, f"Galerie {i}", f"galerie-{i}")
        _gallery_with_photo(clae, f"CLAE {i}", f"clae-{i}")
        ClassPostPageFactory(parent=class_page, title=f"Billet {i}", body=[("paragraph", "<p>Texte</p>")])
    client.force_login(parent)
    client.get(reverse("ent_pages:my_space"))
    with django_assert_max_num_queries(26):
        response = client.get(reverse("ent_pages:my_space"))
    assert len(response.context["feed_page"]) == 10
