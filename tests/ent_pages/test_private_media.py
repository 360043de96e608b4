"""Private media: a class's photos and documents reach only those who may see the class page."""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from ent_pages.models import PrivateDocument, PrivateImage
from ent_pages.roles import page_collection
from ent_pages.uploads import RENDITION_SPECS
from tests.factories import make_parent, make_teacher
from tests.media_files import has_exif, pdf_bytes, photo_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rendition_cache():
    """Wagtail caches renditions by image id; ids restart in every test database transaction."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def class_photo(class_page):
    teacher = make_teacher(class_page)
    return PrivateImage.objects.create(
        title="Sortie au musée", collection=page_collection(class_page), uploaded_by_user=teacher,
        file=ContentFile(photo_bytes(size=(1200, 900)), name="musee.jpg"),
    )


@pytest.fixture
def class_document(class_page):
    return PrivateDocument.objects.create(
        title="Liste des fournitures", collection=page_collection(class_page),
        file=ContentFile(pdf_bytes(), name="fournitures.pdf"),
    )


def file_urls(photo, document):
    """Every URL a page can hand out for these files: original, each template rendition, document."""
    urls = [photo.original_url, document.url]
    urls += [rendition.url for rendition in photo.get_renditions(*RENDITION_SPECS).values()]
    return urls


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_class_collection_is_created_with_the_class_page(class_page, school):
    collection = page_collection(class_page)
    assert collection is not None
    assert collection.get_parent() == page_collection(school)


def test_parent_of_the_class_gets_original_renditions_and_document(client, class_page, class_photo, class_document):
    parent, _pupil = make_parent(class_page)
    client.force_login(parent)
    for url in file_urls(class_photo, class_document):
        response = client.get(url)
        assert response.status_code == 200, url
        assert len(body(response)) > 0
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_parent_of_another_class_gets_404_for_every_file(client, class_page, other_class, class_photo, class_document):
    parent, _pupil = make_parent(other_class)
    client.force_login(parent)
    for url in file_urls(class_photo, class_document):
        assert client.get(url).status_code == 404, url


def test_anonymous_visitor_is_sent_to_login_for_every_file(client, class_photo, class_document):
    for url in file_urls(class_photo, class_document):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("ent_pages:login"))


def test_logged_out_browser_with_urls_copied_from_the_page_gets_nothing(client, class_page, class_photo, class_document):
    parent, _pupil = make_parent(class_page)
    client.force_login(parent)
    page = client.get(class_page.url)
    assert page.status_code == 200
    html = page.content.decode()
    copied = set(re.findall(r'(?:src|href)="(/fichiers/[^"]+)"', html))
    assert any("/fichiers/images/" in url for url in copied)
    assert class_document.url in copied
    for url in copied:
        assert client.get(url).status_code == 200, url
    client.logout()
    for url in copied | {class_photo.original_url}:
        response = client.get(url)
        assert response.status_code == 302, url
        assert b"JFIF" not in response.content and b"%PDF" not in response.content


def test_stored_files_are_outside_any_public_folder(settings, class_photo, class_document):
    private_root = str(settings.PRIVATE_MEDIA_ROOT)
    assert class_photo.file.path.startswith(private_root)
    assert class_document.file.path.startswith(private_root)
    for rendition in class_photo.renditions.all():
        assert rendition.file.path.startswith(private_root)
    assert not private_root.startswith(str(settings.MEDIA_ROOT))
    assert not private_root.startswith(str(settings.STATIC_ROOT))


def test_original_saved_from_code_is_cleaned_and_downscaled_to_the_maximum_long_side(class_page, settings):
    settings.PREAU_IMAGE_MAX_LONG_SIDE = 800
    photo = PrivateImage.objects.create(
        title="Kermesse", collection=page_collection(class_page),
        file=ContentFile(photo_bytes(size=(1200, 900)), name="kermesse.jpg"),
    )
    with photo.open_file() as f:
        data = f.read()
    assert not has_exif(data)
    assert (photo.width, photo.height) == (800, 600)


def test_renditions_used_by_templates_are_ready_after_upload(class_photo):
    assert set(class_photo.renditions.values_list("filter_spec", flat=True)) >= set(RENDITION_SPECS)
