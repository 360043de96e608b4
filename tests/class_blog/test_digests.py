"""Email digests: per guardian, opt-out and frequency, nothing when nothing is new, never what they may not see."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from class_blog import notes as note_service
from class_blog.digests import send_digests
from class_blog.models import DigestFrequency, DigestPreference
from tests.factories import (
    ClassPageFactory,
    ClassPartnershipFactory,
    ClassPostPageFactory,
    HomeworkEntryFactory,
    make_parent,
    make_teacher,
)

pytestmark = pytest.mark.django_db

TUESDAY_10H = datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC)
TUESDAY_18H = datetime.datetime(2026, 11, 24, 17, 0, tzinfo=datetime.UTC)


def _publish(page, when):
    type(page).objects.filter(pk=page.pk).update(first_published_at=when, last_published_at=when)


@pytest.fixture
def parent(class_page):
    return make_parent(class_page)[0]


@pytest.fixture
def busy_day(parent, class_page, other_class):
    """A day of class life in CE1 B (where `parent` has a child), and some in CM2 A."""
    teacher = make_teacher(class_page)
    with time_machine.travel(TUESDAY_10H, tick=False):
        _publish(ClassPostPageFactory(parent=class_page, title="Sortie au musée"), TUESDAY_10H)
        HomeworkEntryFactory(class_page=class_page, due_on=datetime.date(2026, 11, 26), text="Apprendre la poésie")
        note_service.send_note(teacher, title="Autorisation de sortie", text="Merci de signer.", class_page=class_page)
        _publish(ClassPostPageFactory(parent=other_class, title="Secret du CM2"), TUESDAY_10H)
        HomeworkEntryFactory(class_page=other_class, due_on=datetime.date(2026, 11, 26), text="Devoir du CM2")


def test_guardian_receives_a_digest_of_the_day(busy_day, parent):
    with time_machine.travel(TUESDAY_18H, tick=False):
        sent, _nothing, _not_due = send_digests()
    assert sent == 1
    (email,) = mail.outbox
    assert email.to == [parent.email]
    assert "Sortie au musée" in email.body and "Apprendre la poésie" in email.body and "Autorisation de sortie" in email.body
    assert "Secret du CM2" not in email.body and "Devoir du CM2" not in email.body


def test_nothing_is_sent_when_nothing_is_new(class_page):
    make_parent(class_page)
    with time_machine.travel(TUESDAY_18H, tick=False):
        assert send_digests()[0] == 0
    assert not mail.outbox


def test_daily_digest_is_sent_once_a_day(busy_day):
    with time_machine.travel(TUESDAY_18H, tick=False):
        send_digests()
        send_digests()
    assert len(mail.outbox) == 1


def test_guardian_who_opted_out_receives_nothing(client, busy_day, parent):
    client.force_login(parent)
    client.post(reverse("class_blog:notification_preferences"), {"frequency": DigestFrequency.NEVER})
    assert DigestPreference.objects.get(user=parent).frequency == DigestFrequency.NEVER
    with time_machine.travel(TUESDAY_18H, tick=False):
        send_digests()
    assert not mail.outbox


def test_no_digest_during_quiet_hours(busy_day):
    with time_machine.travel(datetime.datetime(2026, 11, 24, 21, 0, tzinfo=datetime.UTC), tick=False):
        call_command("send_digests")
    assert not mail.outbox


def test_partner_family_digest_has_blog_posts_but_never_homework_or_notes(busy_day, class_page, parent):
    partner_class = ClassPageFactory()
    ClassPartnershipFactory(inviting_class=class_page, invited_class=partner_class)
    partner_parent, _ = make_parent(partner_class)
    with time_machine.travel(TUESDAY_18H, tick=False):
        send_digests()
    (email,) = [m for m in mail.outbox if m.to == [partner_parent.email]]
    assert "Sortie au musée" in email.body
    assert "Apprendre la poésie" not in email.body and "Autorisation de sortie" not in email.body


def test_send_digests_command_reports_its_figures(busy_day, capsys):
    make_parent(ClassPageFactory())
    call_command("send_digests", now="2026-11-24T18:00:00+01:00")
    out = capsys.readouterr().out
    assert "Digests sent: 1, nothing new: 1" in out
