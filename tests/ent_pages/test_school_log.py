"""Who did what: directors read their school's log of sensitive actions, and only their school's."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry, PageLogEntry

from class_blog import notes as note_service
from ent_pages import activation
from ent_pages.models import Role, StaffAssignment
from ent_pages.school_year import current_school_year
from periscolaire import consent
from periscolaire.models import ConsentDecision, ConsentPurpose
from tests.factories import (
    ClassPageFactory,
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
LOG = "/admin/preau/journal/"


def actions(client):
    response = client.get(LOG)
    assert response.status_code == 200
    return [(entry.action, entry.label) for entry in response.context["page_obj"]]


def test_director_reads_consent_changes_of_their_school_only(client, school, class_page, other_school):
    parent, pupil = make_parent(class_page, first_name="Zoé")
    far_parent, far_pupil = make_parent(ClassPageFactory(parent=other_school), first_name="Yanis")
    for user, child in ((parent, pupil), (far_parent, far_pupil)):
        consent.set_consent(user.guardian_records.get(), child, ConsentPurpose.SCHOOL, current_school_year(),
                            ConsentDecision.REFUSED, changed_by=user)
    client.force_login(make_director(school))
    logged = actions(client)
    assert logged == [("preau.consent_changed", str(pupil))]
    body = client.get(LOG).content.decode()
    assert "Zoé" in body and "Yanis" not in body and "Droit à l&#x27;image modifié" in body


def test_teachers_and_parents_cannot_read_the_log(client, school, class_page):
    for user in (make_teacher(class_page), make_parent(class_page)[0]):
        client.force_login(user)
        assert client.get(LOG).status_code in (302, 403)


def test_activations_letters_and_exports_are_logged_for_the_school(client, school, class_page):
    director = make_director(school)
    guardian = GuardianFactory(user=None)
    pupil = PupilFactory()
    EnrolmentFactory(pupil=pupil, class_page=class_page)
    GuardianshipFactory(guardian=guardian, pupil=pupil)
    client.force_login(director)
    client.post(reverse("ent_pages_activation_letters", args=[class_page.pk]))
    client.get(reverse("ent_pages_activation_report", args=[class_page.pk]), {"format": "csv"})
    note = note_service.send_note(director, title="Sortie", text="Signez.", class_page=class_page)
    client.get(reverse("class_blog:note_export", args=[note.pk]))
    code = activation.issue_codes(guardian_ids=[guardian.pk])[("guardian", guardian.pk)]
    family = client.__class__()
    family.post("/activation/", {"code": code, "email": "maman@example.org", "password1": "Cartable-Vert-2026",
                                 "password2": "Cartable-Vert-2026", "accept_terms": "on"})
    logged = [action for action, _label in actions(client)]
    assert logged == ["preau.account_activated", "preau.export", "preau.export", "preau.letters_printed"]
    entry = PageLogEntry.objects.get(action="preau.letters_printed")
    assert entry.user == director and entry.data["school"] == school.pk


def test_partnerships_are_logged_for_both_schools(client, school, class_page, other_school):
    far_class = ClassPageFactory(parent=other_school, title="CE2-CM1")
    teacher, far_teacher = make_teacher(class_page), make_teacher(far_class)
    client.force_login(teacher)
    client.post(reverse("class_blog:partnership_invite", args=[class_page.pk]), {"invite-invited_class": far_class.pk})
    for director_school in (school, other_school):
        client.force_login(make_director(director_school))
        assert [a for a, _ in actions(client)] == ["preau.partnership_changed"]
    assert {e.user for e in ModelLogEntry.objects.filter(action="preau.partnership_changed")} == {teacher}
    assert far_teacher  # the invited side answers later; its answer is logged the same way


def test_roles_given_in_the_admin_are_logged(client, school, admin_user):
    newcomer = UserFactory(username="nouvelle.enseignante")
    client.force_login(admin_user)
    response = client.post("/admin/snippets/ent_pages/staffassignment/add/",
                           {"user": newcomer.pk, "role": Role.TEACHER, "school": school.pk})
    assert response.status_code == 302 and StaffAssignment.objects.filter(user=newcomer).exists()
    client.force_login(make_director(school))
    assert [a for a, _ in actions(client)] == ["preau.role_changed"]
