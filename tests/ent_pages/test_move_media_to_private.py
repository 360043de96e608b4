"""Images uploaded before private media are moved to private storage and cleaned, keeping their ids."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from wagtail.documents.models import Document
from wagtail.images.models import Image

from ent_pages.models import PrivateDocument, PrivateImage
from tests.media_files import has_gps, pdf_bytes, photo_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def legacy_files(city):
    image = Image.objects.create(title="Ancienne photo", file=ContentFile(photo_bytes(), name="ancienne.jpg"))
    document = Document.objects.create(title="Ancien courrier", file=ContentFile(pdf_bytes(), name="courrier.pdf"))
    return image, document


def run(*args):
    out = io.StringIO()
    call_command("move_media_to_private", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_dry_run_changes_nothing(legacy_files):
    image, document = legacy_files
    output = run("--dry-run")
    assert "would move 2 file(s)" in output
    assert not PrivateImage.objects.exists() and not PrivateDocument.objects.exists()
    assert image.file.storage.exists(image.file.name)


def test_old_images_and_documents_move_to_private_storage_cleaned_with_the_same_ids(settings, legacy_files):
    image, document = legacy_files
    old_image, old_document = image.file.name, document.file.name

    assert "moved 2 file(s)" in run()

    moved = PrivateImage.objects.get(pk=image.pk)
    assert moved.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    with moved.open_file() as f:
        assert not has_gps(f.read())
    assert PrivateDocument.objects.get(pk=document.pk).file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not Image.objects.exists() and not Document.objects.exists()
    assert not image.file.storage.exists(old_image) and not document.file.storage.exists(old_document)
    assert "moved 0 file(s)" in run()  # nothing left, nothing moved twice


def test_pages_created_before_private_media_get_their_collections(class_page):
    from ent_pages.models import PageCollection
    from ent_pages.roles import page_collection

    PageCollection.objects.all().delete()  # as in a database from before this change
    assert "would create the collections of 3 page(s)" in run("--dry-run")
    assert page_collection(class_page) is None
    run()
    assert page_collection(class_page).get_parent() == page_collection(class_page.get_parent())
