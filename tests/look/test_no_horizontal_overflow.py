"""A look worthy of a city's service: no audited page scrolls sideways on a 360 px phone (headless Chromium).

Uses Debian's Chromium and the Python Playwright driver (no browser download); skipped without them.
"""

import datetime

import pytest
from django.urls import reverse

from tests.browser import browser_marks, import_playwright, log_in

import_playwright()
pytestmark = browser_marks()

PHONE = {"width": 360, "height": 740}
SENT = datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def audited_school(city, school, class_page):
    """A small school with something on every audited page: posts, a reply slip, homework, events, resources."""
    from class_blog import notes as note_service
    from class_blog.models import AnswerKind
    from periscolaire.models import GalleryPage
    from periscolaire.spaces import ensure_clae_space
    from resources.demo import seed as seed_resources
    from school_calendar.models import Event
    from tests.factories import ClassPostPageFactory, HomeworkEntryFactory, make_parent, make_teacher

    parent, _child = make_parent(class_page, username="parent.audit")
    teacher = make_teacher(class_page, username="enseignante.audit")
    post = ClassPostPageFactory(parent=class_page, title="Une sortie au musée des Augustins avec un titre très long",
                                body=[("paragraph", "<p>" + "Texte " * 80 + "</p>")])
    note = note_service.send_note(
        teacher, title="Autorisation de sortie", text="Jeudi, sortie au musée.", class_page=class_page,
        answer_kind=AnswerKind.CHOICE, question="Votre enfant peut-il venir ?",
        answer_choices="Oui, il vient\nNon, il ne vient pas", respond_by=datetime.date.today() + datetime.timedelta(days=3),
        scheduled_for=SENT, now=SENT,  # a weekday morning: delivered whatever the hour the suite runs
    )
    HomeworkEntryFactory(class_page=class_page, due_on=datetime.date.today() + datetime.timedelta(days=1))
    Event.objects.create(page=class_page, title="Sortie au musée", starts_on=datetime.date.today() + datetime.timedelta(days=2))
    clae = ensure_clae_space(school)
    gallery = clae.add_child(instance=GalleryPage(title="Carnaval", slug="carnaval"))
    seed_resources(city)
    from resources.models import ResourceIndexPage, WorkbookPage

    return {
        "parent": parent, "teacher": teacher,
        "anonymous": ["/", "/connexion/", "/activation/", school.url, ResourceIndexPage.objects.get().url,
                      WorkbookPage.objects.first().url],
        "parent_pages": ["/mon-espace/", class_page.url, post.url, clae.url, gallery.url,
                         reverse("class_blog:note_detail", args=[note.pk]), reverse("class_blog:note_list"),
                         reverse("class_blog:homework_todo"), reverse("school_calendar:my_calendar"),
                         reverse("school_calendar:subscription"), reverse("periscolaire:my_image_consents"),
                         reverse("search:search") + "?q=musée"],
        "teacher_pages": ["/mon-espace/", class_page.url, reverse("class_blog:note_create"),
                          reverse("class_blog:note_detail", args=[note.pk]), reverse("class_blog:homework_quick_entry"),
                          reverse("school_calendar:event_create")],
    }


def _overflowing(browser, base_url, paths, user=None):
    context = browser.new_context(viewport=PHONE)
    if user is not None:
        log_in(context, base_url, user)
    page = context.new_page()
    wide = {}
    for path in paths:
        response = page.goto(base_url + path)
        assert response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[path] = width
    context.close()
    return wide


def test_no_audited_page_scrolls_sideways_on_a_360_px_phone(browser, live_server, audited_school):
    assert _overflowing(browser, live_server.url, audited_school["anonymous"]) == {}
    assert _overflowing(browser, live_server.url, audited_school["parent_pages"], audited_school["parent"]) == {}
    assert _overflowing(browser, live_server.url, audited_school["teacher_pages"], audited_school["teacher"]) == {}
