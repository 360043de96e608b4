"""Pupil accounts follow the registry: created by the import for the enabled levels (maternelle off),
minimal data, deactivated when the pupil leaves, deleted by the rollover three months later."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from ent_pages.models import ClassPage, Enrolment, User
from ent_pages.registry.generator import generate_city
from ent_pages.rollover import rollover_year
from pupils.accounts import sync_pupil_accounts
from pupils.models import PupilAccount
from tests.factories import ClassPageFactory, EnrolmentFactory, PupilFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def at(*args):
    return time_machine.travel(datetime(*args, 12, 0, tzinfo=PARIS), tick=False)


def test_import_command_gives_accounts_to_elementary_pupils_only(tmp_path):
    generate_city(tmp_path / "city", schools=5, pupils=200, seed=7)  # schools 0-3 are maternelles
    call_command("import_city", str(tmp_path / "city"))
    eligible = [c.pk for c in ClassPage.objects.all() if c.levels and set(c.levels) <= {"CP", "CE1", "CE2", "CM1", "CM2"}]
    expected = Enrolment.objects.filter(class_page__in=eligible).count()
    assert expected and PupilAccount.objects.count() == expected
    assert not PupilAccount.objects.exclude(pupil__enrolments__class_page__in=eligible).exists()


def test_dry_run_import_creates_no_account(tmp_path):
    generate_city(tmp_path / "city", schools=2, pupils=40, seed=3)
    call_command("import_city", str(tmp_path / "city"), "--dry-run")
    assert not PupilAccount.objects.exists()


def test_account_keeps_first_name_and_initial_only(class_page):
    pupil = PupilFactory(first_name="Emma", last_name="Lefort")
    EnrolmentFactory(pupil=pupil, class_page=class_page)
    sync_pupil_accounts()
    user = PupilAccount.objects.get(pupil=pupil).user
    assert (user.first_name, user.last_name, user.email) == ("Emma", "L.", "")
    assert "lefort" not in user.username.lower() and "emma" not in user.username.lower()
    assert not user.has_usable_password()


def test_maternelle_and_mixed_gs_cp_classes_get_no_account(school):
    for levels in (["GS"], ["GS", "CP"]):
        EnrolmentFactory(pupil=PupilFactory(), class_page=ClassPageFactory(parent=school, levels=levels))
    sync_pupil_accounts()
    assert not PupilAccount.objects.exists()


def test_the_city_chooses_the_levels(school, settings):
    settings.PREAU_PUPIL_ACCOUNT_LEVELS = ["CE2", "CM1", "CM2"]
    EnrolmentFactory(pupil=PupilFactory(), class_page=ClassPageFactory(parent=school, levels=["CP"]))
    cm1 = EnrolmentFactory(pupil=PupilFactory(), class_page=ClassPageFactory(parent=school, levels=["CM1"])).pupil
    sync_pupil_accounts()
    assert list(PupilAccount.objects.values_list("pupil", flat=True)) == [cm1.pk]


def test_renamed_pupil_follows_the_registry(class_page):
    pupil = PupilFactory(first_name="Emma", last_name="Lefort")
    EnrolmentFactory(pupil=pupil, class_page=class_page)
    sync_pupil_accounts()
    pupil.first_name, pupil.last_name = "Emmy", "Martin"
    pupil.save()
    sync_pupil_accounts()
    user = PupilAccount.objects.get(pupil=pupil).user
    assert (user.first_name, user.last_name) == ("Emmy", "M.")


def test_pupil_who_leaves_is_deactivated_then_deleted_by_the_rollover(school):
    old_year, new_year = "2026-2027", "2027-2028"
    with at(2027, 6, 1):
        old = ClassPageFactory(parent=school, levels=["CE1"], school_year=old_year)
        new = ClassPageFactory(parent=school, levels=["CE2"], school_year=new_year)
        staying, leaving = PupilFactory(), PupilFactory()
        for pupil in (staying, leaving):
            EnrolmentFactory(pupil=pupil, class_page=old, school_year=old_year)
        EnrolmentFactory(pupil=staying, class_page=new, school_year=new_year)
        sync_pupil_accounts()
        assert PupilAccount.objects.filter(is_active=True).count() == 2
    with at(2027, 9, 2):
        rollover_year(new_year)
        gone = PupilAccount.objects.get(pupil=leaving)
        assert not gone.is_active and not gone.user.is_active and gone.user.deactivated_at
        assert PupilAccount.objects.get(pupil=staying).user.is_active
    with at(2027, 12, 10):
        assert rollover_year(new_year).deleted == [gone.user.username]
    assert not User.objects.filter(pk=gone.user_id).exists()
    assert not PupilAccount.objects.filter(pupil=leaving).exists()
    assert PupilAccount.objects.filter(pupil=staying, is_active=True).exists()


def test_account_disabled_by_a_teacher_stays_disabled_after_the_next_import(class_page):
    from pupils.accounts import set_account_enabled

    pupil = PupilFactory()
    EnrolmentFactory(pupil=pupil, class_page=class_page)
    sync_pupil_accounts()
    set_account_enabled(PupilAccount.objects.get(pupil=pupil), False)
    sync_pupil_accounts()
    assert not PupilAccount.objects.get(pupil=pupil).is_active
