"""ONDE extractions are imported as schools export them: per-school folders, Windows-1252, every value quoted.

The files are written here byte by byte as ONDE writes them (headers of two ONDE versions), with the
names real files hold: apostrophes, hyphens, ``Œ``, separated parents at two addresses, a father with
children in two schools, a missing email, a pupil without INE.
"""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ent_pages.models import (
    ClassPage,
    Enrolment,
    Guardian,
    Guardianship,
    Pupil,
    Role,
    SchoolPage,
    StaffAssignment,
    User,
)
from ent_pages.registry.generator import generate_city
from ent_pages.registry.importer import ImportFailed, import_city

pytestmark = pytest.mark.django_db

YEAR = "2026-2027"
A, B = "0310001A", "0310002B"
PUPIL_HEADER_V1 = ["Nom élève", "Nom d'usage élève", "Prénom élève", "Date naissance", "Sexe", "INE", "Adresse1", "CP1",
                   "Commune1", "Pays1", "Adresse2", "CP2", "Commune2", "Pays2", " Cycle", "Niveau", "Libellé classe",
                   "Identifiant classe", "Attestation fournie", "Autorisation associations", "Autorisation photo",
                   "Décision de passage"]
# Another ONDE version: capitals, no accents, `Classe`, `Autorisations photos`, spaces around.
PUPIL_HEADER_V2 = [" NOM ELEVE ", "Nom d'usage eleve", "PRENOM ELEVE", "Date naissance", "Sexe", "INE", "Adresse1", "CP1",
                   "Commune1", "Pays1", "Adresse2", "CP2", "Commune2", "Pays2", " Cycle", "NIVEAU", "Classe",
                   "Identifiant classe", "Attestation fournie", "Autorisation associations", "Autorisations photos",
                   "Décision de passage"]
GUARDIAN_HEADER = ["Civilité Responsable", "Nom usage responsable", "Nom responsable", "Prénom responsable",
                   "Adresse responsable", "CP responsable", "Commune responsable", "Pays", "Courriel",
                   "Téléphone domicile", "Téléphone travail", "Numéro de poste", "Téléphone portable"]
CHILD_HEADER = ["Nom d'usage enfant", "Nom de famille enfant", "Prénom enfant", "Classes enfants"]
TEACHER_HEADER = ["Civilité", "Nom usage", "Nom", "Prénom", "Adresse", "CP", "Commune", "Pays", "Courriel",
                  "Téléphone domicile", "Téléphone portable", "Directeur", "Classe"]

LILAS, JAURES = "12 rue des Lilas", "8 avenue Jean Jaurès"


def pupil(last, first, born, ine, level, label, class_id, photo="Oui", home1=LILAS, home2="", usage=""):
    return [last, usage, first, born, "F", ine, home1, "31000", "Préau", "FRANCE", home2, "31000" if home2 else "",
            "Préau" if home2 else "", "FRANCE" if home2 else "", "1", level, label, class_id, "Oui", "Oui", photo, ""]


def guardian(civility, last, first, home, email, mobile, *children):
    row = [civility, last, last, first, home, "31000", "Préau", "FRANCE", email, "05 61 00 00 00", "", "", mobile]
    for child in children:
        row += ["", *child]
    return row


def pupils_a():
    return [
        pupil("N'DIAYE", "Aïssatou", "03/04/2021", "111111111AA", "GS", "GS B - Mme N'Diaye", "1002"),
        pupil("CŒUR", "Zoé", "14/02/2022", "", "MS", "PS-MS Mme LE COQ", "1001", photo="Non"),
        pupil("SAINT-MARTIN", "Jean-Noël", "30/06/2021", "333333333CC", "GS", "GS B - Mme N'Diaye", "1002",
              home1=LILAS, home2=JAURES),
    ]


def guardians_a():
    return [
        guardian("Mme", "N'Diaye", "Fatou", LILAS, "fatou.ndiaye@exemple.fr", "06 11 11 11 11",
                 ("NDIAYE", "AISSATOU", "GS B - MME N\u2019DIAYE")),
        guardian("Mme", "Cœur", "Hélène", LILAS, "helene.coeur@exemple.fr", "", ("COEUR", "ZOE", "PS-MS Mme Le Coq")),
        # Separated parents: the mother has no email, the father lives elsewhere and has a child in school B too.
        guardian("Mme", "Durand", "Claire", LILAS, "", "06 22 22 22 22", ("Saint Martin", "Jean Noël", "GS B - Mme N'Diaye")),
        guardian("M.", "Saint-Martin", "Paul", JAURES, "paul.saint-martin@exemple.fr", "",
                 ("SAINT-MARTIN", "JEAN-NOEL", "GS B - Mme N'Diaye")),
    ]


def teachers_a():
    return [
        ["Mme", "N'Diaye", "N'Diaye", "Awa", "", "", "", "", "awa.ndiaye@ac-preau.fr", "", "", "oui", "GS B - Mme N'Diaye"],
        ["M.", "Le Coq", "Le Coq", "Yann", "", "", "", "", "yann.lecoq@ac-preau.fr", "", "", "non", "PS-MS Mme LE COQ"],
    ]


def pupils_b():
    return [
        pupil("SAINT-MARTIN", "Léa", "02/09/2018", "222222222BB", "CE1", "CE1 A - M. DUPONT", "2001", home1=JAURES, home2=LILAS),
        pupil("D'ALMEIDA", "Noé", "11/11/2018", "444444444DD", "CE1", "CE1 A - M. DUPONT", "2001", photo=""),
        # Two pupils of the same name in the same class: their guardians' addresses tell them apart.
        pupil("MARTIN", "Emma", "05/05/2018", "555555555EE", "CE1", "CE1 A - M. DUPONT", "2001", home1="1 place du Capitole"),
        pupil("MARTIN", "Emma", "06/06/2018", "666666666FF", "CE1", "CE1 A - M. DUPONT", "2001", home1="2 allée des Pins"),
    ]


def guardians_b():
    return [
        guardian("M.", "Saint-Martin", "Paul", JAURES, "paul.saint-martin@exemple.fr", "", ("Saint-Martin", "Léa", "CE1 A - M. DUPONT")),
        guardian("Mme", "D'Almeida", "Inês", "3 rue Peyrolières", "ines@exemple.fr", "", ("DALMEIDA", "NOE", "CE1 A - M. Dupont")),
        guardian("Mme", "Martin", "Julie", "1 place du Capitole", "julie@exemple.fr", "", ("MARTIN", "Emma", "CE1 A - M. DUPONT")),
        guardian("Mme", "Martin", "Sonia", "2 allée des Pins", "sonia@exemple.fr", "", ("MARTIN", "Emma", "CE1 A - M. DUPONT")),
    ]


def teachers_b():
    return [["M.", "Dupont", "Dupont", "Marc", "", "", "", "", "marc.dupont@ac-preau.fr", "", "", "oui", "CE1 A - M. DUPONT"]]


def encode_rows(header, rows, encoding="cp1252"):
    width = max([len(header), *(len(r) for r in rows)])
    lines = [";".join(f'"{v}"' for v in [*row, *[""] * (width - len(row))]) for row in [header, *rows]]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def write(path, header, rows, encoding="cp1252"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode_rows(header, rows, encoding))


def write_guardians(path, rows):
    groups = max((len(r) - len(GUARDIAN_HEADER)) // 4 for r in rows) if rows else 1
    write(path, GUARDIAN_HEADER + CHILD_HEADER * groups, rows)


@pytest.fixture
def onde_dir(tmp_path):
    city = tmp_path / "ville"
    write(city / "ecoles.csv", ["UAI", "Nom", "Type", "Adresse", "Téléphone", "Courriel"], [
        [A, "École maternelle Les Lilas", "maternelle", "", "", ""],
        [B, "École élémentaire Jean Jaurès", "élémentaire", "", "", ""],
    ])
    write(city / A / "CSVExtraction-eleves.csv", PUPIL_HEADER_V1, pupils_a())
    write_guardians(city / A / "CSVExtraction-responsables.csv", guardians_a())
    write(city / A / "CSVExtraction-enseignants.csv", TEACHER_HEADER, teachers_a())
    write(city / B / "CSVExtraction-eleves.csv", PUPIL_HEADER_V2, pupils_b())
    write_guardians(city / B / "CSVExtraction-responsables.csv", guardians_b())
    write(city / B / "CSVExtraction-enseignants.csv", TEACHER_HEADER, teachers_b())
    return city


def snapshot():
    return (SchoolPage.objects.count(), ClassPage.objects.count(), Pupil.objects.count(), Enrolment.objects.count(),
            Guardian.objects.count(), Guardianship.objects.count(), User.objects.count(), StaffAssignment.objects.count(),
            sorted(Guardian.objects.values_list("external_id", "phone", "user_id")))


def children_of(first_name, last_name):
    return sorted(Guardianship.objects.filter(guardian__first_name=first_name, guardian__last_name=last_name)
                  .values_list("pupil__first_name", flat=True))


def test_onde_folders_are_imported_as_exported_and_a_second_import_changes_nothing(onde_dir):
    report = import_city(onde_dir, year=YEAR)

    assert report.counts["pupils"]["created"] == 7 and report.counts["guardians"]["created"] == 8
    classes = {c.title: c.levels for c in ClassPage.objects.all()}
    assert classes == {"PS-MS Mme LE COQ": ["MS"], "GS B - Mme N'Diaye": ["GS"], "CE1 A - M. DUPONT": ["CE1"]}
    assert set(ClassPage.objects.values_list("school_year", flat=True)) == {YEAR}
    zoe = Pupil.objects.get(first_name="Zoé")
    assert zoe.last_name == "CŒUR" and zoe.external_id.startswith("ONDE-ELV-") and zoe.photo_consent_from_registry is False
    assert Pupil.objects.get(first_name="Aïssatou").external_id == "111111111AA"
    assert Pupil.objects.get(first_name="Noé").photo_consent_from_registry is None
    assert children_of("Claire", "Durand") == ["Jean-Noël"] and Guardian.objects.get(first_name="Claire").email == ""
    assert children_of("Hélène", "Cœur") == ["Zoé"]
    # The father of children in two schools: one record per school (two letters), one account once activated.
    assert children_of("Paul", "Saint-Martin") == ["Jean-Noël", "Léa"]
    assert Guardian.objects.filter(first_name="Paul").count() == 2
    emma_of_julie = Guardianship.objects.get(guardian__first_name="Julie").pupil
    assert emma_of_julie.external_id == "555555555EE"
    assert Guardianship.objects.get(guardian__first_name="Sonia").pupil.external_id == "666666666FF"
    assert Guardian.objects.get(first_name="Fatou").phone == "06 11 11 11 11"
    assert Guardian.objects.get(first_name="Hélène").phone == "05 61 00 00 00"  # no mobile: the home phone
    director = User.objects.get(email="awa.ndiaye@ac-preau.fr")
    assert set(director.staff_assignments.values_list("role", flat=True)) == {Role.DIRECTOR, Role.TEACHER}
    assert director.teaching_assignments.get().class_page.title == "GS B - Mme N'Diaye"
    assert set(User.objects.get(email="yann.lecoq@ac-preau.fr").staff_assignments.values_list("role", flat=True)) == {Role.TEACHER}

    again = import_city(onde_dir, year=YEAR)
    assert not again.changed and again.counts["guardians"]["unchanged"] == 8


def test_import_command_takes_the_onde_city_and_the_current_year_by_default(onde_dir, capsys):
    call_command("import_city", str(onde_dir))
    call_command("import_city", str(onde_dir))
    out = capsys.readouterr().out
    assert "7 created" in out and "No change" in out


def test_reordered_rows_a_new_phone_and_an_added_child_keep_every_guardian_record_and_account(onde_dir):
    import_city(onde_dir, year=YEAR)
    paul_a = Guardian.objects.get(first_name="Paul", guardianships__pupil__first_name="Jean-Noël")
    paul_a.user = User.objects.create_user("paul@exemple.fr")
    paul_a.save()
    before = snapshot()

    rows = guardians_a()[::-1]
    rows[0][12] = "07 99 99 99 99"  # Paul has a new mobile
    write_guardians(onde_dir / A / "CSVExtraction-responsables.csv", rows)
    report = import_city(onde_dir, year=YEAR)
    assert report.counts["guardians"]["created"] == 0 and report.counts["guardians"]["updated"] == 1
    assert report.counts["guardianships"] == {"unchanged": 8}
    assert snapshot()[:8] == before[:8]

    # A little sister arrives: Paul's row names two children, his record and account stay.
    write(onde_dir / A / "CSVExtraction-eleves.csv", PUPIL_HEADER_V1,
          [*pupils_a(), pupil("SAINT-MARTIN", "Inès", "01/09/2023", "", "PS", "PS-MS Mme LE COQ", "1001")])
    rows[0] += ["", "SAINT-MARTIN", "Inès", "PS-MS Mme LE COQ"]
    write_guardians(onde_dir / A / "CSVExtraction-responsables.csv", rows)
    report = import_city(onde_dir, year=YEAR)
    assert report.counts["guardians"]["created"] == 0
    paul_a.refresh_from_db()
    assert paul_a.user.username == "paul@exemple.fr"
    assert sorted(paul_a.guardianships.values_list("pupil__first_name", flat=True)) == ["Inès", "Jean-Noël"]
    assert not import_city(onde_dir, year=YEAR).changed


def test_pupil_without_ine_who_changes_class_stays_the_same_pupil(onde_dir):
    import_city(onde_dir, year=YEAR)
    zoe = Pupil.objects.get(first_name="Zoé")
    rows = pupils_a()
    rows[1][15:18] = ["GS", "GS B - Mme N'Diaye", "1002"]
    write(onde_dir / A / "CSVExtraction-eleves.csv", PUPIL_HEADER_V1, rows)
    rows = guardians_a()
    rows[1][16] = "GS B - Mme N'Diaye"
    write_guardians(onde_dir / A / "CSVExtraction-responsables.csv", rows)

    report = import_city(onde_dir, year=YEAR)

    assert report.counts["pupils"]["created"] == 0 and report.counts["enrolments"]["updated"] == 1
    assert Enrolment.objects.get(pupil=zoe).class_page.title == "GS B - Mme N'Diaye"
    assert children_of("Hélène", "Cœur") == ["Zoé"]


def test_a_duplicated_line_is_counted_once_with_a_warning(onde_dir, capsys):
    rows = pupils_a()
    write(onde_dir / A / "CSVExtraction-eleves.csv", PUPIL_HEADER_V1, [*rows, rows[0]])
    rows = guardians_a()
    write_guardians(onde_dir / A / "CSVExtraction-responsables.csv", [*rows, rows[2]])

    call_command("import_city", str(onde_dir), year=YEAR)

    assert Pupil.objects.count() == 7 and Guardian.objects.count() == 8
    err = capsys.readouterr().err
    assert f"{A}/CSVExtraction-eleves.csv:5: ligne identique à la ligne 2 : comptée une seule fois" in err
    assert f"{A}/CSVExtraction-responsables.csv:6: ligne identique à la ligne 4 : comptée une seule fois" in err


def test_a_header_only_guardians_file_is_refused_unless_removals_are_allowed(onde_dir):
    import_city(onde_dir, year=YEAR)
    before = snapshot()
    write_guardians(onde_dir / A / "CSVExtraction-responsables.csv", [])

    with pytest.raises(ImportFailed) as failure:
        import_city(onde_dir, year=YEAR)

    assert failure.value.errors == [
        f"{A}/CSVExtraction-responsables.csv:1: seulement 0 liens enfant-responsable pour {A}, qui en avait 4 cette "
        "année : refusé, l'export semble tronqué ; si ces familles sont vraiment parties, relancez avec --allow-removals"
    ]
    assert snapshot() == before
    write_guardians(onde_dir / A / "CSVExtraction-responsables.csv", guardians_a())
    write(onde_dir / A / "CSVExtraction-eleves.csv", PUPIL_HEADER_V1, [])
    with pytest.raises(CommandError):
        call_command("import_city", str(onde_dir), year=YEAR)
    assert snapshot() == before


def test_removals_are_accepted_when_asked(onde_dir):
    import_city(onde_dir, year=YEAR)
    write_guardians(onde_dir / A / "CSVExtraction-responsables.csv", [])
    report = import_city(onde_dir, year=YEAR, allow_removals=True)
    assert report.counts["guardianships"]["removed"] == 4


def _replace_bytes(path, old: bytes, new: bytes):
    raw = path.read_bytes()
    assert old in raw
    path.write_bytes(raw.replace(old, new, 1))


def _bad_unmatched(city):
    rows = guardians_a()
    rows[1][14:16] = ["COEUR", "CHLOE"]
    write_guardians(city / A / "CSVExtraction-responsables.csv", rows)


def _bad_ambiguous(city):
    rows = guardians_b()
    rows[2][4] = "9 rue Inconnue"
    write_guardians(city / B / "CSVExtraction-responsables.csv", rows)


def _bad_nul(city):
    _replace_bytes(city / A / "CSVExtraction-eleves.csv", b"Zo\xe9", b"Zo\x00\xe9")


def _bad_control(city):
    _replace_bytes(city / B / "CSVExtraction-responsables.csv", b"Sonia", b"So\x1bnia")


def _bad_too_long(city):
    rows = pupils_b()
    rows[1][2] = "Noé" * 40
    write(city / B / "CSVExtraction-eleves.csv", PUPIL_HEADER_V2, rows)


def _bad_undefined_byte(city):
    _replace_bytes(city / A / "CSVExtraction-enseignants.csv", b"Yann", b"Y\x81nn")


def _bad_mixed_encodings(city):
    _replace_bytes(city / B / "CSVExtraction-eleves.csv", b"No\xe9", "Noé".encode())


def _bad_mixed_lines(city):
    path = city / A / "CSVExtraction-enseignants.csv"
    lines = path.read_bytes().split(b"\r\n")
    lines[2] = lines[2].decode("cp1252").replace("Yann", "Jérôme").encode()  # a line pasted from a UTF-8 file
    path.write_bytes(b"\r\n".join(lines))


BAD_FILES = {
    "unmatched child": (_bad_unmatched, f"{A}/CSVExtraction-responsables.csv:3: ",
                        "l'enfant CHLOE COEUR de la classe « PS-MS Mme Le Coq » n'est pas dans CSVExtraction-eleves.csv"),
    "ambiguous child": (_bad_ambiguous, f"{B}/CSVExtraction-responsables.csv:4: ",
                        "l'enfant Emma MARTIN de la classe « CE1 A - M. DUPONT » correspond à plusieurs élèves"),
    "NUL in a name": (_bad_nul, f"{A}/CSVExtraction-eleves.csv:3: ", "caractère de contrôle (comme NUL) dans « Prénom élève »"),
    "control character": (_bad_control, f"{B}/CSVExtraction-responsables.csv:5: ",
                          "caractère de contrôle (comme NUL) dans « Prénom responsable »"),
    "too long": (_bad_too_long, f"{B}/CSVExtraction-eleves.csv:3: ", "« Prénom élève » dépasse 100 caractères (120)"),
    "undefined byte": (_bad_undefined_byte, f"{A}/CSVExtraction-enseignants.csv:3: ", "l'octet 0x81 n'est ni de l'UTF-8 ni du Windows-1252"),
    "mixed encodings in a line": (_bad_mixed_encodings, f"{B}/CSVExtraction-eleves.csv:3: ",
                                  "encodages mélangés : cette ligne mêle des caractères UTF-8 et Windows-1252"),
    "mixed encodings between lines": (_bad_mixed_lines, f"{A}/CSVExtraction-enseignants.csv:3: ",
                                      "encodages mélangés : cette ligne est en UTF-8 mais la ligne 1 est en Windows-1252"),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_a_bad_file_gives_its_file_and_line_in_french_and_writes_nothing(onde_dir, kind):
    import_city(onde_dir, year=YEAR)
    spoil, where, message = BAD_FILES[kind]
    write(onde_dir / "ecoles.csv", ["UAI", "Nom", "Type"], [[A, "Groupe scolaire Les Lilas", "maternelle"],
                                                            [B, "École élémentaire Jean Jaurès", "élémentaire"]])
    before = snapshot()
    spoil(onde_dir)

    with pytest.raises(ImportFailed) as failure:
        import_city(onde_dir, year=YEAR)

    assert any(e.startswith(where) and message in e for e in failure.value.errors), failure.value.errors
    assert snapshot() == before
    assert not SchoolPage.objects.filter(title__startswith="Groupe scolaire").exists()


def test_a_bom_before_windows_1252_bytes_is_decoded(onde_dir):
    path = onde_dir / A / "CSVExtraction-eleves.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    import_city(onde_dir, year=YEAR)
    assert Pupil.objects.filter(last_name="CŒUR", first_name="Zoé").exists()


def test_a_folder_not_named_after_a_school_is_an_error(onde_dir):
    (onde_dir / A).rename(onde_dir / "0319999Z")
    with pytest.raises(ImportFailed) as failure:
        import_city(onde_dir, year=YEAR)
    assert failure.value.errors[0].startswith("0319999Z/: dossier")


def test_generated_onde_city_imports_and_reimports_without_change(tmp_path):
    result = generate_city(tmp_path, schools=3, pupils=150, seed=7, format="onde")
    assert (tmp_path / "0310001A" / "CSVExtraction-responsables.csv").read_bytes().startswith(b'"Civilit\xe9 Responsable";')
    report = import_city(tmp_path)
    assert report.counts["pupils"]["created"] == 150 and report.counts["guardians"]["created"] == result.guardians
    assert not import_city(tmp_path).changed
