"""Notes to acknowledge (mot à signer)."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from class_blog import notes as note_service
from class_blog.models import Note, NoteRecipient
from tests.factories import (
    ClassPageFactory,
    ClassPartnershipFactory,
    GuardianFactory,
    GuardianshipFactory,
    make_director,
    make_parent,
    make_teacher,
)

pytestmark = pytest.mark.django_db

TUESDAY_MORNING = datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC)  # 10:00 in Paris


def _note(class_page, sender=None, **kwargs):
    sender = sender or make_teacher(class_page)
    return note_service.send_note(sender, title="Sortie au musée", text="Merci de signer.", class_page=class_page, **kwargs)


def test_teacher_sends_a_note_to_every_family_of_the_class(client, class_page, other_class):
    teacher = make_teacher(class_page)
    parent, pupil = make_parent(class_page)
    make_parent(other_class)
    client.force_login(teacher)
    with time_machine.travel(TUESDAY_MORNING, tick=False):
        response = client.post(reverse("class_blog:note_create"), {
            "audience": "class", "class_page": class_page.pk, "title": "Sortie", "text": "Merci de signer.",
        })
    assert response.status_code == 302
    note = Note.objects.get()
    assert list(note.recipients.values_list("pupil", flat=True)) == [pupil.pk]


def test_guardian_acknowledges_once_and_the_timestamp_never_changes(client, class_page):
    parent, _ = make_parent(class_page)
    with time_machine.travel(TUESDAY_MORNING, tick=False):
        note = _note(class_page)
        client.force_login(parent)
        assert client.post(reverse("class_blog:note_acknowledge", args=[note.pk])).status_code == 302
    first = NoteRecipient.objects.get().acknowledged_at
    assert first == TUESDAY_MORNING
    with time_machine.travel(TUESDAY_MORNING + datetime.timedelta(hours=2), tick=False):
        client.post(reverse("class_blog:note_acknowledge", args=[note.pk]))
    assert NoteRecipient.objects.get().acknowledged_at == first


def test_guardian_sees_pending_note_on_home_until_acknowledged(client, class_page):
    parent, _ = make_parent(class_page)
    with time_machine.travel(TUESDAY_MORNING, tick=False):
        note = _note(class_page)
        client.force_login(parent)
        assert note in client.get(reverse("ent_pages:my_space")).context["pending_notes"]
        client.post(reverse("class_blog:note_acknowledge", args=[note.pk]))
        assert note not in client.get(reverse("ent_pages:my_space")).context["pending_notes"]


def test_sender_sees_who_acknowledged_per_pupil_and_exports_csv(client, class_page):
    teacher = make_teacher(class_page)
    mum, pupil = make_parent(class_page, first_name="Zoé")
    dad = GuardianFactory(first_name="Julien", last_name="Fabre")
    GuardianshipFactory(guardian=dad, pupil=pupil)
    with time_machine.travel(TUESDAY_MORNING, tick=False):
        note = _note(class_page, sender=teacher)
        note_service.acknowledge(note, mum)
    client.force_login(teacher)
    response = client.get(reverse("class_blog:note_detail", args=[note.pk]))
    (row,) = response.context["rows"]
    assert row["pupil"] == pupil
    assert {(r.guardian_id, r.acknowledged_at is not None) for r in row["recipients"]} == {
        (mum.guardian_records.get().pk, True), (dad.pk, False)}
    assert response.context["counts"] == {"recipient_count": 2, "acknowledged_count": 1}
    csv_text = client.get(reverse("class_blog:note_export", args=[note.pk])).content.decode("utf-8-sig")
    assert "Julien Fabre" in csv_text and len(csv_text.strip().splitlines()) == 3


def test_parent_cannot_see_the_acknowledgement_table(client, class_page):
    parent, _ = make_parent(class_page)
    with time_machine.travel(TUESDAY_MORNING, tick=False):
        note = _note(class_page)
        client.force_login(parent)
        response = client.get(reverse("class_blog:note_detail", args=[note.pk]))
    assert response.status_code == 200 and "rows" not in response.context
    assert client.get(reverse("class_blog:note_export", args=[note.pk])).status_code == 404


def test_parent_of_another_class_cannot_open_a_note(client, class_page, other_class):
    outsider, _ = make_parent(other_class)
    with time_machine.travel(TUESDAY_MORNING, tick=False):
        note = _note(class_page)
        client.force_login(outsider)
        assert client.get(reverse("class_blog:note_detail", args=[note.pk])).status_code == 404
        assert client.post(reverse("class_blog:note_acknowledge", args=[note.pk])).status_code == 404


def test_partner_class_never_receives_notes(client, class_page):
    partner_class = ClassPageFactory()
    ClassPartnershipFactory(inviting_class=class_page, invited_class=partner_class)
    partner_parent, _ = make_parent(partner_class)
    with time_machine.travel(TUESDAY_MORNING, tick=False):
        note = _note(class_page)
        client.force_login(partner_parent)
        assert client.get(reverse("class_blog:note_detail", args=[note.pk])).status_code == 404
        assert not client.get(reverse("ent_pages:my_space")).context["pending_notes"]


def test_reminder_emails_only_those_who_have_not_acknowledged(class_page):
    done, _ = make_parent(class_page)
    waiting, _ = make_parent(class_page)
    with time_machine.travel(TUESDAY_MORNING, tick=False):
        note = _note(class_page)
        note_service.acknowledge(note, done)
        assert note_service.remind(note) == 1
    assert [m.to for m in mail.outbox] == [[waiting.email]]


def test_reminder_asked_in_quiet_hours_waits_until_morning(class_page):
    make_parent(class_page)
    with time_machine.travel(datetime.datetime(2026, 11, 24, 8, 0, tzinfo=datetime.UTC), tick=False):
        note = _note(class_page)
    evening = datetime.datetime(2026, 11, 24, 21, 30, tzinfo=datetime.UTC)  # 22:30 in Paris
    with time_machine.travel(evening, tick=False):
        assert note_service.remind(note) == 0
    note.refresh_from_db()
    assert timezone.localtime(note.reminder_due_at).hour == 7 and not mail.outbox
    with time_machine.travel(note.reminder_due_at + datetime.timedelta(minutes=1), tick=False):
        assert note_service.send_due_reminders() == 1


def test_note_written_in_quiet_hours_reaches_families_in_the_morning(class_page):
    parent, _ = make_parent(class_page)
    friday_night = datetime.datetime(2026, 11, 27, 20, 30, tzinfo=datetime.UTC)  # 21:30 in Paris
    with time_machine.travel(friday_night, tick=False):
        note = _note(class_page)
        assert not note_service.pending_notes_for(parent).exists()
    monday = timezone.localtime(note.scheduled_for)
    assert (monday.weekday(), monday.hour) == (0, 7)
    with time_machine.travel(note.scheduled_for, tick=False):
        assert list(note_service.pending_notes_for(parent)) == [note]


def test_director_sends_a_note_to_the_whole_school(client, school, class_page, other_class):
    director = make_director(school)
    make_parent(class_page)
    make_parent(other_class)
    client.force_login(director)
    with time_machine.travel(TUESDAY_MORNING, tick=False):
        response = client.post(reverse("class_blog:note_create"), {
            "audience": "school", "school": school.pk, "title": "Kermesse", "text": "Le 20 juin.",
        })
    assert response.status_code == 302
    assert Note.objects.get().recipients.count() == 2


def test_teacher_sends_a_note_to_chosen_families(client, class_page):
    teacher = make_teacher(class_page)
    _, chosen = make_parent(class_page)
    make_parent(class_page)
    client.force_login(teacher)
    with time_machine.travel(TUESDAY_MORNING, tick=False):
        client.post(reverse("class_blog:note_create"), {
            "audience": "families", "class_page": class_page.pk, "pupils": [chosen.pk], "title": "RDV", "text": "Merci.",
        })
    note = Note.objects.get()
    assert note.chosen_families and list(note.recipients.values_list("pupil", flat=True)) == [chosen.pk]


def test_teacher_cannot_send_a_school_note(client, school, class_page):
    teacher = make_teacher(class_page)
    client.force_login(teacher)
    response = client.post(reverse("class_blog:note_create"), {
        "audience": "school", "school": school.pk, "title": "Kermesse", "text": "Le 20 juin.",
    })
    assert response.status_code == 200 and not Note.objects.exists()
