"""The issue's acceptance walk with the demo's own people (animatrice.ferry, directrice.clae.ferry, parent.ce1b...)."""

from django.urls import reverse

from ent_pages.access import policy
from ent_pages.demo import seed_demo_city
from ent_pages.models import ClassPage, User
from periscolaire.consent import consent_warnings
from periscolaire.models import ClaePage, GalleryPage
from tests.media_links import browser, links_on

from .conftest import CORRUPT_JPEG, jpeg_bytes
from .test_gallery_moderation import create_gallery_as, gallery_images, upload


def test_demo_animator_gallery_moderated_by_the_demo_clae_director_and_seen_by_demo_families(client, db):
    seed_demo_city()
    users = {u.username: u for u in User.objects.all()}
    _demo_files_follow_published_content(users)
    clae = ClaePage.objects.get(slug="clae", url_path__contains="/jules-ferry/")

    gallery = create_gallery_as(client, users["animatrice.ferry"], clae, action=None)
    assert [upload(client, gallery, n, c).status_code for n, c in
            [("a.jpg", jpeg_bytes()), ("b.jpg", CORRUPT_JPEG), ("c.jpg", jpeg_bytes())]] == [201, 400, 201]
    edit_url = reverse("wagtailadmin_pages:edit", args=(gallery.pk,))
    clae.get_workflow().start(GalleryPage.objects.get(pk=gallery.pk), users["animatrice.ferry"])  # "Submit"

    client.force_login(users["directrice.clae.ferry"])
    gallery = GalleryPage.objects.get(pk=gallery.pk)
    warnings = consent_warnings(gallery)
    assert warnings  # some demo families have not consented (Zoé's father refused, at Les Lilas)
    editor = client.get(edit_url).content.decode()
    assert all(name in editor for _class, names in warnings for name in names)
    task_state = gallery.current_workflow_task_state
    approve_url = reverse("wagtailadmin_pages:workflow_action", args=(gallery.pk, "approve", task_state.pk))
    client.post(approve_url, {"comment": ""})
    gallery.refresh_from_db()
    assert gallery.live

    family = browser(users["parent.ce1b"])
    shown = links_on(family, gallery.url)
    assert len(shown) == 4 and all(family.get(url).status_code == 200 for url in shown)
    outsider = browser(users["maman.separee"])  # Zoé's mother, Les Lilas
    assert outsider.get(gallery.url).status_code == 404
    assert not any(policy.can_view_file(users["maman.separee"], image) for image in gallery_images(gallery))
    assert all(outsider.get(url).status_code == 403 for url in shown)
    anonymous = browser()
    assert anonymous.get(gallery.url).status_code == 302
    assert all(anonymous.get(url).status_code == 403 for url in shown)


def _demo_files_follow_published_content(users):
    """The seeded demo shows the rule (README, "Who sees which photo"): live galleries and the published
    post reach CE1 B's families; the draft post's photo and the gallery awaiting approval reach nobody
    but staff; the partner class (CE2-CM1) gets the blog's photo only."""
    from wagtail.images import get_image_model

    from class_blog.models import ClassPostPage
    from ent_pages.models import Enrolment

    images = {i.title: i for i in get_image_model().objects.all()}
    parent, director = users["parent.ce1b"], users["directrice.clae.ferry"]
    partner_child = Enrolment.objects.filter(class_page__slug="ce2-cm1", pupil__guardianships__guardian__user__isnull=False).first()
    partner_parent = partner_child.pupil.guardianships.exclude(guardian__user=None).first().guardian.user
    assert GalleryPage.objects.get(slug="grand-jeu").workflow_in_progress
    assert not ClassPostPage.objects.get(slug="atelier-peinture").live
    seen = {
        "Mercredi au parc 1": (True, False), "Dessin de Lou": (True, False),
        "Sortie au jardin des plantes": (True, True),  # the published post's photo: the blog is the partner's too
        "Atelier peinture": (False, False),  # the draft post's photo
        "Grand jeu du mercredi 1": (False, False),  # awaiting the CLAE director's approval
    }
    for title, expected in seen.items():
        assert (policy.can_view_file(parent, images[title]), policy.can_view_file(partner_parent, images[title])) == expected, title
    assert policy.can_view_file(director, images["Grand jeu du mercredi 1"])
    family = browser(parent)
    shown = links_on(family, ClassPage.objects.get(slug="ce1-b").url)
    assert any(f"/fichiers/images/{images['Sortie au jardin des plantes 1'].pk}/" in link for link in shown)
    assert not any(f"/fichiers/images/{images['Atelier peinture'].pk}/" in link for link in shown)
