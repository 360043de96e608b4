"""The raw file Wagtail keeps aside when an upload's form is incomplete (``UploadedFile``, in the
default, public media storage) is cleaned before it is stored, and deleted once abandoned for 24 h
by the retention command."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import UploadedFile

from ent_pages.models import PrivateImage
from tests.factories import make_teacher
from tests.media_files import has_exif, has_gps, phone_files, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending_upload(client, class_page):
    """A phone photo sent to the multiple uploader with a title too long: Wagtail keeps it for later."""
    client.force_login(make_teacher(class_page))
    photo = phone_files()[0]
    assert has_gps(photo)
    response = client.post(reverse("wagtailimages:add_multiple"), {"files[]": upload("IMG_2041.jpg", photo), "title": "x" * 300})
    assert response.json()["success"] is True and "uploaded_file_id" in response.json(), response.json()
    return UploadedFile.objects.get(pk=response.json()["uploaded_file_id"])


def purge(*args):
    out = StringIO()
    call_command("purge_galleries", *args, stdout=out)
    return out.getvalue()


def test_photo_kept_aside_by_the_multiple_uploader_is_stored_without_its_gps_block(pending_upload):
    with pending_upload.file.open("rb") as f:
        data = f.read()
    assert not has_gps(data) and not has_exif(data)
    assert not PrivateImage.objects.exists()


def test_upload_left_unfinished_is_deleted_after_24_hours_by_the_retention_command(pending_upload):
    storage, name = pending_upload.file.storage, pending_upload.file.name
    assert storage.exists(name)

    assert "Deleted 0 abandoned uploads" in purge()  # a few minutes old: the teacher may still finish it
    assert UploadedFile.objects.filter(pk=pending_upload.pk).exists()

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
        assert "Dry run: would delete 1 abandoned uploads" in purge("--dry-run")
        assert storage.exists(name)
        assert "Deleted 1 abandoned uploads" in purge()

    assert not UploadedFile.objects.exists()
    assert not storage.exists(name)
