"""A parent activates their account with the code of a letter, then acknowledges a note (mot à signer),
in headless Chromium: the whole path a family takes on its first evening, through the real forms."""

import datetime

from ent_pages import activation
from tests.browser import browser_marks, import_playwright, screenshot

import_playwright()
pytestmark = browser_marks()

SENT = datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC)
PASSWORD = "Cartable-Vert-2026"


def test_a_parent_activates_with_the_letter_code_and_acknowledges_a_note(browser, live_server, class_page):
    from class_blog import notes as note_service
    from class_blog.models import NoteRecipient
    from tests.factories import EnrolmentFactory, GuardianFactory, GuardianshipFactory, PupilFactory, make_teacher

    # The registry's family, without an account yet; the code made as the letters make it; a note waiting.
    guardian = GuardianFactory(user=None, first_name="Maëlle")
    pupil = PupilFactory(first_name="Timéo")
    EnrolmentFactory(pupil=pupil, class_page=class_page)
    GuardianshipFactory(guardian=guardian, pupil=pupil)
    code = activation.issue_codes(guardian_ids=[guardian.pk])[("guardian", guardian.pk)]
    note = note_service.send_note(
        make_teacher(class_page),
        title="Sortie au musée des Augustins",
        text="Jeudi, nous irons au musée. Merci de signer ce mot.",
        class_page=class_page,
        scheduled_for=SENT,
        now=SENT,
    )

    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server.url + "/connexion/")
    page.get_by_role("link", name="Activer mon compte").click()
    page.get_by_label("Code d'activation").fill(code.lower().replace("-", " "))  # as typed from the letter
    page.get_by_label("Votre adresse e-mail (ce sera votre identifiant)").fill("maelle@example.org")
    page.get_by_label("Choisissez un mot de passe").fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_label("J'accepte les conditions d'utilisation de Préau").check()
    page.get_by_role("button", name="Activer mon compte").click()

    # Activated and logged in: asked for image consent first, then home, where the note waits.
    page.wait_for_url("**/mon-espace/droit-a-l-image/")
    page.goto(live_server.url + "/mon-espace/")
    page.get_by_role("link", name="Sortie au musée des Augustins").first.click()
    page.get_by_role("button", name="J'ai pris connaissance").click()
    page.get_by_text("Vous avez pris connaissance de ce mot").wait_for()
    screenshot(page, "scenario-activation-note-acknowledged")
    context.close()

    # The browser is idle: what it did is read back.
    recipient = NoteRecipient.objects.select_related("guardian__user").get(note=note, pupil=pupil)
    assert recipient.guardian.user.username == "maelle@example.org"
    assert recipient.acknowledged_at is not None and recipient.acknowledged_by == recipient.guardian.user
