"""Holiday workbooks: corrections, score, and the progress a parent keeps for each child."""

import json

import pytest

from resources.models import WorkbookPage, WorkbookProgress
from resources.workbooks import grade, parse_blanks
from tests.factories import make_parent

pytestmark = pytest.mark.django_db


@pytest.fixture
def workbook(resources_index):
    return WorkbookPage.objects.get(slug="cahier-de-vacances-ce1")


def specs_by_type(workbook):
    return {spec["type"]: spec for spec in workbook.exercise_specs()}


def perfect_answers(workbook):
    return {spec["id"]: (spec["solution"] if spec["type"] != "fill_blanks" else [a[0] for a in spec["solution"]])
            for spec in workbook.exercise_specs()}


def test_workbook_perfect_answers_score_the_maximum(workbook):
    result = grade(workbook.exercise_specs(), perfect_answers(workbook))
    # 1 (choice) + 2 (blanks) + 3 (pairs) + 1 (order)
    assert (result["score"], result["max"]) == (7, 7)
    assert all(exercise["correct"] for exercise in result["exercises"])


def test_workbook_wrong_answer_is_corrected(workbook):
    spec = specs_by_type(workbook)["multiple_choice"]
    result = grade([spec], {spec["id"]: [0]})  # "14" instead of 15
    exercise = result["exercises"][0]
    assert not exercise["correct"] and exercise["expected"] == ["15"]
    assert "10 + 5 = 15" in exercise["correction"]


def test_workbook_score_counts_each_blank_and_pair(workbook):
    specs = specs_by_type(workbook)
    answers = perfect_answers(workbook)
    answers[specs["fill_blanks"]["id"]] = ["suis", "est"]  # second blank wrong
    answers[specs["matching"]["id"]] = [0, 2, 1]  # two pairs swapped
    answers[specs["ordering"]["id"]] = [1, 0, 2, 3]
    result = grade(workbook.exercise_specs(), answers)
    assert result["score"] == 1 + 1 + 1 + 0


def test_blanks_ignore_case_accents_and_spaces():
    spec = {"id": "x", "type": "fill_blanks", "solution": [["été", "ete"]], "max": 1, "correction": ""}
    assert grade([spec], {"x": ["  ÉTÉ "]})["score"] == 1
    assert grade([spec], {"x": ["hiver"]})["score"] == 0


def test_blanks_accept_alternatives():
    assert parse_blanks("Le chat [mange|dévore] la souris.") == ["Le chat ", ["mange", "dévore"], " la souris."]


def test_unanswered_or_garbled_answers_score_zero(workbook):
    answers = {spec["id"]: "garbage" for spec in workbook.exercise_specs()}
    assert grade(workbook.exercise_specs(), answers)["score"] == 0
    assert grade(workbook.exercise_specs(), None)["score"] == 0


def test_workbook_page_works_without_an_account(client, workbook, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        response = client.get(workbook.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="workbook-data"' in html and "resources/workbook.js" in html
    assert html.count("data-check") == 4 and "data-score-button" in html
    assert "data-child-form" not in html  # nobody to keep progress for


def test_ordering_exercise_is_never_shown_already_in_order(workbook):
    spec = specs_by_type(workbook)["ordering"]
    assert spec["display_order"] != spec["solution"]


def test_parent_keeps_progress_per_child(client, workbook, class_page):
    user, pupil = make_parent(class_page, first_name="Emma")
    client.force_login(user)
    html = client.get(workbook.url).content.decode()
    assert "data-child-form" in html and "Emma" in html
    url = workbook.url + "progression/"
    spec = specs_by_type(workbook)["multiple_choice"]
    response = client.post(url, json.dumps({"pupil": pupil.pk, "answers": {spec["id"]: [1]}}),
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["score"] == 1
    progress = WorkbookProgress.objects.get(pupil=pupil, workbook=workbook)
    assert (progress.score, progress.max_score) == (1, 7)
    assert client.get(url, {"pupil": pupil.pk}).json()["answers"] == {spec["id"]: [1]}


def test_stored_score_is_graded_by_the_server(client, workbook, class_page):
    user, pupil = make_parent(class_page)
    client.force_login(user)
    spec = specs_by_type(workbook)["multiple_choice"]
    payload = {"pupil": pupil.pk, "answers": {spec["id"]: [0]}, "score": 7}
    client.post(workbook.url + "progression/", json.dumps(payload), content_type="application/json")
    assert WorkbookProgress.objects.get(pupil=pupil).score == 0


def test_parent_cannot_keep_progress_for_someone_elses_child(client, workbook, class_page, other_class):
    user, _own = make_parent(class_page)
    _other_parent, stranger = make_parent(other_class)
    client.force_login(user)
    response = client.post(workbook.url + "progression/", json.dumps({"pupil": stranger.pk, "answers": {}}),
                           content_type="application/json")
    assert response.status_code == 404
    assert client.get(workbook.url + "progression/", {"pupil": stranger.pk}).status_code == 404
    assert not WorkbookProgress.objects.exists()


def test_progress_needs_an_account(client, workbook):
    assert client.get(workbook.url + "progression/", {"pupil": 1}).status_code == 401


def test_progress_endpoint_requires_the_csrf_token(workbook, class_page):
    from django.test import Client

    user, pupil = make_parent(class_page)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(workbook.url + "progression/", json.dumps({"pupil": pupil.pk, "answers": {}}),
                           content_type="application/json")
    assert response.status_code == 403
