"""A gallery's bulk upload refuses broken photos with the same French messages as the admin's
uploaders, names the same accepted formats, and tells the animator when an animation is kept as
its first image."""

import re

import pytest
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.models import UploadedFile

from ent_pages.media.formats import ACCEPTED_FORMATS_TEXT
from periscolaire.models import GalleryPage
from periscolaire.spaces import setup_clae_space
from tests.media_files import SOME_BROKEN_FILES, animated_bytes, broken_files, phone_files, stored_files, upload

pytestmark = pytest.mark.django_db

BROKEN_FILES = broken_files()
PNG = phone_files()[1]


@pytest.fixture
def clae_gallery(clae):
    clae.save_revision().publish()
    setup_clae_space(clae)
    return clae.add_child(instance=GalleryPage(title="Carnaval", slug="carnaval", live=False))


def upload_url(gallery):
    return reverse("periscolaire_admin:gallery_upload", args=(gallery.pk,))


@pytest.mark.parametrize("case", SOME_BROKEN_FILES)
def test_broken_file_in_a_gallery_bulk_upload_is_refused_in_french(client, clae_gallery, animator, settings, case):
    client.force_login(animator)
    name, data, content_type, message = BROKEN_FILES[case]
    before = stored_files(settings.PRIVATE_MEDIA_ROOT) + stored_files(settings.MEDIA_ROOT)

    response = client.post(
        upload_url(clae_gallery), {"photo": upload(name, data, content_type)}
    )

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not get_image_model().objects.exists() and not UploadedFile.objects.exists()
    assert stored_files(settings.PRIVATE_MEDIA_ROOT) + stored_files(settings.MEDIA_ROOT) == before


def test_the_gallery_uploader_names_the_same_accepted_formats(client, clae_gallery, animator):
    client.force_login(animator)
    page = re.sub(r"\s+", " ", client.get(upload_url(clae_gallery)).content.decode())
    assert f"({ACCEPTED_FORMATS_TEXT})" in page
    refused = client.post(upload_url(clae_gallery), {"photo": upload("scan.tiff", PNG, "image/tiff")})
    assert refused.status_code == 400
    assert refused.json()["error"] == f"« scan.tiff » n'est pas une image dans un format accepté par Préau ({ACCEPTED_FORMATS_TEXT})."


def test_animation_added_to_a_gallery_tells_the_animator(client, clae_gallery, animator):
    client.force_login(animator)
    response = client.post(
        upload_url(clae_gallery),
        {"photo": upload("danse.gif", animated_bytes("GIF"), "image/gif")},
    )
    assert response.status_code == 201
    assert response.json()["notes"] == ["« danse.gif » est une animation : Préau n'en garde que la première image, comme une photo fixe."]
