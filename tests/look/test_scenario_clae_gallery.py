"""An animator uploads a gallery into the CLAE space in the admin and submits it; the CLAE director approves
it (periscolaire's moderation workflow); a parent of the school sees it then, and not before (headless
Chromium, the real staff login with the second factor)."""

from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser import (
    browser_marks,
    import_playwright,
    log_in,
    log_in_with_second_factor,
    open_footer_actions,
    screenshot,
)
from tests.factories import make_parent
from tests.media_files import photo_bytes

playwright = import_playwright()
pytestmark = browser_marks()

PASSWORD = "Un-mot-de-passe-2026"  # tests.factories.UserFactory


def test_an_animator_gallery_is_seen_by_the_school_parent_only_once_the_clae_director_approves_it(
    browser, live_server, school, class_page, tmp_path, settings
):
    from ent_pages.models import Role
    from periscolaire.models import GalleryPage, SchoolModeratorTask
    from periscolaire.spaces import ensure_clae_space
    from tests.periscolaire.conftest import make_staff

    clae = ensure_clae_space(school)
    animator = make_staff(school, Role.CLAE_ANIMATOR, "animatrice")
    director = make_staff(school, Role.CLAE_DIRECTOR, "directrice.clae")
    devices = {
        user.pk: TOTPDevice.objects.create(user=user, name="app", confirmed=True) for user in (animator, director)
    }
    parent, _child = make_parent(class_page, username="parent.ferry")
    photos = []
    for n, color in enumerate(((200, 80, 40), (40, 160, 90))):
        photos.append(tmp_path / f"carnaval-{n}.jpg")
        photos[-1].write_bytes(photo_bytes(size=(1200, 900), color=color))
    base = live_server.url
    # Wagtail's autosave would create the page while the form is being filled, racing the explicit save below
    # (two pages): these scenarios save by hand, as a teacher with autosave off would.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    expect = playwright.expect

    # The animator: a draft gallery in the CLAE space, two photos sent at once, then submitted.
    context = browser.new_context()
    page = context.new_page()
    log_in_with_second_factor(page, base, animator, devices[animator.pk], PASSWORD)
    page.goto(f"{base}/admin/pages/add/periscolaire/gallerypage/{clae.pk}/")
    page.locator("#id_title").fill("Carnaval du CLAE")
    page.locator("#id_activity").fill("Carnaval")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_url("**/edit/")
    page.get_by_role("link", name="Envoyer plusieurs photos à la fois").click()
    page.locator("#periscolaire-photos").set_input_files(photos)
    expect(page.locator(".periscolaire-upload__item.is-done")).to_have_count(2)
    page.get_by_role("link", name="Retour à la galerie (légendes, envoi en modération)").click()
    open_footer_actions(page)
    page.locator("footer button[name=action-submit]").click()
    page.wait_for_url(f"**/admin/pages/{clae.pk}/")
    context.close()

    gallery = GalleryPage.objects.child_of(clae).get()  # the browser is idle
    assert gallery.workflow_in_progress and not gallery.live

    # Before approval: the school's parent does not get it.
    family = browser.new_context()
    log_in(family, base, parent)
    page = family.new_page()
    assert page.goto(base + gallery.url).status == 404

    # The CLAE director approves it from the gallery's editor.
    staff = browser.new_context()
    review = staff.new_page()
    log_in_with_second_factor(review, base, director, devices[director.pk], PASSWORD)
    # What the editor will show the director, decided by the server from the database: the school
    # moderator task is current and does not lock her out.
    task = gallery.current_workflow_task.specific
    assert isinstance(task, SchoolModeratorTask) and not task.locked_for_user(gallery, director)
    assert review.goto(f"{base}/admin/pages/{gallery.pk}/edit/").status == 200
    open_footer_actions(review)
    review.locator("footer").get_by_role("button", name="Valider et Publier").click()
    approve = review.locator("form[action*='/approve/']")  # the approve dialog (with the consent list)
    approve.locator("button[type=submit]").click()
    approve.wait_for(state="detached")
    review.wait_for_load_state()
    staff.close()

    # Now the parent sees the gallery and its photos.
    assert page.goto(base + gallery.url).status == 200
    shown = page.locator("main img[src*='/fichiers/']")
    expect(shown).to_have_count(2)
    for n in range(2):
        shown.nth(n).evaluate("img => img.decode()")  # resolves once the photo is loaded and decoded
        assert shown.nth(n).evaluate("img => img.naturalWidth") > 0
    screenshot(page, "scenario-clae-gallery-seen-by-parent")
    family.close()
