"""Private media: a class's photos and documents reach a family only through a published page they may
see, over a link signed for their browser (ent_pages.access media rules, ent_pages.media.links)."""

import re

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse

from ent_pages.access import policy
from ent_pages.media import links
from ent_pages.media.uploads import RENDITION_SPECS
from ent_pages.models import PrivateDocument, PrivateImage
from ent_pages.roles import page_collection
from tests.factories import ClassPartnershipFactory, ClassPostPageFactory, make_parent, make_teacher
from tests.media_files import has_exif, pdf_bytes, photo_bytes
from tests.media_links import body, links_on, links_to, media_key, path_of, post_body

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


@pytest.fixture
def post(class_page, class_photo, class_document):
    """A published post of the class showing the photo and linking the document."""
    return ClassPostPageFactory(parent=class_page, title="Au musée", body=post_body(image=class_photo, document=class_document))


def test_class_collection_is_created_with_the_class_page(class_page, school):
    collection = page_collection(class_page)
    assert collection is not None
    assert collection.get_parent() == page_collection(school)


def test_parent_of_the_class_gets_exactly_the_files_its_published_pages_show(
    client, class_page, post, class_photo, class_document
):
    unused = PrivateImage.objects.create(title="Non publiée", collection=page_collection(class_page),
                                         file=ContentFile(photo_bytes(), name="non-publiee.jpg"))
    parent, _pupil = make_parent(class_page)
    client.force_login(parent)
    found = links_on(client, post.url) | links_on(client, class_page.url)
    assert links_to(found, photo=class_photo) and links_to(found, document=class_document)
    assert not links_to(found, photo=unused)
    for link in found:
        response = client.get(link)
        assert response.status_code == 200, link
        assert len(body(response)) > 0
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert policy.can_view_file(parent, class_photo) and policy.can_view_file(parent, class_document)
    assert not policy.can_view_file(parent, unused)


def test_files_only_in_the_class_collection_reach_no_family_but_its_editors(
    client, class_page, class_photo, class_document
):
    parent, _pupil = make_parent(class_page)
    client.force_login(parent)
    found = links_on(client, class_page.url)
    assert not links_to(found, photo=class_photo, document=class_document)
    assert not policy.can_view_file(parent, class_photo) and not policy.can_view_file(parent, class_document)
    teacher = class_photo.uploaded_by_user
    assert policy.can_view_file(teacher, class_photo) and policy.can_view_file(teacher, class_document)


def test_outsiders_get_nothing_for_the_class_files_whatever_url_they_hold(
    client, school, class_page, other_class, post, class_photo, class_document
):
    """Another class's parent, a partner class's parent (for files the blog does not show) and an
    anonymous visitor: no page gives them a link, and links copied from a member of the class, or
    rebuilt without a signature, are refused."""
    from tests.factories import ClassPageFactory, SchoolPageFactory

    hidden = PrivateDocument.objects.create(title="Autorisation de sortie", collection=page_collection(class_page),
                                            file=ContentFile(pdf_bytes(), name="autorisation.pdf"))
    class_page.welcome = f'<p><a linktype="document" id="{hidden.pk}">Autorisation</a></p>'
    class_page.save_revision().publish()
    member, _pupil = make_parent(class_page)
    client.force_login(member)
    member_links = links_on(client, post.url) | links_on(client, class_page.url)
    assert links_to(member_links, document=hidden)

    partner_class = ClassPageFactory(parent=SchoolPageFactory(parent=school.get_parent(), uai="0319999Z"), title="CE2-CM1")
    ClassPartnershipFactory(inviting_class=class_page, invited_class=partner_class)
    partner_parent, _ = make_parent(partner_class)
    other_parent, _ = make_parent(other_class)
    partner_view = None
    for outsider in (partner_parent, other_parent, None):
        client.logout()
        if outsider is not None:
            client.force_login(outsider)
        if outsider is partner_parent:  # the blog is theirs to read: its photo, not the class's other files
            partner_view = links_on(client, class_page.url) | links_on(client, post.url)
            assert not links_to(partner_view, document=hidden)
            assert not policy.can_view_file(outsider, hidden)
        else:
            assert client.get(class_page.url).status_code in (302, 404)
            assert client.get(post.url).status_code in (302, 404)
            for obj in (class_photo, class_document, hidden):
                assert not policy.can_view_file(outsider, obj)
        # Links copied from a member of the class (the partner parent: those the blog does not show
        # them), and the same URLs without a signature.
        held = {link for link in member_links if outsider is not partner_parent or link not in partner_view}
        assert held
        held |= {path_of(link) for link in held}
        for link in held:
            response = client.get(link)
            assert response.status_code in (403, 404), (outsider, link)
            assert b"JFIF" not in body(response) and b"%PDF" not in body(response)


def test_partner_class_parent_gets_the_blog_photos_only(client, school, class_page, post, class_photo):
    from periscolaire.models import GalleryPage, GalleryPhoto
    from tests.factories import ClassPageFactory

    gallery_photo = PrivateImage.objects.create(title="Atelier", collection=page_collection(class_page),
                                                file=ContentFile(photo_bytes(), name="atelier.jpg"))
    gallery = class_page.add_child(instance=GalleryPage(title="Atelier", slug="atelier",
                                                        photos=[GalleryPhoto(image=gallery_photo)]))
    partner_class = ClassPageFactory(parent=school, title="CE2")
    ClassPartnershipFactory(inviting_class=class_page, invited_class=partner_class)
    partner_parent, _ = make_parent(partner_class)
    client.force_login(partner_parent)
    found = links_on(client, post.url) | links_on(client, class_page.url)
    assert links_to(found, photo=class_photo)
    assert not links_to(found, photo=gallery_photo)
    assert client.get(gallery.url).status_code == 404
    assert policy.can_view_file(partner_parent, class_photo)
    assert not policy.can_view_file(partner_parent, gallery_photo)


def test_a_link_from_another_browser_an_expired_link_and_a_tampered_link_are_refused(client, class_page, post):
    from django.test import Client

    parent, _pupil = make_parent(class_page)
    client.force_login(parent)
    link = sorted(links_on(client, post.url))[0]
    assert client.get(link).status_code == 200
    other_browser = Client()
    other_browser.force_login(parent)  # the same parent, in another browser: another media key
    assert links_on(other_browser, post.url)
    assert media_key(other_browser) and media_key(other_browser) != media_key(client)
    assert other_browser.get(link).status_code == 403
    tampered = link.replace("?e=", "?e=9").replace("&s=", "&s=A")
    assert client.get(tampered).status_code == 403
    assert client.get(path_of(link)).status_code == 403
    with time_machine.travel(links.link_seconds() + 60 + __import__("time").time()):
        assert client.get(link).status_code == 403


def test_logging_in_gives_a_fresh_media_key_and_logging_out_stops_the_links(client, class_page, post):
    parent, _pupil = make_parent(class_page, username="parent.cle")
    parent.set_password("Motdepasse-2026")
    parent.save()
    client.cookies[links.COOKIE_NAME] = links.new_media_key()
    before = media_key(client)
    response = client.post(reverse("ent_pages:login"), {"username": "parent.cle", "password": "Motdepasse-2026"})
    assert response.status_code == 302
    cookie = response.cookies[links.COOKIE_NAME]
    assert cookie.value != before and cookie["httponly"] and cookie["samesite"] == "Lax"
    link = sorted(links_on(client, post.url))[0]
    assert client.get(link).status_code == 200
    client.post(reverse("ent_pages:logout"))
    assert media_key(client) == ""
    assert client.get(link).status_code == 403


def test_serving_a_file_reads_no_database(client, class_page, post, django_assert_num_queries):
    parent, _pupil = make_parent(class_page)
    client.force_login(parent)
    found = links_on(client, post.url)
    with django_assert_num_queries(0):
        for link in found:
            assert client.get(link).status_code == 200


def test_a_parent_whose_child_leaves_the_class_gets_no_new_link_and_old_ones_expire(client, class_page, post):
    from ent_pages.models import Enrolment

    parent, pupil = make_parent(class_page)
    client.force_login(parent)
    held = links_on(client, post.url)
    Enrolment.objects.filter(pupil=pupil).delete()
    assert client.get(post.url).status_code == 404
    assert not policy.can_view_file(parent, PrivateImage.objects.get())
    # The documented bound: links already handed out work in that browser until they expire.
    with time_machine.travel(links.link_seconds() + 60 + __import__("time").time()):
        for link in held:
            assert client.get(link).status_code == 403


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
        assert policy.can_view_file(user, class_photo) and policy.can_view_file(user, class_document)
        client.force_login(user)
        found = links_on(client, reverse("wagtailimages:index"))
        assert links_to(found, photo=class_photo)
        for link in links_to(found, photo=class_photo):
            assert client.get(link).status_code == 200, (user, link)


def test_teacher_of_another_class_gets_nothing(client, other_class, post, class_photo, class_document):
    teacher = make_teacher(other_class)
    assert not policy.can_view_file(teacher, class_photo) and not policy.can_view_file(teacher, class_document)
    client.force_login(teacher)
    assert client.get(post.url).status_code == 404


def test_city_photos_shown_by_the_public_home_are_public_and_cacheable(client, city):
    import json

    photo = PrivateImage.objects.create(
        title="Le parc", collection=page_collection(city), file=ContentFile(photo_bytes(), name="parc.jpg"),
    )
    city.body = json.dumps([{"type": "image", "value": {"image": photo.pk, "decorative": False, "alt_text": "parc"}}])
    city.save_revision().publish()
    assert policy.can_view_file(None, photo)
    found = links_on(client, city.url)
    assert links_to(found, photo=photo)
    for link in found:
        response = client.get(link)
        assert response.status_code == 200
        assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]


def test_files_outside_any_page_collection_are_for_their_managers_only(class_page):
    from wagtail.models import Collection

    loose = PrivateImage.objects.create(
        title="Sans page", collection=Collection.get_first_root_node(), file=ContentFile(photo_bytes(), name="x.jpg"),
    )
    parent, _pupil = make_parent(class_page)
    assert not policy.can_view_file(parent, loose)
    assert not policy.can_view_file(make_teacher(class_page), loose)


def test_class_page_lists_the_published_photos_and_documents_within_a_bounded_number_of_queries(
    client, class_page, post, class_photo, class_document, django_assert_max_num_queries
):
    parent, _pupil = make_parent(class_page)
    client.force_login(parent)
    with django_assert_max_num_queries(30):
        response = client.get(class_page.url)
    html = response.content.decode()
    assert f"/fichiers/images/{class_photo.pk}/" in html
    assert f"/fichiers/documents/{class_document.pk}/" in html


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
    client.get("/")
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
    found = links_on(client, reverse("wagtailimages:index"))
    thumbnails = links_to(found, photo=class_photo)
    assert thumbnails
    for link in thumbnails:
        assert client.get(link).status_code == 200
