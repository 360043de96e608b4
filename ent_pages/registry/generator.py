"""A deterministic synthetic city in the registry format (docs/import-format.md).

Same seed, same files: for tests at small size and benchmarks at full size (206 schools, 35,000
pupils). Class sizes 20–30, maternelle / élémentaire / primaire schools, families of one to three
children (siblings often in the neighbouring school), about 1.7 guardians per pupil, separated
parents with their own records and emails. Guardian records are per parent and school, as the
school software exports them: a parent with children in two schools has two records (and two
letters), which activation merges into one account.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from ..levels import LEVEL_ORDER
from ..school_year import current_school_year
from .files import fold, fold_name
from .importer import CLASSES_FILE, GUARDIANS_FILE, PUPILS_FILE, SCHOOLS_FILE, STAFF_FILE

GIRLS = ["Emma", "Jade", "Louise", "Alice", "Chloé", "Lina", "Rose", "Léa", "Anna", "Mila", "Inès", "Ambre", "Julia",
         "Mia", "Léna", "Manon", "Juliette", "Lou", "Zoé", "Camille", "Agathe", "Jeanne", "Lucie", "Sarah", "Romane",
         "Eva", "Nina", "Margaux", "Iris", "Adèle", "Victoire", "Clémence", "Capucine", "Apolline", "Héloïse",
         "Yasmine", "Aya", "Salomé", "Maëlys", "Élise", "Nour", "Charlotte", "Anaïs", "Louna", "Gabrielle", "Olivia"]
BOYS = ["Gabriel", "Léo", "Raphaël", "Arthur", "Louis", "Jules", "Adam", "Maël", "Lucas", "Hugo", "Noah", "Liam",
        "Gabin", "Sacha", "Paul", "Nathan", "Aaron", "Mohamed", "Ethan", "Tom", "Léon", "Noé", "Timéo", "Martin",
        "Théo", "Nolan", "Marius", "Victor", "Isaac", "Mathis", "Axel", "Robin", "Valentin", "Antoine", "Baptiste",
        "Clément", "Samuel", "Rayan", "Ilyès", "Malo", "Côme", "Augustin", "Eliott", "Simon", "Youssef", "Oscar"]
ADULT_WOMEN = ["Marie", "Nathalie", "Isabelle", "Sylvie", "Céline", "Sandrine", "Aurélie", "Stéphanie", "Émilie",
               "Julie", "Caroline", "Virginie", "Sophie", "Élodie", "Laure", "Audrey", "Karine", "Fatima", "Amandine",
               "Claire", "Hélène", "Mélanie", "Nadia", "Samira", "Anne", "Laetitia", "Vanessa", "Delphine"]
ADULT_MEN = ["Nicolas", "Julien", "Sébastien", "Christophe", "Frédéric", "Stéphane", "Olivier", "Jérôme", "Mathieu",
             "Guillaume", "Romain", "Thomas", "Vincent", "David", "Karim", "Alexandre", "Pierre", "Fabien", "Cédric",
             "Laurent", "Éric", "Mehdi", "Benoît", "Yann", "Franck", "Damien", "Arnaud", "Rachid"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
              "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
              "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
              "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas",
              "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier",
              "Robin", "Masson", "Sanchez", "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly",
              "Gautier", "Roger", "Roche", "Roy", "Noël", "Meyer", "Lucas", "Meunier", "Jean", "Pérez", "Marchand",
              "Dufour", "Blanchard", "Marie", "Barbier", "Brun", "Dumas", "Brunet", "Schmitt", "Leroux", "Colin",
              "Fernandez", "Pierre", "Renard", "Arnaud", "Rolland", "Caron", "Aubert", "Giraud", "Leclerc", "Vidal",
              "Bourgeois", "Renaud", "Lemoine", "Picard", "Gaillard", "Philippe", "Leclercq", "Lacroix", "Fabre",
              "Dupuis", "Olivier", "Rodriguez", "Da Silva", "Hubert", "Louis", "Charles", "Guillot", "Rivière",
              "Le Gall", "Guillaume", "Adam", "Rey", "Moulin", "Gonzalez", "Berger", "Lecomte", "Ménard", "Fleury",
              "Deschamps", "Carpentier", "Julien", "Benoît", "Paris", "Maillard", "Marchal", "Aubry", "Vasseur",
              "Le Roux", "Renault", "Jacquet", "Collet", "Prévost", "Poirier", "Charpentier", "Royer", "Huet",
              "Baron", "Dupuy", "Pons", "Paul", "Laine", "Carré", "Breton", "Rémy", "Schneider", "Perrot", "Guyot",
              "Barre", "Marty", "Cousin", "Benali", "Haddad", "Diallo", "Traoré", "Bensaïd", "Kaya", "Pereira"]
NAMESAKES = ["Jules Ferry", "Louise Michel", "Jean Jaurès", "Victor Hugo", "Jean Moulin", "Marie Curie", "Pasteur",
             "Jacques Prévert", "Paul Bert", "Condorcet", "Jean Macé", "George Sand", "Anatole France", "Voltaire",
             "Simone Veil", "Lucie Aubrac", "Olympe de Gouges", "Antoine de Saint-Exupéry", "Jean de La Fontaine",
             "Les Lilas", "Les Tilleuls", "Les Platanes", "Le Petit Prince", "Les Capucins", "Saint-Cyprien",
             "Matabiau", "Les Minimes", "Bonnefoy", "Rangueil", "Jolimont", "Lardenne", "Borderouge", "La Roseraie",
             "Bagatelle", "Empalot", "Fontaine-Lestang", "Les Amidonniers", "Ernest Renan", "Michelet", "Molière"]
STREETS = ["rue", "avenue", "allée", "boulevard", "place", "chemin", "impasse"]
AGE_AT_START = {"TPS": 2, "PS": 3, "MS": 4, "GS": 5, "CP": 6, "CE1": 7, "CE2": 8, "CM1": 9, "CM2": 10}
KIND_LEVELS = {
    "maternelle": ["PS", "MS", "GS"],
    "élémentaire": ["CP", "CE1", "CE2", "CM1", "CM2"],
    "primaire": ["PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2"],
}


@dataclass
class Generated:
    schools: int = 0
    classes: int = 0
    pupils: int = 0
    guardians: int = 0
    guardianships: int = 0
    staff: int = 0
    files: list = field(default_factory=list)


def _split(total, weights):
    """Integers proportional to weights summing exactly to total."""
    raw = [total * w / sum(weights) for w in weights]
    parts = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _class_count(n):
    k = max(1, round(n / 25))
    while n / k > 30:
        k += 1
    while k > 1 and n / k < 20:
        k -= 1
    return k


def _class_levels(levels, k):
    """Level groups for k classes over the school's levels (double-level classes when needed)."""
    n = len(levels)
    groups = []
    for j in range(k):
        start = j * n // k
        end = max(start, -(-(j + 1) * n // k) - 1)
        groups.append(levels[start:end + 1])
    return groups


def _email(first, last, n):
    local = f"{fold_name(first)}.{fold_name(last)}".replace(" ", "-")
    return f"{local}{n}@exemple.fr"


def _phone(rng):
    return "0" + rng.choice("67") + "".join(f" {rng.randrange(100):02d}" for _ in range(4))


def generate_city(out, *, schools=206, pupils=35000, seed=1, year=None, encoding=None, format="registry") -> Generated:
    """Write the city to `out`: the five registry files, or (``format="onde"``) ``ecoles.csv`` and one folder of
    ONDE extractions per school; returns what was generated."""
    if format not in ("registry", "onde"):
        raise ValueError(format)
    onde = format == "onde"
    encoding = encoding or ("cp1252" if onde else "utf-8")
    rng = random.Random(seed)
    extra = random.Random(seed + 1_000_003)  # ONDE-only details (addresses, INE), without changing `rng`'s draws
    year = year or current_school_year()
    start_year = int(year[:4])
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    result = Generated()

    school_rows, class_rows, pupil_rows, guardian_rows, staff_rows = [], [], [], [], []
    kinds = []
    for i in range(schools):
        kinds.append("maternelle" if i % 10 < 4 else "primaire" if i % 10 == 9 else "élémentaire")
    sizes = _split(pupils, [rng.uniform(0.6, 1.4) for _ in range(schools)])
    school_pupils = []  # per school: list of pupil dicts
    staff_n = 0
    pupil_n = 0
    used_names = set()
    for i, (kind, size) in enumerate(zip(kinds, sizes, strict=True)):
        uai = f"031{i + 1:04d}{'ABCDEFGHJKLMNPRSTUVWXYZ'[i % 23]}"
        namesake = NAMESAKES[i % len(NAMESAKES)]
        name = f"École {kind} {namesake}"
        if name in used_names:
            name = f"{name} {i // len(NAMESAKES) + 1}"
        used_names.add(name)
        address = f"{rng.randint(1, 120)} {rng.choice(STREETS)} {rng.choice(NAMESAKES)}\\n31000 Préau"
        school_rows.append([uai, name, kind, address, f"05 61 {i // 100:02d} {i % 100:02d} 00", f"ce.{uai.lower()}@ac-preau.fr"])

        def staff_id():
            nonlocal staff_n
            staff_n += 1
            return f"AG{staff_n:06d}"

        def adult():
            woman = rng.random() < 0.8
            return rng.choice(ADULT_WOMEN if woman else ADULT_MEN), rng.choice(LAST_NAMES)

        k = _class_count(size) if size else 0
        groups = _class_levels(KIND_LEVELS[kind], k) if k else []
        labels = ["-".join(g) for g in groups]
        letters = {}
        for j, label in enumerate(labels):
            if labels.count(label) > 1:
                letters[label] = letters.get(label, 0) + 1
                labels[j] = f"{label} {'ABCDEFGH'[letters[label] - 1]}"
        director = staff_id()
        d_first, d_last = adult()
        d_email = _email(d_first, d_last, director[2:])
        staff_rows.append([director, d_last, d_first, d_email, uai, "Directeur" if d_first in ADULT_MEN else "Directrice", ""])
        class_sizes = _split(size, [1] * k) if k else []
        pupils_here = []
        for j, (label, group, class_size) in enumerate(zip(labels, groups, class_sizes, strict=True)):
            teachers = [director] if j == 0 and k <= 4 else []
            if not teachers or rng.random() < 0.05:
                teacher = staff_id()
                first, last = adult()
                staff_rows.append([teacher, last, first, _email(first, last, teacher[2:]), uai,
                                   "Enseignant" if first in ADULT_MEN else "Enseignante", label])
                teachers.append(teacher)
            if director in teachers:  # in small schools the director also teaches
                staff_rows.append([director, d_last, d_first, d_email, uai, "Enseignant" if d_first in ADULT_MEN else "Enseignante", label])
            class_rows.append([uai, label, "/".join(group), year, "|".join(teachers)])
            for _ in range(class_size):
                pupil_n += 1
                level = group[rng.randrange(len(group))]
                born = date(start_year - AGE_AT_START[level], 1, 1) + timedelta(days=rng.randrange(365))
                photo = rng.choices(["Oui", "Non", ""], weights=[85, 10, 5])[0]
                pupils_here.append({"id": f"ELV{pupil_n:07d}", "uai": uai, "label": label, "born": born, "photo": photo,
                                    "school": i, "level": level, "n": pupil_n})
        for _ in range(rng.randint(2, 4)):
            animator = staff_id()
            first, last = adult()
            staff_rows.append([animator, last, first, _email(first, last, animator[2:]), uai,
                               "Animateur CLAE" if first in ADULT_MEN else "Animatrice CLAE", ""])
        clae = staff_id()
        first, last = adult()
        staff_rows.append([clae, last, first, _email(first, last, clae[2:]), uai, "Directeur CLAE", ""])
        school_pupils.append(pupils_here)
        result.classes += k

    # Families: siblings are drawn from the same pair of neighbouring schools (a maternelle and an
    # élémentaire are often next to each other).
    pool = []
    for i in range(0, schools, 2):
        pair = [p for s in school_pupils[i:i + 2] for p in s]
        rng.shuffle(pair)
        pool.extend(pair)
    guardian_n = 0
    family_n = 0
    onde_guardians = defaultdict(list)  # school index -> guardian rows of that school
    index = 0
    while index < len(pool):
        size = rng.choices([1, 2, 3], weights=[80, 17, 3])[0]
        children = pool[index:index + size]
        index += size
        family_n += 1
        father_last = rng.choice(LAST_NAMES)
        two_parents = rng.random() < 0.85
        separated = two_parents and rng.random() < 0.25
        mother_last = rng.choice(LAST_NAMES) if separated or rng.random() < 0.3 else father_last
        parents = []
        if two_parents or rng.random() < 0.75:
            parents.append((rng.choice(ADULT_WOMEN), mother_last, "Mère"))
        if two_parents or not parents:
            parents.append((rng.choice(ADULT_MEN), father_last, "Père"))
        if not two_parents and rng.random() < 0.05:
            parents = [(rng.choice(ADULT_WOMEN + ADULT_MEN), rng.choice(LAST_NAMES), "Tuteur")]
        if onde and extra.random() < 0.06:  # names ONDE must fold: apostrophes, hyphens, ligatures
            special = extra.choice(ONDE_NAMES)
            old = father_last if any(p[2] == "Père" for p in parents) else parents[0][1]
            parents = [(first, special if last == old else last, relationship) for first, last, relationship in parents]
            father_last = special if father_last == old else father_last
        homes = {}
        for _first, _last, relationship in parents:
            street = f"{extra.randint(1, 120)} {extra.choice(STREETS)} {extra.choice(NAMESAKES)}"
            homes[relationship] = homes.get("Mère") if relationship == "Père" and not separated and "Mère" in homes else street
        child_last = father_last if any(p[2] == "Père" for p in parents) else parents[0][1]
        first_names = set()
        for child in children:
            girl = rng.random() < 0.5
            child["first_name"] = rng.choice(GIRLS if girl else BOYS)
            while onde and child["first_name"] in first_names:  # twins are not given the same first name
                child["first_name"] = rng.choice(GIRLS if girl else BOYS)
            first_names.add(child["first_name"])
            child["girl"], child["homes"] = girl, list(dict.fromkeys(homes.values()))
            child["last_name"] = child_last
            pupil_rows.append([child["id"], child_last, child["first_name"], child["born"].strftime("%d/%m/%Y"),
                               child["uai"], child["label"], child["photo"]])
        by_school = {}
        for child in children:
            by_school.setdefault(child["school"], []).append(child["id"])
        for first, last, relationship in parents:
            email = _email(first, last, family_n) if rng.random() < 0.85 else ""
            phone = _phone(rng) if rng.random() < 0.9 else ""
            for school_index, ids in by_school.items():
                guardian_n += 1
                guardian_rows.append([f"RL{guardian_n:07d}", last, first, email, phone, relationship, "|".join(ids)])
                result.guardianships += len(ids)
                if onde:
                    onde_guardians[school_index].append({
                        "first_name": first, "last_name": last, "email": email, "phone": phone, "relationship": relationship,
                        "home": homes[relationship], "children": [c for c in children if c["school"] == school_index],
                    })

    pupil_rows.sort(key=lambda r: r[0])
    if onde:
        _write_onde(out, encoding, school_rows, school_pupils, onde_guardians, staff_rows, extra, result)
        result.guardians = sum(len(rows) for rows in onde_guardians.values())
        result.schools, result.pupils = schools, len(pupil_rows)
        result.staff = len({row[3] for row in staff_rows if "CLAE" not in row[5]})
        return result
    files = [
        (SCHOOLS_FILE, ["UAI", "Nom", "Type", "Adresse", "Téléphone", "Courriel"], school_rows),
        (CLASSES_FILE, ["UAI", "Classe", "Niveaux", "Année scolaire", "Enseignants"], class_rows),
        (PUPILS_FILE, ["Identifiant", "Nom", "Prénom", "Date de naissance", "UAI", "Classe", "Autorisation photo"], pupil_rows),
        (GUARDIANS_FILE, ["Identifiant", "Nom", "Prénom", "Courriel", "Téléphone", "Lien", "Élèves"], guardian_rows),
        (STAFF_FILE, ["Identifiant", "Nom", "Prénom", "Courriel", "UAI", "Fonction", "Classes"], staff_rows),
    ]
    for name, header, rows in files:
        path = out / name
        with path.open("w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
            writer.writerow(header)
            writer.writerows(rows)
        result.files.append(path)
    result.schools, result.pupils, result.guardians = schools, len(pupil_rows), len(guardian_rows)
    result.staff = len({row[0] for row in staff_rows})
    return result


# ------------------------------------------------------------------------------------- ONDE
#: Family names that only match once folded (apostrophes, hyphens, ligature, particles).
ONDE_NAMES = ["N'Diaye", "D'Almeida", "Le Coq", "Saint-Martin", "Cœurdevey", "Œillet", "Ben-Saïd", "L'Hôte", "De La Tour"]
ONDE_PUPIL_HEADER = [
    "Nom élève", "Nom d'usage élève", "Prénom élève", "Date naissance", "Sexe", "INE", "Adresse1", "CP1", "Commune1",
    "Pays1", "Adresse2", "CP2", "Commune2", "Pays2", " Cycle", "Niveau", "Libellé classe", "Identifiant classe",
    "Attestation fournie", "Autorisation associations", "Autorisation photo", "Décision de passage",
]
ONDE_GUARDIAN_HEADER = [
    "Civilité Responsable", "Nom usage responsable", "Nom responsable", "Prénom responsable", "Adresse responsable",
    "CP responsable", "Commune responsable", "Pays", "Courriel", "Téléphone domicile", "Téléphone travail",
    "Numéro de poste", "Téléphone portable",
]
ONDE_CHILD_HEADER = ["Nom d'usage enfant", "Nom de famille enfant", "Prénom enfant", "Classes enfants"]
ONDE_TEACHER_HEADER = [
    "Civilité", "Nom usage", "Nom", "Prénom", "Adresse", "CP", "Commune", "Pays", "Courriel", "Téléphone domicile",
    "Téléphone portable", "Directeur", "Classe",
]
CYCLES = {"TPS": "1", "PS": "1", "MS": "1", "GS": "1", "CP": "2", "CE1": "2", "CE2": "2", "CM1": "3", "CM2": "3"}


def _write_onde(out, encoding, school_rows, school_pupils, onde_guardians, staff_rows, extra, result):
    """ecoles.csv, then per school the three ONDE extractions: Windows-1252, `;`, every value quoted."""
    def write(path, header, rows):
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
            writer.writerow(header)
            writer.writerows(rows)
        result.files.append(path)

    write(out / SCHOOLS_FILE, ["UAI", "Nom", "Type", "Adresse", "Téléphone", "Courriel"], school_rows)
    class_ids = {}
    for index, (school, pupils) in enumerate(zip(school_rows, school_pupils, strict=True)):
        uai = school[0]
        folder = out / uai
        rows = []
        for child in sorted(pupils, key=lambda c: (fold(c["last_name"]), fold(c["first_name"]))):
            class_id = class_ids.setdefault((uai, child["label"]), str(100000 + len(class_ids)))
            ine = f"{child['n']:09d}{'ABCDEFGHJK'[child['n'] % 10]}{'ABCDEFGHJK'[child['n'] // 10 % 10]}" if extra.random() < 0.9 else ""
            homes = child["homes"] + ["", ""]
            rows.append([
                child["last_name"], "", child["first_name"], child["born"].strftime("%d/%m/%Y"), "F" if child["girl"] else "M",
                ine, homes[0], "31000" if homes[0] else "", "Préau" if homes[0] else "", "FRANCE" if homes[0] else "",
                homes[1], "31000" if homes[1] else "", "Préau" if homes[1] else "", "FRANCE" if homes[1] else "",
                CYCLES[child["level"]], child["level"], child["label"], class_id, "Oui", "Oui", child["photo"], "",
            ])
        write(folder / "CSVExtraction-eleves.csv", ONDE_PUPIL_HEADER, rows)
        guardians = onde_guardians.get(index, [])
        width = max((len(g["children"]) for g in guardians), default=1)
        rows = []
        for g in guardians:
            civility = "M." if g["relationship"] == "Père" else "Mme" if g["relationship"] == "Mère" else ""
            row = [civility, g["last_name"], g["last_name"], g["first_name"], g["home"], "31000", "Préau", "FRANCE", g["email"],
                   "", "", "", g["phone"]]
            for child in g["children"]:
                row += ["", child["last_name"], child["first_name"], child["label"]]
            rows.append(row + ["", "", "", ""] * (width - len(g["children"])))
        write(folder / "CSVExtraction-responsables.csv", ONDE_GUARDIAN_HEADER + ONDE_CHILD_HEADER * width, rows)
        teachers = {}
        for staff_id, last, first, email, staff_uai, role, classes in staff_rows:
            if staff_uai != uai or "CLAE" in role:
                continue
            entry = teachers.setdefault(staff_id, {"last": last, "first": first, "email": email, "director": False, "classes": []})
            entry["director"] |= role.startswith("Direct")
            if classes:
                entry["classes"].append(classes)
        rows = []
        for entry in teachers.values():
            civility = "M." if entry["first"] in ADULT_MEN else "Mme"
            for label in entry["classes"] or [""]:
                rows.append([civility, entry["last"], entry["last"], entry["first"], "", "", "", "", entry["email"], "", "",
                             "oui" if entry["director"] else "non", label])
        write(folder / "CSVExtraction-enseignants.csv", ONDE_TEACHER_HEADER, rows)


assert set(AGE_AT_START) == set(LEVEL_ORDER)
