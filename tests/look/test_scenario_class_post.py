"""A teacher writes a class post with a photo in the Wagtail admin and publishes it; the class's parent
sees the post and its photo (headless Chromium, the real login with the second factor)."""

from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser import (
    browser_marks,
    import_playwright,
    log_in,
    log_in_with_second_factor,
    open_footer_actions,
    screenshot,
)
from tests.factories import make_parent, make_teacher
from tests.media_files import photo_bytes

import_playwright()
pytestmark = browser_marks()

PASSWORD = "Un-mot-de-passe-2026"  # tests.factories.UserFactory


def test_a_teacher_publishes_a_post_with_a_photo_and_the_class_parent_sees_it(
    browser, live_server, class_page, tmp_path, settings
):
    from class_blog.models import ClassPostPage

    teacher = make_teacher(class_page, username="enseignante.ce1b")
    device = TOTPDevice.objects.create(user=teacher, name="app", confirmed=True)
    parent, _child = make_parent(class_page, username="parent.ce1b")
    photo = tmp_path / "semis.jpg"
    photo.write_bytes(photo_bytes(size=(1200, 900)))
    base = live_server.url
    # Wagtail's autosave would create the page while the form is being filled, racing the explicit save below
    # (two pages): these scenarios save by hand, as a teacher with autosave off would.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0

    context = browser.new_context()
    page = context.new_page()
    log_in_with_second_factor(page, base, teacher, device, PASSWORD)
    page.goto(f"{base}/admin/pages/add/class_blog/classpostpage/{class_page.pk}/")
    page.locator("#id_title").fill("Nos semis de haricots")
    page.get_by_title("Insérer un bloc").first.click()
    page.get_by_role("option", name="Image avec légende").click()
    page.get_by_role("button", name="Choisir une image").click()
    page.locator("#tab-label-upload").click()
    page.locator("#id_image-chooser-upload-file").set_input_files(photo)
    page.locator("#id_image-chooser-upload-title").fill("Nos semis")
    page.get_by_role("button", name="Transférer").click()
    page.locator(".modal-content").wait_for(state="detached")
    page.locator("[name=body-0-value-caption]").fill("Les premières pousses")
    open_footer_actions(page)
    page.get_by_role("button", name="Publier").click()
    page.wait_for_url(f"**/admin/pages/{class_page.pk}/")
    context.close()

    # The browser is idle: the post is read back from the database.
    post = ClassPostPage.objects.child_of(class_page).get()
    assert post.live and post.title == "Nos semis de haricots"
    [block] = post.body
    image = block.value["image"]
    assert image.collection_id and block.value["caption"] == "Les premières pousses"

    family = browser.new_context()
    log_in(family, base, parent)
    page = family.new_page()
    page.goto(f"{base}/mon-espace/")
    page.get_by_role("link", name="Nos semis de haricots").first.click()
    photo_on_page = page.locator("main img[src*='/fichiers/']").first
    photo_on_page.wait_for()
    photo_on_page.evaluate("img => img.decode()")  # resolves once the photo is loaded and decoded
    assert photo_on_page.evaluate("img => img.complete && img.naturalWidth") > 0
    assert page.get_by_text("Les premières pousses").is_visible()
    screenshot(page, "scenario-class-post-seen-by-parent")
    family.close()
