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


def test_an_unpublished_gallery_photos_get_no_new_link_at_once_and_issued_links_expire(client, class_page, parent_and_child):
    import time

    import time_machine
    from django.core.files.base import ContentFile
    from wagtail.images import get_image_model

    from ent_pages.access import policy
    from ent_pages.media.links import link_seconds
    from periscolaire.media import gallery_collection
    from periscolaire.models import GalleryPhoto
    from tests.media_links import links_on

    from .conftest import jpeg_bytes

    gallery = class_page.add_child(instance=GalleryPage(title="Piscine", slug="piscine"))
    image = get_image_model()(title="p", file=ContentFile(jpeg_bytes(), name="p.jpg"), collection=gallery_collection(gallery))
    image.save()
    gallery.photos = [GalleryPhoto(image=image)]
    gallery.save_revision().publish()
    parent, _pupil = parent_and_child
    client.force_login(parent)
    held = links_on(client, gallery.url)
    listed = {link.split("?")[0] for link in links_on(client, class_page.url)}
    assert held and {link.split("?")[0] for link in held if "fill-320x240" in link} <= listed
    assert all(client.get(link).status_code == 200 for link in held)
    gallery.unpublish()
    assert not policy.can_view_file(parent, image)
    assert client.get(gallery.url).status_code == 404
    assert not any(f"/fichiers/images/{image.pk}/" in link for link in links_on(client, class_page.url))
    with time_machine.travel(time.time() + link_seconds() + 60):
        assert all(client.get(link).status_code == 403 for link in held)


def test_photos_added_to_a_live_gallery_draft_reach_families_only_once_published(client, class_page, parent_and_child):
    from django.core.files.base import ContentFile
    from wagtail.images import get_image_model

    from ent_pages.access import policy
    from periscolaire.media import gallery_collection
    from periscolaire.models import GalleryPhoto
    from tests.media_links import links_on

    from .conftest import jpeg_bytes

    gallery = class_page.add_child(instance=GalleryPage(title="Piscine", slug="piscine"))
    first, added = (get_image_model()(title=n, file=ContentFile(jpeg_bytes(), name=f"{n}.jpg"),
                                      collection=gallery_collection(gallery)) for n in ("premiere", "ajoutee"))
    first.save()
    added.save()
    gallery.photos = [GalleryPhoto(image=first)]
    gallery.save_revision().publish()
    draft = GalleryPage.objects.get(pk=gallery.pk)
    draft.photos = [GalleryPhoto(image=first), GalleryPhoto(image=added)]
    revision = draft.save_revision()
    parent, _pupil = parent_and_child
    client.force_login(parent)
    shown = links_on(client, gallery.url) | links_on(client, class_page.url)
    assert any(f"/fichiers/images/{first.pk}/" in link for link in shown)
    assert not any(f"/fichiers/images/{added.pk}/" in link for link in shown)
    assert policy.can_view_file(parent, first) and not policy.can_view_file(parent, added)
    revision.publish()
    shown = links_on(client, gallery.url)
    assert any(f"/fichiers/images/{added.pk}/" in link for link in shown)
    assert policy.can_view_file(parent, added)
