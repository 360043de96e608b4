"""The registry import: idempotent, keyed on registry ids and UAI, all or nothing with file:line errors."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ent_pages.access import policy
from ent_pages.models import ClassPage, Enrolment, Guardian, Guardianship, Pupil, SchoolPage, StaffAssignment, User
from ent_pages.registry.generator import generate_city
from ent_pages.registry.importer import ImportFailed, import_city
from tests.ent_pages.conftest import read_csv, write_csv

pytestmark = pytest.mark.django_db


def snapshot():
    return (SchoolPage.objects.count(), ClassPage.objects.count(), Pupil.objects.count(), Enrolment.objects.count(),
            Guardian.objects.count(), Guardianship.objects.count(), User.objects.count(), StaffAssignment.objects.count())


def test_generated_city_imports_then_reimport_reports_no_change(city_dir):
    first = import_city(city_dir)
    assert first.counts["schools"]["created"] == 3
    assert first.counts["pupils"]["created"] == 150 == Pupil.objects.count()
    assert Enrolment.objects.count() == 150
    assert 20 <= Enrolment.objects.filter(class_page=ClassPage.objects.first()).count() <= 30
    second = import_city(city_dir)
    assert not second.changed
    assert second.counts["pupils"]["unchanged"] == 150


def test_import_command_prints_summary_and_says_no_change_the_second_time(city_dir, capsys):
    call_command("import_city", str(city_dir))
    call_command("import_city", str(city_dir))
    out = capsys.readouterr().out
    assert "pupils" in out and "150 created" in out
    assert "No change" in out


def test_imported_classes_get_role_groups_and_their_teachers_edit_them(city_dir):
    import_city(city_dir)
    class_page = ClassPage.objects.order_by("path").first()
    assert class_page.teachers_group is not None
    teacher = class_page.teaching_assignments.first().user
    assert teacher.external_id and not teacher.has_usable_password()
    assert policy.can_edit(teacher, class_page)
    school = class_page.get_parent().specific
    assert school.directors_group is not None and school.clae_group is not None
    assert school.url_path.startswith("/accueil/") and class_page.url_path.startswith(school.url_path)


def test_dry_run_reports_changes_and_writes_nothing(city_dir):
    report = import_city(city_dir, dry_run=True)
    assert report.counts["pupils"]["created"] == 150
    assert Pupil.objects.count() == 0 and SchoolPage.objects.count() == 0


def test_photo_authorisation_column_seeds_the_pupils_consent(city_dir):
    import_city(city_dir)
    rows = [line.split(";") for line in read_csv(city_dir / "eleves.csv")[1:]]
    for pupil_id, *_rest, photo in rows[:10]:
        expected = {"Oui": True, "Non": False, "": None}[photo]
        assert Pupil.objects.get(external_id=pupil_id).photo_consent_from_registry is expected


def test_pupil_who_changes_class_moves_and_pupil_who_left_loses_enrolment_but_family_keeps_account(city_dir):
    import_city(city_dir)
    lines = read_csv(city_dir / "eleves.csv")
    moving = lines[1].split(";")
    other_class = next(c.split(";")[1] for c in read_csv(city_dir / "classes.csv")[1:]
                       if c.split(";")[0] == moving[4] and c.split(";")[1] != moving[5])
    moving[5] = other_class
    leaving_id = lines[2].split(";")[0]
    leaving = Pupil.objects.get(external_id=leaving_id)
    guardian = leaving.guardianships.first().guardian
    guardian.user = User.objects.create_user("famille@example.org")
    guardian.save()
    write_csv(city_dir / "eleves.csv", [lines[0], ";".join(moving), *lines[3:]])
    guardians = read_csv(city_dir / "responsables.csv")
    kept = []
    for line in guardians:
        cells = line.split(";")
        ids = [i for i in cells[-1].split("|") if i != leaving_id]
        if ids:
            kept.append(";".join([*cells[:-1], "|".join(ids)]))
    write_csv(city_dir / "responsables.csv", kept)

    report = import_city(city_dir)

    assert report.counts["enrolments"]["updated"] == 1 and report.counts["enrolments"]["removed"] == 1
    assert Enrolment.objects.get(pupil__external_id=moving[0]).class_page.title == other_class
    assert not Enrolment.objects.filter(pupil=leaving).exists()
    assert User.objects.filter(username="famille@example.org", is_active=True).exists()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_windows_1252_and_bom_files_are_read_with_their_accents(tmp_path, encoding):
    generate_city(tmp_path, schools=2, pupils=50, seed=3, encoding=encoding)
    raw = (tmp_path / "eleves.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    import_city(tmp_path)
    assert SchoolPage.objects.filter(title__startswith="École").count() == 2
    accented = {p.first_name for p in Pupil.objects.all()} & {"Chloé", "Inès", "Léa", "Léo", "Raphaël", "Maël", "Noé", "Zoé", "Timéo", "Léna", "Maëlys", "Adèle", "Héloïse", "Élise", "Anaïs", "Côme", "Ilyès", "Léon"}
    assert accented


def test_comma_separated_files_are_detected(city_dir):
    import csv
    for path in city_dir.glob("*.csv"):
        rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines(), delimiter=";"))
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, delimiter=",").writerows(rows)
    report = import_city(city_dir)
    assert report.counts["pupils"]["created"] == 150


def _add_line(path, line):
    lines = read_csv(path)
    write_csv(path, [*lines, line])
    return len(lines) + 1


BAD_ROWS = {
    "unknown UAI": ("eleves.csv", "ELV9999999;Durand;Léa;01/02/2019;0999999Z;CP;Oui", "UAI inconnu 0999999Z"),
    "duplicate id with other values": ("eleves.csv", "{pupil};Autre;Zoé;01/02/2019;{uai};{label};Oui", "en double (déjà ligne 2)"),
    "bad date": ("eleves.csv", "ELV9999999;Durand;Léa;31/02/2019;{uai};{label};Oui", "n'est pas une date"),
    "class not in classes file": ("eleves.csv", "ELV9999999;Durand;Léa;01/02/2019;{uai};CM2 Z;Oui", "n'est pas dans classes.csv"),
    "unknown pupil of a guardian": ("responsables.csv", "RL9999999;Durand;Anne;;;Mère;ELV9999998", "identifiant d'élève inconnu"),
    "unknown teacher": ("classes.csv", "{uai};CM2 Z;CM2;{year};AG999999", "identifiant d'enseignant inconnu"),
    "bad email": ("responsables.csv", "RL9999999;Durand;Anne;anne@@exemple;;Mère;{pupil}", "courriel invalide"),
    "unknown role": ("personnels.csv", "AG999999;Durand;Anne;;{uai};Cuisinière;", "fonction inconnue"),
}


@pytest.mark.parametrize("kind", sorted(BAD_ROWS))
def test_a_bad_row_names_file_and_line_and_leaves_the_database_as_it_was(city_dir, kind):
    import_city(city_dir)
    before = snapshot()
    name, template, message = BAD_ROWS[kind]
    first = read_csv(city_dir / "eleves.csv")[1].split(";")
    year = read_csv(city_dir / "classes.csv")[1].split(";")[3]
    line = ";".join(first) if template is None else template.format(uai=first[4], label=first[5], year=year, pupil=first[0])
    number = _add_line(city_dir / name, line)
    # A change elsewhere that must not be written either.
    lines = read_csv(city_dir / "ecoles.csv")
    write_csv(city_dir / "ecoles.csv", [lines[0], lines[1].replace("École", "Groupe scolaire", 1), *lines[2:]])

    with pytest.raises(ImportFailed) as failure:
        import_city(city_dir)

    assert any(error.startswith(f"{name}:{number}: ") and message in error for error in failure.value.errors), failure.value.errors
    assert snapshot() == before
    assert not SchoolPage.objects.filter(title__startswith="Groupe scolaire").exists()


def test_a_missing_column_is_reported_on_the_header_line(city_dir):
    lines = read_csv(city_dir / "eleves.csv")
    write_csv(city_dir / "eleves.csv", [";".join(c.split(";")[:3] + c.split(";")[4:]) for c in lines])
    with pytest.raises(ImportFailed) as failure:
        import_city(city_dir)
    assert failure.value.errors == ["eleves.csv:1: colonne « Date de naissance » manquante"]
    assert snapshot() == (0, 0, 0, 0, 0, 0, 0, 0)


def test_all_errors_are_listed_and_the_command_fails(city_dir, capsys):
    _add_line(city_dir / "eleves.csv", "ELV9999999;Durand;Léa;hier;0999999Z;CP;peut-être")
    with pytest.raises(CommandError, match="3 error"):
        call_command("import_city", str(city_dir))
    err = capsys.readouterr().err
    assert "n'est pas une date" in err and "UAI inconnu" in err and "autorisation photo" in err


def test_imported_pages_form_a_valid_tree_and_are_served_searched_and_edited(city_dir, client):
    from wagtail.models import Page, PageLogEntry

    import_city(city_dir)
    assert Page.find_problems() == ([], [], [], [], [])
    class_page = ClassPage.objects.order_by("path").last()
    school = class_page.get_parent()
    assert school.specific.numchild == school.get_children().count()
    assert school.get_children().type(ClassPage).count() >= 1
    # Every imported school gets its CLAE space, and every page its file collection.
    from ent_pages.models import PageCollection
    from periscolaire.models import ClaePage

    assert ClaePage.objects.child_of(school).count() == 1
    assert PageCollection.objects.filter(page=class_page).exists()
    assert PageLogEntry.objects.filter(page=class_page, action="wagtail.create").exists()
    assert class_page.pk in {p.pk for p in ClassPage.objects.search(class_page.title)}
    teacher = class_page.teaching_assignments.first().user
    client.force_login(teacher)
    assert client.get(class_page.url).status_code == 200
    assert client.get(f"/admin/pages/{class_page.pk}/edit/").status_code == 200
    # A class created later by hand lands after the imported ones.
    extra = class_page.get_parent().add_child(instance=ClassPage(title="ULIS", slug="ulis", levels=["CP"]))
    assert extra.path > class_page.path and extra.teachers_group_id


def test_reimport_costs_a_fixed_number_of_queries_whatever_the_number_of_pupils(city_dir, django_assert_max_num_queries):
    import_city(city_dir)
    with django_assert_max_num_queries(40):
        assert not import_city(city_dir).changed


def test_guardian_rows_renumbered_and_reordered_keep_every_record_and_the_activated_parent(city_dir):
    """Clerks numbered guardian rows by hand: reordered rows got other ids. Records are found again by name and child."""
    import_city(city_dir)
    activated = Guardian.objects.order_by("pk")[3]
    children = set(activated.guardianships.values_list("pupil_id", flat=True))
    activated.user = User.objects.create_user("parent@example.org")
    activated.save()
    before = snapshot()
    lines = read_csv(city_dir / "responsables.csv")
    rows = [line.split(";") for line in lines[1:]][::-1]
    for n, row in enumerate(rows):
        row[0] = f"RX{n:07d}"
    write_csv(city_dir / "responsables.csv", [lines[0], *(";".join(row) for row in rows)])

    report = import_city(city_dir)

    assert report.counts["guardians"]["created"] == 0 and report.counts["guardianships"]["created"] == 0
    assert snapshot() == before
    activated.refresh_from_db()
    assert activated.external_id.startswith("RX") and activated.user.username == "parent@example.org"
    assert set(activated.guardianships.values_list("pupil_id", flat=True)) == children
    assert not import_city(city_dir).changed


@pytest.mark.parametrize("value, message", [
    ("Lé\x00a", "eleves.csv:{line}: caractère de contrôle (comme NUL) dans « Prénom » : exportez à nouveau le fichier"),
    ("L" * 101, "eleves.csv:{line}: « Prénom » dépasse 100 caractères (101)"),
])
def test_control_characters_and_values_too_long_are_file_line_errors(city_dir, value, message):
    number = _add_line(city_dir / "eleves.csv", "ELV9999999;Durand;{};01/02/2019;{};{};Oui".format(
        value, *read_csv(city_dir / "eleves.csv")[1].split(";")[4:6]))
    with pytest.raises(ImportFailed) as failure:
        import_city(city_dir)
    assert message.format(line=number) in failure.value.errors
    assert snapshot() == (0, 0, 0, 0, 0, 0, 0, 0)


def test_a_header_only_pupils_file_is_refused_for_schools_that_had_pupils(city_dir):
    import_city(city_dir)
    before = snapshot()
    write_csv(city_dir / "eleves.csv", read_csv(city_dir / "eleves.csv")[:1])
    write_csv(city_dir / "responsables.csv", read_csv(city_dir / "responsables.csv")[:1])
    with pytest.raises(ImportFailed) as failure:
        import_city(city_dir)
    assert len(failure.value.errors) == 6
    assert failure.value.errors[0].startswith("eleves.csv:1: seulement 0 élèves pour 0310001A, qui en avait ")
    assert snapshot() == before
    assert import_city(city_dir, allow_removals=True).counts["enrolments"]["removed"] == 150
