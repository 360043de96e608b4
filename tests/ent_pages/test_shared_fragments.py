"""A class page's and a school page's HTML is remembered per audience (issue 12), never across audiences.

ent_pages.page_cache keeps the rendered body of a page per (page, audience, access version, content
versions, language, per-viewer values). These tests look from the outside, as browsers: what one
viewer was sent must never reach a viewer the policy shows something else, a change must show at the
next request, and the file links in remembered HTML must be signed for the browser that receives them.
"""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from class_blog.models import ClassPostPage
from ent_pages.models import Guardianship, PrivateDocument
from ent_pages.roles import page_collection
from tests.clients import browser, page_text
from tests.factories import ClassPageFactory, ClassPostPageFactory, make_director, make_parent, make_teacher
from tests.media_files import pdf_bytes
from tests.media_links import links_on, post_body

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production_lifetimes(settings):
    """Scopes and page content remembered as in production: a missing invalidation makes a test fail."""
    settings.PREAU_SCOPE_CACHE_SECONDS = 60
    settings.PREAU_PAGE_CACHE_SECONDS = 600


def _document(class_page, title):
    return PrivateDocument.objects.create(
        title=title, collection=page_collection(class_page), file=ContentFile(pdf_bytes(), name="doc.pdf")
    )


def _post_with_document(class_page, title, document_title):
    document = _document(class_page, document_title)
    return ClassPostPageFactory(parent=class_page, title=title, body=post_body(document=document))


def test_a_parent_of_one_class_is_never_sent_what_another_class_s_families_were_shown(school, class_page):
    other_class = ClassPageFactory(parent=school, title="CM2 Hirondelles")
    _post_with_document(class_page, "Sortie à la ferme", "Autorisation ferme")
    _post_with_document(other_class, "Visite du musée", "Autorisation musée")
    ours, theirs = browser(make_parent(class_page)[0]), browser(make_parent(other_class)[0])

    ours_page = page_text(ours, class_page.url)  # remembered now for the class's families
    theirs_page = page_text(theirs, other_class.url)
    assert "Sortie à la ferme" in ours_page and "Visite du musée" not in ours_page
    assert "Visite du musée" in theirs_page and "Sortie à la ferme" not in theirs_page
    assert theirs.get(class_page.url).status_code == 404
    ours_school, theirs_school = page_text(ours, school.url), page_text(theirs, school.url)
    assert class_page.title in ours_school and other_class.title not in ours_school
    assert other_class.title in theirs_school and class_page.title not in theirs_school


def test_what_a_teacher_is_offered_on_the_class_page_never_reaches_a_family(class_page):
    _post_with_document(class_page, "Sortie à la ferme", "Autorisation ferme")
    teacher, parent = browser(make_teacher(class_page)), browser(make_parent(class_page)[0])
    note_form = reverse("class_blog:note_create")
    for first in (teacher, parent):
        first.get(class_page.url)  # remembered for the audience, with what `first` is offered
        family_page, teacher_page = page_text(parent, class_page.url), page_text(teacher, class_page.url)
        assert "Sortie à la ferme" in family_page and "Sortie à la ferme" in teacher_page
        assert note_form not in family_page and note_form in teacher_page
        assert "staff-actions" not in family_page and "staff-actions" in teacher_page


def test_a_post_unpublished_leaves_the_class_page_with_its_file_at_the_next_request(class_page):
    post = _post_with_document(class_page, "Sortie à la ferme", "Autorisation ferme")
    parent = browser(make_parent(class_page)[0])
    assert "Autorisation ferme" in page_text(parent, class_page.url)  # remembered now
    assert any("/documents/" in link for link in links_on(parent, class_page.url))

    ClassPostPage.objects.get(pk=post.pk).unpublish()

    page = page_text(parent, class_page.url)
    assert "Sortie à la ferme" not in page and "Autorisation ferme" not in page
    assert not any("/documents/" in link for link in links_on(parent, class_page.url))


def test_a_class_page_edited_and_published_shows_its_new_title_at_the_next_request(school, class_page):
    parent = browser(make_parent(class_page)[0])
    assert class_page.title in page_text(parent, class_page.url)
    class_page.title = "CE1 Les Explorateurs"
    class_page.save_revision().publish()
    assert "CE1 Les Explorateurs" in page_text(parent, class_page.url)
    assert "CE1 Les Explorateurs" in page_text(parent, school.url)


def test_a_revoked_guardianship_hides_the_class_and_its_files_at_the_next_request(school, class_page):
    _post_with_document(class_page, "Sortie à la ferme", "Autorisation ferme")
    user, pupil = make_parent(class_page)
    stays = browser(make_parent(class_page)[0])  # another family keeps the remembered page warm
    parent = browser(user)
    assert "Sortie à la ferme" in page_text(parent, class_page.url)
    assert class_page.title in page_text(parent, school.url)

    Guardianship.objects.filter(guardian__user=user, pupil=pupil).delete()

    assert parent.get(class_page.url).status_code == 404
    assert class_page.title not in page_text(parent, school.url)
    assert "Sortie à la ferme" in page_text(stays, class_page.url)


def test_remembered_html_is_the_page_the_viewer_would_be_sent_afresh(settings, school, class_page):
    _post_with_document(class_page, "Sortie à la ferme", "Autorisation ferme")
    parent = browser(make_parent(class_page)[0])
    make_director(school)

    def without_signatures(text):  # nor the CSRF token of the logout form, masked afresh on each answer
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", text)
        return re.sub(r"\?e=\d+&amp;s=[A-Za-z0-9_-]+", "?signed", text)

    for url in (class_page.url, school.url):
        remembered_first, remembered_again = page_text(parent, url), page_text(parent, url)
        settings.PREAU_PAGE_CACHE_SECONDS = 0
        fresh = page_text(parent, url)
        settings.PREAU_PAGE_CACHE_SECONDS = 600
        assert "preau-link-" not in remembered_again
        assert without_signatures(remembered_again) == without_signatures(fresh) == without_signatures(remembered_first)


def test_a_remembered_page_s_links_are_signed_afresh_for_each_browser(class_page):
    _post_with_document(class_page, "Sortie à la ferme", "Autorisation ferme")
    user = make_parent(class_page)[0]
    first, second = browser(user), browser(user)  # the same family on two devices
    first_links = {link for link in links_on(first, class_page.url) if "/documents/" in link}
    second_links = {link for link in links_on(second, class_page.url) if "/documents/" in link}
    assert first_links and second_links and first_links.isdisjoint(second_links)
    assert all(second.get(link).status_code == 200 for link in second_links)
    assert all(first.get(link).status_code == 403 for link in second_links)


def test_text_that_looks_like_a_link_placeholder_is_never_signed(class_page):
    document = _document(class_page, "Autorisation ferme")
    path = f"/fichiers/documents/{document.pk}/doc.pdf"
    ClassPostPageFactory(parent=class_page, title=f"preau-link-0-0- {path}")
    parent = browser(make_parent(class_page)[0])
    for _ in range(2):  # fresh, then remembered
        page = page_text(parent, class_page.url)
        assert "preau-link-0-0-" in page
        assert f"{path}?e=" not in page


def test_a_filtered_blog_is_built_for_its_viewer_and_not_remembered(class_page):
    ClassPostPageFactory(parent=class_page, title="Billet étiqueté", tags=["jardin"])
    ClassPostPageFactory(parent=class_page, title="Autre billet", tags=["lecture"])
    parent = browser(make_parent(class_page)[0])
    assert "Autre billet" in page_text(parent, class_page.url)
    filtered = page_text(parent, f"{class_page.url}?etiquette=jardin")
    assert "Billet étiqueté" in filtered and "Autre billet" not in filtered
    assert "Autre billet" in page_text(parent, class_page.url)


def test_whatever_a_section_works_out_per_viewer_is_never_shown_to_another_viewer(class_page):
    """Sections come from other apps' hooks: anything they put in the page's context varies the remembered HTML."""
    from wagtail import hooks

    teacher = make_teacher(class_page)
    first, second = make_parent(class_page, username="famille.martin")[0], make_parent(class_page, username="famille.petit")[0]

    def write_to_yourself(page, request, context):  # a per-viewer value, as conversations' links are
        context["write_teachers"] = [request.user]
        return None

    with hooks.register_temporarily("class_page_sections", write_to_yourself, order=100):
        first_page = page_text(browser(first), class_page.url)  # remembered for the class's families now
        second_page = page_text(browser(second), class_page.url)
        teacher_page = page_text(browser(teacher), class_page.url)
    assert f"?a=t{first.pk}-c{class_page.pk}" in first_page
    assert f"?a=t{second.pk}-c{class_page.pk}" in second_page and f"?a=t{first.pk}-" not in second_page
    assert f"?a=t{first.pk}-" not in teacher_page


def test_a_form_in_a_shared_fragment_carries_each_viewer_s_own_csrf_token(class_page, rf):
    """A section with a form (its CSRF token is the viewer's secret) is never remembered for the audience."""
    from django.middleware.csrf import get_token

    from ent_pages.page_cache import page_content

    first, second = make_parent(class_page, username="famille.martin")[0], make_parent(class_page, username="famille.petit")[0]
    sent = []
    for user in (first, second):
        request = rf.get(class_page.url)
        request.user, request.session = user, {}
        token = get_token(request)
        html = page_content(class_page, request).fragment(
            "with-a-form", [], lambda token=token: f'<form><input type="hidden" name="csrfmiddlewaretoken" value="{token}"></form>'
        )
        sent.append((token, html))
    (first_token, first_html), (second_token, second_html) = sent
    assert first_token in first_html
    assert second_token in second_html and first_token not in second_html


def test_a_fragment_without_a_form_is_remembered_for_the_audience(class_page, rf):
    """The counterpart: the same fragment without a form is rendered once for the class's families."""
    from ent_pages.page_cache import page_content

    renders = []
    parents = [make_parent(class_page, username=username)[0] for username in ("famille.martin", "famille.petit")]
    for parent in parents:
        request = rf.get(class_page.url)
        request.user, request.session = parent, {}
        html = page_content(class_page, request).fragment("no-form", [], lambda: renders.append(1) or "<p>Classe</p>")
        assert html == "<p>Classe</p>"
    assert renders == [1]
