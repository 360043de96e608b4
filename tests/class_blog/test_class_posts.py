"""The class blog: posts, projects, listing on the class page."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from wagtail.embeds.blocks import EmbedValue
from wagtail.test.utils.wagtail_factories import ImageFactory

from class_blog.blocks import VideoBlock
from class_blog.models import ClassPostPage, ClassProjectPage
from ent_pages.models import ClassPage
from tests.factories import ClassPostPageFactory, ClassProjectPageFactory, make_parent, make_teacher

pytestmark = pytest.mark.django_db


def test_posts_and_projects_live_under_a_class():
    assert ClassPostPage in ClassPage.allowed_subpage_models()
    assert ClassProjectPage in ClassPage.allowed_subpage_models()
    assert ClassPostPage in ClassProjectPage.allowed_subpage_models()
    assert set(ClassPostPage.allowed_parent_page_models()) == {ClassPage, ClassProjectPage}


def test_class_page_lists_posts_newest_first_and_paginates(client, class_page):
    parent, _ = make_parent(class_page)
    for day in range(1, 13):
        ClassPostPageFactory(parent=class_page, title=f"Jour {day:02d}", date=datetime.date(2026, 10, day))
    client.force_login(parent)
    response = client.get(class_page.url)
    titles = [p.title for p in response.context["posts_page"]]
    assert titles[:3] == ["Jour 12", "Jour 11", "Jour 10"]
    assert len(titles) == 10
    second = client.get(class_page.url, {"page": 2})
    assert [p.title for p in second.context["posts_page"]] == ["Jour 02", "Jour 01"]


def test_class_page_filters_posts_by_project_and_tag(client, class_page):
    parent, _ = make_parent(class_page)
    garden = ClassProjectPageFactory(parent=class_page, title="Le potager")
    ClassPostPageFactory(parent=garden, title="Nos semis", tags=["jardin"])
    ClassPostPageFactory(parent=class_page, title="Sortie au musée", tags=["sortie"])
    client.force_login(parent)

    by_project = client.get(class_page.url, {"projet": garden.pk})
    assert [p.title for p in by_project.context["posts_page"]] == ["Nos semis"]
    assert by_project.context["posts_page"][0].project == garden
    by_tag = client.get(class_page.url, {"etiquette": "sortie"})
    assert [p.title for p in by_tag.context["posts_page"]] == ["Sortie au musée"]
    everything = client.get(class_page.url)
    assert {p.title for p in everything.context["posts_page"]} == {"Nos semis", "Sortie au musée"}
    assert {t.slug for t in everything.context["tags"]} == {"jardin", "sortie"}


def test_class_page_query_count_does_not_grow_with_posts(client, class_page, django_assert_max_num_queries):
    parent, _ = make_parent(class_page)
    project = ClassProjectPageFactory(parent=class_page)
    for i in range(25):
        ClassPostPageFactory(parent=project if i % 2 else class_page, tags=[f"tag{i % 4}", "classe"])
    client.force_login(parent)
    client.get(class_page.url)  # warm caches (content types, site root)
    with django_assert_max_num_queries(20):
        response = client.get(class_page.url)
    assert response.status_code == 200


def test_parent_of_another_class_cannot_open_a_post(client, class_page, other_class):
    post = ClassPostPageFactory(parent=class_page)
    outsider, _ = make_parent(other_class)
    client.force_login(outsider)
    assert client.get(post.url).status_code == 404
    assert client.get(class_page.url).status_code == 404


def test_anonymous_visitor_is_sent_to_login_for_a_post(client, class_page):
    post = ClassPostPageFactory(parent=class_page)
    response = client.get(post.url)
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_post_with_images_and_gallery_renders_for_a_parent(client, class_page):
    image = ImageFactory()
    post = ClassPostPageFactory(parent=class_page, body=json.dumps([
        {"type": "paragraph", "value": "<p>Nous avons visité le musée.</p>"},
        {"type": "image", "value": {"image": {"image": image.pk, "alt_text": "La classe", "decorative": False}, "caption": "Devant le musée"}},
        {"type": "gallery", "value": {"title": "Photos", "images": [{"image": image.pk, "alt_text": "Photo", "decorative": False}]}},
        {"type": "quote", "value": {"text": "C'était super", "attribution": "Emma"}},
    ]))
    parent, _ = make_parent(class_page)
    client.force_login(parent)
    response = client.get(post.url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Devant le musée" in content and "Nous avons visité le musée." in content
    assert response["Cache-Control"].count("private")


def test_project_shows_its_posts_as_a_timeline(client, class_page):
    teacher = make_teacher(class_page)
    project = ClassProjectPageFactory(parent=class_page, title="Le potager")
    ClassPostPageFactory(parent=project, title="Récolte", date=datetime.date(2026, 6, 1))
    ClassPostPageFactory(parent=project, title="Semis", date=datetime.date(2026, 3, 1))
    client.force_login(teacher)
    response = client.get(project.url)
    assert [p.title for p in response.context["timeline"]] == ["Semis", "Récolte"]


@pytest.mark.parametrize("url", [
    "https://www.youtube.com/watch?v=abc", "https://vimeo.com/123", "https://tube-numerique-educatif.apps.education.fr/w/x",
])
def test_video_from_an_allowed_provider_is_accepted(url):
    assert VideoBlock().clean(EmbedValue(url)).url == url


@pytest.mark.parametrize("url", ["https://evil.example/video", "http://www.youtube.com/watch?v=abc", "https://youtube.com.evil.example/x"])
def test_video_from_another_host_is_refused(url):
    with pytest.raises(ValidationError):
        VideoBlock().clean(EmbedValue(url))


def test_teacher_can_write_a_post_in_the_admin(client, class_page):
    teacher = make_teacher(class_page)
    client.force_login(teacher)
    response = client.get(f"/admin/pages/add/class_blog/classpostpage/{class_page.pk}/")
    assert response.status_code == 200
