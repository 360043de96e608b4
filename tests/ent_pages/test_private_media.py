"""Private media: a class's photos and documents reach only those who may see the class page."""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from ent_pages.media.uploads import RENDITION_SPECS
from ent_pages.models import PrivateDocument, PrivateImage
from ent_pages.roles import page_collection
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


def test_teacher_and_director_of_the_school_get_the_class_files(client, class_page, school, class_photo, class_document):
    from tests.factories import make_director

    for user in (make_teacher(class_page), make_director(school)):
        client.force_login(user)
        for url in file_urls(class_photo, class_document):
            assert client.get(url).status_code == 200, (user, url)


def test_teacher_of_another_class_gets_404(client, other_class, class_photo, class_document):
    client.force_login(make_teacher(other_class))
    for url in file_urls(class_photo, class_document):
        assert client.get(url).status_code == 404, url


def test_city_photos_stay_public_and_cacheable(client, city):
    photo = PrivateImage.objects.create(
        title="Le parc", collection=page_collection(city), file=ContentFile(photo_bytes(), name="parc.jpg"),
    )
    response = client.get(photo.get_rendition("fill-320x240").url)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]


def test_files_outside_any_page_collection_are_for_their_managers_only(client, class_page):
    from wagtail.models import Collection

    loose = PrivateImage.objects.create(
        title="Sans page", collection=Collection.get_first_root_node(), file=ContentFile(photo_bytes(), name="x.jpg"),
    )
    parent, _pupil = make_parent(class_page)
    client.force_login(parent)
    assert client.get(loose.original_url).status_code == 404


def test_serving_a_private_rendition_costs_a_bounded_number_of_queries(
    client, class_page, class_photo, django_assert_max_num_queries
):
    parent, _pupil = make_parent(class_page)
    client.force_login(parent)
    url = class_photo.get_rendition("fill-320x240").url
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_class_page_lists_its_photos_and_documents_within_a_bounded_number_of_queries(
    client, class_page, class_photo, class_document, django_assert_max_num_queries
):
    parent, _pupil = make_parent(class_page)
    client.force_login(parent)
    with django_assert_max_num_queries(30):
        response = client.get(class_page.url)
    assert class_photo.get_rendition("fill-320x240").url in response.content.decode()
    assert class_document.url in response.content.decode()


def test_no_public_route_reaches_a_file(client, class_page, class_photo, class_document):
    """Wagtail's signed image serve view, its document serve view and media APIs are not routed,
    and no URL maps to the storage folders, even for a member of the class."""
    from django.urls import NoReverseMatch

    for name, args in (("wagtailimages_serve", ("sig", 1, "fill-10x10")), ("wagtaildocs_serve", (1, "x.pdf")),
                       ("wagtailapi:images:listing", ()), ("wagtailapi:documents:listing", ())):
        with pytest.raises(NoReverseMatch):
            reverse(name, args=args)
    parent, _pupil = make_parent(class_page)
    client.force_login(parent)
    for name in (class_photo.file.name, class_document.file.name, class_photo.renditions.first().file.name):
        for prefix in ("/media/", "/_private-media-is-never-public/", "/"):
            assert client.get(prefix + name).status_code == 404, prefix + name


def test_every_rendition_used_by_templates_is_generated_at_upload():
    """Templates' {% image %} specs must be in RENDITION_SPECS, so that a family's first view is fast."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    template_files = list(root.glob("*/templates/**/*.html")) + list(root.glob("site/preau/templates/**/*.html"))
    specs = set()
    for path in template_files:
        specs |= set(re.findall(r"{%\s*image\s+\S+\s+([\w|-]+)", path.read_text()))
    assert specs, "no {% image %} tag found: the scan is broken"
    assert specs <= set(RENDITION_SPECS), specs - set(RENDITION_SPECS)


def test_teacher_sees_class_photos_in_the_wagtail_admin(client, class_page, class_photo):
    client.force_login(make_teacher(class_page))
    response = client.get(reverse("wagtailimages:index"))
    assert response.status_code == 200
    thumbnail = class_photo.get_rendition("max-165x165").url
    assert thumbnail in response.content.decode()
    assert client.get(thumbnail).status_code == 200


def test_parent_whose_child_leaves_the_class_loses_its_files_at_once_despite_remembered_decisions(
    client, settings, class_page, class_photo, django_assert_max_num_queries
):
    from ent_pages.models import Enrolment

    settings.PREAU_MEDIA_ACCESS_CACHE_SECONDS = 60
    parent, pupil = make_parent(class_page)
    client.force_login(parent)
    url = class_photo.get_rendition("fill-320x240").url
    assert client.get(url).status_code == 200
    with django_assert_max_num_queries(3):  # session, user, rendition: the decision is remembered
        assert client.get(url).status_code == 200

    Enrolment.objects.filter(pupil=pupil).delete()

    assert client.get(url).status_code == 404
