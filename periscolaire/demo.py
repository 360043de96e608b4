"""Demo CLAE spaces: one per demo school, with its CLAE director (idempotent, called by seed_demo)."""

from ent_pages.demo import _demo_password_hash
from ent_pages.models import Guardianship, Role, SchoolPage, StaffAssignment, User
from ent_pages.school_year import current_school_year

from .consent import set_consent
from .models import ClaePage, ConsentPurpose, ImageConsent
from .spaces import ensure_clae_space

CLAE_DIRECTORS = {
    "0310001A": ("directeur.clae.lilas", "Marc", "Delmas"),
    "0310002B": ("directrice.clae.ferry", "Sarah", "Cazals"),
    "0310003C": ("directeur.clae.michel", "Yanis", "Ferrer"),
}

DEMO_PRESENTATION = [("paragraph", "<p>Le CLAE accueille les enfants avant et après la classe et le mercredi "
                                   "après-midi : jeux, ateliers, sorties.</p>")]
DEMO_HOURS = ("<ul><li>Matin : 7 h 30 – 8 h 50</li><li>Midi : 11 h 50 – 13 h 50</li>"
              "<li>Soir : 16 h 30 – 18 h 30</li><li>Mercredi : 11 h 50 – 18 h 30</li></ul>")


def _user(username, first_name, last_name):
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first_name, "last_name": last_name, "email": f"{username}@demo.preau.example"},
    )
    if created:
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    return user


def seed_clae_spaces(stdout=None):
    for school in SchoolPage.objects.order_by("path"):
        clae = ensure_clae_space(school, presentation=DEMO_PRESENTATION, opening_hours=DEMO_HOURS)
        if school.uai in CLAE_DIRECTORS:
            login, first, last = CLAE_DIRECTORS[school.uai]
            StaffAssignment.objects.get_or_create(user=_user(login, first, last), school=school, role=Role.CLAE_DIRECTOR)
            if not clae.team:
                animators = [a.user for a in StaffAssignment.objects.filter(school=school, role=Role.CLAE_ANIMATOR)]
                clae.team = [("member", {"name": f"{first} {last}", "role": "Direction du CLAE"})] + [
                    ("member", {"name": a.get_full_name(), "role": "Animation"}) for a in animators
                ]
                clae.save_revision().publish()
    _demo_consents()
    if stdout:
        stdout.write(f"CLAE spaces ready: {ClaePage.objects.count()}.")
    seed_demo_galleries(stdout)


def _demo_consents():
    """Most demo families consent for the class and the school; Zoé's parents disagree (refusal wins)."""
    year = current_school_year()
    if ImageConsent.objects.filter(school_year=year).exists():
        return
    for n, guardianship in enumerate(Guardianship.objects.select_related("guardian", "pupil").order_by("pk")):
        if guardianship.pupil.external_id == "DEMO-ELV-904":  # Zoé: her father refuses, her mother consents
            decision = "refused" if guardianship.guardian.external_id == "DEMO-RL-904" else "given"
        elif n % 5 == 4:
            continue  # a few families have not answered yet: not given
        else:
            decision = "refused" if n % 7 == 3 else "given"
        for purpose in (ConsentPurpose.GROUP, ConsentPurpose.SCHOOL):
            set_consent(guardianship.guardian, guardianship.pupil, purpose, year, decision,
                        changed_by=guardianship.guardian.user)


# ------------------------------------------------------------------------------ demo galleries
#: What families see of photos depends on what is published (ent_pages.access, media rules):
#: (school key of the section, section slug, gallery slug, title, activity, photo seeds, state).
DEMO_GALLERIES = [
    ("0310002B", "clae", "mercredi-au-parc", "Mercredi au parc", "Jeux et cerfs-volants", (11, 12, 13), "live"),
    ("0310002B", "ce1-b", "sortie-jardin-des-plantes", "Sortie au jardin des plantes", "Sortie de classe", (14, 15), "live"),
    ("0310002B", "clae", "grand-jeu", "Grand jeu du mercredi", "Grand jeu", (16, 17), "moderation"),
]


def seed_demo_galleries(stdout=None):
    """A live CLAE gallery with photos and children's work, a live class gallery (CE1 B), and a CLAE
    gallery awaiting the CLAE director's approval (photos that no family receives until approved).
    Idempotent: a gallery already there is left as it is."""
    from django.core.files.base import ContentFile
    from wagtail.models import Page

    from ent_pages.demo import _demo_letter, _demo_photo
    from ent_pages.media.uploads import create_image

    from .media import gallery_collection
    from .models import GalleryPage, GalleryPhoto, GalleryWork

    for uai, section_slug, slug, title, activity, seeds, state in DEMO_GALLERIES:
        school = SchoolPage.objects.filter(uai=uai).first()
        section = Page.objects.child_of(school).filter(slug=section_slug).first() if school else None
        if section is None or GalleryPage.objects.child_of(section).filter(slug=slug).exists():
            continue  # not the demo city (a test's small tree), or already seeded
        section = section.specific
        author = (User.objects.filter(staff_assignments__school=school, staff_assignments__role=Role.CLAE_ANIMATOR).first()
                  if section_slug == "clae" else User.objects.filter(teaching_assignments__class_page=section).first())
        gallery = section.add_child(instance=GalleryPage(title=title, slug=slug, activity=activity, live=False,
                                                         owner=author))
        collection = gallery_collection(gallery)
        images = [create_image(title=f"{title} {n}", collection=collection, data=_demo_photo(seed, size=(1600, 1200)),
                               name=f"{slug}-{n}.jpg", user=author) for n, seed in enumerate(seeds, start=1)]
        gallery.photos = [GalleryPhoto(image=image, caption=f"{activity} ({n})") for n, image in enumerate(images, 1)]
        if section_slug == "clae" and state == "live":
            drawing = create_image(title="Dessin de Lou", collection=collection, data=_demo_photo(seeds[0] + 50, size=(1200, 900)),
                                   name=f"{slug}-dessin.jpg", user=author)
            from wagtail.documents import get_document_model

            booklet = get_document_model().objects.create(
                title="Le livret des cerfs-volants", collection=collection, uploaded_by_user=author,
                file=ContentFile(_demo_letter("CLAE — cerfs-volants"), name="livret-cerfs-volants.pdf"),
            )
            gallery.works = [GalleryWork(image=drawing, caption="Un cerf-volant"),
                             GalleryWork(document=booklet, caption="Notre livret")]
        revision = gallery.save_revision(user=author)
        if state == "live":
            revision.publish()  # as if approved by the CLAE director (or published by the teacher)
        else:  # submitted by the animator: the CLAE director approves it in the admin
            workflow = gallery.get_workflow()
            if workflow is not None:
                workflow.start(gallery, author)
    if stdout:
        stdout.write(f"Demo galleries ready: {GalleryPage.objects.count()}.")
