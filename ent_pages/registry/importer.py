"""Import the city's registry: schools, classes, pupils, enrolments, guardians and staff.

Two phases. ``parse_city`` reads and validates every file and collects every error as
``file:line: what is wrong``; nothing touches the database. ``CityImporter.run`` then writes
everything in one transaction, keyed on UAI and registry ids (never on names), with bulk queries:
existing rows are loaded once into dictionaries and compared in Python.

Schools and classes are created through the page tree (``add_child``), so the foundation's signals
give them their role groups and page permissions (ent_pages.roles).
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from tqdm import tqdm
from wagtail import hooks

from .. import roles
from ..access import policy
from ..levels import LEVEL_ORDER, sort_levels
from ..models import (
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
from ..school_year import SCHOOL_YEAR_RE
from ..tree import add_children, ensure_city_home
from ..validators import UAI_RE, normalize_uai
from .files import Column, fold, fold_name, parse_date, parse_yes_no, read_rows, split_list, valid_email

BATCH = 2000

SCHOOLS_FILE = "ecoles.csv"
CLASSES_FILE = "classes.csv"
PUPILS_FILE = "eleves.csv"
GUARDIANS_FILE = "responsables.csv"
STAFF_FILE = "personnels.csv"

SCHOOL_COLUMNS = [
    Column("uai", "UAI", aliases=("Code UAI", "RNE", "Numéro UAI")),
    Column("name", "Nom", aliases=("Nom de l'école", "Appellation"), max_length=255),
    Column("kind", "Type", aliases=("Type d'école", "Nature")),
    Column("address", "Adresse", required=False, multiline=True),
    Column("phone", "Téléphone", required=False, max_length=32),
    Column("email", "Courriel", required=False, aliases=("Email", "Mél", "Mail"), max_length=254),
]
CLASS_COLUMNS = [
    Column("uai", "UAI", aliases=("Code UAI", "RNE")),
    Column("label", "Classe", aliases=("Libellé classe", "Libellé"), max_length=100),
    Column("levels", "Niveaux", aliases=("Niveau",)),
    Column("year", "Année scolaire", aliases=("Année",)),
    Column("teachers", "Enseignants", required=False, aliases=("Identifiants enseignants",)),
]
PUPIL_COLUMNS = [
    Column("id", "Identifiant", aliases=("INE", "Identifiant élève", "Numéro élève"), max_length=64),
    Column("last_name", "Nom", aliases=("Nom de famille",), max_length=100),
    Column("first_name", "Prénom", max_length=100),
    Column("birth_date", "Date de naissance"),
    Column("uai", "UAI", aliases=("Code UAI", "RNE")),
    Column("class", "Classe", aliases=("Libellé classe",), max_length=100),
    Column("photo", "Autorisation photo", aliases=("Droit à l'image", "Autorisation de photographier")),
]
GUARDIAN_COLUMNS = [
    Column("id", "Identifiant", aliases=("Identifiant responsable",), max_length=64),
    Column("last_name", "Nom", aliases=("Nom de famille",), max_length=100),
    Column("first_name", "Prénom", max_length=100),
    Column("email", "Courriel", required=False, aliases=("Email", "Mél", "Mail"), max_length=254),
    Column("phone", "Téléphone", required=False, aliases=("Téléphone portable", "Portable"), max_length=32),
    Column("relationship", "Lien", aliases=("Lien de parenté", "Qualité")),
    Column("pupils", "Élèves", aliases=("Identifiants élèves", "Enfants")),
]
STAFF_COLUMNS = [
    Column("id", "Identifiant", aliases=("Identifiant agent", "Matricule"), max_length=64),
    Column("last_name", "Nom", aliases=("Nom de famille",), max_length=150),
    Column("first_name", "Prénom", max_length=150),
    Column("email", "Courriel", required=False, aliases=("Email", "Mél", "Mail"), max_length=254),
    Column("uai", "UAI", aliases=("Code UAI", "RNE")),
    Column("role", "Fonction", aliases=("Rôle",)),
    Column("classes", "Classes", required=False),
]


def parse_kind(value):
    folded = fold(value)
    for kind in (SchoolKind.MATERNELLE, SchoolKind.PRIMAIRE, SchoolKind.ELEMENTAIRE):
        if kind.value in folded:
            return kind.value
    return None


def parse_role(value):
    folded = fold(value)
    if "clae" in folded or "alae" in folded or "periscolaire" in folded:
        if folded.startswith(("direct", "respons")):
            return Role.CLAE_DIRECTOR
        if folded.startswith("anim"):
            return Role.CLAE_ANIMATOR
        return None
    if folded.startswith("direct"):
        return Role.DIRECTOR
    if folded.startswith(("enseign", "professeur", "adjoint")):
        return Role.TEACHER
    if folded.startswith("anim"):
        return Role.CLAE_ANIMATOR
    return None


def parse_relationship(value):
    folded = fold(value)
    if folded.startswith("mere"):
        return Relationship.MOTHER
    if folded.startswith("pere"):
        return Relationship.FATHER
    if folded.startswith(("tuteur", "tutrice")):
        return Relationship.GUARDIAN
    return Relationship.OTHER


def parse_levels(value):
    tokens = [t.upper() for t in re.split(r"[\s/|,+-]+", value or "") if t]
    if not tokens or any(t not in LEVEL_ORDER for t in tokens):
        return None
    return sort_levels(tokens)


# ---------------------------------------------------------------------------------- parsed city
@dataclass
class City:
    """The registry as read from the files, validated: plain Python, nothing from the database.

    Both layouts (Préau's five files, or ONDE's folders: ``onde``) produce these same records, so the
    import's checks, bulk writes, all-or-nothing and idempotence are one code path.
    """

    year: str = ""
    schools: dict = field(default_factory=dict)  # uai -> dict
    classes: dict = field(default_factory=dict)  # (uai, label) -> dict(levels, teachers)
    pupils: dict = field(default_factory=dict)  # id -> dict(first_name, last_name, uai, label, photo)
    guardians: dict = field(default_factory=dict)  # id -> dict(..., relationship, pupils)
    staff: dict = field(default_factory=dict)  # id -> dict(first_name, last_name, email, assignments set, classes set)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)  # merged identical lines: reported, not blocking
    #: uai -> {"pupils": file, "guardians": file}: where a school's families come from (for the removal guard)
    sources: dict = field(default_factory=dict)


def identical_line_warning(row, first_line):
    return f"{row.where()}: " + _("line identical to line %(first)d: counted once") % {"first": first_line}


def parse_schools(rows, city):
    """The schools of ``ecoles.csv`` (shared by both layouts)."""
    errors = city.errors
    for row in rows:
        uai = normalize_uai(row["uai"])
        kind = parse_kind(row["kind"])
        if not UAI_RE.match(uai):
            errors.append(f"{row.where()}: " + _("invalid UAI « %(value)s » (7 digits and a letter)") % {"value": row["uai"]})
            continue
        if uai in city.schools:
            first = city.schools[uai]
            if first["values"] == row.values:
                city.warnings.append(identical_line_warning(row, first["line"]))
            else:
                errors.append(f"{row.where()}: " + _("duplicate UAI %(uai)s (first at line %(line)d)") % {"uai": uai, "line": first["line"]})
            continue
        if not row["name"]:
            errors.append(f"{row.where()}: " + _("empty school name"))
        if kind is None:
            errors.append(f"{row.where()}: " + _("unknown school kind « %(value)s » (maternelle, élémentaire or primaire)") % {"value": row["kind"]})
        if row["email"] and not valid_email(row["email"]):
            errors.append(f"{row.where()}: " + _("invalid email « %(value)s »") % {"value": row["email"]})
        city.schools[uai] = {
            "line": row.line, "name": row["name"], "kind": kind, "address": row["address"].replace("\\n", "\n"),
            "phone": row["phone"], "email": row["email"], "values": row.values,
        }


def check_year(year):
    """The ``--year`` option: a school year such as 2026-2027, or an error message."""
    match = SCHOOL_YEAR_RE.match(year or "")
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        return _("« %(year)s » is not a school year such as 2026-2027") % {"year": year}
    return None


def parse_city(directory: Path, *, year: str | None = None) -> City:
    """Read and validate the city's files, in either layout; every problem is an error ``file:line: message``."""
    from .onde import is_onde_city, parse_onde_city  # the ONDE reader builds this module's records

    directory = Path(directory)
    if year and (problem := check_year(year)):
        return City(errors=[f"--year: {problem}"])
    if is_onde_city(directory):
        return parse_onde_city(directory, year=year)
    city = City()
    errors = city.errors
    reads = {
        name: read_rows(directory / name, columns)
        for name, columns in [
            (SCHOOLS_FILE, SCHOOL_COLUMNS), (CLASSES_FILE, CLASS_COLUMNS), (PUPILS_FILE, PUPIL_COLUMNS),
            (GUARDIANS_FILE, GUARDIAN_COLUMNS), (STAFF_FILE, STAFF_COLUMNS),
        ]
    }
    for read in reads.values():
        errors.extend(read.errors)
    if errors:
        return city

    parse_schools(reads[SCHOOLS_FILE].rows, city)
    city.sources = {uai: {"pupils": PUPILS_FILE, "guardians": GUARDIANS_FILE} for uai in city.schools}

    class_teachers = []
    for row in reads[CLASSES_FILE].rows:
        uai = normalize_uai(row["uai"])
        label = row["label"]
        if uai not in city.schools:
            errors.append(f"{row.where()}: " + _("unknown UAI %(uai)s (not in %(file)s)") % {"uai": uai or "(vide)", "file": SCHOOLS_FILE})
            continue
        if not label:
            errors.append(f"{row.where()}: " + _("empty class label"))
            continue
        if (uai, label) in city.classes:
            first = city.classes[(uai, label)]
            if first["values"] == row.values:
                city.warnings.append(identical_line_warning(row, first["line"]))
            else:
                errors.append(f"{row.where()}: " + _("duplicate class « %(label)s » in %(uai)s") % {"label": label, "uai": uai})
            continue
        levels = parse_levels(row["levels"])
        if levels is None:
            errors.append(f"{row.where()}: " + _("unknown levels « %(value)s » (TPS, PS, MS, GS, CP, CE1, CE2, CM1, CM2)") % {"value": row["levels"]})
        year = row["year"].replace("/", "-").strip()
        match = SCHOOL_YEAR_RE.match(year)
        if not match or int(match.group(2)) != int(match.group(1)) + 1:
            errors.append(f"{row.where()}: " + _("« %(year)s » is not a school year such as 2026-2027") % {"year": row["year"]})
        elif city.year and year != city.year:
            errors.append(f"{row.where()}: " + _("school year %(year)s differs from %(first)s (one year per import)") % {"year": year, "first": city.year})
        else:
            city.year = year
        city.classes[(uai, label)] = {"line": row.line, "levels": levels or [], "teachers": set(), "values": row.values}
        class_teachers.append((row, uai, label, split_list(row["teachers"], r"[|,;\s]+")))

    for row in reads[PUPILS_FILE].rows:
        pupil_id, uai, label = row["id"], normalize_uai(row["uai"]), row["class"]
        if not pupil_id:
            errors.append(f"{row.where()}: " + _("empty pupil id"))
            continue
        if pupil_id in city.pupils:
            if city.pupils[pupil_id]["values"] == row.values:
                city.warnings.append(identical_line_warning(row, city.pupils[pupil_id]["line"]))
                continue
            errors.append(f"{row.where()}: " + _("duplicate pupil id %(id)s (first at line %(line)d)") % {"id": pupil_id, "line": city.pupils[pupil_id]["line"]})
            continue
        if not row["first_name"] or not row["last_name"]:
            errors.append(f"{row.where()}: " + _("pupil %(id)s has no first name or last name") % {"id": pupil_id})
        try:
            parse_date(row["birth_date"])
        except ValueError:
            errors.append(f"{row.where()}: " + _("date of birth « %(value)s » is not a date (DD/MM/YYYY)") % {"value": row["birth_date"]})
        try:
            photo = parse_yes_no(row["photo"])
        except ValueError:
            photo = None
            errors.append(f"{row.where()}: " + _("photo authorisation « %(value)s » is not oui or non") % {"value": row["photo"]})
        if uai not in city.schools:
            errors.append(f"{row.where()}: " + _("unknown UAI %(uai)s (not in %(file)s)") % {"uai": uai or "(vide)", "file": SCHOOLS_FILE})
        elif (uai, label) not in city.classes:
            errors.append(f"{row.where()}: " + _("class « %(label)s » of %(uai)s is not in %(file)s") % {"label": label, "uai": uai, "file": CLASSES_FILE})
        city.pupils[pupil_id] = {
            "line": row.line, "first_name": row["first_name"], "last_name": row["last_name"],
            "uai": uai, "label": label, "photo": photo, "values": row.values,
        }

    for row in reads[GUARDIANS_FILE].rows:
        guardian_id = row["id"]
        if not guardian_id:
            errors.append(f"{row.where()}: " + _("empty guardian id"))
            continue
        if guardian_id in city.guardians:
            if city.guardians[guardian_id]["values"] == row.values:
                city.warnings.append(identical_line_warning(row, city.guardians[guardian_id]["line"]))
                continue
            errors.append(f"{row.where()}: " + _("duplicate guardian id %(id)s (first at line %(line)d)") % {"id": guardian_id, "line": city.guardians[guardian_id]["line"]})
            continue
        if not row["last_name"]:
            errors.append(f"{row.where()}: " + _("guardian %(id)s has no last name") % {"id": guardian_id})
        if row["email"] and not valid_email(row["email"]):
            errors.append(f"{row.where()}: " + _("invalid email « %(value)s »") % {"value": row["email"]})
        pupils = split_list(row["pupils"], r"[|,;\s]+")
        if not pupils:
            errors.append(f"{row.where()}: " + _("guardian %(id)s has no pupil") % {"id": guardian_id})
        for pupil_id in pupils:
            if pupil_id not in city.pupils:
                errors.append(f"{row.where()}: " + _("unknown pupil id %(id)s (not in %(file)s)") % {"id": pupil_id, "file": PUPILS_FILE})
        city.guardians[guardian_id] = {
            "line": row.line, "first_name": row["first_name"], "last_name": row["last_name"],
            "email": row["email"].lower(), "phone": row["phone"],
            "relationship": parse_relationship(row["relationship"]), "pupils": pupils, "values": row.values,
        }

    seen_assignments = {}
    for row in reads[STAFF_FILE].rows:
        staff_id, uai = row["id"], normalize_uai(row["uai"])
        if not staff_id:
            errors.append(f"{row.where()}: " + _("empty staff id"))
            continue
        role = parse_role(row["role"])
        if role is None:
            errors.append(f"{row.where()}: " + _("unknown role « %(value)s » (directeur, enseignant, directeur CLAE, animateur CLAE)") % {"value": row["role"]})
        if uai not in city.schools:
            errors.append(f"{row.where()}: " + _("unknown UAI %(uai)s (not in %(file)s)") % {"uai": uai or "(vide)", "file": SCHOOLS_FILE})
            continue
        if row["email"] and not valid_email(row["email"]):
            errors.append(f"{row.where()}: " + _("invalid email « %(value)s »") % {"value": row["email"]})
        key = (staff_id, uai, role)
        if key in seen_assignments:
            if seen_assignments[key][1] == row.values:
                city.warnings.append(identical_line_warning(row, seen_assignments[key][0]))
                continue
            errors.append(f"{row.where()}: " + _("duplicate staff row %(id)s %(uai)s %(role)s (first at line %(line)d)") % {"id": staff_id, "uai": uai, "role": row["role"], "line": seen_assignments[key][0]})
            continue
        seen_assignments[key] = (row.line, row.values)
        member = city.staff.setdefault(staff_id, {
            "line": row.line, "first_name": row["first_name"], "last_name": row["last_name"],
            "email": row["email"].lower(), "assignments": set(), "classes": set(),
        })
        if role:
            member["assignments"].add((uai, role))
        for label in split_list(row["classes"], r"[|;]"):
            if (uai, label) not in city.classes:
                errors.append(f"{row.where()}: " + _("class « %(label)s » of %(uai)s is not in %(file)s") % {"label": label, "uai": uai, "file": CLASSES_FILE})
            else:
                member["classes"].add((uai, label))

    for row, uai, label, teacher_ids in class_teachers:
        for staff_id in teacher_ids:
            if staff_id not in city.staff:
                errors.append(f"{row.where()}: " + _("unknown teacher id %(id)s (not in %(file)s)") % {"id": staff_id, "file": STAFF_FILE})
            else:
                city.staff[staff_id]["classes"].add((uai, label))
    if not city.classes and not errors:
        errors.append(f"{CLASSES_FILE}: " + _("no class"))
    if year and city.year and year != city.year and not errors:
        errors.append(f"{CLASSES_FILE}: " + _("the classes are of %(file)s, not of %(year)s (--year)") % {"file": city.year, "year": year})
    return city


# --------------------------------------------------------------------------------------- report
KINDS = ["schools", "classes", "pupils", "enrolments", "guardians", "guardianships", "staff", "assignments"]


@dataclass
class Report:
    counts: dict = field(default_factory=lambda: {k: defaultdict(int) for k in KINDS})
    year: str = ""
    warnings: list = field(default_factory=list)  # file:line of merged identical lines
    timings: dict = field(default_factory=dict)  # step -> seconds

    def add(self, kind, what, n=1):
        if n:
            self.counts[kind][what] += n

    @property
    def changed(self):
        return any(c[w] for c in self.counts.values() for w in ("created", "updated", "removed"))

    def lines(self):
        for kind in KINDS:
            c = self.counts[kind]
            yield (f"{kind:<14} {c['created']:>7} created {c['updated']:>7} updated "
                   f"{c['unchanged']:>7} unchanged {c['removed']:>7} removed")


class ImportFailed(Exception):
    def __init__(self, errors):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


# ------------------------------------------------------------------------------------- importer
def _unique_slug(base, taken):
    base = slugify(base)[:200] or "page"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


class CityImporter:
    def __init__(self, directory, *, progress=False, year=None, allow_removals=False):
        self.directory = Path(directory)
        self.progress = progress
        self.year = year
        self.allow_removals = allow_removals
        self.report = Report()

    def _bar(self, iterable, desc, total=None):
        return tqdm(iterable, desc=desc, total=total, disable=not self.progress, leave=False, unit="")

    def run(self, dry_run=False) -> Report:
        clock = time.perf_counter()

        def lap(step):
            nonlocal clock
            now = time.perf_counter()
            self.report.timings[step] = now - clock
            clock = now

        city = parse_city(self.directory, year=self.year)
        lap("read")
        if city.errors:
            raise ImportFailed(city.errors)
        self.report.year, self.report.warnings = city.year, city.warnings
        if not self.allow_removals and (refused := self._emptied_schools(city)):
            raise ImportFailed(refused)
        with transaction.atomic():
            with roles.deferred_groups():
                schools = self._schools(city)
                classes = self._classes(city, schools)
            lap("pages")
            pupils = self._pupils(city)
            self._enrolments(city, pupils, classes)
            lap("pupils")
            guardians = self._guardians(city, pupils)
            self._guardianships(city, guardians, pupils)
            lap("guardians")
            self._staff(city, schools, classes)
            lap("staff")
            # ---- End of the import: everything is written (not yet committed). Other apps complete
            # what was imported here, in the same transaction.
            for hook in hooks.get_hooks("after_city_import"):
                hook(schools)  # other apps complete new schools (the CLAE space of periscolaire)
            lap("hooks")
            # Bulk writes send no signals: remembered access decisions are dropped once, at commit.
            transaction.on_commit(policy.bump_access_version)
            if dry_run:
                transaction.set_rollback(True)
        return self.report

    # ---------------------------------------------------------------------- removal guard
    def _emptied_schools(self, city):
        """Errors for schools whose pupils or guardians file has lost most of the families the school had this
        year: a truncated or header-only export would otherwise remove every enrolment (``--allow-removals``)."""
        from django.db.models import Count

        incoming_pupils, incoming_links = defaultdict(int), defaultdict(int)
        for spec in city.pupils.values():
            incoming_pupils[spec["uai"]] += 1
        for spec in city.guardians.values():
            for pupil_id in spec["pupils"]:
                incoming_links[city.pupils[pupil_id]["uai"]] += 1
        uai_by_path = dict(SchoolPage.objects.filter(uai__in=list(city.schools)).values_list("path", "uai"))
        had_pupils, had_links = defaultdict(int), defaultdict(int)
        for path, pupils, links in ClassPage.objects.filter(school_year=city.year).annotate(
            pupils=Count("enrolments", distinct=True), links=Count("enrolments__pupil__guardianships", distinct=True),
        ).values_list("path", "pupils", "links"):
            uai = uai_by_path.get(path[: -ClassPage.steplen])
            if uai:
                had_pupils[uai] += pupils
                had_links[uai] += links
        errors = []
        for uai in sorted(city.schools):
            sources = city.sources.get(uai, {})
            for kind, had, incoming in (("pupils", had_pupils, incoming_pupils), ("guardians", had_links, incoming_links)):
                if had[uai] and incoming[uai] * 2 < had[uai]:
                    message = (_("only %(incoming)d pupils for %(uai)s, which had %(had)d this year") if kind == "pupils"
                               else _("only %(incoming)d child links for %(uai)s, which had %(had)d this year"))
                    errors.append(f"{sources.get(kind, uai)}:1: " + message % {"incoming": incoming[uai], "uai": uai, "had": had[uai]}
                                  + _(": refused, the export looks truncated; if these families really left, run again with --allow-removals"))
        return errors

    # ----------------------------------------------------------------------------- pages
    def _schools(self, city):
        home = ensure_city_home()
        existing = {s.uai: s for s in SchoolPage.objects.child_of(home)}
        existing |= {s.uai: s for s in SchoolPage.objects.filter(uai__in=set(city.schools) - set(existing))}
        taken = set(home.get_children().values_list("slug", flat=True))
        new = []
        for uai, spec in self._bar(sorted(city.schools.items()), "schools"):
            wanted = {"title": spec["name"], "kind": spec["kind"], "address": spec["address"],
                      "phone": spec["phone"], "email": spec["email"]}
            school = existing.get(uai)
            if school is None:
                school = SchoolPage(uai=uai, slug=_unique_slug(spec["name"], taken), **wanted)
                new.append(school)
                existing[uai] = school
                continue
            changed = [k for k, v in wanted.items() if getattr(school, k) != v]
            if changed:
                for k in changed:
                    setattr(school, k, wanted[k])
                if "title" in changed:
                    school.draft_title = school.title
                school.save()
                self.report.add("schools", "updated")
            else:
                self.report.add("schools", "unchanged")
        add_children(home, new)
        self.report.add("schools", "created", len(new))
        return existing

    def _classes(self, city, schools):
        """Class pages of the imported year, keyed (uai, label); created under their school."""
        existing = {}
        for page in ClassPage.objects.filter(school_year=city.year):
            existing[(page.path[: -page.steplen], page.registry_label or page.title)] = page
        school_by_path = {s.path: s for s in schools.values()}
        taken_by_school = defaultdict(set)
        for path, slug in _child_slugs(school_by_path):
            taken_by_school[path].add(slug)
        result = {}
        new = defaultdict(list)
        for (uai, label), spec in sorted(city.classes.items()):
            school = schools[uai]
            page = existing.get((school.path, label))
            if page is None:
                taken = taken_by_school[school.path]
                slug = slugify(label)
                if not slug or slug in taken:
                    slug = _unique_slug(f"{label}-{city.year}", taken)
                taken.add(slug)
                page = ClassPage(title=label, slug=slug, levels=spec["levels"], school_year=city.year, registry_label=label)
                new[uai].append(page)
            elif page.levels != spec["levels"] or page.registry_label != label:
                page.levels, page.registry_label = spec["levels"], label
                page.save()
                self.report.add("classes", "updated")
            else:
                self.report.add("classes", "unchanged")
            result[(uai, label)] = page
        for uai in self._bar(sorted(new), "classes"):
            add_children(schools[uai], new[uai])
            self.report.add("classes", "created", len(new[uai]))
        return result

    # ---------------------------------------------------------------------------- people
    def _pupils(self, city):
        existing = {
            row[1]: row for row in Pupil.objects.values_list(
                "pk", "external_id", "first_name", "last_name", "photo_consent_from_registry"
            ).iterator(chunk_size=BATCH)
        }
        create, update = [], []
        for pupil_id, spec in city.pupils.items():
            row = existing.get(pupil_id)
            values = (spec["first_name"], spec["last_name"], spec["photo"])
            if row is None:
                create.append(Pupil(external_id=pupil_id, first_name=values[0], last_name=values[1],
                                    photo_consent_from_registry=values[2]))
            elif row[2:] != values:
                update.append(Pupil(pk=row[0], external_id=pupil_id, first_name=values[0], last_name=values[1],
                                    photo_consent_from_registry=values[2]))
            else:
                self.report.add("pupils", "unchanged")
        self._bulk_create(Pupil, create, "pupils")
        self._bulk_update(Pupil, update, ["first_name", "last_name", "photo_consent_from_registry"], "pupils")
        if create:
            return dict(Pupil.objects.values_list("external_id", "pk").iterator(chunk_size=BATCH))
        return {pupil_id: row[0] for pupil_id, row in existing.items()}

    def _enrolments(self, city, pupils, classes):
        """One enrolment per pupil for the year: created, moved, or removed for pupils who left."""
        year = city.year
        existing = {pupil_pk: (pk, class_pk) for pk, pupil_pk, class_pk in
                    Enrolment.objects.filter(school_year=year).values_list("pk", "pupil_id", "class_page_id")}
        wanted = {pupils[pid]: classes[(spec["uai"], spec["label"])].pk for pid, spec in city.pupils.items()}
        create, update = [], []
        for pupil_pk, class_pk in wanted.items():
            row = existing.get(pupil_pk)
            if row is None:
                create.append(Enrolment(pupil_id=pupil_pk, class_page_id=class_pk, school_year=year))
            elif row[1] != class_pk:
                update.append(Enrolment(pk=row[0], pupil_id=pupil_pk, class_page_id=class_pk, school_year=year))
            else:
                self.report.add("enrolments", "unchanged")
        gone = [row[0] for pupil_pk, row in existing.items() if pupil_pk not in wanted]
        self._bulk_create(Enrolment, create, "enrolments")
        self._bulk_update(Enrolment, update, ["class_page"], "enrolments")
        self._delete(Enrolment, gone, "enrolments")

    def _guardians(self, city, pupils):
        fields = ("first_name", "last_name", "email", "phone")
        existing = {row[1]: row for row in Guardian.objects.values_list("pk", "external_id", *fields).iterator(chunk_size=BATCH)}
        found = self._guardians_found_again(city, pupils, existing)
        create, update = [], []
        for guardian_id, spec in city.guardians.items():
            row = existing.get(guardian_id) or found.get(guardian_id)
            values = tuple(spec[f] for f in fields)
            if row is None:
                create.append(Guardian(external_id=guardian_id, **dict(zip(fields, values, strict=True))))
            elif row[2:] != values or row[1] != guardian_id:
                update.append(Guardian(pk=row[0], external_id=guardian_id, **dict(zip(fields, values, strict=True))))
            else:
                self.report.add("guardians", "unchanged")
        self._bulk_create(Guardian, create, "guardians")
        self._bulk_update(Guardian, update, ["external_id", *fields], "guardians")
        if create or found:
            return dict(Guardian.objects.values_list("external_id", "pk").iterator(chunk_size=BATCH))
        return {guardian_id: row[0] for guardian_id, row in existing.items()}

    def _guardians_found_again(self, city, pupils, existing):
        """Existing records for guardian ids the database does not know: same folded name, already linked to
        one of the children, and no longer claimed by the file under their old id.

        ONDE gives no guardian id (the derived key changes when a child is added) and clerks used to number
        rows: without this, a new id would create a second record and leave the activated one without child.
        Returns {new id: existing row}; the record is re-keyed, keeping its account.
        """
        unknown = [gid for gid in city.guardians if gid not in existing]
        if not unknown or not existing:
            return {}
        wanted_pupils = {pupils[pid] for gid in unknown for pid in city.guardians[gid]["pupils"] if pid in pupils}
        if not wanted_pupils:
            return {}
        by_pk = {row[0]: row for gid, row in existing.items() if gid not in city.guardians}
        linked = defaultdict(set)  # pupil pk -> guardian pks (free records only)
        wanted = sorted(wanted_pupils)
        for start in range(0, len(wanted), BATCH):
            for guardian_pk, pupil_pk in Guardianship.objects.filter(pupil_id__in=wanted[start:start + BATCH]).values_list(
                "guardian_id", "pupil_id"
            ):
                if guardian_pk in by_pk:
                    linked[pupil_pk].add(guardian_pk)
        activated = set(Guardian.objects.filter(pk__in=list({g for gs in linked.values() for g in gs}), user__isnull=False)
                        .values_list("pk", flat=True))
        found, taken = {}, set()
        for gid in unknown:
            spec = city.guardians[gid]
            name = (fold_name(spec["first_name"]), fold_name(spec["last_name"]))
            candidates = {g for pid in spec["pupils"] if pid in pupils for g in linked[pupils[pid]]} - taken
            candidates = [g for g in candidates if (fold_name(by_pk[g][2]), fold_name(by_pk[g][3])) == name]
            if candidates:
                best = min(candidates, key=lambda g: (g not in activated, g))  # an activated record first
                taken.add(best)
                found[gid] = by_pk[best]
        return found

    def _guardianships(self, city, guardians, pupils):
        """The file is authoritative for the pupils it lists; a pupil who left keeps their family links."""
        wanted = {}
        for guardian_id, spec in city.guardians.items():
            for pupil_id in spec["pupils"]:
                wanted[(guardians[guardian_id], pupils[pupil_id])] = spec["relationship"]
        listed_pupils = {pupils[pid] for pid in city.pupils}
        existing = {(g, p): (pk, rel) for pk, g, p, rel in
                    Guardianship.objects.values_list("pk", "guardian_id", "pupil_id", "relationship").iterator(chunk_size=BATCH)}
        create, update = [], []
        for (g, p), relationship in wanted.items():
            row = existing.get((g, p))
            if row is None:
                create.append(Guardianship(guardian_id=g, pupil_id=p, relationship=relationship))
            elif row[1] != relationship:
                update.append(Guardianship(pk=row[0], guardian_id=g, pupil_id=p, relationship=relationship))
            else:
                self.report.add("guardianships", "unchanged")
        gone = [row[0] for key, row in existing.items() if key[1] in listed_pupils and key not in wanted]
        self._bulk_create(Guardianship, create, "guardianships")
        self._bulk_update(Guardianship, update, ["relationship"], "guardianships")
        self._delete(Guardianship, gone, "guardianships")

    def _staff(self, city, schools, classes):
        """Staff accounts (keyed on their registry id), their school roles and their classes of the year."""
        fields = ("first_name", "last_name", "email")
        existing = {row[1]: row for row in User.objects.filter(external_id__isnull=False).values_list(
            "pk", "external_id", *fields, "is_active", "deactivated_at")}
        taken_usernames = set(User.objects.filter(username__in=[sid.lower() for sid in city.staff]).values_list("username", flat=True))
        create, update = [], []
        for staff_id, spec in city.staff.items():
            row = existing.get(staff_id)
            values = tuple(spec[f] for f in fields)
            if row is None:
                username = staff_id.lower()
                if username in taken_usernames:
                    username = f"agent-{username}"
                user = User(username=username, external_id=staff_id, **dict(zip(fields, values, strict=True)))
                user.set_unusable_password()
                create.append(user)
            elif row[2:5] != values or (row[6] is not None):
                # Back in the registry: a deactivated account comes back to life.
                update.append(User(pk=row[0], external_id=staff_id, is_active=True, deactivated_at=None,
                                   **dict(zip(fields, values, strict=True))))
            else:
                self.report.add("staff", "unchanged")
        self._bulk_create(User, create, "staff")
        self._bulk_update(User, update, [*fields, "is_active", "deactivated_at"], "staff")
        users = dict(User.objects.filter(external_id__isnull=False).values_list("external_id", "pk"))

        wanted_staff = {(users[sid], schools[uai].pk, role)
                        for sid, spec in city.staff.items() for uai, role in spec["assignments"]}
        existing_staff = {(u, s, r): pk for pk, u, s, r in StaffAssignment.objects.filter(
            user__external_id__isnull=False, school__isnull=False).values_list("pk", "user_id", "school_id", "role")}
        wanted_teaching = {(users[sid], classes[key].pk) for sid, spec in city.staff.items() for key in spec["classes"]}
        existing_teaching = {(u, c): pk for pk, u, c in TeachingAssignment.objects.filter(
            user__external_id__isnull=False, class_page__school_year=city.year).values_list("pk", "user_id", "class_page_id")}

        new_staff = [StaffAssignment(user_id=u, school_id=s, role=r) for (u, s, r) in wanted_staff - existing_staff.keys()]
        new_teaching = [TeachingAssignment(user_id=u, class_page_id=c) for (u, c) in wanted_teaching - existing_teaching.keys()]
        gone_staff = [pk for key, pk in existing_staff.items() if key not in wanted_staff]
        gone_teaching = [pk for key, pk in existing_teaching.items() if key not in wanted_teaching]
        self._bulk_create(StaffAssignment, new_staff, "assignments")
        self._bulk_create(TeachingAssignment, new_teaching, "assignments")
        self.report.add("assignments", "unchanged", len(wanted_staff & existing_staff.keys()) + len(wanted_teaching & existing_teaching.keys()))
        touched = {u for u, *_ in wanted_staff} | {u for u, _ in wanted_teaching}
        touched |= {key[0] for key, pk in existing_staff.items() if key not in wanted_staff}
        touched |= {key[0] for key, pk in existing_teaching.items() if key not in wanted_teaching}
        self._delete(StaffAssignment, gone_staff, "assignments")
        self._delete(TeachingAssignment, gone_teaching, "assignments")
        roles.sync_groups(touched)

    # ---------------------------------------------------------------------------- helpers
    def _bulk_create(self, model, objects, kind):
        for start in self._bar(range(0, len(objects), BATCH), f"{kind} (new)"):
            model.objects.bulk_create(objects[start:start + BATCH], batch_size=BATCH)
        self.report.add(kind, "created", len(objects))

    def _bulk_update(self, model, objects, fields, kind):
        for start in self._bar(range(0, len(objects), BATCH), f"{kind} (updated)"):
            model.objects.bulk_update(objects[start:start + BATCH], fields, batch_size=500)
        self.report.add(kind, "updated", len(objects))

    def _delete(self, model, pks, kind):
        for start in range(0, len(pks), BATCH):
            model.objects.filter(pk__in=pks[start:start + BATCH]).delete()
        self.report.add(kind, "removed", len(pks))


def _child_slugs(school_by_path):
    """Slugs of every child of the schools (classes and other sections), by school path."""
    from wagtail.models import Page

    for path, slug in Page.objects.filter(depth=4).values_list("path", "slug"):
        parent = path[: -Page.steplen]
        if parent in school_by_path:
            yield parent, slug


def import_city(directory, *, dry_run=False, progress=False, year=None, allow_removals=False) -> Report:
    return CityImporter(directory, progress=progress, year=year, allow_removals=allow_removals).run(dry_run=dry_run)
