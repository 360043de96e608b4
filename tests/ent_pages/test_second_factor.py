"""Staff sign in with a second factor (TOTP app or recovery code); families may; new devices are reported."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ent_pages.activation import issue_codes
from ent_pages.models import Role
from ent_pages.second_factor import service
from tests.factories import StaffAssignmentFactory, UserFactory, make_director, make_parent, make_teacher

pytestmark = pytest.mark.django_db
PASSWORD = "Un-mot-de-passe-2026"  # tests.factories.UserFactory
LOGIN = "/connexion/"


def enrolled(user):
    """Give `user` a confirmed authenticator; returns it."""
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def code(device):
    device.refresh_from_db()
    return str(TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()).zfill(6)


def logged_in(client):
    return "_auth_user_id" in client.session


def test_a_staff_login_without_the_second_factor_fails(client, class_page):
    teacher = make_teacher(class_page)
    enrolled(teacher)
    response = client.post(LOGIN, {"username": teacher.username, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("ent_pages:second_factor_verify")
    assert not logged_in(client)
    assert client.get("/admin/").status_code == 302
    assert client.get("/mon-espace/").status_code == 302
    wrong = client.post(reverse("ent_pages:second_factor_verify"), {"code": "000000"})
    assert wrong.status_code == 400 and "Ce code ne fonctionne pas" in wrong.content.decode()
    assert not logged_in(client)


def test_a_staff_login_with_the_code_opens_a_verified_session(client, class_page):
    teacher = make_teacher(class_page)
    device = enrolled(teacher)
    client.post(LOGIN, {"username": teacher.username, "password": PASSWORD, "next": "/admin/"})
    response = client.post(reverse("ent_pages:second_factor_verify"), {"code": code(device)})
    assert response.status_code == 302 and response.url == "/admin/"
    assert logged_in(client) and client.session["otp_device_id"] == device.persistent_id
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_works_once(client, class_page):
    teacher = make_teacher(class_page)
    enrolled(teacher)
    codes = service.new_recovery_codes(teacher)
    for expected in (True, False):
        client.logout()
        client.post(LOGIN, {"username": teacher.username, "password": PASSWORD})
        client.post(reverse("ent_pages:second_factor_verify"), {"code": codes[0].upper()})
        assert logged_in(client) is expected
    assert StaticToken.objects.filter(device__user=teacher).count() == 9


def test_the_code_step_expires(client, class_page):
    teacher = make_teacher(class_page)
    device = enrolled(teacher)
    client.post(LOGIN, {"username": teacher.username, "password": PASSWORD})
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        response = client.post(reverse("ent_pages:second_factor_verify"), {"code": code(device)})
    assert response.status_code == 302 and response.url == reverse("ent_pages:login") and not logged_in(client)


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=10)
def test_wrong_codes_are_throttled(client, class_page):
    teacher = make_teacher(class_page)
    device = enrolled(teacher)
    client.post(LOGIN, {"username": teacher.username, "password": PASSWORD}, REMOTE_ADDR="203.0.113.20")
    statuses = [client.post(reverse("ent_pages:second_factor_verify"), {"code": "123456"},
                            REMOTE_ADDR="203.0.113.20").status_code for _ in range(10)]
    assert statuses[:9] == [400] * 9 and statuses[9] == 429
    response = client.post(reverse("ent_pages:second_factor_verify"), {"code": code(device)}, REMOTE_ADDR="203.0.113.20")
    assert response.status_code == 429 and not logged_in(client)


def test_staff_without_an_authenticator_enrol_one_before_their_session_opens(client, class_page):
    teacher = make_teacher(class_page)
    response = client.post(LOGIN, {"username": teacher.username, "password": PASSWORD})
    assert response.url == reverse("ent_pages:second_factor_enrol") and not logged_in(client)
    assert client.get("/admin/").status_code == 302  # no way around the enrolment
    page = client.get(reverse("ent_pages:second_factor_enrol"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=teacher, confirmed=False)
    assert client.post(reverse("ent_pages:second_factor_enrol"), {"code": "000000"}).status_code == 400
    mail.outbox.clear()
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):  # django-otp waits a second after a failure
        done = client.post(reverse("ent_pages:second_factor_enrol"), {"code": code(device)})
    assert done.status_code == 200 and len(done.context["codes"]) == 10
    assert logged_in(client) and client.session["otp_device_id"] == device.persistent_id
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert any("double" in m.subject.lower() or "facteur" in m.subject.lower() for m in mail.outbox)


def test_a_password_alone_never_replaces_an_enrolled_authenticator(client, class_page):
    teacher = make_teacher(class_page)
    enrolled(teacher)
    client.post(LOGIN, {"username": teacher.username, "password": PASSWORD})
    response = client.get(reverse("ent_pages:second_factor_enrol"))
    assert response.status_code == 302 and response.url == reverse("ent_pages:second_factor_verify")
    assert TOTPDevice.objects.filter(user=teacher, confirmed=False).count() == 0


def test_the_admin_login_leads_to_the_login_with_a_second_factor(client, class_page):
    teacher = make_teacher(class_page)
    enrolled(teacher)
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302 and response.url == "/connexion/?next=%2Fadmin%2Fpages%2F"
    client.post("/admin/login/", {"username": teacher.username, "password": PASSWORD})
    assert not logged_in(client)
    assert client.get("/admin/").url.startswith("/admin/login/")


def test_families_keep_password_login_and_new_devices_are_reported(client, class_page):
    parent, _pupil = make_parent(class_page)
    client.post(LOGIN, {"username": parent.username, "password": PASSWORD})
    assert logged_in(client)
    (notice,) = mail.outbox
    assert notice.to == [parent.email] and "nouvel appareil" in notice.body
    device_cookie = client.cookies[service.DEVICE_COOKIE].value
    client.logout()
    client.cookies[service.DEVICE_COOKIE] = device_cookie
    client.post(LOGIN, {"username": parent.username, "password": PASSWORD})
    assert logged_in(client) and len(mail.outbox) == 1  # the same browser: no new email
    other_browser = client.__class__()
    other_browser.post(LOGIN, {"username": parent.username, "password": PASSWORD})
    assert len(mail.outbox) == 2


def test_a_family_may_enrol_then_is_asked_for_the_code(client, class_page):
    parent, _pupil = make_parent(class_page)
    client.force_login(parent)
    assert "mot de passe seul" in client.get(reverse("ent_pages:security")).content.decode()
    client.get(reverse("ent_pages:second_factor_enrol"))
    device = TOTPDevice.objects.get(user=parent)
    client.post(reverse("ent_pages:second_factor_enrol"), {"code": code(device)})
    client.logout()
    client.post(LOGIN, {"username": parent.username, "password": PASSWORD})
    assert not logged_in(client)
    # ...and may remove it again (staff may not).
    client.post(reverse("ent_pages:second_factor_verify"), {"code": service.new_recovery_codes(parent)[0]})
    client.post(reverse("ent_pages:security"), {"action": "remove"})
    assert not service.has_second_factor(parent)


def test_staff_cannot_remove_their_second_factor(client, class_page):
    teacher = make_teacher(class_page)
    enrolled(teacher)
    client.force_login(teacher)
    client.post(reverse("ent_pages:security"), {"action": "remove"})
    assert service.has_second_factor(teacher)


def test_a_director_resets_the_second_factor_of_a_teacher_of_their_school(client, school, class_page, other_school):
    from wagtail.models import ModelLogEntry

    teacher = make_teacher(class_page)
    enrolled(teacher)
    director = make_director(school)
    client.force_login(director)
    listing = client.get(reverse("ent_pages_second_factors"))
    assert listing.status_code == 200 and teacher.username in listing.content.decode()
    mail.outbox.clear()
    response = client.post(reverse("ent_pages_reset_second_factor", args=[teacher.pk]))
    assert response.status_code == 302 and not service.has_second_factor(teacher)
    assert [m.to for m in mail.outbox] == [[teacher.email]]
    entry = ModelLogEntry.objects.get(action="preau.second_factor_reset")
    assert entry.user == director and entry.data["school"] == school.pk


def test_nobody_else_resets_a_teachers_second_factor(client, school, class_page, other_school):
    teacher = make_teacher(class_page)
    enrolled(teacher)
    colleague = make_teacher(class_page)
    other_director = make_director(other_school)
    fellow_director = make_director(school)
    for user in (colleague, other_director):
        client.force_login(user)
        assert client.post(reverse("ent_pages_reset_second_factor", args=[teacher.pk])).status_code in (302, 403)
        assert teacher.username not in client.get(reverse("ent_pages_second_factors")).content.decode()
    client.force_login(make_director(school))
    enrolled(fellow_director)
    assert client.post(reverse("ent_pages_reset_second_factor", args=[fellow_director.pk])).status_code in (302, 403)
    assert service.has_second_factor(fellow_director)
    assert service.has_second_factor(teacher)


def test_staff_activating_their_account_enrol_before_their_session_opens(client, school):
    staff = UserFactory(username="AG000099", email="", password=None)
    staff.set_unusable_password()
    staff.is_active = False
    staff.save()
    StaffAssignmentFactory(user=staff, school=school, role=Role.CLAE_ANIMATOR)
    letter = issue_codes(user_ids=[staff.pk])[("user", staff.pk)]
    response = client.post("/activation/", {"code": letter, "email": "animateur@example.org", "password1": "Cartable-Vert-2026",
                                            "password2": "Cartable-Vert-2026", "accept_terms": "on"})
    assert response.status_code == 302 and response.url == reverse("ent_pages:second_factor_enrol")
    assert not logged_in(client)


def test_family_login_and_security_page_take_few_queries(client, class_page, django_assert_max_num_queries):
    parent, _pupil = make_parent(class_page)
    with django_assert_max_num_queries(20):
        assert client.post(LOGIN, {"username": parent.username, "password": PASSWORD}).status_code == 302
    # The base page asks the scope (remembered afterwards), counts unread messages and links the legal pages.
    with django_assert_max_num_queries(14):
        assert client.get(reverse("ent_pages:security")).status_code == 200
