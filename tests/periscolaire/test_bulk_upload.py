import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from wagtail.images import get_image_model

from periscolaire.media import linked_collection
from periscolaire.models import GalleryPage
from tests.factories import make_teacher

from .conftest import CORRUPT_JPEG, jpeg_bytes, png_bytes


@pytest.fixture
def gallery(class_page):
    return class_page.add_child(instance=GalleryPage(title="Classe verte", slug="classe-verte", live=False))


def heic_bytes():
    from pillow_heif import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (10, 150, 90)).save(out, "HEIF")
    return out.getvalue()


def post_photo(client, gallery, name, content):
    url = reverse("periscolaire_admin:gallery_upload", args=(gallery.pk,))
    return client.post(url, {"photo": SimpleUploadedFile(name, content)})


def draft_image_ids(gallery):
    draft = GalleryPage.objects.get(pk=gallery.pk).get_latest_revision_as_object()
    return [p.image_id for p in draft.photos.all()]


def test_a_corrupt_photo_in_a_bulk_upload_is_refused_and_the_others_are_kept(client, class_page, gallery):
    client.force_login(make_teacher(class_page))
    answers = [
        post_photo(client, gallery, "IMG_0001.jpg", jpeg_bytes()),
        post_photo(client, gallery, "IMG_0002.jpg", CORRUPT_JPEG),
        post_photo(client, gallery, "IMG_0003.png", png_bytes()),
        post_photo(client, gallery, "IMG_0004.HEIC", heic_bytes()),
    ]
    assert [a.status_code for a in answers] == [201, 400, 201, 201]
    refused = answers[1].json()
    assert refused["ok"] is False and refused["name"] == "IMG_0002.jpg" and refused["error"]
    kept = [a.json()["id"] for a in answers if a.status_code == 201]
    assert draft_image_ids(gallery) == kept
    images = get_image_model().objects.filter(pk__in=kept)
    assert {i.collection_id for i in images} == {linked_collection(gallery).pk}
    assert get_image_model().objects.count() == 3  # nothing stored for the corrupt file
    heic = images.get(title="IMG_0004")
    assert heic.file.name.endswith(".jpg")  # phones' HEIC stored as JPEG


def test_the_gallery_collection_sits_below_the_class_collection(class_page, gallery):
    assert linked_collection(gallery).get_parent() == linked_collection(class_page)


def test_a_file_that_is_not_a_photo_is_refused_with_a_message(client, class_page, gallery):
    client.force_login(make_teacher(class_page))
    answer = post_photo(client, gallery, "devoirs.pdf", b"%PDF-1.4")
    assert answer.status_code == 400 and "PDF" not in answer.json()["error"].split("(")[0]
    assert draft_image_ids(gallery) == []


def test_uploads_of_one_batch_make_one_draft_revision(client, class_page, gallery):
    client.force_login(make_teacher(class_page))
    before = gallery.revisions.count()
    for i in range(3):
        post_photo(client, gallery, f"p{i}.jpg", jpeg_bytes())
    assert gallery.revisions.count() == before + 1
    assert len(draft_image_ids(gallery)) == 3


def test_only_the_gallery_editors_may_upload(client, class_page, other_class, gallery, parent_and_child):
    client.force_login(make_teacher(other_class))
    assert post_photo(client, gallery, "p.jpg", jpeg_bytes()).status_code in (302, 403)
    parent, _pupil = parent_and_child
    client.force_login(parent)
    assert post_photo(client, gallery, "p.jpg", jpeg_bytes()).status_code in (302, 403)
    assert get_image_model().objects.count() == 0


def test_the_upload_screen_loads_the_script_from_the_app(client, class_page, gallery):
    client.force_login(make_teacher(class_page))
    page = client.get(reverse("periscolaire_admin:gallery_upload", args=(gallery.pk,))).content.decode()
    assert "periscolaire/js/bulk-upload.js" in page and "cdn" not in page.lower()


def test_an_upload_never_overwrites_a_revision_saved_from_the_editor(client, class_page, gallery):
    teacher = make_teacher(class_page)
    client.force_login(teacher)
    post_photo(client, gallery, "p1.jpg", jpeg_bytes())
    # The teacher saves from the editor in between (a revision of their own).
    edited = GalleryPage.objects.get(pk=gallery.pk).get_latest_revision_as_object()
    editor_revision = edited.save_revision(user=teacher)
    post_photo(client, gallery, "p2.jpg", jpeg_bytes())
    gallery = GalleryPage.objects.get(pk=gallery.pk)
    assert gallery.get_latest_revision().pk != editor_revision.pk
    assert len(draft_image_ids(gallery)) == 2


def test_deleting_a_gallery_deletes_its_photos_so_they_never_reach_the_section_families(
    client, class_page, gallery, django_capture_on_commit_callbacks
):
    client.force_login(make_teacher(class_page))
    image_id = post_photo(client, gallery, "p.jpg", jpeg_bytes()).json()["id"]
    image = get_image_model().objects.get(pk=image_id)
    name, storage = image.file.name, image.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        GalleryPage.objects.get(pk=gallery.pk).delete()
    assert not get_image_model().objects.filter(pk=image_id).exists()
    assert not storage.exists(name)
