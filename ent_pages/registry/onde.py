"""Reading ONDE extractions as schools export them: one folder per school, named by its UAI.

ONDE (the national registry of primary pupils) exports, per school, ``CSVExtraction-eleves.csv``,
``CSVExtraction-responsables.csv`` and ``CSVExtraction-enseignants.csv``: Windows-1252, ``;``,
every value quoted, no UAI inside, no guardian or staff id, children named rather than identified.
This module turns such a city directory (``ecoles.csv`` plus the folders) into the same ``City``
records as Préau's own five files, so that everything after reading is shared (``importer``).

Identities without ids, stable from one export to the next:
- a pupil is their INE, else a key derived from family name, first name, birth date and school
  (not the class: a pupil who changes class stays the same pupil);
- a guardian record is a key derived from the school, their name and their children; a record whose
  key changed (a child added) is found again by name and child (``importer._guardians``), so it keeps
  its account;
- a member of staff is a key derived from their email, else from their name and school.
Guardians' children are matched on (family or usage name, first name, class label) folded for case,
accents, apostrophes and hyphens; the address (and a birth date when the export has one) breaks ties.
Addresses are only read for that, never stored (docs/import-format.md, what is dropped).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path

from django.utils.translation import gettext as _

from ..levels import LEVEL_ORDER, sort_levels
from ..models import Relationship, Role
from ..school_year import current_school_year
from ..validators import normalize_uai
from .files import (
    CONTROL_CHARS,
    Column,
    check_value,
    fold,
    fold_name,
    missing_column,
    parse_date,
    parse_yes_no,
    read_rows,
    read_table,
    valid_email,
)
from .importer import SCHOOL_COLUMNS, SCHOOLS_FILE, City, identical_line_warning, parse_relationship, parse_schools

PUPILS = "CSVExtraction-eleves.csv"
GUARDIANS = "CSVExtraction-responsables.csv"
TEACHERS = "CSVExtraction-enseignants.csv"

PUPIL_COLUMNS = [
    Column("last_name", "Nom élève", aliases=("Nom de famille élève", "Nom"), max_length=100),
    Column("usage_name", "Nom d'usage élève", required=False, aliases=("Nom usage élève",), max_length=100),
    Column("first_name", "Prénom élève", aliases=("Prénom",), max_length=100),
    Column("birth_date", "Date naissance", aliases=("Date de naissance", "Date naissance élève")),
    Column("ine", "INE", required=False, aliases=("Identifiant national élève", "INE élève"), max_length=64),
    Column("address1", "Adresse1", required=False, aliases=("Adresse 1",)),
    Column("postcode1", "CP1", required=False, aliases=("CP 1", "Code postal1")),
    Column("address2", "Adresse2", required=False, aliases=("Adresse 2",)),
    Column("postcode2", "CP2", required=False, aliases=("CP 2", "Code postal2")),
    Column("level", "Niveau"),
    Column("label", "Libellé classe", aliases=("Classe", "Libelle de la classe"), max_length=100),
    Column("class_id", "Identifiant classe", required=False, aliases=("Id classe",)),
    Column("photo", "Autorisation photo", required=False,
           aliases=("Autorisations photos", "Autorisation photos", "Droit à l'image")),
]
GUARDIAN_COLUMNS = [
    Column("usage_name", "Nom usage responsable", required=False, aliases=("Nom d'usage responsable",), max_length=100),
    Column("last_name", "Nom responsable", aliases=("Nom de famille responsable",), max_length=100),
    Column("first_name", "Prénom responsable", max_length=100),
    Column("address", "Adresse responsable", required=False),
    Column("postcode", "CP responsable", required=False, aliases=("Code postal responsable",)),
    Column("email", "Courriel", required=False, aliases=("Courriel responsable", "Email", "Mél"), max_length=254),
    Column("mobile", "Téléphone portable", required=False, aliases=("Portable",), max_length=32),
    Column("home", "Téléphone domicile", required=False, max_length=32),
    Column("work", "Téléphone travail", required=False, max_length=32),
    Column("relationship", "Lien avec l'enfant", required=False, aliases=("Lien", "Lien de parenté", "Qualité")),
]
#: Repeated once per child on a guardian's row, as many groups as the family's largest.
CHILD_COLUMNS = [
    Column("usage_name", "Nom d'usage enfant", required=False, aliases=("Nom usage enfant",)),
    Column("last_name", "Nom de famille enfant", aliases=("Nom enfant",)),
    Column("first_name", "Prénom enfant"),
    Column("label", "Classes enfants", aliases=("Classe enfant", "Classes enfant", "Classe enfants")),
    Column("birth_date", "Date naissance enfant", required=False, aliases=("Date de naissance enfant",)),
]
TEACHER_COLUMNS = [
    Column("usage_name", "Nom usage", required=False, aliases=("Nom d'usage",), max_length=150),
    Column("last_name", "Nom", aliases=("Nom de famille",), max_length=150),
    Column("first_name", "Prénom", max_length=150),
    Column("email", "Courriel", required=False, aliases=("Email", "Mél"), max_length=254),
    Column("director", "Directeur", required=False, aliases=("Directeur d'école", "Directrice")),
    Column("classes", "Classe", required=False, aliases=("Classes", "Libellé classe")),
]
CHILD_HEADERS = {column.key: column.header for column in CHILD_COLUMNS}

ONDE_LEVELS = {
    "toute petite section": "TPS", "petite section": "PS", "moyenne section": "MS", "grande section": "GS",
    "cours preparatoire": "CP", "cours elementaire premiere annee": "CE1", "cours elementaire 1": "CE1",
    "cours elementaire deuxieme annee": "CE2", "cours elementaire 2": "CE2", "cours moyen premiere annee": "CM1",
    "cours moyen 1": "CM1", "cours moyen deuxieme annee": "CM2", "cours moyen 2": "CM2",
}


def parse_level(value):
    folded = fold_name(value)
    if folded.upper() in LEVEL_ORDER:
        return folded.upper()
    return ONDE_LEVELS.get(folded)


def derived_key(prefix, *parts):
    """A registry id for people ONDE does not identify: stable for the same parts, opaque (no name in it)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]
    return f"{prefix}-{digest}"


def is_onde_city(directory: Path) -> bool:
    """A city directory in the ONDE layout: ``ecoles.csv`` and per-school folders, no ``eleves.csv``."""
    from .importer import PUPILS_FILE

    if not (directory / SCHOOLS_FILE).exists() or (directory / PUPILS_FILE).exists():
        return False
    return any(folder.is_dir() and (folder / PUPILS).exists() for folder in directory.iterdir())


def parse_onde_city(directory: Path, *, year: str | None = None) -> City:
    city = City(year=year or current_school_year())
    read = read_rows(directory / SCHOOLS_FILE, SCHOOL_COLUMNS)
    city.errors.extend(read.errors)
    if read.errors:
        return city
    parse_schools(read.rows, city)
    folders = sorted(f for f in directory.iterdir() if f.is_dir() and not f.name.startswith((".", "_")))
    for folder in folders:
        uai = normalize_uai(folder.name)
        if uai not in city.schools:
            city.errors.append(f"{folder.name}/: " + _(
                "folder named after no school of %(file)s (a school's folder is named by its UAI)") % {"file": SCHOOLS_FILE})
            continue
        SchoolExport(city, uai, folder).read()
    if not city.classes and not city.errors:
        city.errors.append(f"{directory.name}/: " + _("no school folder holds a pupil"))
    return city


class SchoolExport:
    """One school's three ONDE files, read into the city's records."""

    def __init__(self, city, uai, folder):
        self.city, self.uai, self.folder = city, uai, folder
        self.errors = city.errors
        self.pupil_index = defaultdict(set)  # (folded name, folded first name, folded class label) -> pupil ids
        self.pupil_details = {}  # pupil id -> (folded addresses, birth date): tie-breakers, then dropped
        self.labels = {}  # folded class label -> class label
        self.name = lambda file: f"{folder.name}/{file}"

    def read(self):
        self.city.sources[self.uai] = {"pupils": self.name(PUPILS), "guardians": self.name(GUARDIANS)}
        self.read_pupils()
        self.read_guardians()
        self.read_teachers()

    # ---------------------------------------------------------------------------- pupils
    def read_pupils(self):
        read = read_rows(self.folder / PUPILS, PUPIL_COLUMNS, self.name(PUPILS))
        self.errors.extend(read.errors)
        self.pupils_read = not read.errors  # else the guardians' and teachers' references are not checked
        if read.errors:
            return
        seen = {}  # pupil id -> (line, values)
        class_ids = {}  # class label -> (ONDE class id, line)
        levels = defaultdict(set)
        for row in read.rows:
            where = row.where()
            last, usage, first = row["last_name"], row["usage_name"], row["first_name"]
            if not last or not first:
                self.errors.append(f"{where}: " + _("a pupil without a family name or a first name"))
                continue
            try:
                birth = parse_date(row["birth_date"])
            except ValueError:
                self.errors.append(f"{where}: " + _("date of birth « %(value)s » of %(child)s is not a date (DD/MM/YYYY)") % {
                    "value": row["birth_date"], "child": f"{first} {last}"})
                continue
            ine = row["ine"].replace(" ", "").upper()
            pupil_id = ine or derived_key("ONDE-ELV", fold_name(last), fold_name(first), birth.isoformat(), self.uai)
            if pupil_id in seen:
                if seen[pupil_id][1] == row.values:
                    self.city.warnings.append(identical_line_warning(row, seen[pupil_id][0]))
                else:
                    self.errors.append(f"{where}: " + _("%(child)s is already at line %(line)d (same INE, or same name and birth date)") % {
                        "child": f"{first} {last}", "line": seen[pupil_id][0]})
                continue
            seen[pupil_id] = (row.line, row.values)
            if pupil_id in self.city.pupils:
                other = self.city.pupils[pupil_id]["uai"]
                self.errors.append(f"{where}: " + _("%(child)s is also a pupil of %(uai)s") % {"child": f"{first} {last}", "uai": other})
                continue
            label, level = row["label"], parse_level(row["level"])
            if not label:
                self.errors.append(f"{where}: " + _("%(child)s has no class label") % {"child": f"{first} {last}"})
                continue
            if level is None:
                self.errors.append(f"{where}: " + _("unknown level « %(value)s » (TPS, PS, MS, GS, CP, CE1, CE2, CM1, CM2)") % {"value": row["level"]})
            known = class_ids.setdefault(label, (row["class_id"], row.line))
            if row["class_id"] and known[0] and row["class_id"] != known[0]:
                self.errors.append(f"{where}: " + _(
                    "class label « %(label)s » is used by two ONDE classes (%(first)s at line %(line)d, %(second)s): "
                    "give them distinct labels in ONDE") % {"label": label, "first": known[0], "line": known[1], "second": row["class_id"]})
                continue
            folded_label = fold_name(label)
            if self.labels.setdefault(folded_label, label) != label:
                self.errors.append(f"{where}: " + _("class labels « %(first)s » and « %(second)s » differ only by case, accents or punctuation") % {
                    "first": self.labels[folded_label], "second": label})
                continue
            try:
                photo = parse_yes_no(row["photo"])
            except ValueError:
                photo = None
                self.errors.append(f"{where}: " + _("photo authorisation « %(value)s » is not oui or non") % {"value": row["photo"]})
            if level:
                levels[label].add(level)
            self.city.classes.setdefault((self.uai, label), {"line": row.line, "levels": [], "teachers": set()})
            self.city.pupils[pupil_id] = {
                "line": row.line, "first_name": first, "last_name": usage or last, "uai": self.uai, "label": label,
                "photo": photo,
            }
            for name in {fold_name(last), fold_name(usage)} - {""}:
                self.pupil_index[(name, fold_name(first), folded_label)].add(pupil_id)
            self.pupil_details[pupil_id] = ((row["address1"], row["postcode1"], row["address2"], row["postcode2"]), birth)
        for label, found in levels.items():
            self.city.classes[(self.uai, label)]["levels"] = sort_levels(found)

    # ------------------------------------------------------------------------- guardians
    def read_guardians(self):
        name = self.name(GUARDIANS)
        table = read_table(self.folder / GUARDIANS, name)
        self.errors.extend(table.errors)
        if table.errors:
            return
        header = table.folded_header
        fixed = {}
        for column in GUARDIAN_COLUMNS:
            index = column.find(header)
            if index is None and column.required:
                self.errors.append(f"{name}:1: " + missing_column(column))
            elif index is not None:
                fixed[column.key] = (index, column)
        groups = self._child_groups(name, header)
        if not self.pupils_read or (self.errors and (len(fixed) < 2 or not groups)):
            return
        seen_lines = {}  # raw values -> first line
        for line, values in table.lines:
            where = f"{name}:{line}"
            key_values = tuple(values)
            if key_values in seen_lines:
                self.city.warnings.append(f"{where}: " + _("line identical to line %(first)d: counted once") % {"first": seen_lines[key_values]})
                continue
            seen_lines[key_values] = line
            cells = {key: values[i].strip() for key, (i, _column) in fixed.items()}
            problems = [check_value(where, column.header, cells[key], column.max_length) for key, (_i, column) in fixed.items()
                        if column.max_length or CONTROL_CHARS.search(cells[key])]
            if any(problems):
                self.errors.extend(p for p in problems if p)
                continue
            family, usage, first = cells.get("last_name", ""), cells.get("usage_name", ""), cells.get("first_name", "")
            if not (family or usage) or not first:
                self.errors.append(f"{where}: " + _("a guardian without a name or a first name"))
                continue
            email = cells.get("email", "").lower()
            if email and not valid_email(email):
                self.errors.append(f"{where}: " + invalid_email(email))
            address = (cells.get("address", ""), cells.get("postcode", ""))
            pupils, errors_before = [], len(self.errors)
            for group in groups:
                child = {key: values[i].strip() for key, i in group.items()}
                if not any(child.values()):
                    continue
                problems = [check_value(where, CHILD_HEADERS[key], value) for key, value in child.items() if CONTROL_CHARS.search(value)]
                if any(problems):
                    self.errors.extend(p for p in problems if p)
                    continue
                pupil_id = self._match_child(where, child, address)
                if pupil_id and pupil_id not in pupils:
                    pupils.append(pupil_id)
            if not pupils:
                if len(self.errors) == errors_before:
                    self.errors.append(f"{where}: " + _("guardian %(name)s has no child") % {"name": f"{first} {usage or family}"})
                continue
            key = derived_key("ONDE-RL", self.uai, fold_name(family or usage), fold_name(first), *sorted(pupils))
            if key in self.city.guardians:
                self.errors.append(f"{where}: " + _("guardian %(name)s is already at line %(line)d with other details: keep one line") % {
                    "name": f"{first} {usage or family}", "line": self.city.guardians[key]["line"]})
                continue
            phone = cells.get("mobile") or cells.get("home") or cells.get("work") or ""
            self.city.guardians[key] = {
                "line": line, "first_name": first, "last_name": usage or family, "email": email, "phone": phone,
                "relationship": parse_relationship(cells["relationship"]) if cells.get("relationship") else Relationship.OTHER,
                "pupils": pupils,
            }

    def _child_groups(self, name, header):
        """Column positions of each child group, in order: the n-th group takes the n-th of each header."""
        positions = {}
        for column in CHILD_COLUMNS:
            names = column.names()
            found = [i for i, h in enumerate(header) if h in names]
            if not found and column.required:
                self.errors.append(f"{name}:1: " + missing_column(column))
            positions[column.key] = found
        count = len(positions["first_name"])
        return [{key: found[n] for key, found in positions.items() if n < len(found)} for n in range(count)]

    def _match_child(self, where, child, address):
        """The pupil a guardian's row names, or None after recording an error naming the child."""
        first, label = fold_name(child.get("first_name", "")), fold_name(child.get("label", ""))
        names = {fold_name(child.get("last_name", "")), fold_name(child.get("usage_name", ""))} - {""}
        candidates = set()
        for folded in names:
            candidates |= self.pupil_index.get((folded, first, label), set())
        described = {"child": f"{child.get('first_name', '')} {child.get('last_name') or child.get('usage_name', '')}".strip(),
                     "label": child.get("label", ""), "file": PUPILS}
        if len(candidates) > 1 and (home := _address(*address)):
            candidates = {c for c in candidates if home in _addresses(self.pupil_details[c][0])} or candidates
        if len(candidates) > 1 and child.get("birth_date"):
            try:
                born = parse_date(child["birth_date"])
                candidates = {c for c in candidates if self.pupil_details[c][1] == born} or candidates
            except ValueError:
                pass
        if len(candidates) == 1:
            return next(iter(candidates))
        if not candidates:
            self.errors.append(f"{where}: " + _("child %(child)s of class « %(label)s » is not in %(file)s") % described)
        else:
            self.errors.append(f"{where}: " + _(
                "child %(child)s of class « %(label)s » matches several pupils of %(file)s (same name, class and address)") % described)
        return None

    # -------------------------------------------------------------------------- teachers
    def read_teachers(self):
        read = read_rows(self.folder / TEACHERS, TEACHER_COLUMNS, self.name(TEACHERS))
        self.errors.extend(read.errors)
        if read.errors:
            return
        seen = {}
        for row in read.rows:
            where = row.where()
            values = tuple(row.values.items())
            if values in seen:
                self.city.warnings.append(identical_line_warning(row, seen[values]))
                continue
            seen[values] = row.line
            last, first = row["usage_name"] or row["last_name"], row["first_name"]
            if not last or not first:
                self.errors.append(f"{where}: " + _("a teacher without a name or a first name"))
                continue
            email = row["email"].lower()
            if email and not valid_email(email):
                self.errors.append(f"{where}: " + invalid_email(email))
                continue
            staff_id = (derived_key("ONDE-ENS", email) if email
                        else derived_key("ONDE-ENS", fold_name(row["last_name"] or last), fold_name(first), self.uai))
            member = self.city.staff.setdefault(staff_id, {
                "line": row.line, "first_name": first, "last_name": last, "email": email, "assignments": set(), "classes": set(),
            })
            director = fold(row["director"]) in {"oui", "o", "yes", "1", "vrai", "x"}
            classes = [c for c in (s.strip() for s in row["classes"].split("|")) if c]
            for label in classes:
                known = self.labels.get(fold_name(label))
                if known is None and self.pupils_read:  # a class without pupils has no page: nothing to teach yet
                    self.city.warnings.append(f"{where}: " + _(
                        "class « %(label)s » of %(name)s has no pupil in %(file)s: not assigned") % {
                        "label": label, "name": f"{first} {last}", "file": PUPILS})
                else:
                    member["classes"].add((self.uai, known))
            if director:
                member["assignments"].add((self.uai, Role.DIRECTOR))
            if classes or not director:
                member["assignments"].add((self.uai, Role.TEACHER))


def invalid_email(value):
    return _("invalid email « %(value)s »") % {"value": value}


def _address(street, postcode):
    return fold_name(f"{street} {postcode}") if street.strip() else ""


def _addresses(pupil_addresses):
    """A pupil's two addresses (Adresse1/CP1, Adresse2/CP2), folded."""
    street1, postcode1, street2, postcode2 = pupil_addresses
    return {_address(street1, postcode1), _address(street2, postcode2)} - {""}
