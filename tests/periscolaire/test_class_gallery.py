from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from periscolaire.models import GalleryPage
from tests.factories import make_teacher


def test_a_teacher_publishing_a_class_gallery_is_warned_of_the_children_without_consent(client, class_page, parent_and_child):
    _parent, pupil = parent_and_child
    teacher = make_teacher(class_page)
    client.force_login(teacher)
    url = reverse("wagtailadmin_pages:add", args=("periscolaire", "gallerypage", class_page.pk))
    assert pupil.first_name not in client.get(url).content.decode()  # nothing to compute before the first save
    data = nested_form_data({
        "title": "Sortie en forêt", "slug": "foret", "date": "2026-10-02", "activity": "Sortie",
        "description": rich_text("<p>Les feuilles d'automne.</p>"),
        "photos": inline_formset([]), "works": inline_formset([]), "comments": inline_formset([]),
        "action-publish": "1",
    })
    response = client.post(url, data)
    assert response.status_code == 302
    # Teachers have no Promote tab: the slug sent is ignored and made from the title (ent_pages.promotion).
    gallery = GalleryPage.objects.get(title="Sortie en forêt")
    assert gallery.slug == "sortie-en-foret"
    assert gallery.live  # teachers publish their class's galleries themselves
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert any(pupil.first_name in m for m in warnings)
    editor = client.get(reverse("wagtailadmin_pages:edit", args=(gallery.pk,))).content.decode()
    assert pupil.first_name in editor and "periscolaire/galeries/" in editor


def test_families_find_the_live_galleries_on_their_class_page(client, class_page, parent_and_child):
    parent, _pupil = parent_and_child
    live = class_page.add_child(instance=GalleryPage(title="Piscine", slug="piscine"))
    class_page.add_child(instance=GalleryPage(title="Brouillon secret", slug="brouillon", live=False))
    client.force_login(parent)
    page = client.get(class_page.url).content.decode()
    assert live.title in page and "Brouillon secret" not in page
    assert reverse("periscolaire:my_image_consents") in client.get(reverse("ent_pages:my_space")).content.decode()


def test_a_class_gallery_is_not_shown_to_the_families_of_another_class(client, class_page, other_class):
    from tests.factories import make_parent

    gallery = class_page.add_child(instance=GalleryPage(title="Piscine", slug="piscine"))
    other_parent, _pupil = make_parent(other_class)
    client.force_login(other_parent)
    assert client.get(gallery.url).status_code == 404


def test_an_unpublished_gallery_photos_are_refused_at_once_even_with_the_file_access_cache(
    client, class_page, parent_and_child, settings
):
    from django.core.cache import cache
    from django.core.files.base import ContentFile
    from wagtail.images import get_image_model

    from periscolaire.media import gallery_collection
    from periscolaire.models import GalleryPhoto

    from .conftest import jpeg_bytes

    settings.PREAU_MEDIA_ACCESS_CACHE_SECONDS = 60
    cache.clear()
    gallery = class_page.add_child(instance=GalleryPage(title="Piscine", slug="piscine"))
    image = get_image_model()(title="p", file=ContentFile(jpeg_bytes(), name="p.jpg"), collection=gallery_collection(gallery))
    image.save()
    GalleryPhoto.objects.create(page=gallery, image=image)
    parent, _pupil = parent_and_child
    client.force_login(parent)
    assert client.get(image.original_url).status_code == 200  # remembered for 60 s
    gallery.unpublish()
    assert client.get(image.original_url).status_code == 404
