"""Private answers are never cacheable: every URL pattern, asked by a logged-in user, answers
``Cache-Control: private, no-store`` with ``Vary: Cookie`` (unless its view declares it public)."""

import datetime
import re

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import URLResolver, get_resolver
from django.utils.cache import patch_cache_control
from wagtail.models import Collection

from class_blog import notes as note_service
from class_blog.models import ClassBlogOptions, Comment
from ent_pages.caching import PrivateResponsesMiddleware, public_response
from ent_pages.models import PrivateDocument, PrivateImage
from ent_pages.roles import page_collection
from tests.factories import (
    ClassPartnershipFactory,
    ClassPostPageFactory,
    HomeworkEntryFactory,
    UserFactory,
    make_parent,
    make_teacher,
)
from tests.media_files import pdf_bytes, photo_bytes

pytestmark = pytest.mark.django_db


def url_patterns(patterns=None, prefix="", namespace=""):
    """(route, name) of every URL pattern of the project, includes flattened."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}".strip(":") if pattern.namespace else namespace
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            yield prefix + str(pattern.pattern), f"{namespace}:{pattern.name or ''}".strip(":")


class World:
    """One object of each kind the app's URLs name, in one class."""

    def __init__(self, class_page, school, other_school):
        from tests.factories import ClassPageFactory

        self.class_page, self.school = class_page, school
        self.teacher = make_teacher(class_page)
        self.parent, _ = make_parent(class_page)
        self.post = ClassPostPageFactory(parent=class_page, title="Le potager")
        ClassBlogOptions.objects.create(class_page=class_page, comments_enabled=True)
        self.comment = Comment.objects.create(post=self.post, author=self.parent, text="Bravo !")
        self.homework = HomeworkEntryFactory(class_page=class_page)
        self.note = note_service.send_note(self.teacher, title="Sortie", text="Signez", class_page=class_page,
                                           answer_kind="yes_no", question="Votre enfant participera-t-il ?")
        self.partnership = ClassPartnershipFactory(inviting_class=class_page,
                                                   invited_class=ClassPageFactory(parent=other_school))
        self.image = PrivateImage.objects.create(title="Photo", collection=page_collection(class_page),
                                                 file=ContentFile(photo_bytes(size=(300, 200)), name="photo.jpg"))
        self.document = PrivateDocument.objects.create(title="Liste", collection=page_collection(class_page),
                                                       file=ContentFile(pdf_bytes(), name="liste.pdf"))

    def value(self, name, kwarg):
        """A sensible value for a URL parameter of the pattern called `name`."""
        by_pattern = {
            ("class_blog:homework_delete", "pk"): self.homework.pk,
            ("class_blog:partnership_answer", "pk"): self.partnership.pk,
            ("class_blog:partnership_answer", "action"): "accepter",
            ("ent_pages:private_rendition", "filename"): self.image.get_rendition("max-800x600").file.name.rsplit("/", 1)[-1],
            ("ent_pages:private_image_original", "filename"): self.image.file.name.rsplit("/", 1)[-1],
            ("ent_pages:private_document", "filename"): self.document.file.name.rsplit("/", 1)[-1],
        }
        if (name, kwarg) in by_pattern:
            return by_pattern[(name, kwarg)]
        if name.startswith("class_blog:note_") and kwarg == "pk":
            return self.note.pk
        if name.startswith("class_blog:comment_") and kwarg == "pk":
            return self.comment.pk
        return {
            "class_id": self.class_page.pk, "school_id": self.school.pk, "post_id": self.post.pk,
            "image_id": self.image.pk, "document_id": self.document.pk, "doc_id": self.document.pk,
            "page_id": self.post.pk, "parent_page_id": self.class_page.pk, "page_pk": self.post.pk,
            "page_to_move_id": self.post.pk, "destination_id": self.class_page.pk, "object_id": self.post.pk,
            "pk": self.post.pk, "collection_id": Collection.get_first_root_node().pk,
            "app_label": "ent_pages", "app_name": "ent_pages", "content_type_app_name": "ent_pages",
            "model_name": "classpage", "content_type_model_name": "classpage",
            "action_name": "publish", "action": "publish", "filter_spec": "original",
            "uidb64": "MQ", "token": "set-password",
        }.get(kwarg, 1)

    def urls(self, route, name):
        """Concrete URLs for a route: its parameters filled in; Wagtail's page serving gets real pages."""
        if name == "wagtail_serve":
            return [self.school.url, self.class_page.url, self.post.url]
        if route.startswith("admin/^"):  # Wagtail admin's catch-all 404
            return ["/admin/nothing-here/"]
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: f"<{m.group(1)}>", route)  # regex groups
        route = route.replace("^", "").replace("$", "").replace("\\.", ".")
        return ["/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(self.value(name, m.group(1))), route)]


@pytest.fixture(autouse=True)
def _school_day():
    with time_machine.travel(datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC), tick=True):
        yield


@pytest.fixture
def world(class_page, school, other_school):
    return World(class_page, school, other_school)


def assert_private(response, url):
    assert response["Cache-Control"] == "private, no-store", (url, response.status_code, response.get("Cache-Control"))
    assert "Cookie" in response.get("Vary", ""), (url, response.get("Vary"))


def test_every_url_pattern_answers_a_logged_in_user_privately(client, world):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.raise_request_exception = False
    asked = 0
    for user in (admin, world.parent, world.teacher):
        client.force_login(user)
        for route, name in url_patterns():
            if (route.startswith("admin/") and user is not admin) or name.endswith("logout"):
                continue  # a logout's answer goes to an anonymous visitor
            for url in world.urls(route, name):
                response = client.get(url)
                asked += 1
                assert_private(response, url)
                if not route.startswith("admin/"):
                    assert response.status_code < 500, (url, response.status_code)
    assert asked > 300


def test_the_app_urls_are_reached_with_sensible_parameters(client, world):
    """The parameters above reach the views (not a 404 page): the header test covers real answers."""
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    reached = {name: client.get(world.urls(route, name)[0]).status_code
               for route, name in url_patterns() if route.startswith(("vie-de-classe/", "fichiers/", "mon-espace/"))}
    assert {name for name, status in reached.items() if status == 404} == set(), reached


def test_family_pages_named_in_the_issue_are_private(client, world):
    client.force_login(world.parent)
    for url in ("/mon-espace/", f"/vie-de-classe/classe/{world.class_page.pk}/devoirs/",
                f"/vie-de-classe/mots/{world.note.pk}/", "/mon-espace/droit-a-l-image/", world.post.url):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_private(response, url)


def test_a_view_declared_public_keeps_its_cache_headers():
    @public_response
    def city_logo(request):
        response = HttpResponse("logo")
        patch_cache_control(response, public=True, max_age=3600)
        return response

    def page(request):
        response = HttpResponse("page")
        patch_cache_control(response, public=True, max_age=3600)
        return response

    request = RequestFactory().get("/")
    request.user = UserFactory()
    assert PrivateResponsesMiddleware(city_logo)(request)["Cache-Control"] == "public, max-age=3600"
    assert PrivateResponsesMiddleware(page)(request)["Cache-Control"] == "private, no-store"


def test_anonymous_answers_are_left_to_their_views(client, world):
    response = client.get(world.school.url)
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
