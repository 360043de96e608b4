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
