"""The demo city: three schools, their classes, ~60 pupils, families and staff for every role.

Deterministic and idempotent: everything is keyed on UAI, registry ids and usernames, so running
`seed_demo` twice gives the same state. Other apps add their demo content through `seed_demo` too.
"""

import functools
import io
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction

from .events import demo_seeded
from .legal import ensure_legal_pages
from .models import (
    ClassPage,
    Enrolment,
    Guardian,
    Guardianship,
    Pupil,
    Relationship,
    Role,
    SchoolKind,
    SchoolPage,
    StaffAssignment,
    TeachingAssignment,
    User,
)
from .school_year import current_school_year
from .tree import ensure_city_home

DEMO_PASSWORD = "Preau-Demo-2026"  # noqa: S105 - documented demo password

SCHOOLS = [
    {
        "key": "lilas", "uai": "0310001A", "title": "École maternelle Les Lilas", "kind": SchoolKind.MATERNELLE,
        "address": "12 rue des Lilas\n31000 Préau", "phone": "05 61 00 00 01",
        "classes": [("ps-ms", "PS-MS Les Coccinelles", ["PS", "MS"]), ("gs", "GS Les Papillons", ["GS"])],
    },
    {
        "key": "ferry", "uai": "0310002B", "title": "École élémentaire Jules Ferry", "kind": SchoolKind.ELEMENTAIRE,
        "address": "3 place de la République\n31000 Préau", "phone": "05 61 00 00 02",
        "classes": [("cp-a", "CP A", ["CP"]), ("ce1-b", "CE1 B", ["CE1"]), ("cm2-a", "CM2 A", ["CM2"])],
    },
    {
        "key": "michel", "uai": "0310003C", "title": "École primaire Louise Michel", "kind": SchoolKind.PRIMAIRE,
        "address": "45 avenue Louise Michel\n31000 Préau", "phone": "05 61 00 00 03",
        "classes": [("gs-cp", "GS-CP", ["GS", "CP"]), ("ce2-cm1", "CE2-CM1", ["CE2", "CM1"])],
    },
]
DIRECTORS = {"lilas": ("directrice.lilas", "Sophie", "Marty"), "ferry": ("directeur.ferry", "Paul", "Garnier"),
             "michel": ("directrice.michel", "Nadia", "Benali")}
ANIMATORS = {"lilas": ("animateur.lilas", "Lucas", "Roux"), "ferry": ("animatrice.ferry", "Inès", "Faure"),
             "michel": ("animateur.michel", "Hugo", "Blanc")}
FIRST_NAMES = ["Léa", "Hugo", "Chloé", "Louis", "Emma", "Gabriel", "Jade", "Raphaël", "Louise", "Arthur", "Alice",
               "Jules", "Lina", "Adam", "Mia", "Nathan", "Rose", "Léo", "Anna", "Noah", "Inès", "Tom", "Zoé", "Sacha",
               "Manon", "Ethan", "Camille", "Paul", "Lou", "Victor"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
              "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
              "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand"]
PUPILS_PER_CLASS = 8


@functools.cache
def _demo_password_hash():
    """Hash the shared demo password once (a password hash takes ~0.3 s by design)."""
    return make_password(DEMO_PASSWORD)


def _user(username, first_name, last_name, **extra):
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first_name, "last_name": last_name, "email": f"{username}@demo.preau.example", **extra},
    )
    if created:
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    return user


def _school(city, spec):
    school = SchoolPage.objects.filter(uai=spec["uai"]).first()
    if school is None:
        school = city.add_child(instance=SchoolPage(
            title=spec["title"], slug=spec["key"] if spec["key"] != "ferry" else "jules-ferry", uai=spec["uai"],
            kind=spec["kind"], address=spec["address"], phone=spec["phone"],
            presentation=[("paragraph", f"<p>Bienvenue à l'{spec['title']}. L'équipe enseignante et le CLAE "
                                        "accueillent les enfants du lundi au vendredi.</p>")],
        ))
        school.save_revision().publish()
    return school


def _class(school, slug, title, levels, year):
    class_page = ClassPage.objects.child_of(school).filter(slug=slug).first()
    if class_page is None:
        class_page = school.add_child(instance=ClassPage(
            title=title, slug=slug, levels=levels, school_year=year,
            welcome=f"<p>Bienvenue sur l'espace de la classe {title}. Vous y trouverez la vie de la classe.</p>",
        ))
        class_page.save_revision().publish()
    return class_page


def _guardian(external_id, first_name, last_name, user=None):
    guardian, _created = Guardian.objects.get_or_create(
        external_id=external_id, defaults={"first_name": first_name, "last_name": last_name, "user": user,
                                           "email": user.email if user else ""},
    )
    return guardian


@transaction.atomic
def seed_demo_city(stdout=None):
    rng = random.Random(2026)  # noqa: S311 - deterministic demo data, not security
    year = current_school_year()
    city = ensure_city_home()
    if not city.intro:
        city.intro = ("<p>Bienvenue sur Préau, l'espace numérique des écoles publiques de la ville : "
                      "la vie des classes, le cahier de textes et les informations pour les familles.</p>")
        city.save_revision().publish()
    ensure_legal_pages(city)

    _user("admin", "Admin", "Préau", is_superuser=True, is_staff=True)
    editor = _user("redactrice.ville", "Claire", "Vidal")
    StaffAssignment.objects.get_or_create(user=editor, school=None, role=Role.CITY_EDITOR)

    classes = {}
    for spec in SCHOOLS:
        school = _school(city, spec)
        login, first, last = DIRECTORS[spec["key"]]
        StaffAssignment.objects.get_or_create(user=_user(login, first, last), school=school, role=Role.DIRECTOR)
        login, first, last = ANIMATORS[spec["key"]]
        StaffAssignment.objects.get_or_create(user=_user(login, first, last), school=school, role=Role.CLAE_ANIMATOR)
        for slug, title, levels in spec["classes"]:
            class_page = _class(school, slug, title, levels, year)
            classes[f"{spec['key']}/{slug}"] = class_page
            teacher = _user(f"enseignant.{spec['key']}.{slug}", rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
            StaffAssignment.objects.get_or_create(user=teacher, school=school, role=Role.TEACHER)
            TeachingAssignment.objects.get_or_create(user=teacher, class_page=class_page)

    n = 0
    for class_page in classes.values():
        for i in range(PUPILS_PER_CLASS):
            n += 1
            last = LAST_NAMES[(n * 7) % len(LAST_NAMES)]
            pupil, _ = Pupil.objects.get_or_create(
                external_id=f"DEMO-ELV-{n:03d}", defaults={"first_name": FIRST_NAMES[(n * 11) % len(FIRST_NAMES)], "last_name": last}
            )
            Enrolment.objects.get_or_create(pupil=pupil, school_year=year, defaults={"class_page": class_page})
            # Every other family has activated its account; the others wait for their letter.
            account = _user(f"parent.{n:03d}", FIRST_NAMES[(n * 5) % len(FIRST_NAMES)], last) if i % 2 == 0 else None
            guardian = _guardian(f"DEMO-RL-{n:03d}", account.first_name if account else "Parent", last, account)
            Guardianship.objects.get_or_create(guardian=guardian, pupil=pupil, defaults={"relationship": Relationship.MOTHER})

    _named_families(classes, year)
    _class_media(classes)

    from class_blog.demo import seed_class_life

    seed_class_life(stdout=stdout)

    from resources.demo import seed as seed_resources  # other apps' demo content, after the city itself

    seed_resources(city, stdout=stdout)
    if stdout:
        stdout.write(f"Demo city ready: {SchoolPage.objects.count()} schools, {ClassPage.objects.count()} classes, "
                     f"{Pupil.objects.count()} pupils, {Guardian.objects.count()} guardians.")

    from periscolaire.demo import seed_clae_spaces  # CLAE spaces, their directors, demo image consents

    seed_clae_spaces(stdout)
    demo_seeded.send(sender=seed_demo_city, city=city, stdout=stdout)  # apps that seed through the signal

    from .second_factor.demo import enrol_demo_staff  # after every app created its staff

    enrol_demo_staff(stdout)
    return city


def _named_families(classes, year):
    """The families the README names: one child in CE1 B, siblings in two classes, separated parents."""
    ce1b, cpa, cm2a, gs = classes["ferry/ce1-b"], classes["ferry/cp-a"], classes["ferry/cm2-a"], classes["lilas/gs"]

    def child(external_id, first_name, last_name, class_page):
        pupil, _ = Pupil.objects.get_or_create(external_id=external_id, defaults={"first_name": first_name, "last_name": last_name})
        Enrolment.objects.get_or_create(pupil=pupil, school_year=year, defaults={"class_page": class_page})
        return pupil

    def follow(user, external_id, pupils, relationship):
        guardian = _guardian(external_id, user.first_name, user.last_name, user)
        for pupil in pupils:
            Guardianship.objects.get_or_create(guardian=guardian, pupil=pupil, defaults={"relationship": relationship})

    emma = child("DEMO-ELV-901", "Emma", "Lefort", ce1b)
    follow(_user("parent.ce1b", "Julie", "Lefort"), "DEMO-RL-901", [emma], Relationship.MOTHER)

    tom, lina = child("DEMO-ELV-902", "Tom", "Girard", cpa), child("DEMO-ELV-903", "Lina", "Girard", cm2a)
    follow(_user("parent.fratrie", "Karim", "Girard"), "DEMO-RL-902", [tom, lina], Relationship.FATHER)

    zoe = child("DEMO-ELV-904", "Zoé", "Moreau", gs)
    follow(_user("maman.separee", "Amélie", "Moreau"), "DEMO-RL-903", [zoe], Relationship.MOTHER)
    follow(_user("papa.separe", "Julien", "Fabre"), "DEMO-RL-904", [zoe], Relationship.FATHER)


#: Demo photos per class: (title, palette seed). Drawn with Pillow (no download), written as a phone
#: would (EXIF with a GPS position), then uploaded through ent_pages.media.uploads like any photo.
DEMO_PHOTOS = {
    "ferry/ce1-b": [("Sortie au jardin des plantes", 1), ("Atelier peinture", 2)],
    "lilas/gs": [("Spectacle de fin d'année", 3), ("Les papillons de la classe", 4)],
}


def _class_media(classes):
    from django.core.files.base import ContentFile

    from .media.uploads import create_image
    from .models import PrivateDocument, PrivateImage
    from .roles import page_collection

    for key, photos in DEMO_PHOTOS.items():
        class_page = classes[key]
        collection = page_collection(class_page)
        teacher = User.objects.filter(teaching_assignments__class_page=class_page).first()
        for title, seed in photos:
            if not PrivateImage.objects.filter(collection=collection, title=title).exists():
                create_image(title=title, collection=collection, data=_demo_photo(seed), name=f"photo-{seed}.jpg", user=teacher)
        if not PrivateDocument.objects.filter(collection=collection).exists():
            PrivateDocument.objects.create(
                title="Liste des fournitures", collection=collection, uploaded_by_user=teacher,
                file=ContentFile(_demo_letter(class_page.title), name="liste-des-fournitures.pdf"),
            )


def _demo_photo(seed, size=(3000, 2250)):
    """A landscape drawn in code: sky, sun, hills and children's kites; EXIF with GPS like a phone."""
    from PIL import ExifTags, Image, ImageDraw

    rng = random.Random(seed)  # noqa: S311 - demo drawing
    width, height = size
    image = Image.new("RGB", size, (120 + rng.randrange(60), 180 + rng.randrange(40), 235))
    draw = ImageDraw.Draw(image)
    draw.ellipse((width * 0.75, height * 0.08, width * 0.9, height * 0.28), fill=(255, 214, 64))
    for i in range(3):
        top = height * (0.55 + 0.12 * i)
        green = (60 + 40 * i + rng.randrange(30), 150 - 20 * i, 60)
        draw.ellipse((-width * 0.2 + i * width * 0.3, top, width * (0.8 + 0.2 * i), height * 1.6), fill=green)
    for _ in range(6):
        x, y = rng.randrange(width // 10, width * 9 // 10), rng.randrange(height // 10, height // 2)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.polygon([(x, y - 90), (x + 70, y), (x, y + 90), (x - 70, y)], fill=colour)
        draw.line([(x, y + 90), (x + rng.randrange(-200, 200), height * 0.75)], fill=(60, 60, 60), width=5)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Apple"
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (43.0, 36.0, 16.0), 3: "E", 4: (1.0, 26.0, 39.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def _demo_letter(class_title):
    """A one-page PDF drawn with Pillow (the class's supplies list)."""
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(page)
    lines = [f"Classe {class_title}", "", "Liste des fournitures", "- une trousse", "- deux crayons à papier",
             "- une gomme", "- une boîte de crayons de couleur"]
    for i, line in enumerate(lines):
        draw.text((120, 150 + 60 * i), line, fill="black", font_size=40)
    out = io.BytesIO()
    page.save(out, "PDF", resolution=150)
    return out.getvalue()
