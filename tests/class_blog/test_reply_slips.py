"""Reply slips: a note asks a question, one answer per child, by either guardian; the sender sees every answer."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from class_blog import notes as note_service
from class_blog.models import AnswerKind, NoteAnswer
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    GuardianshipFactory,
    PupilFactory,
    UserFactory,
    make_parent,
    make_teacher,
)

pytestmark = pytest.mark.django_db

TUESDAY_MORNING = datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _school_day():
    with time_machine.travel(TUESDAY_MORNING, tick=True):
        yield


def _slip(class_page, sender, kind=AnswerKind.YES_NO, choices=""):
    return note_service.send_note(
        sender, title="Sortie au musée", text="Jeudi, nous allons au musée.", class_page=class_page,
        answer_kind=kind, question="Votre enfant peut-il participer ?", answer_choices=choices,
        respond_by=datetime.date(2026, 11, 27),
    )


@pytest.fixture
def separated_parents(class_page):
    """Zoé's two guardians, each with their own account."""
    mother, zoe = make_parent(class_page, username="maman", first_name="Zoé")
    father = UserFactory(username="papa")
    GuardianshipFactory(guardian=GuardianFactory(user=father), pupil=zoe)
    return mother, father, zoe


@pytest.fixture
def siblings_parent(class_page):
    """One guardian with two children in the class."""
    parent, tom = make_parent(class_page, username="fratrie", first_name="Tom")
    lina = PupilFactory(first_name="Lina")
    EnrolmentFactory(pupil=lina, class_page=class_page)
    GuardianshipFactory(guardian=parent.guardian_records.get(), pupil=lina)
    return parent, tom, lina


def _answer(client, user, note, pupil, value):
    client.force_login(user)
    return client.post(reverse("class_blog:note_answer", args=[note.pk]), {"pupil": pupil.pk, "value": value})


def test_answers_are_per_child_and_either_guardian_answers_the_latest_counts(client, class_page, separated_parents, siblings_parent):
    teacher = make_teacher(class_page)
    mother, father, zoe = separated_parents
    parent, tom, lina = siblings_parent
    note = _slip(class_page, teacher)

    _answer(client, mother, note, zoe, "yes")
    _answer(client, father, note, zoe, "no")
    _answer(client, parent, note, tom, "yes")
    _answer(client, parent, note, lina, "no")

    answers = {a.pupil: (a.value, a.answered_by) for a in NoteAnswer.objects.filter(note=note)}
    assert answers == {zoe: ("no", father), tom: ("yes", parent), lina: ("no", parent)}
    # The teacher's table: one row per child, with who answered.
    client.force_login(teacher)
    context = client.get(reverse("class_blog:note_detail", args=[note.pk])).context
    table = {row["pupil"].first_name: row["answer"].display for row in context["answer_rows"]}
    assert table == {"Zoé": "non", "Tom": "oui", "Lina": "non"}
    assert context["answer_missing"] == 0
    # Answering is reading: the note is acknowledged for those who answered.
    assert not note_service.pending_notes_for(father).exists()


def test_a_guardian_cannot_answer_for_a_child_that_is_not_theirs(client, class_page, separated_parents, siblings_parent):
    teacher = make_teacher(class_page)
    _mother, father, zoe = separated_parents
    parent, _tom, _lina = siblings_parent
    note = _slip(class_page, teacher)
    response = _answer(client, parent, note, zoe, "no")
    assert response.status_code == 302
    assert not NoteAnswer.objects.exists()
    client.force_login(father)
    assert "Lina" not in client.get(reverse("class_blog:note_detail", args=[note.pk])).content.decode()


def test_a_choice_answer_must_be_one_of_the_choices_and_a_bad_answer_is_refused_in_french(client, class_page, siblings_parent):
    teacher = make_teacher(class_page)
    parent, tom, _lina = siblings_parent
    note = _slip(class_page, teacher, kind=AnswerKind.CHOICE, choices="Je serai présent\nJe serai absent")
    response = _answer(client, parent, note, tom, "Peut-être")
    assert not NoteAnswer.objects.exists()
    follow = client.get(response.url).content.decode()
    assert "Choisissez une des réponses proposées." in follow
    _answer(client, parent, note, tom, "Je serai présent")
    assert NoteAnswer.objects.get().value == "Je serai présent"


def test_the_reminder_goes_to_the_families_without_an_answer_and_the_csv_lists_every_child(
    client, class_page, separated_parents, siblings_parent
):
    teacher = make_teacher(class_page)
    mother, father, zoe = separated_parents
    parent, tom, lina = siblings_parent
    note = _slip(class_page, teacher)
    _answer(client, father, note, zoe, "yes")
    _answer(client, parent, note, tom, "yes")  # Lina has no answer yet
    with time_machine.travel(TUESDAY_MORNING + datetime.timedelta(hours=1), tick=False):
        assert note_service.remind(note) == 1
    assert [m.to for m in mail.outbox] == [[parent.email]]

    client.force_login(teacher)
    response = client.get(reverse("class_blog:note_answers_export", args=[note.pk]))
    body = response.content.decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert len(lines) == 4 and lines[0].startswith("Nom;Prénom;Réponse")
    by_first_name = {line.split(";")[1]: line.split(";")[2] for line in lines[1:]}
    assert by_first_name == {"Zoé": "oui", "Tom": "oui", "Lina": ""}


def test_families_cannot_read_the_answers_nor_export_them(client, class_page, separated_parents):
    teacher = make_teacher(class_page)
    mother, _father, _zoe = separated_parents
    note = _slip(class_page, teacher)
    client.force_login(mother)
    assert client.get(reverse("class_blog:note_answers_export", args=[note.pk])).status_code == 404
    assert "answer_rows" not in client.get(reverse("class_blog:note_detail", args=[note.pk])).context


def test_a_reply_slip_written_in_quiet_hours_waits_like_any_note(class_page, siblings_parent):
    teacher = make_teacher(class_page)
    parent, tom, _lina = siblings_parent
    friday_night = datetime.datetime(2026, 11, 27, 20, 30, tzinfo=datetime.UTC)
    with time_machine.travel(friday_night, tick=False):
        note = _slip(class_page, teacher)
        from class_blog import reply_slips

        assert not reply_slips.answerable_pupils(note, parent).exists()
    with time_machine.travel(note.scheduled_for, tick=False):
        assert timezone.localtime(note.scheduled_for).hour == 7
        assert set(reply_slips.answerable_pupils(note, parent)) == {tom, _lina}


def test_the_note_form_asks_a_question_and_at_least_two_choices(client, class_page):
    teacher = make_teacher(class_page)
    make_parent(class_page)
    client.force_login(teacher)
    data = {"audience": "class", "class_page": class_page.pk, "title": "Réunion", "text": "Réunion de rentrée.",
            "answer_kind": "choice", "question": "", "answer_choices": "Présent"}
    response = client.post(reverse("class_blog:note_create"), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"question", "answer_choices"}
    data.update(question="Serez-vous présent ?", answer_choices="Présent\n\nAbsent\n", respond_by="2026-11-30")
    response = client.post(reverse("class_blog:note_create"), data)
    assert response.status_code == 302
    note = note_service.Note.objects.get(title="Réunion")
    assert note.choice_list == ["Présent", "Absent"] and note.respond_by == datetime.date(2026, 11, 30)
