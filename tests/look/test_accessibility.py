"""RGAA / WCAG 2.1 AA, the automated part: axe-core finds no serious or critical violation on any audited page.

One page of each type that the public, families, pupils and staff open (the admin pages teachers use most
included), in headless Chromium; each audited page leaves a screenshot in var/test-output/screenshots/.
The page types are those the accessibility statement lists (ent_pages.accessibility.AUDITED_PAGES).
"""

import datetime

import pytest
from django.core.signing import get_cookie_signer
from django.urls import reverse

from ent_pages.accessibility import audited_keys
from tests.axe import audit, describe, failing
from tests.browser import browser_marks, import_playwright, log_in, screenshot

import_playwright()
pytestmark = browser_marks()

SENT = datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def audited_city(city, school, class_page):
    """A small city with something on every audited page: posts, a note, homework, a gallery, resources, a pupil."""
    from class_blog import notes as note_service
    from class_blog.models import AnswerKind
    from ent_pages.legal import ensure_legal_pages
    from ent_pages.models import LegalPage
    from periscolaire.models import GalleryPage
    from periscolaire.spaces import ensure_clae_space
    from resources.demo import seed as seed_resources
    from resources.models import ResourceIndexPage, WorkbookPage
    from tests.factories import ClassPostPageFactory, HomeworkEntryFactory, make_parent, make_teacher
    from tests.pupils.conftest import make_pupil

    ensure_legal_pages(city)
    parent, _child = make_parent(class_page, username="parent.a11y")
    teacher = make_teacher(class_page, username="enseignante.a11y")
    post = ClassPostPageFactory(parent=class_page, title="Sortie au musée des Augustins",
                                body=[("paragraph", "<p>Nous avons vu des sculptures et des tableaux.</p>")])
    note = note_service.send_note(
        teacher, title="Autorisation de sortie", text="Jeudi, sortie au musée.", class_page=class_page,
        answer_kind=AnswerKind.CHOICE, question="Votre enfant peut-il venir ?",
        answer_choices="Oui, il vient\nNon, il ne vient pas", respond_by=datetime.date.today() + datetime.timedelta(days=3),
        scheduled_for=SENT, now=SENT,
    )
    HomeworkEntryFactory(class_page=class_page, due_on=datetime.date.today() + datetime.timedelta(days=1))
    gallery = ensure_clae_space(school).add_child(instance=GalleryPage(title="Carnaval", slug="carnaval"))
    seed_resources(city)
    card = make_pupil(class_page)
    return {
        "parent": parent, "teacher": teacher, "class_page": class_page, "card": card,
        "public": {
            "city_home": "/", "school": school.url, "resources": ResourceIndexPage.objects.get().url,
            "workbook": WorkbookPage.objects.first().url, "search": reverse("search:search") + "?q=musée",
            "legal": LegalPage.objects.first().url, "statement": reverse("ent_pages:accessibility"),
            "login": reverse("ent_pages:login"), "activation": reverse("ent_pages:activation"),
        },
        "family": {
            "my_space": reverse("ent_pages:my_space"), "class": class_page.url, "post": post.url, "gallery": gallery.url,
            "note": reverse("class_blog:note_detail", args=[note.pk]), "homework": reverse("class_blog:homework_todo"),
            "notifications": reverse("class_blog:notification_preferences"),
        },
        "staff": {
            "staff_my_space": reverse("ent_pages:my_space"), "note_create": reverse("class_blog:note_create"),
            "homework_entry": reverse("class_blog:homework_quick_entry"),
            "admin_post_edit": f"/admin/pages/{post.pk}/edit/", "admin_image_upload": "/admin/images/multiple/add/",
        },
    }


class Audit:
    """Opens pages in a browser context, runs axe-core on each, keeps a screenshot and the serious failures."""

    def __init__(self, base_url):
        self.base_url, self.failures, self.audited = base_url, {}, []

    def check(self, page, key):
        screenshot(page, f"accessibility-{key}")
        if found := failing(audit(page)):
            self.failures[f"{key} ({page.url.removeprefix(self.base_url)})"] = found
        self.audited.append(key)

    def pages(self, context, paths):
        page = context.new_page()
        for key, path in paths.items():
            response = page.goto(self.base_url + path)
            assert response.status == 200, (key, path, response.status)
            self.check(page, key)
        return page


def test_no_audited_page_has_a_serious_or_critical_accessibility_violation(browser, live_server, audited_city):
    from pupils.session import TABLET_COOKIE, TABLET_SALT

    run = Audit(live_server.url)
    city = audited_city

    anonymous = browser.new_context()
    run.pages(anonymous, city["public"])
    anonymous.close()

    family = browser.new_context()
    log_in(family, live_server.url, city["parent"])
    run.pages(family, city["family"])
    family.close()

    # A child on the class tablet: the class's first names, the pictures, the space; another device starts at the school.
    tablet = browser.new_context()
    class_page, card = city["class_page"], city["card"]
    tablet.add_cookies([{"name": TABLET_COOKIE, "url": live_server.url,
                         "value": get_cookie_signer(salt=TABLET_COOKIE + TABLET_SALT).sign(str(class_page.pk))}])
    page = tablet.new_page()
    page.goto(live_server.url + "/eleve/")  # the tablet goes straight to its class
    run.check(page, "pupil_class")
    page.get_by_role("link", name=card.account.user.first_name).click()
    run.check(page, "pupil_pictures")
    for picture in card.sequence:
        page.locator(f"button[value='{picture}']").click()
    page.wait_for_url("**/eleve/mon-espace/")
    run.check(page, "pupil_space")
    tablet.close()
    other_device = browser.new_context()
    run.pages(other_device, {"pupil_start": "/eleve/"})
    other_device.close()

    staff = browser.new_context()
    log_in(staff, live_server.url, city["teacher"])
    run.pages(staff, city["staff"])
    staff.close()

    assert run.failures == {}, "serious or critical axe-core violations:\n" + describe(run.failures)
    assert sorted(run.audited) == sorted(audited_keys()), "the statement lists the page types this test audits"
