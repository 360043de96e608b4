"""Every upload is cleaned before it is stored: no EXIF or GPS, HEIC as JPEG, bad files refused."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image
from wagtail.models import UploadedFile

from ent_pages.media.uploads import RENDITION_SPECS, create_image
from ent_pages.models import PrivateImage
from ent_pages.roles import page_collection
from tests.factories import make_teacher
from tests.media_files import has_exif, has_gps, photo_bytes, png_bomb_bytes, stored_files, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rendition_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def teacher_client(client, class_page):
    client.force_login(make_teacher(class_page))
    return client


def upload_multiple(client, name, data, content_type="image/jpeg"):
    """What the Wagtail admin's multiple-upload page sends for one file (one request per file)."""
    return client.post(reverse("wagtailimages:add_multiple"), {"files[]": upload(name, data, content_type)})


def stored_bytes(image):
    with image.open_file() as f:
        return f.read()


def test_gps_block_is_removed_from_a_photo_uploaded_through_the_admin_multiple_upload(teacher_client, class_page):
    original = photo_bytes(size=(1600, 1200))
    assert has_gps(original)

    response = upload_multiple(teacher_client, "sortie.jpg", original)

    assert response.status_code == 200
    assert response.json()["success"] is True, response.json()
    image = PrivateImage.objects.get()
    assert image.collection == page_collection(class_page)
    data = stored_bytes(image)
    assert not has_gps(data)
    assert not has_exif(data)
    for rendition in image.renditions.all():
        with rendition.open_file() as f:
            assert not has_exif(f.read()), rendition.filter_spec
    assert set(image.renditions.values_list("filter_spec", flat=True)) >= set(RENDITION_SPECS)


def test_photo_uploaded_through_the_admin_single_upload_is_cleaned_too(teacher_client, class_page):
    response = teacher_client.post(
        reverse("wagtailimages:add"), {"title": "Atelier peinture", "file": upload("atelier.jpg", photo_bytes())}
    )
    assert response.status_code == 302, response.content[:2000]
    assert not has_exif(stored_bytes(PrivateImage.objects.get()))


def test_orientation_is_applied_to_the_pixels_before_the_exif_goes(class_page):
    # Orientation 6: the camera held upright wrote a landscape frame to be turned 90° clockwise.
    image = PrivateImage.objects.create(
        title="Portrait", collection=page_collection(class_page),
        file=ContentFile(photo_bytes(size=(1200, 900), orientation=6), name="portrait.jpg"),
    )
    assert (image.width, image.height) == (900, 1200)
    with Image.open(io.BytesIO(stored_bytes(image))) as stored:
        assert stored.size == (900, 1200)


def test_heic_photo_from_a_phone_is_accepted_and_stored_as_jpeg_without_gps(teacher_client):
    heic = photo_bytes(size=(1200, 900), fmt="HEIF")
    assert has_gps(heic)

    response = upload_multiple(teacher_client, "IMG_0042.heic", heic, "image/heic")

    assert response.json()["success"] is True, response.json()
    image = PrivateImage.objects.get()
    assert image.file.name.endswith(".jpg")
    data = stored_bytes(image)
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == "JPEG"
    assert not has_gps(data)


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        pytest.param("bombe.png", png_bomb_bytes(), "image/png", id="png-20000x20000"),
        pytest.param("photo.jpg", b"Ceci n'est pas une image.\n" * 50, "image/jpeg", id="text-renamed-jpg"),
    ],
)
def test_bad_file_is_refused_with_a_message_and_nothing_stored(teacher_client, settings, name, data, content_type):
    before = stored_files(settings.PRIVATE_MEDIA_ROOT) + stored_files(settings.MEDIA_ROOT)

    response = upload_multiple(teacher_client, name, data, content_type)

    payload = response.json()
    assert payload["success"] is False
    assert payload["error_message"].strip()
    assert not PrivateImage.objects.exists()
    assert not UploadedFile.objects.exists()
    assert stored_files(settings.PRIVATE_MEDIA_ROOT) + stored_files(settings.MEDIA_ROOT) == before


@pytest.mark.parametrize(
    "data", [png_bomb_bytes(), b"GIF89a but not really an image" * 10], ids=["png-20000x20000", "garbage"]
)
def test_bad_file_saved_from_code_is_refused_before_storage(class_page, settings, data):
    """Paths without a form (imports, galleries, the API) are guarded by the model itself."""
    before = stored_files(settings.PRIVATE_MEDIA_ROOT)
    with pytest.raises(ValidationError) as refused:
        create_image(title="x", collection=page_collection(class_page), data=data, name="x.png")
    assert refused.value.messages[0]
    assert not PrivateImage.objects.exists()
    assert stored_files(settings.PRIVATE_MEDIA_ROOT) == before


def test_photo_completed_after_a_failed_multiple_upload_is_cleaned_and_its_raw_copy_removed(teacher_client, settings):
    """When the multiple uploader's first form fails on another field (here a title too long), Wagtail
    keeps the raw file aside and writes it to the image's storage when the form is completed."""
    before = set(stored_files(settings.PRIVATE_MEDIA_ROOT))
    response = teacher_client.post(
        reverse("wagtailimages:add_multiple"), {"files[]": upload("sortie.jpg", photo_bytes()), "title": "x" * 300}
    )
    upload_id = response.json()["uploaded_file_id"]

    response = teacher_client.post(
        reverse("wagtailimages:create_multiple_from_uploaded_image", args=(upload_id,)),
        {f"uploaded-image-{upload_id}-title": "Sortie", f"uploaded-image-{upload_id}-tags": ""},
    )

    assert response.json()["success"] is True, response.json()
    image = PrivateImage.objects.get()
    assert not has_exif(stored_bytes(image))
    new_originals = [p for p in set(stored_files(settings.PRIVATE_MEDIA_ROOT)) - before if "original_images" in p]
    assert new_originals == [image.file.path]  # the raw copy Wagtail wrote is gone
    assert not UploadedFile.objects.exists()


def test_photo_uploaded_from_the_image_chooser_is_cleaned_too(teacher_client):
    response = teacher_client.post(
        reverse("wagtailimages_chooser:create"),
        {"image-chooser-upload-title": "Chorale", "image-chooser-upload-file": upload("chorale.jpg", photo_bytes()),
         "image-chooser-upload-tags": ""},
    )
    assert response.status_code == 200
    assert not has_exif(stored_bytes(PrivateImage.objects.get()))


def test_replacing_the_file_of_an_image_cleans_the_new_file_and_renews_its_renditions(teacher_client, class_page):
    image = create_image(title="Avant", collection=page_collection(class_page), data=photo_bytes(), name="avant.jpg")
    response = teacher_client.post(
        reverse("wagtailimages:edit", args=(image.pk,)),
        {"title": "Après", "file": upload("apres.jpg", photo_bytes(size=(900, 1200), color=(10, 200, 10))), "tags": ""},
    )
    assert response.status_code == 302, response.content[:3000]
    image.refresh_from_db()
    assert (image.width, image.height) == (900, 1200)
    assert not has_exif(stored_bytes(image))
    assert set(image.renditions.values_list("filter_spec", flat=True)) >= set(RENDITION_SPECS)


def test_fast_ingest_gives_the_renditions_wagtail_would_make_from_the_stored_original(class_page):
    """Renditions drawn from in-memory sources (issue 10) have the size and the look of those Wagtail
    makes from the stored original, a portrait phone photo is turned upright, and no file keeps EXIF."""
    from PIL import ImageChops, ImageStat
    from wagtail.images.models import Filter

    from tests.media_files import textured_photo_bytes

    photo = textured_photo_bytes(size=(4000, 3000), orientation=6)
    image = create_image(title="Portrait", collection=page_collection(class_page), data=photo, name="IMG_0001.jpg")

    assert (image.width, image.height) == (1920, 2560)
    assert not has_exif(stored_bytes(image))
    renditions = {r.filter_spec: r for r in image.renditions.all()}
    assert set(renditions) == set(RENDITION_SPECS)
    for spec, rendition in renditions.items():
        reference = image.generate_rendition_file(Filter(spec=spec))  # Wagtail's own, from the original
        with rendition.open_file() as f, Image.open(f) as fast, Image.open(reference) as slow:
            assert fast.size == slow.size, spec
            assert not fast.getexif(), spec
            # The same picture, up to resampling and JPEG noise (averaged out over 8 × 8 pixel blocks).
            small = (max(1, fast.width // 8), max(1, fast.height // 8))
            fast_small, slow_small = (i.convert("RGB").resize(small, Image.Resampling.BOX) for i in (fast, slow))
            difference = ImageStat.Stat(ImageChops.difference(fast_small, slow_small)).mean
            assert max(difference) < 2, (spec, difference)
