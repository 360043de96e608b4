"""Every item of the API goes through the access policy: a parent reads their child's class, and another
class's posts, galleries, files, homework and notes answer 404 (as the HTML pages do)."""

import pytest
from django.core.files.base import ContentFile

from class_blog.notes import send_note
from ent_pages.models import PrivateImage
from ent_pages.roles import page_collection
from tests.api.conftest import ApiClient, client_for
from tests.factories import ClassPostPageFactory, HomeworkEntryFactory, make_parent, make_teacher
from tests.media_files import photo_bytes
from tests.media_links import post_body

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("school_day_morning")]


@pytest.fixture(autouse=True)
def _fresh_rendition_cache():
    """Wagtail caches renditions by image id; ids restart in every test database transaction."""
    from django.core.cache import cache

    cache.clear()


def class_life(class_page, label):
    """A class's post with a photo, a gallery with a photo, homework and a note to its families."""
    from periscolaire.models import GalleryPage, GalleryPhoto

    def photo(title):
        return PrivateImage.objects.create(
            title=title,
            collection=page_collection(class_page),
            file=ContentFile(photo_bytes(size=(800, 600)), name="photo.jpg"),
        )

    post_photo, gallery_photo = photo(f"Musée {label}"), photo(f"Atelier {label}")
    post = ClassPostPageFactory(parent=class_page, title=f"Au musée {label}", body=post_body(image=post_photo))
    gallery = class_page.add_child(
        instance=GalleryPage(
            title=f"Atelier {label}", slug=f"atelier-{label}", photos=[GalleryPhoto(image=gallery_photo)]
        )
    )
    homework = HomeworkEntryFactory(class_page=class_page, text=f"Lire {label}")
    return {
        "post": post,
        "gallery": gallery,
        "post_photo": post_photo,
        "gallery_photo": gallery_photo,
        "homework": homework,
        "teacher": make_teacher(class_page),
    }


@pytest.fixture
def two_classes(class_page, other_class):
    mine, theirs = class_life(class_page, "mine"), class_life(other_class, "theirs")
    parent, child = make_parent(class_page, first_name="Emma")
    make_parent(other_class)  # the other class has families too
    for life, page in ((mine, class_page), (theirs, other_class)):
        life["note"] = send_note(life["teacher"], title=f"Sortie {page.title}", text="Signez svp", class_page=page)
    return {"mine": mine, "theirs": theirs, "parent": parent, "child": child}


def test_a_parent_token_sees_their_child_class_posts_gallery_files_homework_and_notes(class_page, two_classes):
    mine, client = two_classes["mine"], client_for(two_classes["parent"])
    children = client.get("/api/v1/children/").json()["results"]
    assert [(c["first_name"], c["class_page"]["id"]) for c in children] == [("Emma", class_page.pk)]
    posts = client.get(f"/api/v1/classes/{class_page.pk}/posts/").json()
    assert [p["id"] for p in posts["results"]] == [mine["post"].pk]
    post = client.get(f"/api/v1/posts/{mine['post'].pk}/").json()
    assert [f["id"] for f in post["files"]] == [mine["post_photo"].pk]
    galleries = client.get(f"/api/v1/classes/{class_page.pk}/galleries/").json()
    assert [g["id"] for g in galleries["results"]] == [mine["gallery"].pk]
    gallery = client.get(f"/api/v1/galleries/{mine['gallery'].pk}/").json()
    assert [p["id"] for p in gallery["photos"]] == [mine["gallery_photo"].pk]
    # The links are signed for this device: they open with its media key, and not without it.
    link = gallery["photos"][0]["url"]
    assert link.startswith("/fichiers/") and "&s=" in link
    opened = client.get(link)
    assert opened.status_code == 200 and b"".join(opened.streaming_content if opened.streaming else [opened.content])
    assert ApiClient().get(link).status_code == 403
    assert client.get(f"/api/v1/files/images/{mine['post_photo'].pk}/").status_code == 200
    homework = client.get("/api/v1/homework/").json()
    assert [h["id"] for h in homework["results"]] == [mine["homework"].pk]
    notes = client.get("/api/v1/notes/").json()
    assert [(n["id"], n["acknowledged"]) for n in notes["results"]] == [(mine["note"].pk, False)]


def test_a_parent_gets_404_for_another_class_post_gallery_and_files(class_page, other_class, two_classes):
    theirs, client = two_classes["theirs"], client_for(two_classes["parent"])
    for url in (
        f"/api/v1/posts/{theirs['post'].pk}/",
        f"/api/v1/galleries/{theirs['gallery'].pk}/",
        f"/api/v1/files/images/{theirs['post_photo'].pk}/",
        f"/api/v1/files/images/{theirs['gallery_photo'].pk}/",
        f"/api/v1/classes/{other_class.pk}/posts/",
        f"/api/v1/classes/{other_class.pk}/galleries/",
        f"/api/v1/homework/?classe={other_class.pk}",
        f"/api/v1/notes/{theirs['note'].pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Pas trouvé.", "code": "not_found"}, url
        assert theirs["post"].title.encode() not in response.content
    assert client.post(f"/api/v1/notes/{theirs['note'].pk}/acknowledge/").status_code == 404
    # Nor does anything of the other class come through the lists.
    everything = b"".join(
        client.get(url).content
        for url in (
            "/api/v1/home/",
            "/api/v1/classes/",
            "/api/v1/homework/",
            "/api/v1/notes/",
            "/api/v1/search/?q=atelier",
        )
    )
    assert b"theirs" not in everything and theirs["post"].title.encode() not in everything


def test_a_parent_acknowledges_a_note_once(class_page, two_classes):
    note, client = two_classes["mine"]["note"], client_for(two_classes["parent"])
    first = client.post(f"/api/v1/notes/{note.pk}/acknowledge/")
    assert first.status_code == 200 and first.json() == {"id": note.pk, "acknowledged": True, "acknowledged_now": 1}
    again = client.post(f"/api/v1/notes/{note.pk}/acknowledge/").json()
    assert again == {"id": note.pk, "acknowledged": True, "acknowledged_now": 0}
    assert client.get(f"/api/v1/notes/{note.pk}/").json()["acknowledged"] is True
    assert client.get("/api/v1/home/").json()["pending_notes"] == []


def test_without_a_token_nothing_is_answered(class_page, two_classes):
    for url in ("/api/v1/me/", "/api/v1/home/", f"/api/v1/posts/{two_classes['mine']['post'].pk}/"):
        response = ApiClient().get(url)
        assert response.status_code == 401, url
        assert response.json()["detail"] == "Informations d'authentification non fournies."


def test_a_session_cookie_does_not_open_the_api(client, class_page, two_classes):
    client.force_login(two_classes["parent"])
    assert client.get("/api/v1/me/").status_code == 401
