"""Broken files never make an upload fail with a server error: every path refuses them with a French
message saying what is wrong, and stores nothing (no image row, no file, no pending UploadedFile).

Files are made as the real world makes them: phone-like photos with EXIF and GPS cut short at
various points (an interrupted transfer), a PNG whose compressed data is damaged, a damaged header.
"""

import io
import os
import re

import pytest
from django.urls import reverse
from PIL import Image
from wagtail.models import UploadedFile

from ent_pages.media.formats import ACCEPTED_FORMATS_TEXT
from ent_pages.models import PrivateImage
from tests.factories import make_teacher
from tests.media_files import (
    SOME_BROKEN_FILES,
    animated_bytes,
    broken_files,
    has_exif,
    has_gps,
    phone_files,
    stored_files,
    upload,
)

pytestmark = pytest.mark.django_db

JPEG, PNG, HEIC = phone_files()
BROKEN_FILES = broken_files()


@pytest.fixture
def teacher_client(client, class_page):
    client.force_login(make_teacher(class_page))
    return client


@pytest.fixture
def nothing_stored(settings):
    """Asserts, after the test's upload, that no image, pending upload or file was left anywhere."""
    before = stored_files(settings.PRIVATE_MEDIA_ROOT) + stored_files(settings.MEDIA_ROOT)
    yield
    assert not PrivateImage.objects.exists()
    assert not UploadedFile.objects.exists()
    assert stored_files(settings.PRIVATE_MEDIA_ROOT) + stored_files(settings.MEDIA_ROOT) == before


def text_of(html):
    return re.sub(r"\s+", " ", html.replace("&#x27;", "'").replace("&#39;", "'"))


@pytest.mark.parametrize("case", BROKEN_FILES)
def test_broken_file_in_the_multiple_uploader_is_refused_in_french_with_nothing_stored(teacher_client, nothing_stored, case):
    name, data, content_type, message = BROKEN_FILES[case]

    response = teacher_client.post(reverse("wagtailimages:add_multiple"), {"files[]": upload(name, data, content_type)})

    assert response.status_code == 200
    assert response.json()["success"] is False
    assert message in response.json()["error_message"]


@pytest.mark.parametrize("case", SOME_BROKEN_FILES)
def test_broken_file_is_refused_when_the_multiple_uploader_would_keep_it_for_later(teacher_client, nothing_stored, case):
    """A title too long makes Wagtail keep the file aside (UploadedFile): a broken file must not be kept."""
    name, data, content_type, message = BROKEN_FILES[case]

    response = teacher_client.post(
        reverse("wagtailimages:add_multiple"), {"files[]": upload(name, data, content_type), "title": "x" * 300}
    )

    assert response.status_code == 200
    assert response.json()["success"] is False
    assert message in response.json()["error_message"]


@pytest.mark.parametrize("case", SOME_BROKEN_FILES)
def test_broken_file_in_the_single_upload_form_is_refused_in_french_with_nothing_stored(teacher_client, nothing_stored, case):
    name, data, content_type, message = BROKEN_FILES[case]

    response = teacher_client.post(
        reverse("wagtailimages:add"), {"title": "Sortie", "file": upload(name, data, content_type), "tags": ""}
    )

    assert response.status_code == 200  # the form again, with the error
    assert message in text_of(response.content.decode())


@pytest.mark.parametrize("case", SOME_BROKEN_FILES)
def test_broken_file_in_the_image_chooser_upload_is_refused_in_french_with_nothing_stored(teacher_client, nothing_stored, case):
    name, data, content_type, message = BROKEN_FILES[case]

    response = teacher_client.post(
        reverse("wagtailimages_chooser:create"),
        {"image-chooser-upload-title": "Chorale", "image-chooser-upload-file": upload(name, data, content_type),
         "image-chooser-upload-tags": ""},
    )

    assert response.status_code == 200
    assert response.json()["step"] == "reshow_creation_form"
    assert message in text_of(response.json()["htmlFragment"])


@pytest.mark.parametrize("case", SOME_BROKEN_FILES)
def test_broken_file_replacing_an_image_is_refused_and_the_image_is_kept(teacher_client, class_page, settings, case):
    from ent_pages.media.uploads import create_image
    from ent_pages.roles import page_collection

    image = create_image(title="Avant", collection=page_collection(class_page), data=JPEG, name="avant.jpg")
    kept_file = image.file.name
    before = stored_files(os.path.join(settings.PRIVATE_MEDIA_ROOT, "original_images"))
    name, data, content_type, message = BROKEN_FILES[case]

    response = teacher_client.post(
        reverse("wagtailimages:edit", args=(image.pk,)), {"title": "Après", "file": upload(name, data, content_type), "tags": ""}
    )

    assert response.status_code == 200
    assert message in text_of(response.content.decode())
    image.refresh_from_db()
    assert (image.title, image.file.name) == ("Avant", kept_file)
    assert stored_files(os.path.join(settings.PRIVATE_MEDIA_ROOT, "original_images")) == before  # (the form shows a preview rendition)


@pytest.mark.parametrize("extension", ["heic", "heif", "hif", "HEIF"])
def test_heif_photo_from_a_phone_or_camera_is_stored_as_jpeg_without_metadata(teacher_client, extension):
    assert has_gps(HEIC)

    response = teacher_client.post(
        reverse("wagtailimages:add_multiple"), {"files[]": upload(f"IMG_0042.{extension}", HEIC, "image/heif")}
    )

    assert response.json()["success"] is True, response.json()
    image = PrivateImage.objects.get()
    assert image.file.name.endswith(".jpg")
    with image.open_file() as f:
        data = f.read()
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == "JPEG"
        assert "exif" not in stored.info and "xmp" not in stored.info
    assert not has_exif(data) and not has_gps(data)


def test_hif_photo_is_accepted_by_the_single_upload_form_too(teacher_client):
    response = teacher_client.post(
        reverse("wagtailimages:add"), {"title": "Canon", "file": upload("_MG_0042.HIF", HEIC, "image/heif"), "tags": ""}
    )
    assert response.status_code == 302, text_of(response.content.decode())[-3000:]
    with PrivateImage.objects.get().open_file() as f:
        assert not has_exif(f.read())


def test_the_admin_uploader_names_the_accepted_formats_from_the_one_list(teacher_client):
    """One list (ent_pages.media.formats): the help text and a refused extension agree (the gallery
    uploader is checked in tests/periscolaire/test_upload_refusals.py)."""
    page = teacher_client.get(reverse("wagtailimages:add_multiple")).content.decode()
    assert f"Formats acceptés : {ACCEPTED_FORMATS_TEXT}." in page
    assert "AVIF" not in ACCEPTED_FORMATS_TEXT  # accepted, not named

    refused = teacher_client.post(reverse("wagtailimages:add_multiple"), {"files[]": upload("scan.tiff", PNG, "image/tiff")})
    assert refused.json()["error_message"] == f"« scan.tiff » n'est pas une image dans un format accepté par Préau ({ACCEPTED_FORMATS_TEXT})."



@pytest.mark.parametrize("fmt", ["GIF", "WEBP", "PNG"], ids=["gif", "webp", "apng"])
def test_animation_is_stored_as_its_first_frame_and_the_uploader_is_told(teacher_client, fmt):
    name = f"danse.{fmt.lower()}"
    response = teacher_client.post(
        reverse("wagtailimages:add_multiple"), {"files[]": upload(name, animated_bytes(fmt), f"image/{fmt.lower()}")}
    )

    assert response.json()["success"] is True, response.json()
    assert f"« {name} » est une animation : Préau n'en garde que la première image" in text_of(response.json()["form"])
    with PrivateImage.objects.get().open_file() as f, Image.open(f) as stored:
        assert getattr(stored, "n_frames", 1) == 1
        red, green, blue = stored.convert("RGB").getpixel((5, 5))
        assert abs(red - 0) + abs(green - 200) + abs(blue - 90) < 10  # the first frame's colour (WebP is lossy)


def test_still_photo_upload_carries_no_note(teacher_client):
    response = teacher_client.post(reverse("wagtailimages:add_multiple"), {"files[]": upload("sortie.jpg", JPEG)})
    assert response.json()["success"] is True
    assert "animation" not in response.json()["form"]
