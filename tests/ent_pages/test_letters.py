"""Activation letters: printed by the class's teacher or the director, new codes on confirmation."""

import re

import pytest
from django.urls import reverse

from ent_pages import activation, letters
from ent_pages.models import ActivationCode
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    GuardianshipFactory,
    PupilFactory,
    UserFactory,
    make_director,
    make_parent,
    make_teacher,
)

pytestmark = pytest.mark.django_db


def pdf_pages(content):
    return len(re.findall(rb"/Type /Page[^s]", content))


def waiting_family(class_page, n=1):
    guardians = []
    for _ in range(n):
        pupil = PupilFactory()
        EnrolmentFactory(pupil=pupil, class_page=class_page)
        guardian = GuardianFactory(user=None)
        GuardianshipFactory(guardian=guardian, pupil=pupil)
        guardians.append(guardian)
    return guardians


def test_teacher_downloads_class_letters_one_page_per_guardian_not_yet_activated(client, class_page):
    waiting = waiting_family(class_page, 3)
    make_parent(class_page)  # already activated: no letter
    client.force_login(make_teacher(class_page))
    url = reverse("ent_pages_activation_letters", args=[class_page.pk])

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "3 personnes n'ont pas encore activé" in confirm.content.decode()
    assert not ActivationCode.objects.exists()  # nothing changes before confirming

    response = client.post(url)
    assert response["Content-Type"] == "application/pdf"
    assert pdf_pages(response.content) == 3
    assert set(ActivationCode.objects.values_list("guardian", flat=True)) == {g.pk for g in waiting}


def test_printing_letters_again_renews_the_codes_and_the_old_letters_stop_working(class_page):
    (guardian,) = waiting_family(class_page)
    old = activation.issue_codes(guardian_ids=[guardian.pk])[("guardian", guardian.pk)]
    letters.generate(class_page)
    assert activation.find_usable(old) is None
    assert ActivationCode.objects.usable().filter(guardian=guardian).count() == 1


def test_school_letters_hold_each_guardian_once_with_all_their_children(school, class_page, other_class):
    guardian = GuardianFactory(user=None)
    for class_ in (class_page, other_class):
        pupil = PupilFactory()
        EnrolmentFactory(pupil=pupil, class_page=class_)
        GuardianshipFactory(guardian=guardian, pupil=pupil)
    waiting_family(other_class, 2)
    make_teacher(school.get_children().first().specific)
    make_director(school)
    recipients = letters.recipients_for(school)
    guardians = [r for r in recipients if r.kind == "guardian"]
    assert len(guardians) == 3
    mine = next(r for r in guardians if r.pk == guardian.pk)
    assert {title for _first, title in mine.children} == {class_page.title, other_class.title}
    # The guardian's letter goes through one class only.
    in_first = {r.pk for r in letters.recipients_for(class_page)}
    in_second = {r.pk for r in letters.recipients_for(other_class)}
    assert (guardian.pk in in_first) != (guardian.pk in in_second)
    # Staff who never chose a password get a letter in the school's batch too.
    assert [r for r in recipients if r.kind == "user"] == []  # factories give passwords
    pdf, count = letters.generate(school)
    assert count == 3 and pdf_pages(pdf) == 3


def test_director_downloads_the_school_letters(client, school, class_page):
    waiting_family(class_page, 2)
    client.force_login(make_director(school))
    response = client.post(reverse("ent_pages_activation_letters", args=[school.pk]))
    assert response.status_code == 200 and pdf_pages(response.content) == 2


def test_another_classes_teacher_and_parents_cannot_print_letters(client, class_page, other_class):
    waiting_family(class_page)
    url = reverse("ent_pages_activation_letters", args=[class_page.pk])
    client.force_login(make_teacher(other_class))
    assert client.post(url).status_code in (302, 403)
    parent, _pupil = make_parent(class_page)
    client.force_login(parent)
    assert client.post(url).status_code in (302, 403)
    client.force_login(UserFactory())
    assert client.get(reverse("ent_pages_activation_report", args=[class_page.pk])).status_code in (302, 403)
    assert not ActivationCode.objects.exists()


def test_activation_report_lists_who_has_activated_as_csv(client, class_page):
    waiting_family(class_page, 2)
    parent, pupil = make_parent(class_page)
    client.force_login(make_teacher(class_page))
    url = reverse("ent_pages_activation_report", args=[class_page.pk])
    page = client.get(url)
    body = page.content.decode()
    assert "1 responsables légaux sur 3 ont activé" in body
    csv_text = client.get(url, {"format": "csv"}).content.decode("utf-8-sig")
    lines = csv_text.strip().splitlines()
    assert len(lines) == 4
    assert any(pupil.first_name in line and line.endswith(";oui") for line in lines)


def test_class_listing_offers_letters_to_the_director(client, school, class_page):
    client.force_login(make_director(school))
    response = client.get(reverse("wagtailadmin_explore", args=[school.pk]))
    assert reverse("ent_pages_activation_letters", args=[class_page.pk]) in response.content.decode()
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[class_page.pk]))
    assert reverse("ent_pages_activation_report", args=[class_page.pk]) in edit.content.decode()
