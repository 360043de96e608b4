"""A pupil sees their class's blog and galleries, and nothing else: tried from the outside, per channel."""

import json

import pytest
from django.core.files.base import ContentFile

from class_blog.models import ClassBlogOptions, Comment, Note, NoteRecipient
from ent_pages.media import links
from ent_pages.media.uploads import RENDITION_SPECS
from ent_pages.models import PrivateImage
from ent_pages.roles import page_collection
from pupils.models import ClassPupilSettings
from resources.demo import seed as seed_resources
from resources.models import WorkbookPage, WorkbookProgress
from tests.factories import (
    ClassPartnershipFactory,
    ClassPostPageFactory,
    SchoolNewsPageFactory,
    make_parent,
    make_teacher,
)
from tests.media_files import photo_bytes
from tests.media_links import every_link, links_on, links_to, media_key, post_body

from .conftest import log_in_with_card, make_pupil

pytestmark = pytest.mark.django_db


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def own_post(class_page):
    return ClassPostPageFactory(parent=class_page, title="Nos semis de haricots")


@pytest.fixture
def other_post(other_class):
    return ClassPostPageFactory(parent=other_class, title="Sortie au zoo des girafes")


def photo(page):
    return PrivateImage.objects.create(title="Photo", collection=page_collection(page),
                                       file=ContentFile(photo_bytes(size=(800, 600)), name="p.jpg"))


def test_pupil_reads_a_post_of_their_class(pupil_client, own_post):
    assert pupil_client.get(own_post.url).status_code == 200


def test_pupil_cannot_open_another_class_post_or_page(pupil_client, other_post, other_class):
    assert pupil_client.get(other_post.url).status_code == 404
    assert pupil_client.get(other_class.url).status_code == 404


def test_pupil_cannot_open_another_class_files(pupil_client, class_page, other_class):
    mine, theirs = photo(class_page), photo(other_class)
    own_post = ClassPostPageFactory(parent=class_page, title="Nos dessins", body=post_body(image=mine))
    their_post = ClassPostPageFactory(parent=other_class, title="Leurs dessins", body=post_body(image=theirs))
    own_links = links_to(links_on(pupil_client, own_post.url), photo=mine)
    assert own_links and all(pupil_client.get(link).status_code == 200 for link in own_links)
    assert pupil_client.get(their_post.url).status_code == 404  # no page, so no link to its photos
    # Links signed for this tablet's browser, or made by someone else, open nothing of the other class.
    key = media_key(pupil_client)
    for url in every_link(theirs, "", RENDITION_SPECS) + [theirs.original_url]:
        assert pupil_client.get(url).status_code in (403, 404), url
    assert pupil_client.get(links.signed_url(mine, key)).status_code == 200


def test_pupil_cannot_open_a_members_only_section_of_their_school(pupil_client, school):
    news = SchoolNewsPageFactory(parent=school, title="Kermesse de l'école")
    assert pupil_client.get(news.url).status_code == 404


def test_pupil_search_never_returns_another_class(pupil_client, class_page, other_post):
    ClassPostPageFactory(parent=class_page, title="Nos girafes en papier")
    titles = [r["title"] for r in pupil_client.get("/recherche/api/", {"q": "girafes"}).json()["results"]]
    assert "Nos girafes en papier" in titles
    assert "Sortie au zoo des girafes" not in titles


def test_pupil_keeps_their_own_workbook_progress_but_never_reads_another_pupils(client, city, class_page, other_class):
    seed_resources(city)
    workbook = WorkbookPage.objects.get(slug="cahier-de-vacances-ce1")
    emma = make_pupil(class_page)
    leo = make_pupil(other_class, first_name="Léo", last_name="Martin", sequence=("coeur", "pomme", "fleur"))
    WorkbookProgress.objects.create(workbook=workbook, pupil=leo.account.pupil, answers={"x": [1]}, score=1, max_score=7)
    log_in_with_card(client, emma)
    url = workbook.url + "progression/"
    assert client.get(url, {"pupil": leo.account.pupil_id}).status_code == 404
    assert client.post(url, json.dumps({"pupil": leo.account.pupil_id, "answers": {}}),
                       content_type="application/json").status_code == 404
    response = client.post(url, json.dumps({"pupil": emma.account.pupil_id, "answers": {}}), content_type="application/json")
    assert response.status_code == 200
    assert WorkbookProgress.objects.get(pupil=emma.account.pupil).user == emma.account.user


def test_family_sees_the_progress_their_child_saved(client, city, class_page):
    seed_resources(city)
    workbook = WorkbookPage.objects.get(slug="cahier-de-vacances-ce1")
    emma = make_pupil(class_page)
    log_in_with_card(client, emma)
    client.post(workbook.url + "progression/", json.dumps({"pupil": emma.account.pupil_id, "answers": {}}),
                content_type="application/json")
    client.post("/eleve/fini/")
    from tests.factories import GuardianFactory, GuardianshipFactory, UserFactory

    parent = UserFactory()
    GuardianshipFactory(guardian=GuardianFactory(user=parent), pupil=emma.account.pupil)
    client.force_login(parent)
    answer = client.get(workbook.url + "progression/", {"pupil": emma.account.pupil_id}).json()
    assert answer["max"] == 7


@pytest.mark.parametrize("url", ["/mon-espace/", "/mon-espace/droit-a-l-image/", "/vie-de-classe/mots/",
                                 "/vie-de-classe/devoirs/", "/admin/", "/activation/"])
def test_pupil_never_reaches_family_or_staff_areas(pupil_client, url):
    response = pupil_client.get(url)
    assert response.status_code == 302 and response["Location"] == "/eleve/mon-espace/"


def test_pupil_cannot_open_a_note_meant_for_families(client, class_page):
    emma = make_pupil(class_page)
    parent, pupil = make_parent(class_page)
    note = Note.objects.create(class_page=class_page, school=class_page.get_parent().specific, title="Sortie",
                               text="Signez", sender=make_teacher(class_page))
    NoteRecipient.objects.create(note=note, pupil=pupil, guardian=pupil.guardianships.first().guardian)
    log_in_with_card(client, emma)
    assert client.get(f"/vie-de-classe/mots/{note.pk}/").status_code == 302


def test_pupil_never_sees_nor_writes_comments(pupil_client, class_page, own_post):
    ClassBlogOptions.objects.create(class_page=class_page, comments_enabled=True, trust_comments=True)
    parent, _pupil = make_parent(class_page)
    Comment.objects.create(post=own_post, author=parent, text="Bravo les enfants, quel beau potager", approved=True)
    html = pupil_client.get(own_post.url).content.decode()
    assert "quel beau potager" not in html
    response = pupil_client.post(f"/vie-de-classe/commentaires/billet/{own_post.pk}/", {"text": "coucou"})
    assert response.status_code == 302 and Comment.objects.count() == 1


def test_family_still_sees_the_comments(client, class_page, own_post):
    ClassBlogOptions.objects.create(class_page=class_page, comments_enabled=True, trust_comments=True)
    parent, _pupil = make_parent(class_page)
    Comment.objects.create(post=own_post, author=parent, text="Bravo les enfants, quel beau potager", approved=True)
    client.force_login(parent)
    assert "quel beau potager" in client.get(own_post.url).content.decode()


def test_teacher_hiding_the_blog_closes_the_posts_to_pupils(pupil_client, class_page, own_post):
    ClassPupilSettings.objects.create(class_page=class_page, show_blog=False)
    from ent_pages.access import policy

    policy.bump_access_version()
    assert pupil_client.get(own_post.url).status_code == 404


def test_partner_blog_is_open_to_pupils_only_when_the_teacher_opens_it(client, class_page, other_class):
    ClassPartnershipFactory(inviting_class=other_class, invited_class=class_page)
    partner_post = ClassPostPageFactory(parent=other_class, title="Lettre aux correspondants")
    emma = make_pupil(class_page)
    log_in_with_card(client, emma)
    assert client.get(partner_post.url).status_code == 404
    ClassPupilSettings.objects.create(class_page=class_page, show_partners=True)
    from ent_pages.access import policy

    policy.bump_access_version()
    assert client.get(partner_post.url).status_code == 200


def test_pupil_whose_class_turned_accounts_off_is_logged_out(pupil_client, class_page, own_post):
    ClassPupilSettings.objects.create(class_page=class_page, accounts_enabled=False)
    from ent_pages.access import policy

    policy.bump_access_version()
    assert pupil_client.get(own_post.url).status_code == 404
    assert pupil_client.get("/eleve/mon-espace/")["Location"] == "/eleve/"


def test_pupil_sees_their_class_gallery_and_its_photos_but_not_another_class_gallery(pupil_client, class_page, other_class):
    from periscolaire.media import gallery_collection
    from periscolaire.models import GalleryPage, GalleryPhoto

    galleries = {}
    for page in (class_page, other_class):
        gallery = page.add_child(instance=GalleryPage(title=f"Piscine {page.title}", slug="piscine"))
        image = PrivateImage.objects.create(title="p", collection=gallery_collection(gallery),
                                            file=ContentFile(photo_bytes(size=(400, 300)), name="p.jpg"))
        GalleryPhoto.objects.create(page=gallery, image=image)
        gallery.save_revision().publish()  # the photo is in the published gallery
        galleries[page.pk] = (gallery, image)
    own, own_image = galleries[class_page.pk]
    theirs, their_image = galleries[other_class.pk]
    own_links = links_to(links_on(pupil_client, own.url), photo=own_image)
    assert own_links and all(pupil_client.get(link).status_code == 200 for link in own_links)
    assert "Piscine CE1 B" in pupil_client.get("/eleve/mon-espace/").content.decode()
    assert pupil_client.get(theirs.url).status_code == 404
    assert pupil_client.get(their_image.original_url).status_code in (403, 404)


def test_elasticsearch_clauses_of_a_pupil_name_only_their_class(client, class_page, other_class, emma):
    from ent_pages.access import policy

    clauses = policy.index_clauses(emma.account.user)
    paths = {path for clause in clauses for path in clause.get("section_path", [])}
    assert paths == {class_page.path}
    assert all(clause.get("partners") == [True] for clause in clauses if "section_path" in clause)
    # Of the school, only the sections its directors marked for pupils (documents flagged "pupils").
    school_clauses = [clause for clause in clauses if "school_path" in clause]
    assert all(clause.get("pupils") == [True] and clause["school_path"] == [class_page.get_parent().path]
               for clause in school_clauses)
